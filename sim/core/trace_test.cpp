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
