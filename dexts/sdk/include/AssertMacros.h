#ifndef _DEXTLAB_ASSERTMACROS_H
#define _DEXTLAB_ASSERTMACROS_H
// The jump-on-failure macros DriverKit samples use (`__Require(cond, Exit)`). Each is defined
// only if the dext has not defined it itself: many real dexts carry their own copies.

#ifndef __Require
#define __Require(assertion, exceptionLabel) \
    do {                                     \
        if (__builtin_expect(!(assertion), 0)) \
            goto exceptionLabel;             \
    } while (0)
#endif

#ifndef __Require_Action
#define __Require_Action(assertion, exceptionLabel, action) \
    do {                                                    \
        if (__builtin_expect(!(assertion), 0)) {            \
            { action; }                                     \
            goto exceptionLabel;                            \
        }                                                   \
    } while (0)
#endif

#ifndef __Require_noErr
#define __Require_noErr(errorCode, exceptionLabel)   \
    do {                                             \
        if (__builtin_expect(0 != (errorCode), 0))   \
            goto exceptionLabel;                     \
    } while (0)
#endif

#ifndef __Require_noErr_Action
#define __Require_noErr_Action(errorCode, exceptionLabel, action) \
    do {                                                          \
        if (__builtin_expect(0 != (errorCode), 0)) {              \
            { action; }                                           \
            goto exceptionLabel;                                  \
        }                                                         \
    } while (0)
#endif

#ifndef __Check
#define __Check(assertion) \
    do {                   \
        (void)(assertion); \
    } while (0)
#endif

#ifndef __Verify
#define __Verify(assertion) __Check(assertion)
#endif

#ifndef __nCheck
#define __nCheck(assertion) __Check(!(assertion))
#endif

#endif
