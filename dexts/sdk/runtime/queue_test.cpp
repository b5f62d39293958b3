// Dispatch queues in the runtime: FIFO order, GCD's DispatchSync, deadlock reports, Cancel,
// and the routing of callbacks to QUEUENAME queues.

#include "runtime_test_support.h"

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOService.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace dextlab;
using namespace dextlab::sdk;
using namespace dextlab::sdk::testing;

namespace {

std::vector<std::string> g_events;

void note(void* text) { g_events.push_back(static_cast<char const*>(text)); }

struct SyncContext {
    IODispatchQueue* queue;
    IODispatchQueue* other;
};

// From inside a DispatchSync'd function: is each queue "on queue", and a sync back onto `other`.
void sync_back(void* context)
{
    auto* c = static_cast<SyncContext*>(context);
    g_events.push_back(std::string("sync: on queue ") + (c->queue->OnQueue() ? "1" : "0") + ", on other "
        + (c->other->OnQueue() ? "1" : "0"));
    c->other->DispatchSync_f(const_cast<char*>("never"), note);
}

IODispatchQueue* make_queue(char const* name)
{
    IODispatchQueue* queue = nullptr;
    REQUIRE(IODispatchQueue::Create(name, 0, 0, &queue) == kIOReturnSuccess);
    return queue;
}

constexpr uint64_t kReaderMethod = 0x1111;
constexpr uint64_t kMissingMethod = 0x2222;
OSMethodQueueName const kRoutedQueues[] = { { kReaderMethod, "Reader" }, { kMissingMethod, "Missing" }, { 0, nullptr } };
OSMetaClass g_routed_meta("RoutedService", "IOService", nullptr, kRoutedQueues);

// A service whose class declares QUEUENAME(Reader) and QUEUENAME(Missing) methods, as a
// generated class does; it records the messages dispatched to it.
class RoutedService final : public IOService {
public:
    const OSMetaClass* getMetaClass() const override { return &g_routed_meta; }
    kern_return_t Dispatch(const IORPC rpc) override
    {
        if (rpc.msgid == kReaderMethod || rpc.msgid == kMissingMethod) {
            seen.push_back(rpc.msgid);
            return kIOReturnSuccess;
        }
        return IOService::Dispatch(rpc);
    }
    std::vector<uint64_t> seen;
};

} // namespace

TEST_CASE("DispatchAsync work runs in order, one item per RunQueueItem, each announced to the kernel")
{
    Runtime rt;
    g_events.clear();
    auto* queue = make_queue("Worker");
    queue->DispatchAsync_f(const_cast<char*>("a"), note);
    queue->DispatchAsync_f(const_cast<char*>("b"), note);
    CHECK(rt.kernel.count(ipc::MessageKind::QueueWork) == 2);
    CHECK(rt.run_one(Runtime::id_of(queue)) == 1);
    CHECK(g_events == std::vector<std::string> { "a" });
    rt.run_all(Runtime::id_of(queue));
    CHECK(g_events == std::vector<std::string> { "a", "b" });
    queue->release();
}

TEST_CASE("DispatchSync runs the work queued before it first, then its own, on the caller's stack")
{
    Runtime rt;
    g_events.clear();
    auto* queue = make_queue("Worker");
    queue->DispatchAsync_f(const_cast<char*>("async 1"), note);
    queue->DispatchAsync_f(const_cast<char*>("async 2"), note);
    queue->DispatchSync_f(const_cast<char*>("sync"), note);
    CHECK(g_events == std::vector<std::string> { "async 1", "async 2", "sync" });
    CHECK(rt.kernel.queue_reports() == std::vector<uint64_t> { kQueueSyncBegin, kQueueSyncEnd });
    CHECK(rt.run_one(Runtime::id_of(queue)) == 0); // nothing left for the kernel's turn
    queue->release();
}

TEST_CASE("a DispatchSync onto a queue already on the stack is reported as a deadlock and skipped")
{
    Runtime rt;
    g_events.clear();
    auto* worker = make_queue("Worker");
    auto* other = make_queue("Other");
    SyncContext context { other, worker };
    // Worker runs an item that syncs onto Other, which syncs back onto Worker.
    worker->DispatchAsync_f(&context, [](void* c) {
        auto* ctx = static_cast<SyncContext*>(c);
        ctx->queue->DispatchSync_f(ctx, sync_back);
        g_events.push_back("worker item returned");
    });
    rt.run_all(Runtime::id_of(worker));
    CHECK(g_events == std::vector<std::string> { "sync: on queue 1, on other 1", "worker item returned" });
    auto reports = rt.kernel.queue_reports();
    CHECK(std::count(reports.begin(), reports.end(), kQueueDeadlock) == 1);
    bool logged = false;
    for (auto const& line : rt.kernel.logs())
        logged |= line.find("deadlock: DispatchSync onto queue Worker") != std::string::npos
            && line.find("(Worker > Other > Worker)") != std::string::npos;
    CHECK(logged);
    CHECK_FALSE(worker->OnQueue()); // nothing runs once the stack unwound
    worker->release();
    other->release();
}

TEST_CASE("a canceled queue drops what it holds, takes no more work, and refuses DispatchSync")
{
    Runtime rt;
    g_events.clear();
    auto* queue = make_queue("Worker");
    queue->DispatchAsync_f(const_cast<char*>("queued before cancel"), note);
    rt.server->cancel_queue(queue->IODispatchQueue::ivars->state, [] { g_events.push_back("cancel handler"); });
    queue->DispatchAsync_f(const_cast<char*>("after cancel"), note);
    queue->DispatchSync_f(const_cast<char*>("sync after cancel"), note);
    rt.run_all(Runtime::id_of(queue));
    CHECK(g_events == std::vector<std::string> { "cancel handler" });
    auto reports = rt.kernel.queue_reports();
    CHECK(reports == std::vector<uint64_t> { kQueueCanceled, kQueueSyncRefused });
    size_t dropped_logs = 0;
    for (auto const& line : rt.kernel.logs())
        dropped_logs += line.find("work sent to canceled queue Worker is dropped") != std::string::npos;
    CHECK(dropped_logs == 1);
    queue->release();
}

TEST_CASE("a queue holds itself while it has work: releasing it early does not lose the work")
{
    Runtime rt;
    g_events.clear();
    auto* queue = make_queue("Worker");
    uint64_t id = Runtime::id_of(queue);
    queue->DispatchAsync_f(const_cast<char*>("still runs"), note);
    queue->release();
    rt.run_all(id);
    CHECK(g_events == std::vector<std::string> { "still runs" });
}

TEST_CASE("SetDispatchQueue binds names, QUEUENAME methods' callbacks run on their queue, else on Default")
{
    Runtime rt;
    auto* service = new RoutedService;
    REQUIRE(service->init());
    auto* reader = make_queue("Reader");
    CHECK(service->SetDispatchQueue("Reader", reader) == kIOReturnSuccess);

    IODispatchQueue* copied = nullptr;
    CHECK(service->CopyDispatchQueue("Reader", &copied) == kIOReturnSuccess);
    CHECK(copied == reader);
    copied->release();
    CHECK(service->CopyDispatchQueue("Nope", &copied) == kIOReturnNotFound);
    CHECK(copied == nullptr);
    CHECK(service->CopyDispatchQueue(kIOServiceDefaultQueueName, &copied) == kIOReturnSuccess);
    IODispatchQueue* default_queue = copied;

    CHECK(rt.server->queue_for_method(service, kReaderMethod) == reader->IODispatchQueue::ivars->state);
    CHECK(rt.server->queue_for_method(service, 0x9999) == default_queue->IODispatchQueue::ivars->state);
    // QUEUENAME(Missing) with nothing set: the default queue, and a warning, once.
    CHECK(rt.server->queue_for_method(service, kMissingMethod) == default_queue->IODispatchQueue::ivars->state);
    rt.server->queue_for_method(service, kMissingMethod);
    size_t warnings = 0;
    for (auto const& line : rt.kernel.logs())
        warnings += line.find("declared QUEUENAME(Missing) but no queue was set") != std::string::npos;
    CHECK(warnings == 1);

    // A completion for the QUEUENAME(Reader) method arrives through an OSAction and runs on Reader.
    OSAction* action = nullptr;
    REQUIRE(OSAction::Create(service, kReaderMethod, IOUSBHostPipe_CompleteAsyncIO_ID, 0, &action) == kIOReturnSuccess);
    action->retain(); // the kernel's reference, which the completion brings back
    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, rt.server->id_of(action), IOUSBHostPipe_CompleteAsyncIO_ID);
    ipc::WireWriter(invoke).u64(0).u64(8).u64(1234);
    auto reply = rt.server->handle(invoke);
    ipc::WireReader r(reply);
    CHECK(ipc::reply_status(reply, r).value() == kIOReturnSuccess);
    CHECK(rt.run_one(Runtime::id_of(default_queue)) == 0);
    CHECK(service->seen.empty());
    rt.run_all(Runtime::id_of(reader));
    CHECK(service->seen == std::vector<uint64_t> { kReaderMethod });
    CHECK(action->getRetainCount() == 1); // the completion gave the kernel's reference back

    action->release();
    default_queue->release();
    reader->release();
    service->release();
}

#if __BLOCKS__
TEST_CASE("the block forms: DispatchAsync, DispatchSync, RunAction and Cancel with a handler")
{
    Runtime rt;
    auto* queue = make_queue("Blocks");
    __block int steps = 0;
    queue->DispatchAsync(^{
        steps += 1;
    });
    queue->DispatchSync(^{
        steps += 10;
    });
    CHECK(steps == 11);
    CHECK(queue->RunAction(^kern_return_t {
        return queue->OnQueue() ? kIOReturnSuccess : kIOReturnError;
    }) == kIOReturnSuccess);
    CHECK(queue->Cancel(^{
        steps += 100;
    }) == kIOReturnSuccess);
    queue->DispatchAsync(^{
        steps += 1000;
    });
    rt.run_all(Runtime::id_of(queue));
    CHECK(steps == 111);
    // A RunAction that would deadlock returns kIOReturnCannotLock without running.
    auto* other = make_queue("Other");
    other->DispatchSync(^{
        CHECK(other->RunAction(^kern_return_t {
            return kIOReturnSuccess;
        }) == kIOReturnCannotLock);
    });
    other->release();
    queue->release();
}
#endif
