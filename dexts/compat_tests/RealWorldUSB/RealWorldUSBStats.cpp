//
//  RealWorldUSBStats.cpp
//  RealWorldUSB
//
//  The driver's second class: it is created with OSTypeAlloc and reached through its
//  generated message stubs, whose results (uint32_t, bool) come back through the invocation.
//

#include "RealWorldUSBShared.h"

#include "RealWorldUSB.h"

// Defined after the DriverKit includes and unconditionally, copied from Apple's AssertMacros.h as
// the WWDC sample and many dexts after it do.
#define __Require(assertion, exceptionLabel)                               \
    do                                                                      \
    {                                                                       \
        if ( __builtin_expect(!(assertion), 0) )                            \
        {                                                                   \
            goto exceptionLabel;                                            \
        }                                                                   \
    } while ( 0 )

#define __Require_Action(assertion, exceptionLabel, action)                \
    do                                                                      \
    {                                                                       \
        if ( __builtin_expect(!(assertion), 0) )                            \
        {                                                                   \
            {                                                               \
                action;                                                     \
            }                                                               \
            goto exceptionLabel;                                            \
        }                                                                   \
    } while ( 0 )

struct RealWorldUSBStats_IVars
{
    uint32_t lastSample;
    uint32_t largestGap;
    uint32_t records;
};

bool
RealWorldUSBStats::init()
{
    bool result = super::init();
    __Require(result, Exit);

    ivars = IONewZero(RealWorldUSBStats_IVars, 1);
    __Require_Action(NULL != ivars, Exit, result = false);

Exit:
    return result;
}

void
RealWorldUSBStats::free()
{
    IOSafeDeleteNULL(ivars, RealWorldUSBStats_IVars, 1);
    super::free();
}

uint32_t
RealWorldUSBStats::Record_Impl(uint32_t sample, uint64_t timestamp)
{
    (void)timestamp;
    if (ivars->records > 0 && sample > ivars->lastSample + 1) {
        uint32_t gap = sample - ivars->lastSample - 1;
        if (gap > ivars->largestGap) {
            ivars->largestGap = gap;
        }
    }
    ivars->lastSample = sample;
    return ++ivars->records;
}

bool
IMPL(RealWorldUSBStats, Healthy)
{
    return ivars->largestGap <= maximumGap;
}
