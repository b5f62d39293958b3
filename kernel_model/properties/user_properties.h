#pragma once
// Registry properties as a dext changes and reads them (xnu iokit/Kernel/IOUserServer.cpp,
// IOService::SetProperties_Impl and friends). What a dext sets on its own service never replaces
// the kernel's keys: it is merged into one dictionary property, IOUserServiceProperties, and
// readers see that dictionary merged over the entry's own keys (CopyProperties, an app's
// IORegistryEntryCreateCFProperties, ioreg). These functions are that model, without IPC.

#include "kernel_model/registry/registry.h"

#include <optional>
#include <string>
#include <vector>

namespace dextlab::kernel {

inline constexpr char const* kIOUserServicePropertiesKey = "IOUserServiceProperties";
inline constexpr char const* kIOServicePlane = "IOService";
inline constexpr uint64_t kIOServiceSearchPropertyParents = 0x1;
inline constexpr uint64_t kIORegistryIterateParents = 0x2;

// The entry's properties with IOUserServiceProperties merged over them and removed
// (CopyProperties; is_io_registry_entry_get_properties_bin_buf for apps and ioreg).
PropertyDict merged_properties(RegistryEntry const& entry);

// One key as an app reads it: the entry's own, else IOUserServiceProperties' (IOCopyPropertyCompatible).
Property const* visible_property(RegistryEntry const& entry, std::string const& key);

// IOService::SearchProperty: the entry's own key; with kIOServiceSearchPropertyParents and the
// IOService plane, each ancestor's own keys; then the entry's IOUserServiceProperties (and, only
// if `options` also has kIORegistryIterateParents, its providers', as xnu's loop reads it).
struct SearchResult {
    Property const* value { nullptr };
    RegistryEntry const* found_in { nullptr };
};
SearchResult search_property(RegistryEntry const& entry, std::string const& key, std::string const& plane, uint64_t options);

// Merges `values` into the entry's IOUserServiceProperties (made if absent). Returns the keys
// that also exist among the entry's own properties: readers now see the dext's value instead.
std::vector<std::string> set_user_properties(RegistryEntry& entry, PropertyDict const& values);

// Removes `key` from IOUserServiceProperties; false if the entry has no such dictionary
// (kIOReturnNotFound), true otherwise, present or not (as xnu's removeObject).
bool remove_user_property(RegistryEntry& entry, std::string const& key);

// IOService::CopyProviderProperties: a dictionary per entry from `entry` up to (not including)
// the registry root, each its IOSupportedProperties if it has them, else all its own properties,
// with IOClass replaced by its class chain. With `keys`, only those keys, and IOClass only if
// asked for.
PropertyArray provider_properties(RegistryEntry const& entry, std::optional<std::vector<std::string>> const& keys);

} // namespace dextlab::kernel
