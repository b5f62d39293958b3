//
//  BenchTimerDriver.cpp
//  A periodic timer on its own queue: TimerFired counts and arms the next wake-up one period
//  after the deadline that just passed. Stop reports the count.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOTimerDispatchSource.h>

#include "BenchTimerDriver.h"

static const uint64_t kPeriodNs = 10 * 1000; // completion_bench advances virtual time by this per iteration

struct BenchTimerDriver_IVars
{
    IODispatchQueue       *queue;
    IOTimerDispatchSource *timer;
    OSAction              *fired;
    uint64_t               firings;
    bool                   stopping;
};

bool
BenchTimerDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(BenchTimerDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(BenchTimerDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = IODispatchQueue::Create("Timer", 0, 0, &ivars->queue);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IOTimerDispatchSource::Create(ivars->queue, &ivars->timer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionTimerFired(0, &ivars->fired);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->timer->SetHandler(ivars->fired);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kPeriodNs, 0);
    __Require(kIOReturnSuccess == ret, Exit);

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "BenchTimerDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(BenchTimerDriver, TimerFired)
{
    (void)action;
    ivars->firings++;
    if (!ivars->stopping) {
        ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, time + kPeriodNs, 0);
    }
}

kern_return_t
IMPL(BenchTimerDriver, Stop)
{
    ivars->stopping = true;
    os_log(OS_LOG_DEFAULT, "BenchTimerDriver: %llu firings", ivars->firings);
    if (NULL != ivars->timer) {
        ivars->timer->Cancel(NULL);
    }
    // The action holds a reference on this driver: let it go here, not in free().
    OSSafeReleaseNULL(ivars->fired);
    return Stop(provider, SUPERDISPATCH);
}

void
BenchTimerDriver::free()
{
    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->fired);
        OSSafeReleaseNULL(ivars->timer);
        OSSafeReleaseNULL(ivars->queue);
    }
    IOSafeDeleteNULL(ivars, BenchTimerDriver_IVars, 1);
    super::free();
}
