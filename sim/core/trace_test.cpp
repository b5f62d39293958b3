#include "sim/core/trace.h"

#include <doctest/doctest.h>

using namespace dextlab;

static constexpr TracePoint test_point { "test_point", TraceCategory::Usb };

TEST_CASE("records are stamped with the clock and a sequence, in order, for every subscriber")
{
    VirtualTime now = 1500;
    TraceBus bus([&] { return now; });
    std::vector<std::string> first, second;
    bus.subscribe([&](TraceRecord const& r) { first.push_back(r.to_line()); });
    auto id = bus.subscribe([&](TraceRecord const& r) { second.push_back(r.to_line()); });

    bus.emit(test_point, "kernel", "usb", "dev0", { TraceField::hex("ep", 0x81), TraceField::dec("len", 8) });
    now = 2000000;
    bus.unsubscribe(id);
    bus.emit(test_point, "MyDriver", "Default", "", { TraceField::text("msg", "hello world") });

    REQUIRE(first.size() == 2);
    CHECK(second.size() == 1);
    CHECK(first[0] == "   0.001500 ms  kernel      test_point  dev0 ep=0x81 len=8");
    CHECK(first[1] == "   2.000000 ms  MyDriver    test_point msg=\"hello world\"");
    CHECK(bus.records_published() == 2);
}

TEST_CASE("fields are found by key")
{
    TraceRecord record;
    record.fields = { TraceField::dec("a", 1), TraceField::sdec("b", -2) };
    REQUIRE(record.field("b") != nullptr);
    CHECK(record.field("b")->value_text() == "-2");
    CHECK(record.field("c") == nullptr);
}

static constexpr TracePoint other_point { "other_point", TraceCategory::Queue };

TEST_CASE("a subscriber that names trace points gets only those, a record nobody wants is not built")
{
    TraceBus bus([] { return VirtualTime { 0 }; });
    std::vector<uint64_t> filtered, all;
    auto filtered_id = bus.subscribe([&](TraceRecord const& r) { filtered.push_back(r.sequence); }, { test_point.name });
    CHECK(bus.wanted(test_point));
    CHECK_FALSE(bus.wanted(other_point));

    int built = 0;
    auto build = [&] {
        ++built;
        return TraceArgs { "kernel", "queue", "q" };
    };
    bus.emit_lazily(other_point, build); // nobody wants it: not built, but it takes sequence 0
    bus.emit_lazily(test_point, build);
    CHECK(built == 1);
    REQUIRE(filtered.size() == 1);
    CHECK(filtered[0] == 1);
    CHECK(bus.records_published() == 2);

    // Someone taking everything makes every record wanted again.
    bus.subscribe([&](TraceRecord const& r) { all.push_back(r.sequence); });
    bus.emit_lazily(other_point, build);
    CHECK(built == 2);
    CHECK(all == std::vector<uint64_t> { 2 });
    bus.unsubscribe(filtered_id);
    bus.emit(test_point, "kernel", "usb", "");
    CHECK(filtered.size() == 1);
    CHECK(all == std::vector<uint64_t> { 2, 3 });
}

TEST_CASE("a record reaches the subscribers present when it was published, whoever comes and goes meanwhile")
{
    TraceBus bus([] { return VirtualTime { 0 }; });
    std::vector<std::string> calls;
    TraceBus::SubscriptionId second = 0;
    bool subscribed_third = false;
    bus.subscribe([&](TraceRecord const& r) {
        calls.push_back("first " + std::to_string(r.sequence));
        if (r.sequence == 0) {
            // Unsubscribing another subscriber and adding one while a record is delivered.
            bus.unsubscribe(second);
            bus.subscribe([&](TraceRecord const& rr) { calls.push_back("third " + std::to_string(rr.sequence)); });
            subscribed_third = true;
            // A record published from inside a subscriber sees the list as it is now.
            bus.emit(other_point, "kernel", "nested", "");
        }
    });
    second = bus.subscribe([&](TraceRecord const& r) { calls.push_back("second " + std::to_string(r.sequence)); });

    bus.emit(test_point, "kernel", "usb", "");
    bus.emit(test_point, "kernel", "usb", "");
    CHECK(subscribed_third);
    CHECK(calls == std::vector<std::string> { "first 0", "first 1", "third 1", "second 0", "first 2", "third 2" });
}
