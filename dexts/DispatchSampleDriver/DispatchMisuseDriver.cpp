//
//  DispatchMisuseDriver.cpp
//  Mistakes with queues, sources and containers, made on purpose in Start so that a scenario can
//  check how each one is reported. On a Mac the first one hangs the driver for good; the lab
//  reports it and goes on, so the rest can be seen too.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <DriverKit/IODataQueueDispatchSource.h>

#include "DispatchMisuseDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "DispatchMisuseDriver: " fmt, ##__VA_ARGS__)

struct DispatchMisuseDriver_IVars
{
    IODispatchQueue           *worker;
    IODataQueueDispatchSource *ring;
    OSAction                  *ringAvailable;
};

bool
DispatchMisuseDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(DispatchMisuseDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(DispatchMisuseDriver, Start)
{
    IODispatchQueue *defaultQueue = NULL;
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &defaultQueue);
    __Require(kIOReturnSuccess == ret, Exit);

    {
        // 1. Start runs on the default queue: a DispatchSync onto it waits for itself.
        __block bool ran = false;
        defaultQueue->DispatchSync(^{
            ran = true;
        });
        Log("DispatchSync onto its own queue returned; the block %{public}s", ran ? "ran" : "did not run");
    }

    // 2. GCD's order: work queued before a DispatchSync runs first, then the sync block, which
    //    runs with both queues on the stack.
    ret = IODispatchQueue::Create("Worker", 0, 0, &ivars->worker);
    __Require(kIOReturnSuccess == ret, Exit);
    for (int i = 1; i <= 3; i++) {
        ivars->worker->DispatchAsync(^{
            Log("async block %d", i);
        });
    }
    ivars->worker->DispatchSync(^{
        Log("sync block after the async ones; on Worker %d, on Default %d", ivars->worker->OnQueue(), defaultQueue->OnQueue());
        // ...and from there, back onto the default queue this stack is running: deadlock again.
        defaultQueue->DispatchSync(^{
            Log("never printed");
        });
    });

    // 3. A canceled queue takes no more work.
    ivars->worker->Cancel(^{
        Log("Worker canceled");
    });
    ivars->worker->DispatchAsync(^{
        Log("never printed: async after Cancel");
    });
    ivars->worker->DispatchSync(^{
        Log("never printed: sync after Cancel");
    });

    {
        // 4. Arguments DriverKit refuses.
        IODataQueueDispatchSource *odd = NULL;
        kern_return_t oddRet = IODataQueueDispatchSource::Create(30, defaultQueue, &odd);
        Log("IODataQueueDispatchSource::Create(30 bytes): 0x%08x", oddRet);
        IOTimerDispatchSource *timer = NULL;
        if (kIOReturnSuccess == IOTimerDispatchSource::Create(defaultQueue, &timer)) {
            Log("WakeAtTime with clock 0x1234: 0x%08x", timer->WakeAtTime(0x1234, mach_absolute_time(), 0));
            timer->release();
        }
    }

    {
        // 5. OSDynamicCast on containers.
        OSObject *number = OSNumber::withNumber(7, 32);
        Log("OSDynamicCast: as OSString %{public}s, as OSNumber %u",
            OSDynamicCast(OSString, number) ? "non-NULL" : "NULL", OSDynamicCast(OSNumber, number)->unsigned32BitValue());
        number->release();
    }

    // 6. A handler declared QUEUENAME(Missing), with no queue ever set under that name.
    ret = IODataQueueDispatchSource::Create(16, defaultQueue, &ivars->ring);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionRingDataAvailable(0, &ivars->ringAvailable);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->ring->SetDataAvailableHandler(ivars->ringAvailable);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->ring->Enqueue(4, ^(void *data, size_t size) {
        memset(data, 0xAB, size);
    });

    // 7. An object never released: the leak census names it when the process exits.
    OSString::withCString("never released");

    Log("Start done");

Exit:
    OSSafeReleaseNULL(defaultQueue);
    return ret;
}

void
IMPL(DispatchMisuseDriver, RingDataAvailable)
{
    IODispatchQueue *defaultQueue = NULL;
    (void)action;
    CopyDispatchQueue(kIOServiceDefaultQueueName, &defaultQueue);
    Log("RingDataAvailable ran on the %{public}s queue", defaultQueue && defaultQueue->OnQueue() ? "Default" : "wrong");
    OSSafeReleaseNULL(defaultQueue);
    ivars->ring->Dequeue(^(const void *data, size_t size) {
        Log("dequeued %zu bytes, first 0x%02x", size, static_cast<const uint8_t *>(data)[0]);
    });
}

kern_return_t
IMPL(DispatchMisuseDriver, Stop)
{
    if (ivars->ring != NULL) {
        ivars->ring->Cancel(NULL);
    }
    OSSafeReleaseNULL(ivars->ringAvailable);
    return Stop(provider, SUPERDISPATCH);
}

void
DispatchMisuseDriver::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->ring);
        OSSafeReleaseNULL(ivars->ringAvailable);
        OSSafeReleaseNULL(ivars->worker);
    }
    IOSafeDeleteNULL(ivars, DispatchMisuseDriver_IVars, 1);
    super::free();
}
