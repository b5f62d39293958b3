#pragma once
// The app's table of IOKit handles. An io_object_t is a Mach port name: one name per kernel
// object for as long as the app holds a user reference on it (asking again for the same service
// gives the same name with one more reference, as Mach does), never reused afterwards. What a
// name stands for is one of the kinds below; the last IOObjectRelease tears it down (a matching
// notification is removed, a connection nobody closed is closed).

#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

#include <cstdint>
#include <map>
#include <memory>
#include <variant>
#include <vector>

namespace dextlab::iokit {

struct NotifyPortState;    // iokit_notify.cpp
struct NotificationState;  // iokit_notify.cpp

struct MainPortObject { };
struct EntryObject {
    uint64_t id { 0 }; // registry entry id
};
// IOServiceGetMatchingServices: a snapshot, as the kernel's OSSet copy is.
struct IteratorObject {
    std::vector<uint64_t> entries;
    size_t next { 0 };
};
struct NotificationObject {
    std::shared_ptr<NotificationState> state;
};
struct Mapping {
    uint64_t id { 0 };
    uint32_t memory_type { 0 };
    mach_vm_address_t address { 0 };
};
struct ConnectionObject {
    uint64_t id { 0 };      // the AppPort's connection id
    uint64_t service { 0 }; // registry id of the service it was opened on
    bool open { true };
    std::vector<Mapping> mappings;
};
// An IONotificationPort's wake port (IONotificationPortGetMachPort), as async calls name it.
struct WakePortObject {
    std::weak_ptr<NotifyPortState> port;
};

using ObjectData = std::variant<MainPortObject, EntryObject, IteratorObject, NotificationObject, ConnectionObject,
    WakePortObject>;

struct Record {
    ObjectData data;
    uint32_t user_refs { 1 };
};

class ObjectTable {
public:
    static ObjectTable& shared();

    mach_port_t add(ObjectData data);
    // The name of a registry entry, with one more user reference (a new name if none is held).
    mach_port_t entry_name(uint64_t registry_id);
    Record* find(mach_port_t name);
    template<typename T>
    T* find_as(mach_port_t name)
    {
        auto* record = find(name);
        return record ? std::get_if<T>(&record->data) : nullptr;
    }
    kern_return_t retain(mach_port_t name);
    // Drops one user reference; the last one destroys the name.
    kern_return_t release(mach_port_t name);
    // Destroys a name whatever its references (IONotificationPortDestroy's wake port).
    void destroy(mach_port_t name);
    size_t live_count() const { return m_records.size(); }

private:
    void tear_down(mach_port_t name, Record& record);

    std::map<mach_port_t, Record> m_records;
    std::map<uint64_t, mach_port_t> m_entry_names;
    uint32_t m_next_index { 0x10 };
};

// The IOReturn for a handle that is not `T`: a name the task does not hold is a dead
// destination for the Mach message; a name of another kind is refused by the kernel.
template<typename T>
T* lookup(mach_port_t name, kern_return_t& status)
{
    auto* record = ObjectTable::shared().find(name);
    if (!record) {
        status = MACH_SEND_INVALID_DEST;
        return nullptr;
    }
    auto* object = std::get_if<T>(&record->data);
    status = object ? KERN_SUCCESS : kIOReturnBadArgument;
    return object;
}

// The registry entry id behind a handle that names a registry entry.
inline EntryObject* lookup_entry(mach_port_t name, kern_return_t& status) { return lookup<EntryObject>(name, status); }

// IOIteratorNext on a notification iterator (iokit_notify.cpp).
io_object_t notification_next(NotificationState& state);

// Called by ObjectTable when a name of these kinds goes away.
void notification_released(NotificationState& state);
void connection_released(ConnectionObject& connection);

} // namespace dextlab::iokit
