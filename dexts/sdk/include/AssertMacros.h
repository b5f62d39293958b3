#ifndef _DEXTLAB_ASSERTMACROS_H
#define _DEXTLAB_ASSERTMACROS_H
// The check-and-jump macros of Apple's <AssertMacros.h> that DriverKit code uses:
// `__Require(cond, Exit)`, `require_noerr_action(err, Exit, ret = err)`, ... Each macro is defined
// only if the dext has not defined it itself (many real dexts carry their own copies).
//
// Behaviour is that of a production build: a failed check jumps or does nothing, without
// printing. The lowercase names (`require`, `check`, `verify`, ...) exist unless
// __ASSERT_MACROS_DEFINE_VERSIONS_WITHOUT_UNDERSCORES is defined to 0 before the include, as
// Apple's header does.

// ---- Require: jump to a label when a condition fails ----
#include <_dextlab/require.h>

#ifndef __Require_Quiet
#define __Require_Quiet(assertion, exceptionLabel) __Require(assertion, exceptionLabel)
#endif

#ifndef __Require_Action_Quiet
#define __Require_Action_Quiet(assertion, exceptionLabel, action) __Require_Action(assertion, exceptionLabel, action)
#endif

#ifndef __Require_noErr_Quiet
#define __Require_noErr_Quiet(errorCode, exceptionLabel) __Require_noErr(errorCode, exceptionLabel)
#endif

#ifndef __Require_noErr_Action_Quiet
#define __Require_noErr_Action_Quiet(errorCode, exceptionLabel, action) \
    __Require_noErr_Action(errorCode, exceptionLabel, action)
#endif

#ifndef __Require_String
#define __Require_String(assertion, exceptionLabel, message) __Require(assertion, exceptionLabel)
#endif

#ifndef __Require_Action_String
#define __Require_Action_String(assertion, exceptionLabel, action, message) \
    __Require_Action(assertion, exceptionLabel, action)
#endif

#ifndef __Require_noErr_String
#define __Require_noErr_String(errorCode, exceptionLabel, message) __Require_noErr(errorCode, exceptionLabel)
#endif

#ifndef __Require_noErr_Action_String
#define __Require_noErr_Action_String(errorCode, exceptionLabel, action, message) \
    __Require_noErr_Action(errorCode, exceptionLabel, action)
#endif

#ifndef __nRequire
#define __nRequire(assertion, exceptionLabel) __Require(!(assertion), exceptionLabel)
#endif

#ifndef __nRequire_Action
#define __nRequire_Action(assertion, exceptionLabel, action) __Require_Action(!(assertion), exceptionLabel, action)
#endif

// ---- Check and Verify: evaluate, never jump ----
#ifndef __Check
#define __Check(assertion) \
    do {                   \
        (void)(assertion); \
    } while (0)
#endif

#ifndef __nCheck
#define __nCheck(assertion) __Check(!(assertion))
#endif

#ifndef __Check_String
#define __Check_String(assertion, message) __Check(assertion)
#endif

#ifndef __Check_noErr
#define __Check_noErr(errorCode) __Check(0 == (errorCode))
#endif

#ifndef __Check_noErr_String
#define __Check_noErr_String(errorCode, message) __Check_noErr(errorCode)
#endif

#ifndef __Verify
#define __Verify(assertion) __Check(assertion)
#endif

#ifndef __nVerify
#define __nVerify(assertion) __nCheck(assertion)
#endif

#ifndef __Verify_String
#define __Verify_String(assertion, message) __Check(assertion)
#endif

#ifndef __Verify_noErr
#define __Verify_noErr(errorCode) __Check_noErr(errorCode)
#endif

#ifndef __Verify_noErr_String
#define __Verify_noErr_String(errorCode, message) __Check_noErr(errorCode)
#endif

#ifndef __Verify_noErr_Action
#define __Verify_noErr_Action(errorCode, action) \
    do {                                         \
        if (0 != (errorCode)) {                  \
            action;                              \
        }                                        \
    } while (0)
#endif

#ifndef __Check_Compile_Time
#define __Check_Compile_Time(expr) static_assert(expr, #expr)
#endif

// ---- The names without underscores ----
#ifndef __ASSERT_MACROS_DEFINE_VERSIONS_WITHOUT_UNDERSCORES
#define __ASSERT_MACROS_DEFINE_VERSIONS_WITHOUT_UNDERSCORES 1
#endif

#if __ASSERT_MACROS_DEFINE_VERSIONS_WITHOUT_UNDERSCORES
#ifndef require
#define require(assertion, exceptionLabel) __Require(assertion, exceptionLabel)
#endif
#ifndef require_action
#define require_action(assertion, exceptionLabel, action) __Require_Action(assertion, exceptionLabel, action)
#endif
#ifndef require_quiet
#define require_quiet(assertion, exceptionLabel) __Require_Quiet(assertion, exceptionLabel)
#endif
#ifndef require_action_quiet
#define require_action_quiet(assertion, exceptionLabel, action) __Require_Action_Quiet(assertion, exceptionLabel, action)
#endif
#ifndef require_noerr
#define require_noerr(errorCode, exceptionLabel) __Require_noErr(errorCode, exceptionLabel)
#endif
#ifndef require_noerr_action
#define require_noerr_action(errorCode, exceptionLabel, action) __Require_noErr_Action(errorCode, exceptionLabel, action)
#endif
#ifndef require_noerr_quiet
#define require_noerr_quiet(errorCode, exceptionLabel) __Require_noErr_Quiet(errorCode, exceptionLabel)
#endif
#ifndef require_noerr_action_quiet
#define require_noerr_action_quiet(errorCode, exceptionLabel, action) \
    __Require_noErr_Action_Quiet(errorCode, exceptionLabel, action)
#endif
#ifndef require_string
#define require_string(assertion, exceptionLabel, message) __Require_String(assertion, exceptionLabel, message)
#endif
#ifndef require_action_string
#define require_action_string(assertion, exceptionLabel, action, message) \
    __Require_Action_String(assertion, exceptionLabel, action, message)
#endif
#ifndef require_noerr_string
#define require_noerr_string(errorCode, exceptionLabel, message) __Require_noErr_String(errorCode, exceptionLabel, message)
#endif
#ifndef require_noerr_action_string
#define require_noerr_action_string(errorCode, exceptionLabel, action, message) \
    __Require_noErr_Action_String(errorCode, exceptionLabel, action, message)
#endif
#ifndef nrequire
#define nrequire(assertion, exceptionLabel) __nRequire(assertion, exceptionLabel)
#endif
#ifndef nrequire_action
#define nrequire_action(assertion, exceptionLabel, action) __nRequire_Action(assertion, exceptionLabel, action)
#endif
#ifndef check
#define check(assertion) __Check(assertion)
#endif
#ifndef check_string
#define check_string(assertion, message) __Check_String(assertion, message)
#endif
#ifndef check_noerr
#define check_noerr(errorCode) __Check_noErr(errorCode)
#endif
#ifndef check_noerr_string
#define check_noerr_string(errorCode, message) __Check_noErr_String(errorCode, message)
#endif
#ifndef ncheck
#define ncheck(assertion) __nCheck(assertion)
#endif
#ifndef verify
#define verify(assertion) __Verify(assertion)
#endif
#ifndef verify_string
#define verify_string(assertion, message) __Verify_String(assertion, message)
#endif
#ifndef verify_noerr
#define verify_noerr(errorCode) __Verify_noErr(errorCode)
#endif
#ifndef verify_noerr_string
#define verify_noerr_string(errorCode, message) __Verify_noErr_String(errorCode, message)
#endif
#ifndef verify_noerr_action
#define verify_noerr_action(errorCode, action) __Verify_noErr_Action(errorCode, action)
#endif
#ifndef nverify
#define nverify(assertion) __nVerify(assertion)
#endif
#ifndef check_compile_time
#define check_compile_time(expr) __Check_Compile_Time(expr)
#endif
#endif

#endif
