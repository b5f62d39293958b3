// Time for dexts: mach_absolute_time and clock_gettime_nsec_np read the lab's virtual clock
// (clock.h), never the host's, so a run is the same every time. One tick is one nanosecond
// (mach_timebase_info answers 1/1, as Intel Macs do).

#include "clock.h"

#include <_dextlab/clock.h>
#include <mach/mach_time.h>

#include <atomic>

namespace {

// One lab, one clock: every dext server in this process sees the same instant. Atomic only so a
// host thread reading it never tears; the lab itself is single-threaded.
std::atomic<uint64_t> g_virtual_now_ns { 0 };

} // namespace

namespace dextlab::sdk {

void set_virtual_now_ns(uint64_t now_ns) { g_virtual_now_ns.store(now_ns, std::memory_order_relaxed); }

uint64_t virtual_now_ns() { return g_virtual_now_ns.load(std::memory_order_relaxed); }

} // namespace dextlab::sdk

extern "C" {

uint64_t dextlab_virtual_now_ns(void) { return dextlab::sdk::virtual_now_ns(); }

// Every clock id gives the virtual time: the lab has no wall clock, no suspended time, and no
// coarse clocks that lag the precise ones.
uint64_t clock_gettime_nsec_np(clockid_t) { return dextlab::sdk::virtual_now_ns(); }

uint64_t mach_absolute_time(void) { return dextlab::sdk::virtual_now_ns(); }
uint64_t mach_approximate_time(void) { return dextlab::sdk::virtual_now_ns(); }
uint64_t mach_continuous_time(void) { return dextlab::sdk::virtual_now_ns(); }
uint64_t mach_continuous_approximate_time(void) { return dextlab::sdk::virtual_now_ns(); }

kern_return_t mach_timebase_info(mach_timebase_info_t info)
{
    if (!info)
        return KERN_INVALID_ARGUMENT;
    info->numer = 1;
    info->denom = 1;
    return KERN_SUCCESS;
}

}
