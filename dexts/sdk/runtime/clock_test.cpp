#include "dexts/sdk/runtime/clock.h"

#include <_dextlab/clock.h>
#include <mach/mach_time.h>
#include <time.h>

#include <doctest/doctest.h>

TEST_CASE("every clock a dext reads is the lab's virtual time")
{
    dextlab::sdk::set_virtual_now_ns(1'234'567'890);
    CHECK(mach_absolute_time() == 1'234'567'890);
    CHECK(mach_continuous_time() == 1'234'567'890);
    CHECK(clock_gettime_nsec_np(CLOCK_UPTIME_RAW) == 1'234'567'890);
    CHECK(clock_gettime_nsec_np(CLOCK_MONOTONIC_RAW) == 1'234'567'890);
    CHECK(clock_gettime_nsec_np(CLOCK_REALTIME) == 1'234'567'890);
    CHECK(dextlab_virtual_now_ns() == 1'234'567'890);
    dextlab::sdk::set_virtual_now_ns(5);
    CHECK(mach_absolute_time() == 5);
}

TEST_CASE("one mach tick is one nanosecond")
{
    mach_timebase_info_data_t info {};
    REQUIRE(mach_timebase_info(&info) == KERN_SUCCESS);
    CHECK(info.numer == 1);
    CHECK(info.denom == 1);
    CHECK(mach_timebase_info(nullptr) == KERN_INVALID_ARGUMENT);
}
