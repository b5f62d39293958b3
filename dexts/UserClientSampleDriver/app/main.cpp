// UserClientSampleApp: the client side of UserClientSampleDriver, written as for macOS with
// IOKit.framework and CoreFoundation only. It finds the service, opens a connection, calls each
// method, maps the shared page, runs async ticks on its run loop and watches for the service
// with a matching notification. One line per step; any failure makes the exit status 1.

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

#include <stdio.h>
#include <string.h>

#include <vector>

#include "../UserClientSampleShared.h"

namespace {

int gFailures = 0;

bool Step(bool ok, const char* what, kern_return_t kr = KERN_SUCCESS)
{
    if (ok) {
        printf("ok    %s\n", what);
    } else {
        printf("FAIL  %s (0x%08x %s)\n", what, kr, mach_error_string(kr));
        gFailures++;
    }
    return ok;
}

struct TickState {
    int ticks = 0;
    uint64_t lastTick = 0;
};

// IOAsyncCallback2: the dext completes each tick with two arguments (tick number, its time).
void TickArrived(void* refcon, IOReturn result, void* arg0, void* arg1)
{
    auto* state = static_cast<TickState*>(refcon);
    state->ticks++;
    state->lastTick = (uint64_t)(uintptr_t)arg0;
    printf("      tick %llu at mach time %llu (result 0x%08x)\n", (unsigned long long)state->lastTick,
        (unsigned long long)(uintptr_t)arg1, result);
    if (state->ticks == 3)
        CFRunLoopStop(CFRunLoopGetCurrent());
}

// Drains the notification iterator, which (re)arms the notification.
void ServicesMatched(void* refcon, io_iterator_t iterator)
{
    const char* when = static_cast<const char*>(refcon);
    io_service_t service;
    while ((service = IOIteratorNext(iterator)) != IO_OBJECT_NULL) {
        io_name_t name = "";
        uint64_t entryID = 0;
        IORegistryEntryGetName(service, name);
        IORegistryEntryGetRegistryEntryID(service, &entryID);
        printf("      notification: %s (registry id 0x%llx) %s\n", name, (unsigned long long)entryID, when);
        IOObjectRelease(service);
    }
}

void CallMethods(io_connect_t connect)
{
    uint64_t addends[2] = { 2, 40 };
    uint64_t sum = 0;
    uint32_t sumCount = 1;
    kern_return_t kr = IOConnectCallScalarMethod(connect, kSampleSelectorAdd, addends, 2, &sum, &sumCount);
    Step(kr == KERN_SUCCESS && sumCount == 1 && sum == 42, "Add(2, 40) == 42", kr);

    const char greeting[] = "hello dext";
    char reversed[sizeof greeting - 1] = {};
    size_t reversedSize = sizeof reversed;
    kr = IOConnectCallStructMethod(connect, kSampleSelectorReverse, greeting, sizeof greeting - 1, reversed, &reversedSize);
    Step(kr == KERN_SUCCESS && reversedSize == 10 && memcmp(reversed, "txed olleh", 10) == 0,
        "Reverse(\"hello dext\") == \"txed olleh\"", kr);

    // 8000 bytes do not fit a Mach message inline: they travel as memory descriptors.
    std::vector<uint8_t> pattern(8000), back(8000);
    for (size_t i = 0; i < pattern.size(); i++)
        pattern[i] = (uint8_t)(i * 7 + 3);
    size_t backSize = back.size();
    kr = IOConnectCallStructMethod(connect, kSampleSelectorReverse, pattern.data(), pattern.size(), back.data(), &backSize);
    bool same = backSize == pattern.size();
    for (size_t i = 0; same && i < pattern.size(); i++)
        same = back[i] == pattern[pattern.size() - 1 - i];
    Step(kr == KERN_SUCCESS && same, "Reverse(8000 bytes) comes back reversed", kr);

    UserClientSampleStats stats = {};
    size_t statsSize = sizeof stats;
    kr = IOConnectCallStructMethod(connect, kSampleSelectorStats, nullptr, 0, &stats, &statsSize);
    printf("      stats: %llu calls, %llu bytes reversed, %llu ticks sent\n", (unsigned long long)stats.calls,
        (unsigned long long)stats.bytes_reversed, (unsigned long long)stats.ticks_sent);
    Step(kr == KERN_SUCCESS && statsSize == sizeof stats && stats.calls == 3 && stats.bytes_reversed == 8010,
        "Stats: 3 calls, 8010 bytes reversed", kr);
}

void UseSharedMemory(io_connect_t connect)
{
    mach_vm_address_t address = 0;
    mach_vm_size_t size = 0;
    kern_return_t kr = IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self(), &address, &size, kIOMapAnywhere);
    if (!Step(kr == KERN_SUCCESS && size >= kSampleSharedSize, "IOConnectMapMemory64(kSampleMemoryShared)", kr))
        return;

    uint64_t seed = 7;
    kr = IOConnectCallScalarMethod(connect, kSampleSelectorFillShared, &seed, 1, nullptr, nullptr);
    const uint8_t* page = (const uint8_t*)(uintptr_t)address;
    bool filled = kr == KERN_SUCCESS;
    for (size_t i = 0; filled && i < kSampleSharedSize; i++)
        filled = page[i] == (uint8_t)((seed + i) & 0xff);
    Step(filled, "FillShared(7): byte i of the mapping is (7 + i) & 0xff", kr);

    kr = IOConnectUnmapMemory64(connect, kSampleMemoryShared, mach_task_self(), address);
    Step(kr == KERN_SUCCESS, "IOConnectUnmapMemory64", kr);
}

void RunTicks(io_connect_t connect, IONotificationPortRef notify)
{
    TickState state;
    uint64_t reference[kOSAsyncRef64Count] = {};
    reference[kIOAsyncCalloutFuncIndex] = (uint64_t)(uintptr_t)&TickArrived;
    reference[kIOAsyncCalloutRefconIndex] = (uint64_t)(uintptr_t)&state;
    uint64_t arguments[2] = { 3, 1000 }; // three ticks, 1000 µs apart
    kern_return_t kr = IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks,
        IONotificationPortGetMachPort(notify), reference, kIOAsyncCalloutCount, arguments, 2, nullptr, nullptr);
    if (!Step(kr == KERN_SUCCESS, "StartTicks(3, 1000 us)", kr))
        return;
    CFRunLoopRun(); // the third tick's callback stops it
    Step(state.ticks == 3 && state.lastTick == 3, "CFRunLoopRun delivered 3 ticks, the third stopped it");

    UserClientSampleStats stats = {};
    size_t statsSize = sizeof stats;
    kr = IOConnectCallStructMethod(connect, kSampleSelectorStats, nullptr, 0, &stats, &statsSize);
    Step(kr == KERN_SUCCESS && stats.ticks_sent == 3, "Stats: 3 ticks sent", kr);
}

} // namespace

int main()
{
    printf("UserClientSampleApp: talking to %s\n", kUserClientSampleClassName);

    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    if (!Step(service != IO_OBJECT_NULL, "IOServiceGetMatchingService(IOServiceNameMatching(\"" kUserClientSampleClassName "\"))", kIOReturnNoDevice))
        return 1;

    IONotificationPortRef notify = IONotificationPortCreate(kIOMainPortDefault);
    CFRunLoopAddSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopDefaultMode);
    io_iterator_t matches = IO_OBJECT_NULL;
    kern_return_t kr = IOServiceAddMatchingNotification(notify, kIOFirstMatchNotification,
        IOServiceNameMatching(kUserClientSampleClassName), ServicesMatched, (void*)"matched (notification fired)", &matches);
    if (Step(kr == KERN_SUCCESS, "IOServiceAddMatchingNotification(kIOFirstMatchNotification)", kr))
        ServicesMatched((void*)"already registered (found while arming)", matches);

    io_connect_t connect = IO_OBJECT_NULL;
    kr = IOServiceOpen(service, mach_task_self(), kUserClientSampleConnectType, &connect);
    if (Step(kr == KERN_SUCCESS, "IOServiceOpen(kUserClientSampleConnectType)", kr)) {
        CallMethods(connect);
        UseSharedMemory(connect);
        RunTicks(connect, notify);
        kr = IOServiceClose(connect);
        Step(kr == KERN_SUCCESS, "IOServiceClose", kr);
    }

    if (matches)
        IOObjectRelease(matches);
    CFRunLoopRemoveSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopDefaultMode);
    IONotificationPortDestroy(notify);
    IOObjectRelease(service);

    printf("UserClientSampleApp: %s\n", gFailures ? "FAILED" : "all steps passed");
    return gFailures ? 1 : 0;
}
