#include "user_properties.h"

#include <algorithm>

namespace dextlab::kernel {

namespace {

PropertyDict const* user_dictionary(RegistryEntry const& entry)
{
    auto const* user = entry.property(kIOUserServicePropertiesKey);
    return user && user->is_dict() ? &user->as_dict() : nullptr;
}

// The registry root is an IORegistryEntry, not an IOService: getProvider() stops below it.
bool is_root(RegistryEntry const& entry) { return dynamic_cast<RegistryRoot const*>(&entry) != nullptr; }

} // namespace

PropertyDict merged_properties(RegistryEntry const& entry)
{
    PropertyDict merged = entry.properties;
    if (auto const* user = user_dictionary(entry)) {
        merged.erase(kIOUserServicePropertiesKey);
        for (auto const& [key, value] : *user)
            merged[key] = value;
    }
    return merged;
}

Property const* visible_property(RegistryEntry const& entry, std::string const& key)
{
    if (auto const* own = entry.property(key))
        return own;
    auto const* user = user_dictionary(entry);
    auto it = user ? user->find(key) : PropertyDict::const_iterator {};
    return user && it != user->end() ? &it->second : nullptr;
}

SearchResult search_property(RegistryEntry const& entry, std::string const& key, std::string const& plane, uint64_t options)
{
    if (auto const* own = entry.property(key))
        return { own, &entry };
    // copyProperty(name, plane, kIORegistryIterateParents | kIORegistryIterateRecursively): the
    // ancestors' own keys, in a plane that exists (the lab has the service plane only).
    if ((options & kIOServiceSearchPropertyParents) && plane == kIOServicePlane) {
        for (RegistryEntry const* up = entry.parent; up; up = up->parent) {
            if (auto const* found = up->property(key))
                return { found, up };
        }
    }
    for (RegistryEntry const* e = &entry; e && !is_root(*e); e = e->parent) {
        if (auto const* found = visible_property(*e, key))
            return { found, e };
        if (!(options & kIORegistryIterateParents))
            break;
    }
    return {};
}

std::vector<std::string> set_user_properties(RegistryEntry& entry, PropertyDict const& values)
{
    std::vector<std::string> shadowed;
    PropertyDict user = user_dictionary(entry) ? *user_dictionary(entry) : PropertyDict {};
    for (auto const& [key, value] : values) {
        user[key] = value;
        if (key != kIOUserServicePropertiesKey && entry.properties.contains(key))
            shadowed.push_back(key);
    }
    entry.set_property(kIOUserServicePropertiesKey, Property::dict(std::move(user)));
    return shadowed;
}

bool remove_user_property(RegistryEntry& entry, std::string const& key)
{
    auto it = entry.properties.find(kIOUserServicePropertiesKey);
    if (it == entry.properties.end() || !it->second.is_dict())
        return false;
    it->second.as_dict().erase(key);
    return true;
}

PropertyArray provider_properties(RegistryEntry const& entry, std::optional<std::vector<std::string>> const& keys)
{
    PropertyArray chain;
    for (RegistryEntry const* e = &entry; e && !is_root(*e); e = e->parent) {
        auto const* supported = e->property("IOSupportedProperties");
        PropertyDict all = supported && supported->is_dict() ? supported->as_dict() : e->properties;
        bool add_class = !keys;
        PropertyDict chosen;
        if (keys) {
            for (auto const& key : *keys) {
                if (key == "IOClass") {
                    add_class = true;
                } else if (auto it = all.find(key); it != all.end()) {
                    chosen[key] = it->second;
                }
            }
        } else {
            chosen = std::move(all);
        }
        if (add_class) {
            PropertyArray classes;
            for (auto const& name : e->class_chain())
                classes.push_back(Property::string(name));
            chosen["IOClass"] = Property::array(std::move(classes));
        }
        chain.push_back(Property::dict(std::move(chosen)));
    }
    return chain;
}

} // namespace dextlab::kernel
