#ifndef _DEXTLAB_OS_LOG_H
#define _DEXTLAB_OS_LOG_H
// os_log for dexts. A message goes to the lab's trace under the dext's name, in virtual time.
//
// With clang, os_log packs its arguments the way Apple's does: __builtin_os_log_format writes a
// buffer that records each argument's kind (scalar, string, pointer) and real size, and the
// runtime formats the message from that buffer (dexts/sdk/runtime/log_format.cpp), so a wrong
// length modifier can never make it read the wrong bytes. Privacy annotations (%{public}s,
// %{private}d) are accepted; the lab redacts nothing.
//
// Format checking. Apple's os_log turns -Wformat into errors (OS_LOG_FORMAT_ERRORS), so a dext
// that builds for macOS has a correct format there. Here uint64_t is `unsigned long`, not
// `unsigned long long`, so the correct Mac format "%llu" for a uint64_t would be a type error
// (and "%zu" for a size_t must keep working, and it is the same type). The type check is
// therefore off inside os_log; the checks that do not depend on the platform's types stay
// errors as on macOS: more conversions than arguments, unused arguments, unknown conversions.
// Define OS_LOG_FORMAT_WARNINGS to get warnings instead, as with Apple's header.
//
// With g++ (no __builtin_os_log_format) os_log is a plain variadic call, unchecked.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <os/base.h>

OS_ENUM(os_log_type, uint8_t,
    OS_LOG_TYPE_DEFAULT = 0x00,
    OS_LOG_TYPE_INFO = 0x01,
    OS_LOG_TYPE_DEBUG = 0x02,
    OS_LOG_TYPE_ERROR = 0x10,
    OS_LOG_TYPE_FAULT = 0x11);

struct os_log_s;
typedef struct os_log_s* os_log_t;

#ifdef __cplusplus
extern "C" {
#endif
extern struct os_log_s _os_log_default;
// Logs the message `format` describes, with its arguments packed in `buffer` by
// __builtin_os_log_format. `dso` is unused (Apple's identifies the calling image).
void _os_log_impl(void* dso, os_log_t log, os_log_type_t type, const char* format, uint8_t* buffer, uint32_t size);
// The unchecked variadic form, for compilers without __builtin_os_log_format.
void dextlab_os_log_impl(os_log_t log, os_log_type_t type, const char* format, ...);
bool os_log_type_enabled(os_log_t log, os_log_type_t type);
os_log_t os_log_create(const char* subsystem, const char* category);
#ifdef __cplusplus
}
#endif

#define OS_LOG_DEFAULT ((os_log_t)&_os_log_default)
#define OS_LOG_DISABLED ((os_log_t)NULL)

#define os_log_info_enabled(log) os_log_type_enabled((log), OS_LOG_TYPE_INFO)
#define os_log_debug_enabled(log) os_log_type_enabled((log), OS_LOG_TYPE_DEBUG)

#if defined(__has_builtin)
#if __has_builtin(__builtin_os_log_format)
#define _DEXTLAB_HAVE_OS_LOG_FORMAT 1
#endif
#endif

#ifdef _DEXTLAB_HAVE_OS_LOG_FORMAT
#ifdef OS_LOG_FORMAT_WARNINGS
#define _DEXTLAB_OS_LOG_CHECK(group) _Pragma(OS_STRINGIFY(clang diagnostic warning group))
#else
#define _DEXTLAB_OS_LOG_CHECK(group) _Pragma(OS_STRINGIFY(clang diagnostic error group))
#endif
#define _DEXTLAB_OS_LOG_PRAGMA_PUSH                              \
    _Pragma("clang diagnostic push")                             \
    _Pragma("clang diagnostic ignored \"-Wvla\"")                \
    _Pragma("clang diagnostic ignored \"-Wformat\"")             \
    _DEXTLAB_OS_LOG_CHECK("-Wformat-extra-args")                 \
    _DEXTLAB_OS_LOG_CHECK("-Wformat-insufficient-args")          \
    _DEXTLAB_OS_LOG_CHECK("-Wformat-invalid-specifier")
#define _DEXTLAB_OS_LOG_PRAGMA_POP _Pragma("clang diagnostic pop")

// Locals carry a reserved prefix so that -Wshadow never fires in the dext's code.
#define os_log_with_type(log, type, format, ...) __extension__({                                        \
    os_log_t __dextlab_log = (log);                                                                   \
    os_log_type_t __dextlab_type = (type);                                                            \
    if (os_log_type_enabled(__dextlab_log, __dextlab_type)) {                                         \
        _DEXTLAB_OS_LOG_PRAGMA_PUSH                                                                   \
        uint8_t __attribute__((aligned(16))) __dextlab_buffer[__builtin_os_log_format_buffer_size(format, ##__VA_ARGS__)]; \
        _os_log_impl(NULL, __dextlab_log, __dextlab_type, format,                                     \
            (uint8_t*)__builtin_os_log_format(__dextlab_buffer, format, ##__VA_ARGS__),               \
            (uint32_t)sizeof(__dextlab_buffer)) _DEXTLAB_OS_LOG_PRAGMA_POP;                          \
    }                                                                                                 \
})
#else
#define os_log_with_type(log, type, format, ...) dextlab_os_log_impl((log), (type), (format), ##__VA_ARGS__)
#endif

#define os_log(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_DEFAULT, format, ##__VA_ARGS__)
#define os_log_info(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_INFO, format, ##__VA_ARGS__)
#define os_log_debug(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_DEBUG, format, ##__VA_ARGS__)
#define os_log_error(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_ERROR, format, ##__VA_ARGS__)
#define os_log_fault(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_FAULT, format, ##__VA_ARGS__)

#endif
