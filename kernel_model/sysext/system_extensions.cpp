#include "system_extensions.h"

#include "kernel_model/kernel.h"

#include <cstdlib>
#include <sstream>

namespace dextlab::kernel {

namespace {

constexpr TracePoint sysext_request { "sysext_request", TraceCategory::Lifecycle };   // request, bundle, version
constexpr TracePoint sysext_state { "sysext_state", TraceCategory::Lifecycle };       // bundle, state, version

std::string version_text(DextBundle const& b)
{
    return (b.short_version.empty() ? "-" : b.short_version) + " (" + (b.version.empty() ? "-" : b.version) + ")";
}

// "1.10.2" as numbers; a non-numeric part compares as text.
int compare_dotted(std::string const& a, std::string const& b)
{
    std::stringstream sa(a), sb(b);
    std::string pa, pb;
    for (;;) {
        bool more_a = static_cast<bool>(std::getline(sa, pa, '.'));
        bool more_b = static_cast<bool>(std::getline(sb, pb, '.'));
        if (!more_a && !more_b)
            return 0;
        if (!more_a)
            pa = "0";
        if (!more_b)
            pb = "0";
        char* end_a = nullptr;
        char* end_b = nullptr;
        unsigned long long na = std::strtoull(pa.c_str(), &end_a, 10);
        unsigned long long nb = std::strtoull(pb.c_str(), &end_b, 10);
        if (*end_a == '\0' && *end_b == '\0' && !pa.empty() && !pb.empty()) {
            if (na != nb)
                return na < nb ? -1 : 1;
        } else if (pa != pb) {
            return pa < pb ? -1 : 1;
        }
    }
}

} // namespace

char const* to_string(ExtensionState state)
{
    switch (state) {
    case ExtensionState::WaitingForUser: return "activated waiting for user";
    case ExtensionState::Enabled: return "activated enabled";
    case ExtensionState::Terminated: return "terminated waiting to uninstall on reboot";
    }
    return "?";
}

int compare_bundle_versions(DextBundle const& a, DextBundle const& b)
{
    if (int c = compare_dotted(a.version, b.version))
        return c;
    return compare_dotted(a.short_version, b.short_version);
}

SystemExtensions::SystemExtensions(Kernel& kernel, TraceBus& trace)
    : m_kernel(kernel)
    , m_trace(trace)
{
}

ExtensionRecord* SystemExtensions::find_mutable(std::string const& name)
{
    for (auto& [id, record] : m_records) {
        if (id == name || record.bundle.name == name)
            return &record;
    }
    return nullptr;
}

ExtensionRecord const* SystemExtensions::find(std::string const& name) const
{
    return const_cast<SystemExtensions*>(this)->find_mutable(name);
}

std::vector<ExtensionRecord const*> SystemExtensions::list() const
{
    std::vector<ExtensionRecord const*> out;
    for (auto const& [id, record] : m_records)
        out.push_back(&record);
    return out;
}

ErrorOr<void> SystemExtensions::activate(DextBundle bundle, Approval approval)
{
    m_trace.emit(sysext_request, "sysextd", "sysext", bundle.bundle_identifier,
        { TraceField::text("request", "activate"), TraceField::text("version", version_text(bundle)) });
    auto* existing = find_mutable(bundle.bundle_identifier);
    if (existing && existing->state == ExtensionState::Enabled) {
        if (compare_bundle_versions(existing->bundle, bundle) == 0)
            return {}; // the same version is already active: nothing to do, as on macOS
        // A different version replaces the running one: its services stop, the new one
        // matches the same devices.
        std::string old = version_text(existing->bundle);
        TRY(m_kernel.replace_dext(bundle));
        existing->bundle = std::move(bundle);
        existing->history.push_back(version_text(existing->bundle));
        m_trace.emit(sysext_state, "sysextd", "sysext", existing->bundle.bundle_identifier,
            { TraceField::text("state", to_string(existing->state)), TraceField::text("version", version_text(existing->bundle)),
                TraceField::text("replaced", old) });
        return {};
    }
    ExtensionRecord record;
    record.bundle = std::move(bundle);
    record.state = ExtensionState::WaitingForUser;
    record.history.push_back(version_text(record.bundle));
    std::string id = record.bundle.bundle_identifier;
    m_records[id] = std::move(record);
    auto& stored = m_records[id];
    m_trace.emit(sysext_state, "sysextd", "sysext", id,
        { TraceField::text("state", to_string(stored.state)), TraceField::text("version", version_text(stored.bundle)) });
    if (approval == Approval::Automatic)
        return enable(stored);
    return {};
}

ErrorOr<void> SystemExtensions::approve(std::string const& name)
{
    auto* record = find_mutable(name);
    if (!record)
        return Error::with("no system extension " + name + " was activated; activate it first");
    if (record->state != ExtensionState::WaitingForUser)
        return Error::with("system extension " + name + " is " + to_string(record->state) + ", not waiting for the user");
    return enable(*record);
}

ErrorOr<void> SystemExtensions::enable(ExtensionRecord& record)
{
    TRY(m_kernel.install_dext(record.bundle));
    record.state = ExtensionState::Enabled;
    m_trace.emit(sysext_state, "sysextd", "sysext", record.bundle.bundle_identifier,
        { TraceField::text("state", to_string(record.state)), TraceField::text("version", version_text(record.bundle)) });
    m_kernel.rematch_all();
    return {};
}

ErrorOr<void> SystemExtensions::deactivate(std::string const& name)
{
    auto* record = find_mutable(name);
    if (!record)
        return Error::with("no system extension " + name + " is installed");
    m_trace.emit(sysext_request, "sysextd", "sysext", record->bundle.bundle_identifier,
        { TraceField::text("request", "deactivate"), TraceField::text("version", version_text(record->bundle)) });
    if (record->state == ExtensionState::Enabled)
        TRY(m_kernel.uninstall_dext(record->bundle.name));
    record->state = ExtensionState::Terminated;
    m_trace.emit(sysext_state, "sysextd", "sysext", record->bundle.bundle_identifier,
        { TraceField::text("state", to_string(record->state)), TraceField::text("version", version_text(record->bundle)) });
    return {};
}

std::string SystemExtensions::format_list() const
{
    std::string out = std::to_string(m_records.size()) + " extension(s)\n";
    out += "--- com.apple.system_extension.driver_extension\n";
    out += "enabled\tactive\tteamID\tbundleID (version)\tname\t[state]\n";
    for (auto const& [id, record] : m_records) {
        bool enabled = record.state == ExtensionState::Enabled;
        out += std::string(enabled ? "*" : "") + "\t" + (enabled ? "*" : "") + "\t-\t" + id + " "
            + version_text(record.bundle) + "\t" + record.bundle.name + "\t[" + to_string(record.state) + "]\n";
    }
    return out;
}

} // namespace dextlab::kernel
