// Connections: IOServiceOpen/Close, the IOConnectCall* family, memory mapping, and async
// completions delivered by the run loop in each IOAsyncCallback shape.

#include "fixture.h"

#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

#include <cstring>

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::test;

namespace {

// A fixture with the sample service open.
struct OpenFixture : LabFixture {
    OpenFixture()
    {
        service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
        REQUIRE(IOServiceOpen(service, mach_task_self(), kUserClientSampleConnectType, &connect) == KERN_SUCCESS);
    }
    ~OpenFixture()
    {
        if (connect)
            IOServiceClose(connect);
        IOObjectRelease(service);
    }
    io_service_t service { IO_OBJECT_NULL };
    io_connect_t connect { IO_OBJECT_NULL };
};

struct Ticks {
    int count { 0 };
    int stop_at { 0 };
    IOReturn last_result { 1 };
    uint64_t last_tick { 0 };
    uint64_t last_time { 0 };
};

void tick_callback(void* refcon, IOReturn result, void* arg0, void* arg1)
{
    auto* ticks = static_cast<Ticks*>(refcon);
    ++ticks->count;
    ticks->last_result = result;
    ticks->last_tick = reinterpret_cast<uintptr_t>(arg0);
    ticks->last_time = reinterpret_cast<uintptr_t>(arg1);
    if (ticks->count == ticks->stop_at)
        CFRunLoopStop(CFRunLoopGetCurrent());
}

struct Shape {
    int which { -1 };
    IOReturn result { 0 };
    std::vector<uintptr_t> args;
};

void shape0(void* refcon, IOReturn result) { *static_cast<Shape*>(refcon) = { 0, result, {} }; }
void shape1(void* refcon, IOReturn result, void* a) { *static_cast<Shape*>(refcon) = { 1, result, { reinterpret_cast<uintptr_t>(a) } }; }
void shape_many(void* refcon, IOReturn result, void** args, uint32_t count)
{
    auto* shape = static_cast<Shape*>(refcon);
    *shape = { 3, result, {} };
    for (uint32_t i = 0; i < count; ++i)
        shape->args.push_back(reinterpret_cast<uintptr_t>(args[i]));
}

} // namespace

TEST_CASE_FIXTURE(OpenFixture, "scalar, structure and mixed calls")
{
    CHECK(lab.open_connections() == 1);
    uint64_t in[] = { 2, 40 };
    uint64_t out[4] = {};
    uint32_t out_count = 4;
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, in, 2, out, &out_count) == KERN_SUCCESS);
    CHECK(out[0] == 42);
    CHECK(out_count == 1);
    CHECK(lab.last_call.scalar_output_capacity == 4);

    char const text[] = "hello dext";
    char reversed[sizeof text - 1] = {};
    size_t reversed_size = sizeof reversed;
    CHECK(IOConnectCallStructMethod(connect, kSampleSelectorReverse, text, sizeof text - 1, reversed, &reversed_size)
        == KERN_SUCCESS);
    CHECK(std::string(reversed, reversed_size) == "txed olleh");

    // 8000 bytes: more than io_struct_inband_t, still whole both ways.
    std::vector<uint8_t> big(8000), back(8000);
    for (size_t i = 0; i < big.size(); ++i)
        big[i] = static_cast<uint8_t>(i * 7);
    size_t back_size = back.size();
    CHECK(IOConnectCallMethod(connect, kSampleSelectorReverse, nullptr, 0, big.data(), big.size(), nullptr, nullptr,
              back.data(), &back_size)
        == KERN_SUCCESS);
    CHECK(back_size == 8000);
    CHECK(std::equal(big.rbegin(), big.rend(), back.begin()));

    UserClientSampleStats stats {};
    size_t stats_size = sizeof stats;
    CHECK(IOConnectCallStructMethod(connect, kSampleSelectorStats, nullptr, 0, &stats, &stats_size) == KERN_SUCCESS);
    CHECK(stats_size == sizeof stats);
    CHECK(stats.calls == 3);
    CHECK(stats.bytes_reversed == 8010);

    // A dext error comes back as is, and the outputs are left alone.
    out_count = 4;
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, in, 1, out, &out_count) == kIOReturnBadArgument);
    CHECK(out_count == 4);
}

TEST_CASE_FIXTURE(OpenFixture, "mapped memory is the dext's page until unmapped")
{
    mach_vm_address_t address = 0;
    mach_vm_size_t size = 0;
    CHECK(IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self(), &address, &size, kIOMapAnywhere)
        == KERN_SUCCESS);
    CHECK(size == kSampleSharedSize);
    REQUIRE(address != 0);
    uint64_t seed = 7;
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorFillShared, &seed, 1, nullptr, nullptr) == KERN_SUCCESS);
    auto const* page = reinterpret_cast<uint8_t const*>(static_cast<uintptr_t>(address));
    CHECK(page[0] == 7);
    CHECK(page[249] == 0);
    CHECK(page[4095] == static_cast<uint8_t>(7 + 4095));
    CHECK(lab.live_mappings() == 1);

    CHECK(IOConnectUnmapMemory64(connect, kSampleMemoryShared, mach_task_self(), address + 1) == kIOReturnBadArgument);
    CHECK(IOConnectUnmapMemory64(connect, kSampleMemoryShared, mach_task_self(), address) == KERN_SUCCESS);
    CHECK(lab.live_mappings() == 0);
    CHECK(IOConnectUnmapMemory64(connect, kSampleMemoryShared, mach_task_self(), address) == kIOReturnBadArgument);

    CHECK(IOConnectMapMemory64(connect, 9, mach_task_self(), &address, &size, kIOMapAnywhere) == kIOReturnBadArgument);
    CHECK(IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self(), &address, &size, 0) == kIOReturnUnsupported);
    CHECK(IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self() + 1, &address, &size, kIOMapAnywhere)
        == kIOReturnBadArgument);
    CHECK(IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self(), nullptr, &size, kIOMapAnywhere)
        == kIOReturnBadArgument);

    // Closing unmaps what the connection still has mapped.
    CHECK(IOConnectMapMemory64(connect, kSampleMemoryShared, mach_task_self(), &address, &size, kIOMapAnywhere)
        == KERN_SUCCESS);
    CHECK(IOServiceClose(connect) == KERN_SUCCESS);
    connect = IO_OBJECT_NULL;
    CHECK(lab.live_mappings() == 0);
    CHECK(lab.open_connections() == 0);
}

TEST_CASE_FIXTURE(OpenFixture, "async completions run only in the run loop, IOAsyncCallback2 for two arguments")
{
    IONotificationPortRef notify = IONotificationPortCreate(kIOMainPortDefault);
    CFRunLoopAddSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopDefaultMode);

    Ticks ticks;
    ticks.stop_at = 3;
    uint64_t reference[kOSAsyncRef64Count] = {};
    reference[kIOAsyncCalloutFuncIndex] = reinterpret_cast<uintptr_t>(&tick_callback);
    reference[kIOAsyncCalloutRefconIndex] = reinterpret_cast<uintptr_t>(&ticks);
    uint64_t arguments[] = { 3, 1000 };
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, IONotificationPortGetMachPort(notify),
              reference, kIOAsyncCalloutCount, arguments, 2, nullptr, nullptr)
        == KERN_SUCCESS);
    // The kernel's copy of the reference carries the wake port in the reserved word.
    REQUIRE(lab.last_call.async);
    REQUIRE(lab.last_call.async_reference.size() == kIOAsyncCalloutCount);
    CHECK(lab.last_call.async_reference[kIOAsyncReservedIndex] == (IONotificationPortGetMachPort(notify) | 1u));
    CHECK(lab.last_call.async_reference[kIOAsyncCalloutRefconIndex] == reinterpret_cast<uintptr_t>(&ticks));
    CHECK(reference[kIOAsyncReservedIndex] == 0); // the app's array is not written

    // A synchronous call lets the lab run; nothing reaches the app outside its run loop.
    lab.deliver_all();
    CHECK(ticks.count == 0);
    CFRunLoopRun();
    CHECK(ticks.count == 3);
    CHECK(ticks.last_result == kIOReturnSuccess);
    CHECK(ticks.last_tick == 3);
    CHECK(ticks.last_time == 3000);

    CFRunLoopRemoveSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopDefaultMode);
    IONotificationPortDestroy(notify);
}

TEST_CASE_FIXTURE(OpenFixture, "the callback shape follows the number of async arguments")
{
    IONotificationPortRef notify = IONotificationPortCreate(kIOMainPortDefault);
    CFRunLoopAddSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), kCFRunLoopCommonModes);
    struct Case {
        uint64_t args;
        void* callback;
        int shape;
    };
    for (Case c : { Case { 0, reinterpret_cast<void*>(&shape0), 0 }, Case { 1, reinterpret_cast<void*>(&shape1), 1 },
             Case { 5, reinterpret_cast<void*>(&shape_many), 3 } }) {
        CAPTURE(c.args);
        Shape shape;
        uint64_t reference[kIOAsyncCalloutCount] = { 0, reinterpret_cast<uintptr_t>(c.callback), reinterpret_cast<uintptr_t>(&shape) };
        CHECK(IOConnectCallAsyncScalarMethod(connect, kFakeSelectorAsyncArgs, IONotificationPortGetMachPort(notify),
                  reference, kIOAsyncCalloutCount, &c.args, 1, nullptr, nullptr)
            == KERN_SUCCESS);
        CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 0, true) == kCFRunLoopRunHandledSource);
        CHECK(shape.which == c.shape);
        CHECK(shape.result == kIOReturnAborted);
        CHECK(shape.args.size() == (c.shape == 0 ? 0 : c.args));
        if (c.args == 5)
            CHECK(shape.args == std::vector<uintptr_t> { 1, 2, 3, 4, 5 });
    }
    IONotificationPortDestroy(notify); // invalidates its source: the run loop lets go of it
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 0, false) == kCFRunLoopRunFinished);
}

TEST_CASE_FIXTURE(OpenFixture, "completions wait on the port until its source is in the running mode")
{
    IONotificationPortRef notify = IONotificationPortCreate(kIOMainPortDefault);
    Ticks ticks;
    uint64_t reference[kIOAsyncCalloutCount] = { 0, reinterpret_cast<uintptr_t>(&tick_callback), reinterpret_cast<uintptr_t>(&ticks) };
    uint64_t arguments[] = { 2, 1000 };
    REQUIRE(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, IONotificationPortGetMachPort(notify),
                reference, kIOAsyncCalloutCount, arguments, 2, nullptr, nullptr)
        == KERN_SUCCESS);
    lab.deliver_all();
    // No source in the run loop: the run finishes at once, as CF's does, and nothing is delivered.
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1, false) == kCFRunLoopRunFinished);
    CHECK(ticks.count == 0);
    // In another mode the source does not run either.
    CFRunLoopAddSource(CFRunLoopGetCurrent(), IONotificationPortGetRunLoopSource(notify), CFSTR("OtherMode"));
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1, false) == kCFRunLoopRunFinished);
    CHECK(ticks.count == 0);
    CHECK(CFRunLoopRunInMode(CFSTR("OtherMode"), 1, true) == kCFRunLoopRunHandledSource);
    CHECK(ticks.count == 1);
    // Nothing more can arrive after the second: the run ends as timed out (the lab is idle).
    CHECK(CFRunLoopRunInMode(CFSTR("OtherMode"), 1, false) == kCFRunLoopRunTimedOut);
    CHECK(ticks.count == 2);
    IONotificationPortDestroy(notify);
}

TEST_CASE_FIXTURE(OpenFixture, "bad arguments to connection calls")
{
    uint64_t scalars[17] = {};
    uint32_t count = 1;
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, scalars, 17, nullptr, nullptr) == MIG_ARRAY_TOO_LARGE);
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, nullptr, 2, scalars, &count) == kIOReturnBadArgument);
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, scalars, 2, nullptr, &count) == kIOReturnBadArgument);
    size_t size = 8;
    CHECK(IOConnectCallStructMethod(connect, kSampleSelectorReverse, nullptr, 4, scalars, &size) == kIOReturnBadArgument);
    CHECK(IOConnectCallStructMethod(connect, kSampleSelectorReverse, scalars, 4, nullptr, &size) == kIOReturnBadArgument);
    size = static_cast<size_t>(kIOConnectMethodVarOutputSize);
    CHECK(IOConnectCallStructMethod(connect, kSampleSelectorReverse, scalars, 4, scalars, &size) == kIOReturnUnsupported);
    CHECK(IOConnectCallScalarMethod(IO_OBJECT_NULL, 0, nullptr, 0, nullptr, nullptr) == MACH_SEND_INVALID_DEST);
    CHECK(IOConnectCallScalarMethod(0x5555, 0, nullptr, 0, nullptr, nullptr) == MACH_SEND_INVALID_DEST);
    CHECK(IOConnectCallScalarMethod(service, 0, nullptr, 0, nullptr, nullptr) == kIOReturnBadArgument);

    IONotificationPortRef notify = IONotificationPortCreate(kIOMainPortDefault);
    mach_port_t wake = IONotificationPortGetMachPort(notify);
    uint64_t reference[kOSAsyncRef64Count + 1] = {};
    uint64_t ticks[] = { 1, 1000 };
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, wake, reference, 0, ticks, 2, nullptr, nullptr)
        == kIOReturnBadArgument);
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, wake, nullptr, 3, ticks, 2, nullptr, nullptr)
        == kIOReturnBadArgument);
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, wake, reference, 9, ticks, 2, nullptr, nullptr)
        == MIG_ARRAY_TOO_LARGE);
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, MACH_PORT_NULL, reference, 3, ticks, 2,
              nullptr, nullptr)
        == kIOReturnBadArgument);
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, service, reference, 3, ticks, 2, nullptr,
              nullptr)
        == MACH_SEND_INVALID_RIGHT);
    IONotificationPortDestroy(notify);
    CHECK(IOConnectCallAsyncScalarMethod(connect, kSampleSelectorStartTicks, wake, reference, 3, ticks, 2, nullptr, nullptr)
        == MACH_SEND_INVALID_RIGHT); // the port is gone

    io_connect_t other = IO_OBJECT_NULL;
    io_service_t device = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("IOUSBHostDevice"));
    CHECK(IOServiceOpen(device, mach_task_self(), 0, &other) == kIOReturnUnsupported);
    CHECK(other == IO_OBJECT_NULL);
    CHECK(IOServiceOpen(service, mach_task_self(), 7, &other) == kIOReturnBadArgument); // the dext refuses the type
    CHECK(IOServiceOpen(service, mach_task_self(), 0, nullptr) == kIOReturnBadArgument);
    CHECK(IOServiceOpen(IO_OBJECT_NULL, mach_task_self(), 0, &other) == MACH_SEND_INVALID_DEST);
    CHECK(IOServiceClose(service) == kIOReturnBadArgument);
    CHECK(IOServiceClose(IO_OBJECT_NULL) == MACH_SEND_INVALID_DEST);
    IOObjectRelease(device);
}

TEST_CASE_FIXTURE(LabFixture, "connection handles: get service, extra references, release closes")
{
    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    io_connect_t connect = IO_OBJECT_NULL;
    REQUIRE(IOServiceOpen(service, mach_task_self(), 0, &connect) == KERN_SUCCESS);
    io_name_t name;
    CHECK(IOObjectGetClass(connect, name) == KERN_SUCCESS);
    CHECK(std::string(name) == "IOUserUserClient");
    CHECK(IOObjectConformsTo(connect, "IOUserClient"));
    io_service_t opened_on = IO_OBJECT_NULL;
    CHECK(IOConnectGetService(connect, &opened_on) == KERN_SUCCESS);
    CHECK(opened_on == service);
    CHECK(IOObjectGetUserRetainCount(service) == 2);
    IOObjectRelease(opened_on);

    // IOServiceClose closes at once; an extra reference keeps the name, not the connection.
    CHECK(IOConnectAddRef(connect) == KERN_SUCCESS);
    CHECK(IOServiceClose(connect) == KERN_SUCCESS);
    CHECK(lab.open_connections() == 0);
    uint64_t in[] = { 1, 2 };
    CHECK(IOConnectCallScalarMethod(connect, kSampleSelectorAdd, in, 2, nullptr, nullptr) == kIOReturnNotOpen);
    CHECK(IOConnectRelease(connect) == KERN_SUCCESS);

    // Releasing the last reference of an open connection closes it, as the kernel's no-senders does.
    REQUIRE(IOServiceOpen(service, mach_task_self(), 0, &connect) == KERN_SUCCESS);
    CHECK(lab.open_connections() == 1);
    CHECK(IOObjectRelease(connect) == KERN_SUCCESS);
    CHECK(lab.open_connections() == 0);
    IOObjectRelease(service);
}
