#include "sim/core/time.h"

#include <doctest/doctest.h>

using namespace dextlab;

TEST_CASE("durations need a unit")
{
    Duration d = 0;
    CHECK(parse_duration("10ms", d));
    CHECK(d == 10_ms);
    CHECK(parse_duration("250ns", d));
    CHECK(d == 250);
    CHECK(parse_duration("3us", d));
    CHECK(d == 3000);
    CHECK(parse_duration("2s", d));
    CHECK(d == 2_s);
    CHECK_FALSE(parse_duration("10", d));
    CHECK_FALSE(parse_duration("ms", d));
    CHECK_FALSE(parse_duration("10 ms", d));
    CHECK_FALSE(parse_duration("-1ms", d));
    CHECK_FALSE(parse_duration("1.5ms", d));
}

TEST_CASE("time formats with fixed width")
{
    CHECK(format_time(0) == "   0.000000 ms");
    CHECK(format_time(12345678) == "  12.345678 ms");
}
