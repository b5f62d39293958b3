#ifndef _DEXTLAB_REQUIRE_H
#define _DEXTLAB_REQUIRE_H
// The four jump-on-failure macros DriverKit code uses most (`__Require(cond, Exit)`), for dexts
// that use them without including <AssertMacros.h>. Apple's DriverKit headers do not define them
// (public dexts usually define them themselves, often after their DriverKit includes); the lab's
// <DriverKit/IOLib.h> does, so that such dexts compile either way:
//   - each is defined only if the dext has not defined it already;
//   - each has exactly the tokens of the production definition in Apple's <AssertMacros.h>, which
//     is what dexts copy, so a dext that redefines it that way later gets no -Wmacro-redefined.
// Only the double-underscore names live here: `require`, `check`, `verify` and the rest come with
// <AssertMacros.h>, as on macOS, since they would clash with ordinary identifiers.

#ifndef __Require
#define __Require(assertion, exceptionLabel)       \
    do                                             \
    {                                              \
        if ( __builtin_expect(!(assertion), 0) )   \
        {                                          \
            goto exceptionLabel;                   \
        }                                          \
    } while ( 0 )
#endif

#ifndef __Require_Action
#define __Require_Action(assertion, exceptionLabel, action) \
    do                                                      \
    {                                                       \
        if ( __builtin_expect(!(assertion), 0) )            \
        {                                                   \
            {                                               \
                action;                                     \
            }                                               \
            goto exceptionLabel;                            \
        }                                                   \
    } while ( 0 )
#endif

#ifndef __Require_noErr
#define __Require_noErr(errorCode, exceptionLabel)     \
    do                                                 \
    {                                                  \
        if ( __builtin_expect(0 != (errorCode), 0) )   \
        {                                              \
            goto exceptionLabel;                       \
        }                                              \
    } while ( 0 )
#endif

#ifndef __Require_noErr_Action
#define __Require_noErr_Action(errorCode, exceptionLabel, action) \
    do                                                            \
    {                                                             \
        if ( __builtin_expect(0 != (errorCode), 0) )              \
        {                                                         \
            {                                                     \
                action;                                           \
            }                                                     \
            goto exceptionLabel;                                  \
        }                                                         \
    } while ( 0 )
#endif

#endif
