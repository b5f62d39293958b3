#include "ioreg.h"

#include "kernel_model/properties/user_properties.h"

#include <cstdio>

namespace dextlab::lab {

namespace {

std::string state_text(kernel::RegistryEntry const& e)
{
    char id[32];
    std::snprintf(id, sizeof id, "0x%llx", static_cast<unsigned long long>(e.id()));
    std::string text = "<class " + e.class_name() + ", id " + id;
    text += e.registered ? ", registered" : ", !registered";
    text += e.matched ? ", matched" : ", !matched";
    text += e.active ? ", active" : ", inactive";
    text += ", busy " + std::to_string(e.busy) + ">";
    return text;
}

void print(kernel::RegistryEntry const& e, std::string const& prefix, bool last, IoregOptions const& options, std::string& out)
{
    out += prefix + "+-o " + e.name;
    if (!e.location.empty())
        out += "@" + e.location;
    out += "  " + state_text(e) + "\n";
    std::string child_prefix = prefix + (last ? "  " : "| ");
    if (options.properties) {
        std::string rail = child_prefix + (e.children.empty() ? "  " : "| ");
        out += rail + "{\n";
        // As macOS ioreg reads them: a dext's IOUserServiceProperties merged over the entry's own.
        for (auto const& [key, value] : kernel::merged_properties(e))
            out += rail + "  \"" + key + "\" = " + value.to_ioreg_text(options.hex) + "\n";
        out += rail + "}\n" + rail + "\n";
    }
    for (size_t i = 0; i < e.children.size(); ++i)
        print(*e.children[i], child_prefix, i + 1 == e.children.size(), options, out);
}

} // namespace

std::string format_ioreg(kernel::RegistryEntry const& root, IoregOptions options)
{
    std::string out;
    print(root, "", true, options, out);
    return out;
}

} // namespace dextlab::lab
