#pragma once
// The IORegistry's service plane, and the table of every kernel object a dext can name by id
// (registry entries, pipes, memory descriptors). Ids are handed out in creation order, so they
// are the same on every run of a scenario.

#include "property.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace dextlab::kernel {

class KernelObject {
public:
    virtual ~KernelObject() = default;
    uint64_t id() const { return m_id; }
    // Class names, most derived first, ending at OSObject: what IOProviderClass and a dext's
    // OSDynamicCast are checked against.
    virtual std::vector<std::string> class_chain() const = 0;
    std::string const& class_name() const;
    bool conforms_to(std::string const& class_name) const;
    // "IOUSBHostInterface:IOService:OSObject", as sent to a dext so it can pick its proxy class.
    std::string class_chain_text() const;

private:
    friend class ObjectTable;
    uint64_t m_id { 0 };
    mutable std::string m_class_name_cache;
};

class RegistryEntry : public KernelObject {
public:
    std::string name;       // shown by ioreg; a dext service is named by its IOUserClass
    std::string location;   // the part after '@' in ioreg ("14100000", "0"), may be empty
    PropertyDict properties;
    RegistryEntry* parent { nullptr };
    std::vector<RegistryEntry*> children;
    bool registered { false };
    bool matched { false };
    bool active { true };
    int busy { 0 };

    Property const* property(std::string const& key) const;
    void set_property(std::string const& key, Property value) { properties[key] = std::move(value); }
};

// Owns kernel objects and gives them ids.
class ObjectTable {
public:
    template<typename T, typename... Args>
    T& create(Args&&... args)
    {
        auto object = std::make_unique<T>(std::forward<Args>(args)...);
        m_objects.push_back(std::move(object));
        T& ref = static_cast<T&>(*m_objects.back());
        ref.m_id = m_objects.size();
        m_live.insert(m_live.end(), ref.m_id);
        return ref;
    }
    // Every message that names an object looks it up: an index, not a search.
    KernelObject* find(uint64_t id) const { return id - 1 < m_objects.size() ? m_objects[id - 1].get() : nullptr; }
    template<typename T>
    T* find_as(uint64_t id) const { return dynamic_cast<T*>(find(id)); }
    void destroy(uint64_t id)
    {
        if (id - 1 < m_objects.size() && m_objects[id - 1]) {
            // Out of the table before its destructor runs, as erasing from a map did.
            auto doomed = std::move(m_objects[id - 1]);
            m_live.erase(id);
        }
    }
    // Ids of the objects `keep` accepts, in creation order.
    std::vector<uint64_t> ids_where(std::function<bool(KernelObject const&)> const& keep) const
    {
        std::vector<uint64_t> ids;
        for (uint64_t id : m_live) {
            if (keep(*m_objects[id - 1]))
                ids.push_back(id);
        }
        return ids;
    }
    size_t size() const { return m_live.size(); }

private:
    // Slot id - 1 holds the object with that id (ids are never reused; a destroyed object's slot
    // stays empty, one pointer per object the kernel ever made). The live ids are kept apart so a
    // walk over the table costs what is alive, not what ever was (HID makes an object per report).
    std::vector<std::unique_ptr<KernelObject>> m_objects;
    std::set<uint64_t> m_live;
};

// The root of the service plane.
class RegistryRoot final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { "IORegistryEntry", "OSObject" }; }
};

// Walks the service plane depth first (children in attach order).
void for_each_entry(RegistryEntry const& root, std::function<void(RegistryEntry const&, int depth)> const& visit, int depth = 0);

// Finds entries by a path of names or class names separated by '/', each step a child of the
// previous one, starting anywhere in the tree ("IOUSBHostDevice/IOUSBHostInterface/MyDriver").
std::vector<RegistryEntry const*> find_by_path(RegistryEntry const& root, std::string const& path);

} // namespace dextlab::kernel
