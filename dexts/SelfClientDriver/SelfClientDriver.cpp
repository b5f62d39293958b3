//
//  SelfClientDriver.cpp
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <mach/mach_time.h>

#include "SelfClientDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "SelfClientDriver: " fmt, ##__VA_ARGS__)

static const uint64_t kHeartbeatNs = 1000000; // 1 ms

struct SelfClientDriver_IVars {
    bool is_user_client;          // this instance is an app's connection, not the service
    IOTimerDispatchSource* timer; // service only: the heartbeat
    OSAction* heartbeat;
    IOService* helper;
    uint64_t ticks;
};

bool SelfClientDriver::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(SelfClientDriver_IVars, 1);
    return ivars != nullptr;
}

void SelfClientDriver::free()
{
    IOSafeDeleteNULL(ivars, SelfClientDriver_IVars, 1);
    super::free();
}

kern_return_t IMPL(SelfClientDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess)
        return ret;
    // Started on the service itself: this instance is a user client.
    if (OSDynamicCast(SelfClientDriver, provider)) {
        ivars->is_user_client = true;
        Log("Start as a user client");
        return kIOReturnSuccess;
    }
    IODispatchQueue* queue = nullptr;
    __Require_noErr_Action(ret = Create(this, "HelperProperties", &ivars->helper), fail, Log("Create helper failed 0x%x", ret));
    __Require_noErr(ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &queue), fail);
    ret = IOTimerDispatchSource::Create(queue, &ivars->timer);
    OSSafeReleaseNULL(queue);
    __Require_noErr(ret, fail);
    __Require_noErr(ret = CreateActionHeartbeat(0, &ivars->heartbeat), fail);
    __Require_noErr(ret = ivars->timer->SetHandler(ivars->heartbeat), fail);
    __Require_noErr(ret = ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kHeartbeatNs, 0), fail);
    __Require_noErr(ret = RegisterService(), fail);
    Log("Start as the service");
    return kIOReturnSuccess;
fail:
    return ret;
}

kern_return_t IMPL(SelfClientDriver, Stop)
{
    if (ivars->is_user_client || !ivars->timer) {
        Log("Stop (%s)", ivars->is_user_client ? "user client" : "service");
        return Stop(provider, SUPERDISPATCH);
    }
    // The heartbeat may still be queued: finish stopping once the timer is canceled. Stop
    // returns now; the kernel waits for Stop(provider, SUPERDISPATCH) from the handler.
    Log("Stop: canceling the heartbeat after %llu ticks", ivars->ticks);
    provider->retain();
    __block IOService* stopping_provider = provider;
    ivars->timer->Cancel(^{
        Log("cancel handler: heartbeat canceled, finishing Stop");
        OSSafeReleaseNULL(ivars->heartbeat);
        OSSafeReleaseNULL(ivars->timer);
        OSSafeReleaseNULL(ivars->helper);
        Stop(stopping_provider, SUPERDISPATCH);
        OSSafeReleaseNULL(stopping_provider);
    });
    return kIOReturnSuccess;
}

void IMPL(SelfClientDriver, Heartbeat)
{
    (void)action;
    ivars->ticks++;
    ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, time + kHeartbeatNs, 0);
}

uint64_t SelfClientDriver::TickCount() { return ivars->ticks; }

kern_return_t IMPL(SelfClientDriver, NewUserClient)
{
    (void)type; // one kind of client
    IOService* client = nullptr;
    kern_return_t ret = Create(this, "UserClientProperties", &client);
    if (ret != kIOReturnSuccess)
        return ret;
    *userClient = OSDynamicCast(IOUserClient, client);
    return *userClient ? kIOReturnSuccess : kIOReturnError;
}

static kern_return_t ReadTicks(OSObject* target, void*, IOUserClientMethodArguments* arguments)
{
    auto* self = OSDynamicCast(SelfClientDriver, target);
    auto* service = self ? OSDynamicCast(SelfClientDriver, self->GetProvider()) : nullptr;
    if (!service)
        return kIOReturnNotReady;
    arguments->scalarOutput[0] = service->TickCount();
    arguments->scalarOutputCount = 1;
    return kIOReturnSuccess;
}

static const IOUserClientMethodDispatch sReadTicks = { ReadTicks, 0, 0, 0, 1, 0 };

kern_return_t SelfClientDriver::ExternalMethod(uint64_t selector, IOUserClientMethodArguments* arguments,
                                               const IOUserClientMethodDispatch*, OSObject*, void*)
{
    if (!ivars->is_user_client || selector != 0)
        return kIOReturnUnsupported;
    return super::ExternalMethod(selector, arguments, &sReadTicks, this, nullptr);
}

// ---- the helpers ----

kern_return_t IMPL(SelfClientHelper, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess)
        return ret;
    // NestedProperties is inside this helper's own properties (HelperProperties in the plist).
    IOService* nested = nullptr;
    ret = Create(this, "NestedProperties", &nested);
    Log("helper started; nested Create returned 0x%x", ret);
    OSSafeReleaseNULL(nested); // the kernel keeps the nested service; we need no reference
    return ret;
}

kern_return_t IMPL(SelfClientHelper, Stop)
{
    Log("helper stopping");
    return Stop(provider, SUPERDISPATCH);
}

kern_return_t IMPL(SelfClientNestedHelper, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    Log("nested helper started below %s", OSDynamicCast(SelfClientHelper, provider) ? "the helper" : "something else");
    return ret;
}

kern_return_t IMPL(SelfClientNestedHelper, Stop)
{
    Log("nested helper stopping");
    return Stop(provider, SUPERDISPATCH);
}
