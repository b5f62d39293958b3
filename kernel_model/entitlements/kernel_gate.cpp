// The kernel's entitlement gate: the pure rules of entitlements.cpp applied to a candidate about
// to start, with the outcome traced. Kept out of kernel.cpp so the gate reads in one place.

#include "kernel_model/entitlements/entitlements.h"
#include "kernel_model/kernel.h"
#include "kernel_model/trace_points.h"

namespace dextlab::kernel {

GateOutcome Kernel::entitlement_gate(CatalogueEntry const& entry, RegistryEntry const& nub) const
{
    auto const* server = server_for_bundle(entry.bundle);
    if (!server)
        return {};
    auto verdict = check_entitlements(server->bundle().entitlements, entry.personality, nub, entry.bundle);
    if (verdict.allowed)
        return {};
    return GateOutcome { !m_development, verdict.reason };
}

bool Kernel::pass_entitlement_gate(RegistryEntry const& nub, CatalogueEntry const& entry)
{
    auto const* server = server_for_bundle(entry.bundle);
    if (!server)
        return true;
    auto verdict = check_entitlements(server->bundle().entitlements, entry.personality, nub, entry.bundle);
    if (verdict.allowed)
        return true;
    // As IOUserServer::checkEntitlements refuses the start; with SIP disabled (development mode)
    // the same check only warns.
    m_trace.emit(m_development ? tp::entitlement_warning : tp::entitlement_refused, "kernel", "lifecycle", nub.name,
        { TraceField::text("personality", entry.personality.name), TraceField::text("dext", entry.bundle),
            TraceField::text("missing", verdict.missing), TraceField::text("why", verdict.reason) });
    return m_development;
}

} // namespace dextlab::kernel
