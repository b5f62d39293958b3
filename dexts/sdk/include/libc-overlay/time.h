/* <time.h> for dexts: the C library's, plus what macOS's adds and glibc lacks
 * (clock_gettime_nsec_np, CLOCK_UPTIME_RAW, ...), backed by the lab's virtual clock.
 * dextlab_add_dext() puts this folder before the system's on a dext's include path; nothing
 * else sees it. */
#include_next <time.h>

#include <_dextlab/clock.h>
