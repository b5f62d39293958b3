// IOTimerDispatchSource and IODataQueueDispatchSource in the runtime: what they send the kernel,
// where their callbacks run, and how they refuse bad input.

#include "data_queue_source.h"
#include "runtime_test_support.h"

#include <DriverKit/IOTimerDispatchSource.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "kernel_model/ipc/data_queue_ring.h"

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace dextlab;
using namespace dextlab::sdk;
using namespace dextlab::sdk::testing;

namespace {

constexpr uint64_t kTimerMethod = 0x3333;
constexpr uint64_t kAvailableMethod = 0x4444;
constexpr uint64_t kServicedMethod = 0x5555;
OSMethodQueueName const kQueues[] = { { kAvailableMethod, "Consumer" }, { 0, nullptr } };
OSMetaClass g_target_meta("SourceTarget", "IOService", nullptr, kQueues);

// Records the callbacks it gets: TimerOccurred's time, DataAvailable, DataServiced.
class SourceTarget final : public IOService {
public:
    const OSMetaClass* getMetaClass() const override { return &g_target_meta; }
    kern_return_t Dispatch(const IORPC rpc) override
    {
        if (rpc.msgid == kTimerMethod) {
            times.push_back(static_cast<IOTimerDispatchSource_TimerOccurred_Invocation*>(rpc.arguments)->a1);
            return kIOReturnSuccess;
        }
        if (rpc.msgid == kAvailableMethod || rpc.msgid == kServicedMethod) {
            notifications.push_back(rpc.msgid);
            return kIOReturnSuccess;
        }
        return IOService::Dispatch(rpc);
    }
    std::vector<uint64_t> times;
    std::vector<uint64_t> notifications;
};

IODispatchQueue* make_queue(char const* name)
{
    IODispatchQueue* queue = nullptr;
    REQUIRE(IODispatchQueue::Create(name, 0, 0, &queue) == kIOReturnSuccess);
    return queue;
}

ipc::Message const* last_call(FakeKernel const& kernel, uint64_t msgid)
{
    for (auto it = kernel.calls.rbegin(); it != kernel.calls.rend(); ++it) {
        if (it->header.msgid == msgid)
            return &*it;
    }
    return nullptr;
}

kern_return_t put(IODataQueueDispatchSource* ring, char const* text)
{
    bool available = false;
    kern_return_t ret = data_queue_enqueue(ring, static_cast<uint32_t>(std::strlen(text)), &available,
        [](void* context, void* data, size_t size) { std::memcpy(data, context, size); }, const_cast<char*>(text));
    if (available)
        ring->SendDataAvailable();
    return ret;
}

kern_return_t take(IODataQueueDispatchSource* ring, std::string& out)
{
    bool serviced = false;
    kern_return_t ret = data_queue_dequeue(ring, &serviced, false,
        [](void* context, const void* data, size_t size) { static_cast<std::string*>(context)->assign(static_cast<char const*>(data), size); },
        &out);
    if (serviced)
        ring->SendDataServiced();
    return ret;
}

} // namespace

TEST_CASE("a timer source sends its handler and deadline to the kernel, TimerOccurred runs on its queue")
{
    Runtime rt;
    auto* target = new SourceTarget;
    REQUIRE(target->init());
    auto* queue = make_queue("Timers");
    IOTimerDispatchSource* timer = nullptr;
    REQUIRE(IOTimerDispatchSource::Create(queue, &timer) == kIOReturnSuccess);

    OSAction* wrong = nullptr;
    REQUIRE(OSAction::Create(target, kTimerMethod, IOUSBHostPipe_CompleteAsyncIO_ID, 0, &wrong) == kIOReturnSuccess);
    CHECK(timer->SetHandler(wrong) == kIOReturnBadArgument); // made for another prototype
    wrong->release();

    OSAction* action = nullptr;
    REQUIRE(OSAction::Create(target, kTimerMethod, IOTimerDispatchSource_TimerOccurred_ID, 0, &action) == kIOReturnSuccess);
    CHECK(timer->SetHandler(action) == kIOReturnSuccess);
    auto const* set = last_call(rt.kernel, ipc::ids::IOTimerDispatchSource_SetHandler);
    REQUIRE(set != nullptr);
    ipc::WireReader set_args(*set);
    CHECK(set_args.object().value().id == rt.server->id_of(action));
    CHECK(set_args.str().value() == "Timers");

    size_t calls_before = rt.kernel.calls.size();
    CHECK(timer->WakeAtTime(0x1234, 1000, 0) == kIOReturnBadArgument); // not a clock
    CHECK(rt.kernel.calls.size() == calls_before);
    CHECK(timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, 5000000, 100) == kIOReturnSuccess);
    auto const* wake = last_call(rt.kernel, ipc::ids::IOTimerDispatchSource_WakeAtTime);
    REQUIRE(wake != nullptr);
    ipc::WireReader wake_args(*wake);
    CHECK(wake_args.u64().value() == kIOTimerClockMachAbsoluteTime);
    CHECK(wake_args.u64().value() == 5000000);
    CHECK(wake_args.u64().value() == 100);

    // The kernel's wake-up: an Invoke on the action, carrying the time and the source.
    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, rt.server->id_of(action), IOTimerDispatchSource_TimerOccurred_ID);
    ipc::WireWriter(invoke).u64(5000000).object(rt.server->id_of(timer), "IOTimerDispatchSource");
    rt.server->handle(invoke);
    rt.run_all(Runtime::id_of(queue));
    CHECK(target->times == std::vector<uint64_t> { 5000000 });
    CHECK(action->getRetainCount() == 2); // the caller's and the timer's: the callback took and gave back its own

    // Canceled: the kernel is told, a callback already on its way is dropped.
    rt.server->handle(invoke);
    CHECK(timer->Cancel(nullptr) == kIOReturnSuccess);
    CHECK(last_call(rt.kernel, ipc::ids::IODispatchSource_Cancel) != nullptr);
    rt.run_all(Runtime::id_of(queue));
    CHECK(target->times.size() == 1);
    CHECK(timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, 1, 0) == kIOReturnNotReady);
    CHECK(action->getRetainCount() == 1); // Cancel released the handler

    action->release();
    timer->release();
    queue->release();
    target->release();
}

TEST_CASE("a timer released without Cancel makes the kernel forget it")
{
    Runtime rt;
    auto* queue = make_queue("Timers");
    IOTimerDispatchSource* timer = nullptr;
    REQUIRE(IOTimerDispatchSource::Create(queue, &timer) == kIOReturnSuccess);
    REQUIRE(timer->WakeAtTime(kIOTimerClockUptimeRaw, 10, 0) == kIOReturnSuccess);
    timer->release();
    CHECK(last_call(rt.kernel, ipc::ids::IODispatchSource_Cancel) != nullptr);
    queue->release();
}

TEST_CASE("a data queue lives in a kernel buffer, refuses odd sizes, and reports every operation")
{
    Runtime rt;
    rt.kernel.serve_buffers();
    auto* queue = make_queue("Producer");
    IODataQueueDispatchSource* ring = nullptr;
    CHECK(IODataQueueDispatchSource::Create(30, queue, &ring) == kIOReturnBadArgument);
    CHECK(IODataQueueDispatchSource::Create(0, queue, &ring) == kIOReturnBadArgument);
    REQUIRE(IODataQueueDispatchSource::Create(24, queue, &ring) == kIOReturnSuccess);
    CHECK(IODataQueueDispatchSource::GetDataQueueEntryHeaderSize() == 4);
    auto const* create = last_call(rt.kernel, ipc::ids::IODataQueueDispatchSource_Create);
    REQUIRE(create != nullptr);
    ipc::WireReader create_args(*create);
    CHECK(create_args.u64().value() == 24);
    CHECK(rt.kernel.regions.begin()->second.size() == ipc::DataQueueRing::memory_size(24));

    CHECK_FALSE(ring->IsDataAvailable());
    std::string out;
    CHECK(take(ring, out) == kIOReturnUnderrun);
    CHECK(put(ring, "12345678") == kIOReturnSuccess);
    CHECK(ring->IsDataAvailable());
    CHECK(ring->CanEnqueueData(8) == kIOReturnSuccess);
    CHECK(put(ring, "abcdefgh") == kIOReturnSuccess);
    CHECK(ring->CanEnqueueData(8) == kIOReturnOverrun);
    CHECK(put(ring, "x") == kIOReturnOverrun);
    std::string peeked;
    CHECK(data_queue_dequeue(ring, nullptr, true,
              [](void* context, const void* data, size_t size) {
                  static_cast<std::string*>(context)->assign(static_cast<char const*>(data), size);
              },
              &peeked)
        == kIOReturnSuccess);
    CHECK(peeked == "12345678"); // Peek: the head stays, and nothing is reported
    CHECK(take(ring, out) == kIOReturnSuccess);
    CHECK(out == "12345678");
    // Enqueue, Dequeue x2 and Dequeue on empty: each one a one-way report to the kernel.
    CHECK(rt.kernel.count(ipc::MessageKind::Call, ipc::ids::IODataQueueDispatchSource_Enqueue) == 3);
    CHECK(rt.kernel.count(ipc::MessageKind::Call, ipc::ids::IODataQueueDispatchSource_Dequeue) == 2);
    ring->release();
    queue->release();
}

TEST_CASE("DataAvailable runs on the handler's QUEUENAME queue, DataServiced follows a full ring's drain")
{
    Runtime rt;
    rt.kernel.serve_buffers();
    auto* target = new SourceTarget;
    REQUIRE(target->init());
    auto* producer = make_queue("Producer");
    auto* consumer = make_queue("Consumer");
    REQUIRE(target->SetDispatchQueue("Consumer", consumer) == kIOReturnSuccess);
    IODispatchQueue* default_queue = nullptr;
    REQUIRE(target->CopyDispatchQueue(kIOServiceDefaultQueueName, &default_queue) == kIOReturnSuccess);

    IODataQueueDispatchSource* ring = nullptr;
    REQUIRE(IODataQueueDispatchSource::Create(24, producer, &ring) == kIOReturnSuccess);
    REQUIRE(put(ring, "early") == kIOReturnSuccess); // before any handler

    OSAction* available = nullptr;
    OSAction* serviced = nullptr;
    REQUIRE(OSAction::Create(target, kAvailableMethod, IODataQueueDispatchSource_DataAvailable_ID, 0, &available) == kIOReturnSuccess);
    REQUIRE(OSAction::Create(target, kServicedMethod, IODataQueueDispatchSource_DataServiced_ID, 0, &serviced) == kIOReturnSuccess);
    CHECK(ring->SetDataServicedHandler(available) == kIOReturnBadArgument); // wrong prototype
    REQUIRE(ring->SetDataAvailableHandler(available) == kIOReturnSuccess);
    REQUIRE(ring->SetDataServicedHandler(serviced) == kIOReturnSuccess);

    // Data already there: the new handler hears of it at once, on its QUEUENAME queue.
    rt.run_all(Runtime::id_of(producer));
    CHECK(target->notifications.empty());
    rt.run_all(Runtime::id_of(consumer));
    CHECK(target->notifications == std::vector<uint64_t> { kAvailableMethod });

    // Fill it: the refused enqueue nudges the consumer and asks for DataServiced.
    REQUIRE(put(ring, "second") == kIOReturnSuccess);
    REQUIRE(put(ring, "third") == kIOReturnOverrun);
    std::string out;
    REQUIRE(take(ring, out) == kIOReturnSuccess);
    CHECK(out == "early");
    rt.run_all(Runtime::id_of(consumer));
    rt.run_all(Runtime::id_of(default_queue)); // DataServiced has no QUEUENAME: Default
    CHECK(target->notifications == std::vector<uint64_t> { kAvailableMethod, kAvailableMethod, kServicedMethod });

    // Canceled: no more notifications; the handler runs at once.
#if __BLOCKS__
    __block bool canceled = false;
    CHECK(ring->Cancel(^{
        canceled = true;
    }) == kIOReturnSuccess);
    CHECK(canceled);
#else
    CHECK(ring->Cancel(nullptr) == kIOReturnSuccess);
#endif
    take(ring, out);
    put(ring, "after cancel");
    rt.run_all(Runtime::id_of(consumer));
    CHECK(target->notifications.size() == 3);
    CHECK(available->getRetainCount() == 1);

    available->release();
    serviced->release();
    ring->release();
    default_queue->release();
    consumer->release();
    producer->release();
    target->release();
}
