#ifndef _DEXTLAB_MACH_MACH_TIME_H
#define _DEXTLAB_MACH_MACH_TIME_H
// Mach absolute time for dexts, read from the lab's virtual clock. One tick is one nanosecond
// (mach_timebase_info answers 1/1, as on Intel Macs), so code that converts with the timebase
// and code that assumes nanoseconds both see the virtual time.

#include <stdint.h>

#include <mach/kern_return.h>

struct mach_timebase_info {
    uint32_t numer;
    uint32_t denom;
};
typedef struct mach_timebase_info* mach_timebase_info_t;
typedef struct mach_timebase_info mach_timebase_info_data_t;

#ifdef __cplusplus
extern "C" {
#endif
uint64_t mach_absolute_time(void);
uint64_t mach_approximate_time(void);
uint64_t mach_continuous_time(void);
uint64_t mach_continuous_approximate_time(void);
kern_return_t mach_timebase_info(mach_timebase_info_t info);
#ifdef __cplusplus
}
#endif

#endif
