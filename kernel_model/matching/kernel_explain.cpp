// The kernel's read-only explain API: the explanation module (explain.cpp) over the kernel's
// catalogue, with the kernel's own entitlement gate deciding refusals.

#include "kernel_model/kernel.h"

namespace dextlab::kernel {

NubExplanation Kernel::explain(RegistryEntry const& nub) const
{
    return explain_nub(m_catalogue, nub, [this](CatalogueEntry const& entry, RegistryEntry const& n) { return entitlement_gate(entry, n); });
}

std::vector<NubExplanation> Kernel::explain_registry() const
{
    // Every registered nub other than the root: devices, interfaces, and services that called
    // RegisterService (other personalities match on those).
    std::vector<NubExplanation> out;
    for_each_entry(m_root, [&](RegistryEntry const& entry, int) {
        if (&entry != &m_root && entry.registered && entry.active)
            out.push_back(explain(entry));
    });
    return out;
}

} // namespace dextlab::kernel
