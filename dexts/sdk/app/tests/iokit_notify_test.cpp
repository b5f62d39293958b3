// Matching notifications: the iterator arms when drained, the callback runs from the run loop
// when new services match, and nothing reaches the app from inside another IOKit call.

#include "fixture.h"

#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::test;
using ipc::osser::Value;

namespace {

struct Seen {
    int callbacks { 0 };
    bool drain { true };
    bool stop { true };
    std::vector<std::string> names;
};

void drain(Seen& seen, io_iterator_t iterator)
{
    while (io_object_t entry = IOIteratorNext(iterator)) {
        io_name_t name;
        IORegistryEntryGetName(entry, name);
        seen.names.push_back(name);
        IOObjectRelease(entry);
    }
}

void matched(void* refcon, io_iterator_t iterator)
{
    auto& seen = *static_cast<Seen*>(refcon);
    ++seen.callbacks;
    if (seen.drain)
        drain(seen, iterator);
    if (seen.stop)
        CFRunLoopStop(CFRunLoopGetCurrent());
}

struct NotifyFixture : LabFixture {
    NotifyFixture()
    {
        notify = IONotificationPortCreate(kIOMainPortDefault);
        CFRunLoopAddSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopDefaultMode);
    }
    ~NotifyFixture() { IONotificationPortDestroy(notify); }
    IONotificationPortRef notify { nullptr };
};

FakeEntry widget(uint64_t id, char const* name)
{
    return { id, name, { "IOUSBHostDevice", "IOService", "IORegistryEntry" }, FakeLab::kRoot, Value::make_dict(), true };
}

} // namespace

TEST_CASE_FIXTURE(NotifyFixture, "first-match: the iterator holds what exists, draining arms it, new services fire it")
{
    Seen seen;
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceAddMatchingNotification(notify, kIOFirstMatchNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    CHECK(lab.live_notifications() == 1);
    CHECK(seen.callbacks == 0);
    drain(seen, iterator); // arms the notification
    CHECK(seen.names == std::vector<std::string> { "Widget" });

    // The lab reports the existing Widget again at its first run; that is not news.
    lab.publish(widget(0x300, "Second"));
    CFRunLoopRun();
    CHECK(seen.callbacks == 1);
    CHECK(seen.names == std::vector<std::string> { "Widget", "Second" });

    // Two arrivals before the run loop turns: one callback, both in the iterator.
    lab.publish(widget(0x301, "Third"));
    lab.publish(widget(0x302, "Fourth"));
    lab.deliver_all();
    CFRunLoopRun();
    CHECK(seen.callbacks == 2);
    CHECK(seen.names.size() == 4);

    IOObjectRelease(iterator);
    CHECK(lab.live_notifications() == 0);
}

TEST_CASE_FIXTURE(NotifyFixture, "a notification the app does not drain stays disarmed")
{
    Seen seen;
    seen.drain = false;
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceAddMatchingNotification(notify, kIOMatchedNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    // Never drained: not armed, so a new match queues in the iterator without a callback.
    lab.publish(widget(0x310, "Quiet"));
    CFRunLoopRun(); // returns when the lab is idle
    CHECK(seen.callbacks == 0);
    drain(seen, iterator);
    CHECK(seen.names == std::vector<std::string> { "Widget", "Quiet" });
    // Drained now: the next match calls back; the callback does not drain, so the one after does not.
    lab.publish(widget(0x311, "Loud"));
    CFRunLoopRun();
    CHECK(seen.callbacks == 1);
    lab.publish(widget(0x312, "Ignored"));
    seen.stop = false;
    CFRunLoopRun();
    CHECK(seen.callbacks == 1);
    IOObjectRelease(iterator);
}

TEST_CASE_FIXTURE(NotifyFixture, "terminated notifications report services going away")
{
    Seen seen;
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceAddMatchingNotification(notify, kIOTerminatedNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    CHECK(IOIteratorNext(iterator) == IO_OBJECT_NULL); // nothing has terminated yet; now armed
    io_name_t name;
    CHECK(IOObjectGetClass(iterator, name) == KERN_SUCCESS);
    CHECK(std::string(name) == "IOServiceUserNotification");
    lab.terminate(FakeLab::kDevice);
    CFRunLoopRun();
    CHECK(seen.callbacks == 1);
    CHECK(seen.names == std::vector<std::string> { "Widget" });
    IOObjectRelease(iterator);
}

TEST_CASE_FIXTURE(NotifyFixture, "nothing is delivered from inside another IOKit call")
{
    lab.deliver_during_calls = true; // the lab runs its queue while it serves a call
    Seen seen;
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceAddMatchingNotification(notify, kIOPublishNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    drain(seen, iterator);
    lab.publish(widget(0x320, "During"));

    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    io_connect_t connect = IO_OBJECT_NULL;
    REQUIRE(IOServiceOpen(service, mach_task_self(), 0, &connect) == KERN_SUCCESS);
    uint64_t in[] = { 1, 1 };
    uint64_t out = 0;
    uint32_t out_count = 1;
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, in, 2, &out, &out_count) == KERN_SUCCESS);
    CHECK(lab.pending_deliveries() == 0); // the lab has handed everything over...
    CHECK(seen.callbacks == 0);           // ...and the app has not been called back yet
    CFRunLoopRun();
    CHECK(seen.callbacks == 1);
    CHECK(seen.names == std::vector<std::string> { "Widget", "During" });
    IOServiceClose(connect);
    IOObjectRelease(service);
    IOObjectRelease(iterator);
}

TEST_CASE_FIXTURE(NotifyFixture, "notifications and async completions keep their arrival order")
{
    Seen seen;
    seen.stop = false;
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceAddMatchingNotification(notify, kIOFirstMatchNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    drain(seen, iterator);
    lab.deliver_all(); // the lab's report of the existing Widget

    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    io_connect_t connect = IO_OBJECT_NULL;
    REQUIRE(IOServiceOpen(service, mach_task_self(), 0, &connect) == KERN_SUCCESS);
    static std::vector<std::string> order;
    order.clear();
    mach_port_t wake = IONotificationPortGetMachPort(notify);
    uint64_t tick_reference[kIOAsyncCalloutCount] = { 0,
        reinterpret_cast<uintptr_t>(+[](void*, IOReturn, void* tick, void*) {
            order.push_back("tick " + std::to_string(reinterpret_cast<uintptr_t>(tick)));
        }),
        0 };
    uint64_t one_tick[] = { 1, 1000 };
    REQUIRE(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, wake, tick_reference, kIOAsyncCalloutCount,
                one_tick, 2, nullptr, nullptr)
        == KERN_SUCCESS);
    lab.publish(widget(0x330, "Between"));
    uint64_t args_reference[kIOAsyncCalloutCount] = { 0,
        reinterpret_cast<uintptr_t>(+[](void*, IOReturn, void*) { order.push_back("one argument"); }), 0 };
    uint64_t one_argument = 1;
    REQUIRE(IOConnectCallAsyncScalarMethod(connect, kFakeSelectorAsyncArgs, wake, args_reference, kIOAsyncCalloutCount,
                &one_argument, 1, nullptr, nullptr)
        == KERN_SUCCESS);
    lab.deliver_all(); // the tick, the publication, the one-argument completion
    CHECK(seen.callbacks == 0);
    CHECK(order.empty());
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 0, true) == kCFRunLoopRunHandledSource);
    CHECK(order == std::vector<std::string> { "tick 1" });
    CHECK(seen.callbacks == 0);
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 0, true) == kCFRunLoopRunHandledSource);
    CHECK(seen.callbacks == 1);
    CHECK(order.size() == 1);
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 0, true) == kCFRunLoopRunHandledSource);
    CHECK(order == std::vector<std::string> { "tick 1", "one argument" });

    IOServiceClose(connect);
    IOObjectRelease(service);
    IOObjectRelease(iterator);
}

TEST_CASE_FIXTURE(NotifyFixture, "bad notification requests")
{
    io_iterator_t iterator = 0x1;
    CHECK(IOServiceAddMatchingNotification(nullptr, kIOFirstMatchNotification, IOServiceMatching("IOService"), nullptr,
              nullptr, &iterator)
        == kIOReturnBadArgument);
    CHECK(iterator == IO_OBJECT_NULL);
    CHECK(IOServiceAddMatchingNotification(notify, kIOFirstMatchNotification, nullptr, nullptr, nullptr, &iterator)
        == kIOReturnBadArgument);
    CHECK(IOServiceAddMatchingNotification(notify, kIOFirstMatchNotification, IOServiceMatching("IOService"), nullptr,
              nullptr, nullptr)
        == kIOReturnBadArgument);
    CHECK(IOServiceAddMatchingNotification(notify, kIOWillTerminateNotification, IOServiceMatching("IOService"),
              nullptr, nullptr, &iterator)
        == kIOReturnUnsupported);
    CHECK(IOServiceAddMatchingNotification(notify, "IOServiceSomething", IOServiceMatching("IOService"), nullptr,
              nullptr, &iterator)
        == kIOReturnUnsupported);
    CHECK(lab.live_notifications() == 0);
    CHECK(IONotificationPortGetRunLoopSource(nullptr) == nullptr);
    CHECK(IONotificationPortGetMachPort(nullptr) == MACH_PORT_NULL);
    IONotificationPortDestroy(nullptr);

    // A notification outlives its port: releasing the iterator later is fine.
    IONotificationPortRef other = IONotificationPortCreate(kIOMainPortDefault);
    Seen seen;
    REQUIRE(IOServiceAddMatchingNotification(other, kIOFirstMatchNotification, IOServiceMatching("IOUSBHostDevice"),
                matched, &seen, &iterator)
        == KERN_SUCCESS);
    IONotificationPortDestroy(other);
    drain(seen, iterator);
    lab.publish(widget(0x340, "Orphan"));
    lab.deliver_all();
    CHECK(seen.callbacks == 0);
    IOObjectRelease(iterator);
}
