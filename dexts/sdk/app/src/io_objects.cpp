// The handle table (io_objects.h).

#include "io_objects.h"

namespace dextlab::iokit {

ObjectTable& ObjectTable::shared()
{
    static auto* table = new ObjectTable();
    return *table;
}

mach_port_t ObjectTable::add(ObjectData data)
{
    // Names look like Mach's: an index above a generation byte (3).
    mach_port_t name = (m_next_index++ << 8) | 3;
    m_records.emplace(name, Record { std::move(data), 1 });
    if (auto const* entry = std::get_if<EntryObject>(&m_records.at(name).data))
        m_entry_names[entry->id] = name;
    return name;
}

mach_port_t ObjectTable::entry_name(uint64_t registry_id)
{
    auto found = m_entry_names.find(registry_id);
    if (found != m_entry_names.end()) {
        ++m_records.at(found->second).user_refs;
        return found->second;
    }
    return add(EntryObject { registry_id });
}

Record* ObjectTable::find(mach_port_t name)
{
    auto found = m_records.find(name);
    return found == m_records.end() ? nullptr : &found->second;
}

kern_return_t ObjectTable::retain(mach_port_t name)
{
    if (name == MACH_PORT_NULL)
        return KERN_SUCCESS;
    auto* record = find(name);
    if (!record)
        return KERN_INVALID_NAME;
    ++record->user_refs;
    return KERN_SUCCESS;
}

kern_return_t ObjectTable::release(mach_port_t name)
{
    if (!MACH_PORT_VALID(name))
        return KERN_SUCCESS; // mach_port_deallocate ignores MACH_PORT_NULL and MACH_PORT_DEAD
    auto* record = find(name);
    if (!record)
        return KERN_INVALID_NAME;
    if (--record->user_refs == 0)
        tear_down(name, *record);
    return KERN_SUCCESS;
}

void ObjectTable::destroy(mach_port_t name)
{
    if (auto* record = find(name))
        tear_down(name, *record);
}

void ObjectTable::tear_down(mach_port_t name, Record& record)
{
    // Take the record out first: the hooks below may call back into the table.
    Record gone = std::move(record);
    m_records.erase(name);
    if (auto const* entry = std::get_if<EntryObject>(&gone.data))
        m_entry_names.erase(entry->id);
    else if (auto* notification = std::get_if<NotificationObject>(&gone.data))
        notification_released(*notification->state);
    else if (auto* connection = std::get_if<ConnectionObject>(&gone.data))
        connection_released(*connection);
}

} // namespace dextlab::iokit
