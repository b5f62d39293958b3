#ifndef _IOKIT_IOKITLIB_H
#define _IOKIT_IOKITLIB_H
// IOKitLib: how an app finds IOKit services, reads their properties, opens user-client
// connections, calls their methods, maps their memory and hears of services coming and going,
// with the names, types and signatures of IOKit.framework's IOKitLib.h. In the lab every call
// reaches the kernel model through kernel_model/ipc/app_port.h. Handles are Mach port names:
// one name per kernel object (asking twice for the same service gives the same name with one
// more user reference), released with IOObjectRelease. Notifications and async completions
// are delivered only by the app's run loop (CFRunLoopRun and friends).

#include <mach/mach_init.h>
#include <mach/mach_types.h>

#include <CoreFoundation/CFBase.h>
#include <CoreFoundation/CFDictionary.h>
#include <CoreFoundation/CFRunLoop.h>

#include <IOKit/IOKitKeys.h>
#include <IOKit/IOTypes.h>
#include <IOKit/OSMessageNotification.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct IONotificationPort* IONotificationPortRef;

typedef void (*IOServiceMatchingCallback)(void* refcon, io_iterator_t iterator);
typedef void (*IOServiceInterestCallback)(void* refcon, io_service_t service, uint32_t messageType,
    void* messageArgument);

// The default main port: MACH_PORT_NULL, which every call taking a main port accepts.
extern const mach_port_t kIOMainPortDefault;
extern const mach_port_t kIOMasterPortDefault;

kern_return_t IOMainPort(mach_port_t bootstrapPort, mach_port_t* mainPort);
kern_return_t IOMasterPort(mach_port_t bootstrapPort, mach_port_t* masterPort);

// --- notification ports ---
IONotificationPortRef IONotificationPortCreate(mach_port_t mainPort);
void IONotificationPortDestroy(IONotificationPortRef notify);
CFRunLoopSourceRef IONotificationPortGetRunLoopSource(IONotificationPortRef notify);
mach_port_t IONotificationPortGetMachPort(IONotificationPortRef notify);

// --- any object ---
kern_return_t IOObjectRelease(io_object_t object);
kern_return_t IOObjectRetain(io_object_t object);
kern_return_t IOObjectGetClass(io_object_t object, io_name_t className);
boolean_t IOObjectConformsTo(io_object_t object, const io_name_t className);
boolean_t IOObjectIsEqualTo(io_object_t object, io_object_t anObject);
uint32_t IOObjectGetUserRetainCount(io_object_t object);

// --- iterators ---
io_object_t IOIteratorNext(io_iterator_t iterator);
void IOIteratorReset(io_iterator_t iterator);
boolean_t IOIteratorIsValid(io_iterator_t iterator);

// --- services ---
// Each consumes one reference of `matching`, whatever the outcome.
io_service_t IOServiceGetMatchingService(mach_port_t mainPort, CFDictionaryRef matching CF_RELEASES_ARGUMENT);
kern_return_t IOServiceGetMatchingServices(mach_port_t mainPort, CFDictionaryRef matching CF_RELEASES_ARGUMENT,
    io_iterator_t* existing);
// The iterator holds the services that already match; the notification is armed once the app
// has drained it with IOIteratorNext (and again after each callback that drains it).
kern_return_t IOServiceAddMatchingNotification(IONotificationPortRef notifyPort, const io_name_t notificationType,
    CFDictionaryRef matching CF_RELEASES_ARGUMENT, IOServiceMatchingCallback callback, void* refCon,
    io_iterator_t* notification);

kern_return_t IOServiceOpen(io_service_t service, task_port_t owningTask, uint32_t type, io_connect_t* connect);
kern_return_t IOServiceClose(io_connect_t connect);

// --- connections ---
kern_return_t IOConnectAddRef(io_connect_t connect);
kern_return_t IOConnectRelease(io_connect_t connect);
kern_return_t IOConnectGetService(io_connect_t connect, io_service_t* service);

kern_return_t IOConnectMapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t intoTask,
    mach_vm_address_t* atAddress, mach_vm_size_t* ofSize, IOOptionBits options);
kern_return_t IOConnectUnmapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t fromTask,
    mach_vm_address_t atAddress);

kern_return_t IOConnectCallMethod(mach_port_t connection, uint32_t selector, const uint64_t* input, uint32_t inputCnt,
    const void* inputStruct, size_t inputStructCnt, uint64_t* output, uint32_t* outputCnt, void* outputStruct,
    size_t* outputStructCnt);
kern_return_t IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const uint64_t* input, uint32_t inputCnt, const void* inputStruct,
    size_t inputStructCnt, uint64_t* output, uint32_t* outputCnt, void* outputStruct, size_t* outputStructCnt);
kern_return_t IOConnectCallStructMethod(mach_port_t connection, uint32_t selector, const void* inputStruct,
    size_t inputStructCnt, void* outputStruct, size_t* outputStructCnt);
kern_return_t IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const void* inputStruct, size_t inputStructCnt, void* outputStruct,
    size_t* outputStructCnt);
kern_return_t IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector, const uint64_t* input,
    uint32_t inputCnt, uint64_t* output, uint32_t* outputCnt);
kern_return_t IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const uint64_t* input, uint32_t inputCnt, uint64_t* output,
    uint32_t* outputCnt);

// --- registry entries ---
enum {
    kIORegistryIterateRecursively = 0x00000001,
    kIORegistryIterateParents = 0x00000002
};

kern_return_t IORegistryEntryGetName(io_registry_entry_t entry, io_name_t name);
kern_return_t IORegistryEntryGetRegistryEntryID(io_registry_entry_t entry, uint64_t* entryID);
kern_return_t IORegistryEntryCreateCFProperties(io_registry_entry_t entry, CFMutableDictionaryRef* properties,
    CFAllocatorRef allocator, IOOptionBits options);
CFTypeRef IORegistryEntryCreateCFProperty(io_registry_entry_t entry, CFStringRef key, CFAllocatorRef allocator,
    IOOptionBits options);
// Searches the entry, then (with kIORegistryIterateRecursively | kIORegistryIterateParents) its
// ancestors in the service plane. Searching children is not modelled: without
// kIORegistryIterateParents only the entry itself is searched.
CFTypeRef IORegistryEntrySearchCFProperty(io_registry_entry_t entry, const io_name_t plane, CFStringRef key,
    CFAllocatorRef allocator, IOOptionBits options) CF_RETURNS_RETAINED;
kern_return_t IORegistryEntryGetParentEntry(io_registry_entry_t entry, const io_name_t plane,
    io_registry_entry_t* parent);

// --- matching dictionaries (each returns a dictionary the caller owns) ---
CFMutableDictionaryRef IOServiceMatching(const char* name) CF_RETURNS_RETAINED;
CFMutableDictionaryRef IOServiceNameMatching(const char* name) CF_RETURNS_RETAINED;
CFMutableDictionaryRef IORegistryEntryIDMatching(uint64_t entryID) CF_RETURNS_RETAINED;

// --- async completion callbacks: the shape is chosen by the number of arguments the dext sent ---
typedef void (*IOAsyncCallback0)(void* refcon, IOReturn result);
typedef void (*IOAsyncCallback1)(void* refcon, IOReturn result, void* arg0);
typedef void (*IOAsyncCallback2)(void* refcon, IOReturn result, void* arg0, void* arg1);
typedef void (*IOAsyncCallback)(void* refcon, IOReturn result, void** args, uint32_t numArgs);

#ifdef __cplusplus
}
#endif

#endif
