#ifndef _DEXTLAB_DRIVERKIT_IOLIB_H
#define _DEXTLAB_DRIVERKIT_IOLIB_H
// Memory, logging and time helpers DriverKit provides to dexts. Like Apple's, this header
// brings in the C basics dexts use without including them (memcpy, size_t, uint32_t, bool),
// os_log and the mach time functions. It also defines `__Require` and its three siblings (see
// <_dextlab/require.h> for why that is safe for dexts that define their own); the rest of
// <AssertMacros.h> (`require`, `check`, `verify`, ...) comes only when a dext includes it.

#include <DriverKit/IOTypes.h>
#include <_dextlab/require.h>
#include <TargetConditionals.h>
#include <os/log.h>
#include <stdlib.h>
#include <mach/mach_time.h>
#include <_dextlab/clock.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif
void* IOMalloc(size_t length);
void* IOMallocZero(size_t length);
void IOFree(void* address, size_t length);
// Logs through the lab's trace, like os_log. No printf format attribute, unlike Apple's: code
// written for macOS prints uint64_t with %llu, which is right there (unsigned long long) and
// wrong to the compiler here (unsigned long), so the check would reject correct Mac code. The
// lab's formatter reads 64-bit values the same way whichever length modifier is written.
int IOLog(const char* format, ...);
int IOLogv(const char* format, va_list ap);
#ifdef __cplusplus
}
#endif

#ifndef NSEC_PER_SEC
#define NSEC_PER_SEC 1000000000ull
#endif
#ifndef NSEC_PER_MSEC
#define NSEC_PER_MSEC 1000000ull
#endif
#ifndef NSEC_PER_USEC
#define NSEC_PER_USEC 1000ull
#endif

// Scale factors for times given in a unit (DriverKit IOLib.h).
enum {
    kNanosecondScale = 1,
    kMicrosecondScale = 1000,
    kMillisecondScale = 1000 * 1000,
    kSecondScale = 1000 * 1000 * 1000,
};

// 16.16 fixed-point arithmetic.
static inline IOFixed IOFixedMultiply(IOFixed a, IOFixed b) { return (IOFixed)((((int64_t)a) * ((int64_t)b)) >> 16); }
static inline IOFixed IOFixedDivide(IOFixed a, IOFixed b) { return (IOFixed)((((int64_t)a) << 16) / ((int64_t)b)); }

#define IONew(type, count) ((type*)IOMalloc(sizeof(type) * (count)))
#define IONewZero(type, count) ((type*)IOMallocZero(sizeof(type) * (count)))
#define IODelete(ptr, type, count) IOFree((ptr), sizeof(type) * (count))
#define IOSafeDeleteNULL(ptr, type, count)              \
    do {                                                \
        if (NULL != (ptr)) {                            \
            IOFree((ptr), sizeof(type) * (count));      \
            (ptr) = NULL;                               \
        }                                               \
    } while (0)

#endif
