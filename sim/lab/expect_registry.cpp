#include "expect_registry.h"

#include "kernel_model/properties/user_properties.h"

#include <charconv>

namespace dextlab::lab {

namespace {

std::string shown(kernel::Property const& value)
{
    std::string text = value.to_ioreg_text();
    if (value.is_number())
        text += " (" + value.to_ioreg_text(true) + ")";
    return text;
}

} // namespace

bool property_matches(kernel::Property const& value, std::string const& written)
{
    if (value.is_number()) {
        bool hex = written.starts_with("0x") || written.starts_with("0X");
        uint64_t number = 0;
        char const* first = written.data() + (hex ? 2 : 0);
        char const* last = written.data() + written.size();
        auto [end, error] = std::from_chars(first, last, number, hex ? 16 : 10);
        if (error == std::errc() && end == last && first != last)
            return number == value.as_number();
    }
    if (value.is_string())
        return value.as_string() == written;
    if (value.is_bool())
        return written == (value.as_bool() ? "true" : "false");
    return value.to_ioreg_text() == written;
}

std::string check_registry_property(kernel::Kernel const& kernel, ExpectStep const& e)
{
    auto entries = kernel::find_by_path(kernel.registry(), *e.registry);
    if (entries.empty())
        return "registry path " + *e.registry + " is not present";
    bool want = e.present.value_or(true);
    std::string found;
    for (auto const* entry : entries) {
        // What CopyProperties, an app and ioreg read: the dext's IOUserServiceProperties merged in.
        auto properties = kernel::merged_properties(*entry);
        auto it = properties.find(*e.property);
        if (it == properties.end())
            continue;
        if (!want)
            return entry->name + " has " + *e.property + " = " + shown(it->second);
        if (!e.value || property_matches(it->second, *e.value))
            return "";
        found += (found.empty() ? "" : ", ") + shown(it->second);
    }
    if (!want)
        return "";
    if (found.empty())
        return "no entry at " + *e.registry + " has a property " + *e.property;
    return *e.property + " is " + found + ", expected " + *e.value;
}

std::string check_dext_leaks(kernel::Kernel const& kernel, ExpectStep const& e)
{
    auto const* server = kernel.server_for_bundle(*e.dext);
    if (!server)
        return "no dext named " + *e.dext + " is loaded";
    if (server->running())
        return "server " + server->name() + " is still running; leaked objects are counted when it exits";
    if (!server->has_exited_once())
        return "server " + server->name() + " has not exited (was it ever launched?)";
    uint64_t counted = 0;
    std::string list;
    for (auto const& leak : server->last_leaks()) {
        if (e.with && leak.find(*e.with) == std::string::npos)
            continue;
        ++counted;
        list += (list.empty() ? "" : "; ") + leak;
    }
    if (e.leaked_objects->holds(counted))
        return "";
    return std::to_string(counted) + " objects leaked" + (e.with ? " containing \"" + *e.with + "\"" : "") + (list.empty() ? "" : " (" + list + ")")
        + ", expected " + e.leaked_objects->to_string();
}

} // namespace dextlab::lab
