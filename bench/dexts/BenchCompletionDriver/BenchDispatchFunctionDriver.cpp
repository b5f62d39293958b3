//
//  BenchDispatchFunctionDriver.cpp
//  A chain of DispatchAsync_f work items on the "Chain" queue: each counts and queues the next,
//  so exactly one item is queued at any time. Stop ends the chain and reports the count.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IODispatchQueue.h>

#include "BenchDispatchFunctionDriver.h"

struct BenchDispatchFunctionDriver_IVars
{
    IODispatchQueue *chain;
    uint64_t         items;
    bool             stopping;
};

// Each queued item holds a reference on the driver, so the last one may outlive Stop safely.
static void
ChainStep(void *context)
{
    BenchDispatchFunctionDriver *self = static_cast<BenchDispatchFunctionDriver *>(context);
    self->ivars->items++;
    if (!self->ivars->stopping) {
        self->retain();
        self->ivars->chain->DispatchAsync_f(self, ChainStep);
    }
    self->release();
}

bool
BenchDispatchFunctionDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(BenchDispatchFunctionDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(BenchDispatchFunctionDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IODispatchQueue::Create("Chain", 0, 0, &ivars->chain);
    __Require(kIOReturnSuccess == ret, Exit);
    retain();
    ivars->chain->DispatchAsync_f(this, ChainStep);

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "BenchDispatchFunctionDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

kern_return_t
IMPL(BenchDispatchFunctionDriver, Stop)
{
    ivars->stopping = true;
    os_log(OS_LOG_DEFAULT, "BenchDispatchFunctionDriver: %llu items", ivars->items);
    return Stop(provider, SUPERDISPATCH);
}

void
BenchDispatchFunctionDriver::free()
{
    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->chain);
    }
    IOSafeDeleteNULL(ivars, BenchDispatchFunctionDriver_IVars, 1);
    super::free();
}
