// IOKitLib's registry half: main ports, objects and iterators, matching dictionaries, service
// lookup and registry entries.

#include "cf_osserialize.h"
#include "io_objects.h"
#include "iokit_port.h"

#include <algorithm>
#include <cstring>

using namespace dextlab;
using namespace dextlab::iokit;

namespace {

// The class IOObjectGetClass reports for handles that are not registry entries: the kernel
// classes behind them on macOS, with the classes they derive from.
std::vector<char const*> class_chain(ObjectData const& data)
{
    if (std::holds_alternative<IteratorObject>(data))
        return { "IOUserIterator", "OSIterator", "OSObject" };
    if (std::holds_alternative<NotificationObject>(data))
        return { "IOServiceUserNotification", "IOUserNotification", "IOUserIterator", "OSIterator", "OSObject" };
    if (std::holds_alternative<ConnectionObject>(data))
        return { "IOUserUserClient", "IOUserClient", "IOService", "IORegistryEntry", "OSObject" };
    return {};
}

void copy_name(std::string const& text, io_name_t out)
{
    size_t size = std::min(text.size(), sizeof(io_name_t) - 1);
    std::memcpy(out, text.data(), size);
    out[size] = '\0';
}

// The main-port argument of a lookup: MACH_PORT_NULL (kIOMainPortDefault) or a name from
// IOMainPort. Another live name is not the main port (the kernel refuses it as unprivileged).
kern_return_t check_main_port(mach_port_t main_port)
{
    if (main_port == MACH_PORT_NULL)
        return KERN_SUCCESS;
    kern_return_t status;
    return lookup<MainPortObject>(main_port, status) ? KERN_SUCCESS
        : status == kIOReturnBadArgument                  ? kIOReturnNotPrivileged
                                                          : status;
}

// Serializes and releases a matching dictionary (the lookups consume one reference).
ErrorOr<std::vector<uint8_t>> take_matching(CFDictionaryRef matching)
{
    if (!matching)
        return Error::with("no matching dictionary");
    auto bytes = CFGetTypeID(matching) == CFDictionaryGetTypeID()
        ? serialize_cf(matching)
        : ErrorOr<std::vector<uint8_t>>(Error::with("the matching argument is not a CFDictionary"));
    CFRelease(matching);
    return bytes;
}

kern_return_t matching_services(mach_port_t main_port, CFDictionaryRef matching, std::vector<uint64_t>& out)
{
    kern_return_t status = check_main_port(main_port);
    auto bytes = take_matching(matching);
    if (status != KERN_SUCCESS)
        return status;
    if (!bytes)
        return matching ? kIOReturnUnsupported : kIOReturnBadArgument;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto result = p->matching_services(bytes.value());
    if (!result.ok())
        return to_ioreturn(result.status);
    out = std::move(result.value);
    return KERN_SUCCESS;
}

CFMutableDictionaryRef single_key_matching(char const* key, CFTypeRef value)
{
    auto dict = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFStringRef cf_key = CFStringCreateWithCString(nullptr, key, kCFStringEncodingUTF8);
    CFDictionarySetValue(dict, cf_key, value);
    CFRelease(cf_key);
    CFRelease(value);
    return dict;
}

CFMutableDictionaryRef string_matching(char const* key, char const* name)
{
    if (!name)
        return nullptr;
    CFStringRef value = CFStringCreateWithCString(nullptr, name, kCFStringEncodingUTF8);
    return value ? single_key_matching(key, value) : nullptr;
}

CFTypeRef property_of(uint64_t entry, CFStringRef key)
{
    auto* p = port();
    if (!p || !key || CFGetTypeID(key) != CFStringGetTypeID())
        return nullptr;
    auto name = value_from_cf(key);
    auto bytes = p->property(entry, name.value().string);
    if (!bytes.ok())
        return nullptr;
    auto value = ipc::osser::unserialize(bytes.value);
    return value ? cf_from_value(value.value()) : nullptr;
}

} // namespace

const mach_port_t kIOMainPortDefault = MACH_PORT_NULL;
const mach_port_t kIOMasterPortDefault = MACH_PORT_NULL;

kern_return_t IOMainPort(mach_port_t, mach_port_t* mainPort)
{
    if (!mainPort)
        return kIOReturnBadArgument;
    *mainPort = ObjectTable::shared().add(MainPortObject {});
    return KERN_SUCCESS;
}

kern_return_t IOMasterPort(mach_port_t bootstrapPort, mach_port_t* masterPort) { return IOMainPort(bootstrapPort, masterPort); }

// ---- objects ----

kern_return_t IOObjectRelease(io_object_t object) { return ObjectTable::shared().release(object); }

kern_return_t IOObjectRetain(io_object_t object) { return ObjectTable::shared().retain(object); }

uint32_t IOObjectGetUserRetainCount(io_object_t object)
{
    auto* record = ObjectTable::shared().find(object);
    return record ? record->user_refs : 0;
}

kern_return_t IOObjectGetClass(io_object_t object, io_name_t className)
{
    auto* record = ObjectTable::shared().find(object);
    if (!record)
        return MACH_SEND_INVALID_DEST;
    if (!className)
        return kIOReturnBadArgument;
    if (auto const* entry = std::get_if<EntryObject>(&record->data)) {
        auto* p = port();
        if (!p)
            return kIOReturnNotReady;
        auto name = p->entry_class(entry->id);
        if (!name.ok())
            return to_ioreturn(name.status);
        copy_name(name.value, className);
        return KERN_SUCCESS;
    }
    auto chain = class_chain(record->data);
    if (chain.empty())
        return kIOReturnBadArgument;
    copy_name(chain.front(), className);
    return KERN_SUCCESS;
}

boolean_t IOObjectConformsTo(io_object_t object, const io_name_t className)
{
    auto* record = ObjectTable::shared().find(object);
    if (!record || !className)
        return false;
    auto const* entry = std::get_if<EntryObject>(&record->data);
    if (!entry) {
        for (auto const* name : class_chain(record->data)) {
            if (std::strcmp(name, className) == 0)
                return true;
        }
        return false;
    }
    auto* p = port();
    if (!p)
        return false;
    auto name = p->entry_class(entry->id);
    if (name.ok() && name.value == className)
        return true;
    // Superclasses: the entry conforms if provider-class matching on the class selects it.
    std::vector<uint64_t> matches;
    if (matching_services(MACH_PORT_NULL, IOServiceMatching(className), matches) != KERN_SUCCESS)
        return false;
    return std::find(matches.begin(), matches.end(), entry->id) != matches.end();
}

boolean_t IOObjectIsEqualTo(io_object_t object, io_object_t anObject)
{
    return object == anObject && ObjectTable::shared().find(object) != nullptr;
}

// ---- iterators ----

io_object_t IOIteratorNext(io_iterator_t iterator)
{
    auto* record = ObjectTable::shared().find(iterator);
    if (!record)
        return IO_OBJECT_NULL;
    if (auto* it = std::get_if<IteratorObject>(&record->data)) {
        if (it->next >= it->entries.size())
            return IO_OBJECT_NULL;
        return ObjectTable::shared().entry_name(it->entries[it->next++]);
    }
    if (auto* notification = std::get_if<NotificationObject>(&record->data))
        return notification_next(*notification->state);
    return IO_OBJECT_NULL;
}

void IOIteratorReset(io_iterator_t iterator)
{
    // A notification iterator has nothing to rewind: what it returned is gone from it.
    if (auto* it = ObjectTable::shared().find_as<IteratorObject>(iterator))
        it->next = 0;
}

boolean_t IOIteratorIsValid(io_iterator_t iterator)
{
    // A matching iterator walks a private snapshot and a notification iterator a queue: neither
    // is invalidated by registry changes.
    auto* record = ObjectTable::shared().find(iterator);
    return record
        && (std::holds_alternative<IteratorObject>(record->data) || std::holds_alternative<NotificationObject>(record->data));
}

// ---- services ----

CFMutableDictionaryRef IOServiceMatching(const char* name) { return string_matching(kIOProviderClassKey, name); }

CFMutableDictionaryRef IOServiceNameMatching(const char* name) { return string_matching(kIONameMatchKey, name); }

CFMutableDictionaryRef IORegistryEntryIDMatching(uint64_t entryID)
{
    return single_key_matching(kIORegistryEntryIDKey, CFNumberCreate(nullptr, kCFNumberSInt64Type, &entryID));
}

io_service_t IOServiceGetMatchingService(mach_port_t mainPort, CFDictionaryRef matching)
{
    std::vector<uint64_t> matches;
    if (matching_services(mainPort, matching, matches) != KERN_SUCCESS || matches.empty())
        return IO_OBJECT_NULL;
    return ObjectTable::shared().entry_name(matches.front());
}

kern_return_t IOServiceGetMatchingServices(mach_port_t mainPort, CFDictionaryRef matching, io_iterator_t* existing)
{
    if (!existing) {
        if (matching)
            CFRelease(matching);
        return kIOReturnBadArgument;
    }
    *existing = IO_OBJECT_NULL;
    std::vector<uint64_t> matches;
    kern_return_t status = matching_services(mainPort, matching, matches);
    if (status != KERN_SUCCESS)
        return status;
    *existing = ObjectTable::shared().add(IteratorObject { std::move(matches), 0 });
    return KERN_SUCCESS;
}

// ---- registry entries ----

kern_return_t IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    if (!e)
        return status;
    if (!name)
        return kIOReturnBadArgument;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto result = p->entry_name(e->id);
    if (!result.ok())
        return to_ioreturn(result.status);
    copy_name(result.value, name);
    return KERN_SUCCESS;
}

kern_return_t IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t* entryID)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    if (entryID)
        *entryID = 0;
    if (!e)
        return status;
    if (!entryID)
        return kIOReturnBadArgument;
    *entryID = e->id;
    return KERN_SUCCESS;
}

kern_return_t IORegistryEntryCreateCFProperties(io_registry_entry_t entry, CFMutableDictionaryRef* properties,
    CFAllocatorRef, IOOptionBits)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    if (!e)
        return status;
    if (!properties)
        return kIOReturnBadArgument;
    *properties = nullptr;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto bytes = p->properties(e->id);
    if (!bytes.ok())
        return to_ioreturn(bytes.status);
    auto value = ipc::osser::unserialize(bytes.value);
    if (!value || value.value().kind != ipc::osser::Value::Kind::Dict)
        return kIOReturnInternalError;
    auto dict = cf_from_value(value.value());
    if (!dict)
        return kIOReturnInternalError;
    *properties = static_cast<CFMutableDictionaryRef>(const_cast<void*>(dict));
    return KERN_SUCCESS;
}

CFTypeRef IORegistryEntryCreateCFProperty(io_registry_entry_t entry, CFStringRef key, CFAllocatorRef, IOOptionBits)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    return e ? property_of(e->id, key) : nullptr;
}

CFTypeRef IORegistryEntrySearchCFProperty(io_registry_entry_t entry, const io_name_t plane, CFStringRef key,
    CFAllocatorRef, IOOptionBits options)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    auto* p = port();
    if (!e || !p)
        return nullptr;
    bool walk_parents = (options & kIORegistryIterateRecursively) && (options & kIORegistryIterateParents)
        && plane && std::strcmp(plane, kIOServicePlane) == 0;
    for (uint64_t id = e->id;;) {
        if (CFTypeRef found = property_of(id, key))
            return found;
        if (!walk_parents)
            return nullptr;
        auto parent = p->parent(id);
        if (!parent.ok())
            return nullptr;
        id = parent.value;
    }
}

kern_return_t IORegistryEntryGetParentEntry(io_registry_entry_t entry, const io_name_t plane, io_registry_entry_t* parent)
{
    kern_return_t status;
    auto* e = lookup_entry(entry, status);
    if (parent)
        *parent = IO_OBJECT_NULL;
    if (!e)
        return status;
    if (!parent || !plane)
        return kIOReturnBadArgument;
    // Only the service plane is modelled; in any other the entry is not attached.
    if (std::strcmp(plane, kIOServicePlane) != 0)
        return kIOReturnNoDevice;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto result = p->parent(e->id);
    if (!result.ok())
        return to_ioreturn(result.status) == kIOReturnNotFound ? kIOReturnNoDevice : to_ioreturn(result.status); // the root
    *parent = ObjectTable::shared().entry_name(result.value);
    return KERN_SUCCESS;
}
