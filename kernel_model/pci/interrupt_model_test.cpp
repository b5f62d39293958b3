#include "interrupt_model.h"

#include "kernel_model/ipc/ioreturn.h"

#include <doctest/doctest.h>

#include <map>
#include <vector>

using namespace dextlab;
using namespace dextlab::kernel;
namespace kr = dextlab::ipc::kr;

namespace {

struct Delivery {
    uint64_t action;
    uint64_t source;
    uint64_t count;
    VirtualTime time;
};

struct Fixture {
    Scheduler scheduler;
    TraceBus trace { [this] { return scheduler.now(); } };
    std::vector<Delivery> delivered;
    std::vector<TraceRecord> records;
    std::map<unsigned, bool> masked; // per vector, as the function sees it
    bool function_can_mask { true };
    int live_launch { 1 };
    InterruptModel interrupts { scheduler, trace,
        [this](InterruptModel::Caller const&, uint64_t action, uint64_t source, uint64_t count, VirtualTime time) {
            delivered.push_back({ action, source, count, time });
        },
        [this](uint64_t, int launch) { return launch == live_launch; },
        [this](uint64_t, unsigned vector, bool mask) {
            masked[vector] = mask;
            return function_can_mask;
        } };
    InterruptModel::Caller caller { 1, 1, "PCITimerDriver" };

    Fixture()
    {
        trace.subscribe([this](TraceRecord const& r) { records.push_back(r); });
    }
    size_t count(std::string_view point, std::string_view with = {}) const
    {
        size_t n = 0;
        for (auto const& r : records)
            n += r.point == point && (with.empty() || r.to_line().find(with) != std::string::npos);
        return n;
    }
    // A source on vector 0 of nub 7 with a handler, enabled.
    void ready()
    {
        REQUIRE(interrupts.attach(caller, kSource, kNub, 0, "Default", "pci1209,7471") == kr::Success);
        REQUIRE(interrupts.set_handler(caller, kSource, kAction) == kr::Success);
        REQUIRE(interrupts.set_enabled(caller, kSource, true) == kr::Success);
    }
    void advance(Duration d) { scheduler.run_until(scheduler.now() + d); }

    static constexpr uint64_t kSource = 0x8000000000000005ull;
    static constexpr uint64_t kAction = 0x8000000000000006ull;
    static constexpr uint64_t kNub = 7;
};

} // namespace

TEST_CASE("a new source masks its vector and is disabled until SetEnable(true)")
{
    Fixture f;
    REQUIRE(f.interrupts.attach(f.caller, Fixture::kSource, Fixture::kNub, 0, "Default", "pci") == kr::Success);
    CHECK(f.masked[0]);
    CHECK(f.interrupts.owns(Fixture::kNub, 0));
    REQUIRE(f.interrupts.set_enabled(f.caller, Fixture::kSource, true) == kr::Success);
    CHECK_FALSE(f.masked[0]);
    REQUIRE(f.interrupts.set_enabled(f.caller, Fixture::kSource, false) == kr::Success);
    CHECK(f.masked[0]);
}

TEST_CASE("one interrupt is delivered in its own event with count 1 and the time it was raised")
{
    Fixture f;
    f.ready();
    f.advance(5_us);
    CHECK(f.interrupts.raise(Fixture::kNub, 0));
    CHECK(f.delivered.empty()); // never inside the raise
    f.advance(0);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].count == 1);
    CHECK(f.delivered[0].time == 5_us);
    CHECK(f.delivered[0].action == Fixture::kAction);
    CHECK(f.count("interrupt_deliver", "count=1") == 1);
}

TEST_CASE("interrupts while a delivery is in flight coalesce into the next one")
{
    Fixture f;
    f.ready();
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(1_us);
    REQUIRE(f.delivered.size() == 1);
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(1_us);
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(1_us);
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(10_us);
    CHECK(f.delivered.size() == 1); // the first callback has not run yet
    auto last = f.interrupts.last_interrupt(f.caller, Fixture::kSource);
    REQUIRE(last.has_value());
    CHECK(last->first == 3);
    CHECK(last->second == 3_us);
    CHECK(f.count("interrupt_raise", "state=coalesced") == 3);
    CHECK(f.interrupts.check_for_work(f.caller, Fixture::kSource) == kr::Success);
    f.advance(0);
    REQUIRE(f.delivered.size() == 2);
    CHECK(f.delivered[1].count == 3);
    CHECK(f.delivered[1].time == 3_us);
    // Nothing more: CheckForWork with nothing counted arms the next one.
    CHECK(f.interrupts.check_for_work(f.caller, Fixture::kSource) == kr::Success);
    f.advance(10_us);
    CHECK(f.delivered.size() == 2);
}

TEST_CASE("interrupts counted before a handler is set are delivered when it is")
{
    Fixture f;
    REQUIRE(f.interrupts.attach(f.caller, Fixture::kSource, Fixture::kNub, 0, "Default", "pci") == kr::Success);
    REQUIRE(f.interrupts.set_enabled(f.caller, Fixture::kSource, true) == kr::Success);
    f.interrupts.raise(Fixture::kNub, 0);
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(1_us);
    CHECK(f.delivered.empty());
    CHECK(f.count("interrupt_raise", "state=no_handler") == 2);
    REQUIRE(f.interrupts.set_handler(f.caller, Fixture::kSource, Fixture::kAction) == kr::Success);
    f.advance(0);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].count == 2);
}

TEST_CASE("without per-vector masking, what arrives while disabled is dropped at the controller")
{
    Fixture f;
    f.function_can_mask = false;
    REQUIRE(f.interrupts.attach(f.caller, Fixture::kSource, Fixture::kNub, 0, "Default", "pci") == kr::Success);
    REQUIRE(f.interrupts.set_handler(f.caller, Fixture::kSource, Fixture::kAction) == kr::Success);
    f.interrupts.raise(Fixture::kNub, 0);
    f.advance(1_us);
    CHECK(f.delivered.empty());
    CHECK(f.count("interrupt_raise", "state=dropped_disabled") == 1);
}

TEST_CASE("a vector has one owner, and a bad or cancelled source gets nothing")
{
    Fixture f;
    f.ready();
    InterruptModel::Caller other { 2, 1, "Other" };
    CHECK(f.interrupts.attach(other, 0x8000000000000009ull, Fixture::kNub, 0, "Default", "pci") == kr::NoResources);
    CHECK(f.interrupts.attach(other, 0x8000000000000009ull, Fixture::kNub, 1, "Default", "pci") == kr::Success);
    CHECK_FALSE(f.interrupts.raise(Fixture::kNub, 2)); // nobody owns vector 2
    f.interrupts.raise(Fixture::kNub, 0);
    CHECK(f.interrupts.cancel(f.caller, Fixture::kSource) == kr::Success);
    f.advance(1_us);
    CHECK(f.delivered.empty()); // canceled before the delivery event ran
    CHECK(f.count("interrupt_cancel", "pending=1") == 1);
    CHECK(f.masked[0]);
    CHECK_FALSE(f.interrupts.owns(Fixture::kNub, 0));
    CHECK(f.interrupts.set_enabled(f.caller, Fixture::kSource, true) == kr::Unsupported);
    CHECK(f.interrupts.cancel(f.caller, Fixture::kSource) == kr::Success); // twice is harmless
}

TEST_CASE("a dead launch's source is swept and its vector is free again")
{
    Fixture f;
    f.ready();
    f.live_launch = 2; // the server crashed and was relaunched
    CHECK_FALSE(f.interrupts.raise(Fixture::kNub, 0));
    CHECK(f.count("interrupt_cancel", "its server is gone") == 1);
    InterruptModel::Caller relaunched { 1, 2, "PCITimerDriver" };
    CHECK(f.interrupts.attach(relaunched, Fixture::kSource, Fixture::kNub, 0, "Default", "pci") == kr::Success);
    CHECK(f.interrupts.registered() == 1);
}

TEST_CASE("a forgotten nub's sources own nothing but can still be cancelled")
{
    Fixture f;
    f.ready();
    f.interrupts.forget_nub(Fixture::kNub);
    CHECK_FALSE(f.interrupts.raise(Fixture::kNub, 0));
    f.masked.clear();
    CHECK(f.interrupts.cancel(f.caller, Fixture::kSource) == kr::Success);
    CHECK(f.masked.empty()); // nothing to mask on a device that is gone
    CHECK(f.interrupts.registered() == 0);
}
