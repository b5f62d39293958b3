#ifndef _DEXTLAB_DRIVERKIT_IOLIB_H
#define _DEXTLAB_DRIVERKIT_IOLIB_H
// Memory and logging helpers DriverKit provides to dexts.

#include <DriverKit/IOTypes.h>
#include <AssertMacros.h>
#include <os/log.h>
#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif
void* IOMalloc(size_t length);
void* IOMallocZero(size_t length);
void IOFree(void* address, size_t length);
// Logs through the lab's trace, like os_log.
void IOLog(const char* format, ...) __attribute__((format(printf, 1, 2)));
void IOLogv(const char* format, va_list ap) __attribute__((format(printf, 1, 0)));
#ifdef __cplusplus
}
#endif

#define IONew(type, count) ((type*)IOMalloc(sizeof(type) * (count)))
#define IONewZero(type, count) ((type*)IOMallocZero(sizeof(type) * (count)))
#define IODelete(ptr, type, count) IOFree((ptr), sizeof(type) * (count))
#define IOSafeDeleteNULL(ptr, type, count)              \
    do {                                                \
        if (nullptr != (ptr)) {                         \
            IOFree((ptr), sizeof(type) * (count));      \
            (ptr) = nullptr;                            \
        }                                               \
    } while (0)

#endif
