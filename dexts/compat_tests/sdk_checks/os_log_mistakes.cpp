// Compiled by ctest: without a -D it must compile cleanly under -Wall -Wextra -Werror -Wshadow
// (Mac-correct formats with Linux types); with one of the -D's it must fail, as Apple's os_log
// fails on macOS (OS_LOG_FORMAT_ERRORS) — see dexts/compat_tests/CMakeLists.txt.

#include <os/log.h>

#include <stddef.h>
#include <stdint.h>

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "Driver - " fmt "\n", ##__VA_ARGS__)

void log_mac_formats(uint64_t value, size_t size, void* pointer, const char* name);

void log_mac_formats(uint64_t value, size_t size, void* pointer, const char* name)
{
    // %llu on uint64_t and %zu on size_t are right on macOS; here both are unsigned long.
    os_log(OS_LOG_DEFAULT, "%{public}s %llu %zu %lu %p", name, value, size, size, pointer);
    Log("%llu", value);
#ifdef EXTRA_ARGUMENT
    os_log(OS_LOG_DEFAULT, "%{public}s", name, value);
#endif
#ifdef MISSING_ARGUMENT
    os_log(OS_LOG_DEFAULT, "%{public}s %llu", name);
#endif
#ifdef UNKNOWN_CONVERSION
    os_log(OS_LOG_DEFAULT, "%y", value);
#endif
}
