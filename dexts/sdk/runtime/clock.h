#pragma once
// The virtual time a dext reads (mach_absolute_time, clock_gettime_nsec_np). Dext code never
// runs on its own clock: it runs inside one lab event, at one virtual instant, and this is it.
//
// Whoever delivers kernel messages to a dext server sets the time before the server handles
// the message (the in-process transport and the dextlab-driverhost process alike), so a dext
// sees the instant of the event that made it run.

#include <cstdint>

namespace dextlab::sdk {

// Nanoseconds since the lab started; the value mach_absolute_time() returns from now on.
void set_virtual_now_ns(uint64_t now_ns);
uint64_t virtual_now_ns();

} // namespace dextlab::sdk
