#include "sim/core/scheduler.h"

#include <doctest/doctest.h>
#include <string>

using namespace dextlab;

TEST_CASE("events run in (time, sequence) order")
{
    Scheduler scheduler;
    std::string order;
    scheduler.schedule_at(20, [&] { order += "c"; });
    scheduler.schedule_at(10, [&] { order += "a"; });
    scheduler.schedule_at(10, [&] { order += "b"; }); // same instant: scheduled later, runs later
    scheduler.run_until(100);
    CHECK(order == "abc");
    CHECK(scheduler.now() == 100);
    CHECK(scheduler.events_run() == 3);
}

TEST_CASE("run_until stops at the deadline and leaves later events pending")
{
    Scheduler scheduler;
    int ran = 0;
    scheduler.schedule_at(5, [&] { ++ran; });
    scheduler.schedule_at(50, [&] { ++ran; });
    scheduler.run_until(10);
    CHECK(ran == 1);
    CHECK(scheduler.now() == 10);
    CHECK(scheduler.has_pending());
    CHECK(scheduler.next_event_time() == 50);
}

TEST_CASE("an event may schedule more events, including at the current instant")
{
    Scheduler scheduler;
    std::string order;
    scheduler.schedule_at(1, [&] {
        order += "x";
        scheduler.schedule_after(0, [&] { order += "y"; });
        scheduler.schedule_after(3, [&] { order += "z"; });
    });
    scheduler.schedule_at(1, [&] { order += "w"; });
    scheduler.run_until(10);
    CHECK(order == "xwyz");
}

TEST_CASE("cancelled events never run and do not count as pending")
{
    Scheduler scheduler;
    bool ran = false;
    auto id = scheduler.schedule_at(5, [&] { ran = true; });
    scheduler.cancel(id);
    scheduler.cancel(id);   // twice is harmless
    scheduler.cancel(9999); // unknown ids too
    CHECK_FALSE(scheduler.has_pending());
    scheduler.run_until(10);
    CHECK_FALSE(ran);
}

TEST_CASE("run_until(predicate) stops as soon as the predicate holds")
{
    Scheduler scheduler;
    int count = 0;
    for (int i = 1; i <= 10; ++i)
        scheduler.schedule_at(i * 10, [&] { ++count; });
    bool held = scheduler.run_until([&] { return count == 3; }, 1000);
    CHECK(held);
    CHECK(scheduler.now() == 30);
    bool never = scheduler.run_until([&] { return count == 100; }, 60);
    CHECK_FALSE(never);
    CHECK(count == 6);
    CHECK(scheduler.now() == 60);
}

TEST_CASE("scheduling in the past runs at the current time")
{
    Scheduler scheduler;
    scheduler.run_until(100);
    VirtualTime seen = 0;
    scheduler.schedule_at(10, [&] { seen = scheduler.now(); });
    CHECK(scheduler.step());
    CHECK(seen == 100);
    CHECK_FALSE(scheduler.step());
}
