#ifndef _DEXTLAB_OS_BASE_H
#define _DEXTLAB_OS_BASE_H
// The attribute and helper macros of Apple's <os/base.h> that DriverKit headers and dexts use.
// Each is defined only if nobody defined it before.

#include <sys/cdefs.h>

#ifndef OS_STRINGIFY
#define OS_STRINGIFY1(s) #s
#define OS_STRINGIFY(s) OS_STRINGIFY1(s)
#endif
#ifndef OS_CONCAT
#define OS_CONCAT1(x, y) x##y
#define OS_CONCAT(x, y) OS_CONCAT1(x, y)
#endif

#ifndef OS_EXPORT
#define OS_EXPORT extern __attribute__((visibility("default")))
#endif
#ifndef OS_NOTHROW
#define OS_NOTHROW __attribute__((__nothrow__))
#endif
#ifndef OS_WARN_RESULT
#define OS_WARN_RESULT __attribute__((__warn_unused_result__))
#endif
#ifndef OS_PURE
#define OS_PURE __attribute__((__pure__))
#endif
#ifndef OS_CONST
#define OS_CONST __attribute__((__const__))
#endif
#ifndef OS_MALLOC
#define OS_MALLOC __attribute__((__malloc__))
#endif
#ifndef OS_UNUSED
#define OS_UNUSED __attribute__((__unused__))
#endif
#ifndef OS_USED
#define OS_USED __attribute__((__used__))
#endif
#ifndef OS_NORETURN
#define OS_NORETURN __attribute__((__noreturn__))
#endif
#ifndef OS_ALWAYS_INLINE
#define OS_ALWAYS_INLINE __attribute__((__always_inline__))
#endif
#ifndef OS_INLINE
#define OS_INLINE static __inline__
#endif
#ifndef OS_NOINLINE
#define OS_NOINLINE __attribute__((__noinline__))
#endif
#ifndef OS_NONNULL_ALL
#define OS_NONNULL_ALL __attribute__((__nonnull__))
#endif
#ifndef OS_FORMAT_PRINTF
#define OS_FORMAT_PRINTF(x, y) __attribute__((__format__(printf, x, y)))
#endif
#ifndef OS_NOT_TAIL_CALLED
#if defined(__clang__)
#define OS_NOT_TAIL_CALLED __attribute__((__not_tail_called__))
#else
#define OS_NOT_TAIL_CALLED
#endif
#endif
#ifndef OS_NOESCAPE
#if defined(__clang__)
#define OS_NOESCAPE __attribute__((__noescape__))
#else
#define OS_NOESCAPE
#endif
#endif
#ifndef OS_EXPECT
#define OS_EXPECT(x, v) __builtin_expect((x), (v))
#endif
#ifndef os_likely
#define os_likely(x) __builtin_expect(!!(x), 1)
#endif
#ifndef os_unlikely
#define os_unlikely(x) __builtin_expect(!!(x), 0)
#endif

// An enum with a fixed underlying type, named name_t (C++11 and clang's C both allow `: type`).
#ifndef OS_ENUM
#if defined(__cplusplus) || defined(__clang__)
#define OS_ENUM(_name, _type, ...) typedef enum : _type { __VA_ARGS__ } _name##_t
#else
#define OS_ENUM(_name, _type, ...) enum { __VA_ARGS__ }; typedef _type _name##_t
#endif
#endif

#endif
