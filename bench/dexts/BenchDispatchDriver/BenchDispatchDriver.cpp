//
//  BenchDispatchDriver.cpp
//  A chain of DispatchAsync blocks on the "Chain" queue: each counts and queues the next, so
//  exactly one block is queued at any time. Stop ends the chain and reports the count.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IODispatchQueue.h>

#include "BenchDispatchDriver.h"

struct BenchDispatchDriver_IVars
{
    IODispatchQueue *chain;
    uint64_t         items;
    bool             stopping;
};

// Each queued block holds a reference on the driver, so the last one may outlive Stop safely.
static void
ChainStep(BenchDispatchDriver *self)
{
    self->ivars->items++;
    if (!self->ivars->stopping) {
        self->retain();
        self->ivars->chain->DispatchAsync(^{
            ChainStep(self);
        });
    }
    self->release();
}

bool
BenchDispatchDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(BenchDispatchDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(BenchDispatchDriver, Start)
{
    BenchDispatchDriver *self = this;
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IODispatchQueue::Create("Chain", 0, 0, &ivars->chain);
    __Require(kIOReturnSuccess == ret, Exit);
    retain();
    ivars->chain->DispatchAsync(^{
        ChainStep(self);
    });

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "BenchDispatchDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

kern_return_t
IMPL(BenchDispatchDriver, Stop)
{
    ivars->stopping = true;
    os_log(OS_LOG_DEFAULT, "BenchDispatchDriver: %llu items", ivars->items);
    return Stop(provider, SUPERDISPATCH);
}

void
BenchDispatchDriver::free()
{
    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->chain);
    }
    IOSafeDeleteNULL(ivars, BenchDispatchDriver_IVars, 1);
    super::free();
}
