#pragma once
// The SystemExtensions framework as a dext's app sees it, and sysextd behind it: activation
// requests, user approval, version replacement and deactivation. An approved extension's
// personalities go into the kernel's catalogue (and every nub is matched again); replacing a
// version stops the old one's services and starts the new one on the same devices.
//   States follow `systemextensionsctl list`: "activated waiting for user",
//   "activated enabled", "terminated waiting to uninstall on reboot".

#include "kernel_model/bundle/dext_bundle.h"
#include "sim/core/error.h"
#include "sim/core/trace.h"

#include <map>
#include <string>
#include <vector>

namespace dextlab::kernel {

class Kernel;

enum class ExtensionState : uint8_t {
    WaitingForUser, // activated, waiting for the user to allow it
    Enabled,        // activated and enabled: its personalities are in the catalogue
    Terminated,     // deactivated: its services stopped, uninstalled on the next reboot
};
char const* to_string(ExtensionState); // the systemextensionsctl wording

enum class Approval : uint8_t { Automatic, Manual };

struct ExtensionRecord {
    DextBundle bundle;                 // the version that is (or will be) active
    ExtensionState state { ExtensionState::WaitingForUser };
    std::vector<std::string> history;  // "1.0 (1)", "2.0 (2)": every version activated
};

// Compares CFBundleVersion strings as dotted numbers ("1.10" > "1.9"); ties are broken by
// CFBundleShortVersionString the same way. Returns <0, 0 or >0.
int compare_bundle_versions(DextBundle const& a, DextBundle const& b);

class SystemExtensions {
public:
    SystemExtensions(Kernel& kernel, TraceBus& trace);

    // An app asks to activate a dext. Automatic approval (CI) enables it at once; manual
    // approval waits for approve(). A different version of an enabled extension replaces it.
    ErrorOr<void> activate(DextBundle bundle, Approval approval);
    // The user allows a waiting extension (System Settings > Privacy & Security).
    ErrorOr<void> approve(std::string const& name);
    // An app asks to deactivate: the dext's services terminate, its personalities are removed.
    ErrorOr<void> deactivate(std::string const& name);

    ExtensionRecord const* find(std::string const& name) const; // by bundle name or identifier
    std::vector<ExtensionRecord const*> list() const;           // by bundle identifier
    // The text `systemextensionsctl list` prints.
    std::string format_list() const;

private:
    ErrorOr<void> enable(ExtensionRecord& record);
    ExtensionRecord* find_mutable(std::string const& name);

    Kernel& m_kernel;
    TraceBus& m_trace;
    std::map<std::string, ExtensionRecord> m_records; // by bundle identifier
};

} // namespace dextlab::kernel
