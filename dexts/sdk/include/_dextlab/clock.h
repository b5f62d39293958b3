#ifndef _DEXTLAB_CLOCK_H
#define _DEXTLAB_CLOCK_H
// The clocks a dext reads, all backed by the lab's virtual clock (nanoseconds since the lab
// started): clock_gettime_nsec_np() from macOS's <time.h> (glibc has no such function), and the
// Apple clock ids glibc lacks. Private to the dextlab SDK: dexts get it through <time.h>,
// <mach/mach_time.h> and <DriverKit/IOLib.h>, where macOS declares these names.

#include <stdint.h>
#include <time.h>

// Apple's ids (macOS <time.h>) where glibc has none; glibc's own ids (CLOCK_MONOTONIC_RAW,
// CLOCK_REALTIME, ...) keep their values. clock_gettime_nsec_np accepts every id: the lab has
// only one clock.
#ifndef CLOCK_MONOTONIC_RAW_APPROX
#define CLOCK_MONOTONIC_RAW_APPROX 5
#endif
#ifndef CLOCK_UPTIME_RAW
#define CLOCK_UPTIME_RAW 8
#endif
#ifndef CLOCK_UPTIME_RAW_APPROX
#define CLOCK_UPTIME_RAW_APPROX 9
#endif

#ifdef __cplusplus
extern "C" {
#endif
// The lab's virtual time in nanoseconds, whatever the clock: deterministic, never the host's.
uint64_t clock_gettime_nsec_np(clockid_t clock_id);
// The same value, under dextlab's own name (what the other clock functions read).
uint64_t dextlab_virtual_now_ns(void);
#ifdef __cplusplus
}
#endif

#endif
