// QueueWork from a dext, read by the kernel: the queue's name comes with its first work only, and
// what a broken dext side sends instead is a traced protocol error, never a crash or a queue
// with no name. A stand-in dext side posts hand-made messages from its Start.
#include "kernel_model/entitlements/entitlements.h"
#include "kernel_model/ipc/connection.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/trace_points.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

constexpr uint64_t kQueue = ipc::kDextObjectBit | (1ULL << 32);
constexpr uint64_t kOtherQueue = ipc::kDextObjectBit | (2ULL << 32);

ipc::Message queue_work(uint64_t queue, uint64_t pending)
{
    auto work = ipc::Message::make(ipc::MessageKind::QueueWork, queue, 0, ipc::kMessageOneway);
    ipc::WireWriter(work).u64(0).u64(pending);
    return work;
}

// Answers every kernel message with success; its Start posts the QueueWork cases.
struct StandInDext final : ipc::MessageHandler {
    ipc::Channel& kernel;
    explicit StandInDext(ipc::Channel& k)
        : kernel(k)
    {
    }
    ipc::Message handle(ipc::Message const& message) override
    {
        if (message.kind() == ipc::MessageKind::Invoke && message.header.msgid == ipc::ids::IOService_Start) {
            (void)kernel.post(queue_work(kQueue, 1)); // 1: no name, and the kernel has never heard of the queue
            auto named = queue_work(kQueue, 1);
            ipc::WireWriter(named).str("Default");
            (void)kernel.post(named);                 // 2: the first work, named
            (void)kernel.post(queue_work(kQueue, 2)); // 3: more work, the name known
            auto broken = queue_work(kOtherQueue, 1);
            ipc::WireWriter(broken).u64(7);
            (void)kernel.post(broken); // 4: a number where the name should be
        }
        auto reply = ipc::make_reply(0);
        if (message.kind() == ipc::MessageKind::RunQueueItem)
            ipc::WireWriter(reply).u64(0);
        return reply;
    }
};

} // namespace

TEST_CASE("QueueWork names its queue once, and a nameless first or a malformed one is a traced error")
{
    Scheduler scheduler;
    TraceBus trace { [&] { return scheduler.now(); } };
    std::vector<TraceRecord> records;
    trace.subscribe([&](TraceRecord const& r) { records.push_back(r); });
    Kernel kernel { scheduler, trace,
        ipc::in_process_launcher([](ipc::Channel& to_kernel, std::string const&) { return std::make_unique<StandInDext>(to_kernel); }) };

    DextBundle b;
    b.name = "StandIn";
    b.bundle_identifier = "org.dextlab.StandIn";
    b.path = "/nowhere/StandIn.dext";
    b.executable_path = b.path + "/StandIn";
    b.entitlements = { { entitlement_keys::driverkit, Property::boolean(true) } };
    Personality p { "StandIn", {} };
    p.properties["IOProviderClass"] = Property::string("IOUserResources");
    p.properties["IOClass"] = Property::string("IOUserService");
    p.properties["IOUserClass"] = Property::string("StandIn");
    p.properties["IOUserServerName"] = Property::string(b.bundle_identifier);
    p.properties["IOResourceMatch"] = Property::string("IOKit");
    b.personalities.push_back(std::move(p));
    REQUIRE(kernel.install_dext(std::move(b)));
    scheduler.run_until(scheduler.now() + 1_ms);

    size_t malformed = 0, enqueued = 0, named_runs = 0;
    for (auto const& r : records) {
        if (r.point == tp::server_error.name && r.field("what")->value_text() == "malformed or unexpected QueueWork message")
            ++malformed;
        if (r.point == tp::queue_enqueue.name) {
            ++enqueued;
            CHECK(r.object == "Default");
        }
        if (r.point == tp::queue_run.name && r.object == "Default")
            ++named_runs;
    }
    CHECK(malformed == 2);   // cases 1 and 4
    CHECK(enqueued == 2);    // cases 2 and 3, both under the name case 2 gave
    CHECK(named_runs >= 2);  // the kernel ran the queue (a begin and an end record)
}
