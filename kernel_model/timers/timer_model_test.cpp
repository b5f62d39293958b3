#include "timer_model.h"

#include "kernel_model/ipc/ioreturn.h"

#include <doctest/doctest.h>

#include <vector>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

struct Delivery {
    uint64_t action;
    uint64_t source;
    VirtualTime time;
};

struct Fixture {
    Scheduler scheduler;
    TraceBus trace { [this] { return scheduler.now(); } };
    std::vector<Delivery> delivered;
    std::vector<TraceRecord> records;
    int live_launch { 1 };
    TimerModel timers { scheduler, trace,
        [this](TimerModel::Caller const&, uint64_t action, uint64_t source, VirtualTime time) {
            delivered.push_back({ action, source, time });
        },
        [this](uint64_t, int launch) { return launch == live_launch; } };
    TimerModel::Caller caller { 1, 1, "TimerDriver" };

    Fixture()
    {
        trace.subscribe([this](TraceRecord const& r) { records.push_back(r); });
    }
    size_t count(std::string_view point) const
    {
        size_t n = 0;
        for (auto const& r : records)
            n += r.point == point;
        return n;
    }
};

constexpr uint64_t kSource = 0x8000000000000005ull;
constexpr uint64_t kAction = 0x8000000000000006ull;
constexpr uint64_t kMachAbsolute = 0xC8;

} // namespace

TEST_CASE("a wake-up fires once, at its deadline, through the handler's action")
{
    Fixture f;
    REQUIRE(f.timers.set_handler(f.caller, kSource, kAction, "Default") == ipc::kr::Success);
    REQUIRE(f.timers.wake_at(f.caller, kSource, kMachAbsolute, 5_ms, 1_ms, "Default") == ipc::kr::Success);
    CHECK(f.timers.armed() == 1);
    f.scheduler.run_until(5_ms - 1);
    CHECK(f.delivered.empty());
    f.scheduler.run_until(100_ms);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].action == kAction);
    CHECK(f.delivered[0].source == kSource);
    CHECK(f.delivered[0].time == 5_ms); // leeway is not used: runs repeat exactly
    CHECK(f.timers.armed() == 0);
    CHECK(f.count("timer_arm") == 1);
    CHECK(f.count("timer_fire") == 1);
}

TEST_CASE("a new deadline replaces one not yet reached, earlier or later")
{
    Fixture f;
    f.timers.set_handler(f.caller, kSource, kAction, "Default");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 5_ms, 0, "");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 3_ms, 0, "");
    f.scheduler.run_until(10_ms);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].time == 3_ms);
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 12_ms, 0, "");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 18_ms, 0, "");
    f.scheduler.run_until(30_ms);
    REQUIRE(f.delivered.size() == 2);
    CHECK(f.delivered[1].time == 18_ms);
    CHECK(f.records[f.records.size() - 2].field("replaced")->value_text() == "1");
}

TEST_CASE("Cancel disarms, a canceled timer never fires")
{
    Fixture f;
    f.timers.set_handler(f.caller, kSource, kAction, "Default");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 5_ms, 0, "");
    CHECK(f.timers.cancel(f.caller, kSource) == ipc::kr::Success);
    f.scheduler.run_until(10_ms);
    CHECK(f.delivered.empty());
    CHECK(f.count("timer_cancel") == 1);
    CHECK(f.timers.cancel(f.caller, kSource) == ipc::kr::Success); // twice: nothing left to do
}

TEST_CASE("a deadline reached while disabled is held and delivered on SetEnable(true)")
{
    Fixture f;
    f.timers.set_handler(f.caller, kSource, kAction, "Default");
    f.timers.set_enabled(f.caller, kSource, false, "");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 2_ms, 0, "");
    f.scheduler.run_until(5_ms);
    CHECK(f.delivered.empty());
    f.timers.set_enabled(f.caller, kSource, true, "");
    CHECK(f.delivered.empty()); // never inside the dext's own call
    f.scheduler.run_until(5_ms);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].time == 5_ms);
}

TEST_CASE("a deadline already past fires at once, in its own event")
{
    Fixture f;
    f.scheduler.run_until(10_ms);
    f.timers.set_handler(f.caller, kSource, kAction, "Default");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 1_ms, 0, "");
    CHECK(f.delivered.empty());
    f.scheduler.run_until(10_ms);
    REQUIRE(f.delivered.size() == 1);
    CHECK(f.delivered[0].time == 10_ms);
}

TEST_CASE("every DriverKit clock id is accepted, anything else is a bad argument")
{
    Fixture f;
    for (uint64_t clock : { 0x88ull, 0x84ull, 0x80ull, 0xC8ull, 0xC4ull })
        CHECK(f.timers.wake_at(f.caller, kSource, clock, 1_ms, 0, "") == ipc::kr::Success);
    CHECK(f.timers.wake_at(f.caller, kSource, 0x1, 1_ms, 0, "") == ipc::kr::BadArgument);
    CHECK(f.timers.wake_at(f.caller, kSource, 0, 1_ms, 0, "") == ipc::kr::BadArgument);
    CHECK(TimerModel::clock_name(0xC8) == std::string("MachAbsoluteTime"));
}

TEST_CASE("a wake-up with no handler set is traced and delivers nothing")
{
    Fixture f;
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 1_ms, 0, "");
    f.scheduler.run_until(2_ms);
    CHECK(f.delivered.empty());
    REQUIRE(f.count("timer_fire") == 1);
    CHECK(f.records.back().field("no_handler") != nullptr);
}

TEST_CASE("a timer armed by a process that died never reaches its relaunched successor")
{
    Fixture f;
    f.timers.set_handler(f.caller, kSource, kAction, "Default");
    f.timers.wake_at(f.caller, kSource, kMachAbsolute, 5_ms, 0, "");
    f.live_launch = 2; // the server crashed and was launched again
    f.scheduler.run_until(10_ms);
    CHECK(f.delivered.empty());
    // The new process's source with the same id starts from nothing.
    TimerModel::Caller relaunched { 1, 2, "TimerDriver" };
    f.timers.wake_at(relaunched, kSource, kMachAbsolute, 12_ms, 0, "");
    f.scheduler.run_until(20_ms);
    CHECK(f.delivered.empty()); // no handler in the new process yet
}
