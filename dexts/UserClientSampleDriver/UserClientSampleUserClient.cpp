//
//  UserClientSampleUserClient.cpp
//  The selectors and their argument shapes are in UserClientSampleShared.h, which the app
//  includes too. ExternalMethod checks each call against a dispatch table before running it.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <DriverKit/OSData.h>
#include <mach/mach_time.h>

#include "UserClientSampleShared.h"
#include "UserClientSampleUserClient.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "UserClientSampleUserClient: " fmt, ##__VA_ARGS__)

struct UserClientSampleUserClient_IVars {
    IOBufferMemoryDescriptor* shared;
    IOTimerDispatchSource* timer;
    OSAction* tick_action;
    OSAction* tick_completion; // the app's async reference while ticks run
    uint64_t ticks_left;
    uint64_t tick_number;
    uint64_t tick_period_ns;
    UserClientSampleStats stats;
};

bool UserClientSampleUserClient::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(UserClientSampleUserClient_IVars, 1);
    return ivars != nullptr;
}

kern_return_t IMPL(UserClientSampleUserClient, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess)
        return ret;
    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, kSampleSharedSize, 0, &ivars->shared);
    if (ret != kIOReturnSuccess)
        return ret;
    IODispatchQueue* queue = nullptr;
    ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &queue);
    if (ret != kIOReturnSuccess)
        return ret;
    ret = IOTimerDispatchSource::Create(queue, &ivars->timer);
    OSSafeReleaseNULL(queue);
    if (ret != kIOReturnSuccess)
        return ret;
    ret = CreateActionTickOccurred(0, &ivars->tick_action);
    if (ret != kIOReturnSuccess)
        return ret;
    ret = ivars->timer->SetHandler(ivars->tick_action);
    if (ret != kIOReturnSuccess)
        return ret;
    // Registered, the connection is an object apps can find and be notified about.
    ret = RegisterService();
    Log("Start");
    return ret;
}

kern_return_t IMPL(UserClientSampleUserClient, Stop)
{
    Log("Stop after %llu calls", ivars->stats.calls);
    if (ivars->timer)
        ivars->timer->Cancel(nullptr);
    // The timer's action holds a reference on this object: drop it here, not in free(), or
    // neither would ever be freed.
    OSSafeReleaseNULL(ivars->tick_completion);
    OSSafeReleaseNULL(ivars->tick_action);
    OSSafeReleaseNULL(ivars->timer);
    OSSafeReleaseNULL(ivars->shared);
    return Stop(provider, SUPERDISPATCH);
}

void UserClientSampleUserClient::free()
{
    if (ivars) {
        OSSafeReleaseNULL(ivars->tick_completion);
        OSSafeReleaseNULL(ivars->tick_action);
        OSSafeReleaseNULL(ivars->timer);
        OSSafeReleaseNULL(ivars->shared);
    }
    IOSafeDeleteNULL(ivars, UserClientSampleUserClient_IVars, 1);
    super::free();
}

// ---- the selectors ----

static kern_return_t SampleAdd(OSObject*, void*, IOUserClientMethodArguments* arguments)
{
    arguments->scalarOutput[0] = arguments->scalarInput[0] + arguments->scalarInput[1];
    arguments->scalarOutputCount = 1;
    return kIOReturnSuccess;
}

static uint8_t* DescriptorBytes(IOMemoryDescriptor* descriptor, uint64_t* length)
{
    auto* buffer = OSDynamicCast(IOBufferMemoryDescriptor, descriptor);
    IOAddressSegment range = {};
    if (!buffer || buffer->GetAddressRange(&range) != kIOReturnSuccess)
        return nullptr;
    *length = range.length;
    return reinterpret_cast<uint8_t*>(range.address);
}

static kern_return_t SampleReverse(OSObject* target, void*, IOUserClientMethodArguments* arguments)
{
    auto* self = OSDynamicCast(UserClientSampleUserClient, target);
    const uint8_t* input = nullptr;
    uint64_t length = 0;
    if (arguments->structureInput) {
        input = static_cast<const uint8_t*>(arguments->structureInput->getBytesNoCopy());
        length = arguments->structureInput->getLength();
    } else if (arguments->structureInputDescriptor) {
        input = DescriptorBytes(arguments->structureInputDescriptor, &length);
    }
    if (!input || length == 0)
        return kIOReturnBadArgument;
    if (arguments->structureOutputDescriptor) {
        uint64_t room = 0;
        uint8_t* output = DescriptorBytes(arguments->structureOutputDescriptor, &room);
        if (!output || room < length)
            return kIOReturnNoSpace;
        for (uint64_t i = 0; i < length; i++)
            output[i] = input[length - 1 - i];
    } else {
        if (arguments->structureOutputMaximumSize < length)
            return kIOReturnNoSpace;
        OSData* reversed = OSData::withCapacity(static_cast<uint32_t>(length));
        for (uint64_t i = 0; i < length; i++)
            reversed->appendBytes(&input[length - 1 - i], 1);
        arguments->structureOutput = reversed;
    }
    self->ivars->stats.bytes_reversed += length;
    return kIOReturnSuccess;
}

static kern_return_t SampleStats(OSObject* target, void*, IOUserClientMethodArguments* arguments)
{
    auto* self = OSDynamicCast(UserClientSampleUserClient, target);
    arguments->structureOutput = OSData::withBytes(&self->ivars->stats, sizeof(UserClientSampleStats));
    return kIOReturnSuccess;
}

static kern_return_t SampleStartTicks(OSObject* target, void*, IOUserClientMethodArguments* arguments)
{
    auto* self = OSDynamicCast(UserClientSampleUserClient, target);
    auto* ivars = self->ivars;
    if (ivars->tick_completion)
        return kIOReturnBusy;
    if (arguments->scalarInput[0] == 0 || arguments->scalarInput[1] == 0)
        return kIOReturnBadArgument;
    arguments->completion->retain();
    ivars->tick_completion = arguments->completion;
    ivars->ticks_left = arguments->scalarInput[0];
    ivars->tick_number = 0;
    ivars->tick_period_ns = arguments->scalarInput[1] * 1000;
    return ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + ivars->tick_period_ns, 0);
}

static kern_return_t SampleFillShared(OSObject* target, void*, IOUserClientMethodArguments* arguments)
{
    auto* self = OSDynamicCast(UserClientSampleUserClient, target);
    IOAddressSegment range = {};
    kern_return_t ret = self->ivars->shared->GetAddressRange(&range);
    if (ret != kIOReturnSuccess)
        return ret;
    uint8_t* bytes = reinterpret_cast<uint8_t*>(range.address);
    for (uint64_t i = 0; i < range.length; i++)
        bytes[i] = static_cast<uint8_t>((arguments->scalarInput[0] + i) & 0xff);
    return kIOReturnSuccess;
}

// One row per selector, in selector order: the shape each call must have.
static const IOUserClientMethodDispatch sMethods[kSampleSelectorCount] = {
    // kSampleSelectorAdd
    { SampleAdd, 0, 2, 0, 1, 0 },
    // kSampleSelectorReverse
    { SampleReverse, 0, 0, kIOUserClientVariableStructureSize, 0, kIOUserClientVariableStructureSize },
    // kSampleSelectorStats
    { SampleStats, 0, 0, 0, 0, sizeof(UserClientSampleStats) },
    // kSampleSelectorStartTicks
    { SampleStartTicks, 1, 2, 0, 0, 0 },
    // kSampleSelectorFillShared
    { SampleFillShared, 0, 1, 0, 0, 0 },
};

kern_return_t UserClientSampleUserClient::ExternalMethod(uint64_t selector, IOUserClientMethodArguments* arguments,
                                                         const IOUserClientMethodDispatch*, OSObject*, void*)
{
    if (selector >= kSampleSelectorCount) {
        Log("ExternalMethod: unknown selector %llu", selector);
        return kIOReturnBadArgument;
    }
    kern_return_t ret = super::ExternalMethod(selector, arguments, &sMethods[selector], this, nullptr);
    if (ret == kIOReturnSuccess)
        ivars->stats.calls++;
    Log("ExternalMethod selector %llu -> 0x%x", selector, ret);
    return ret;
}

kern_return_t IMPL(UserClientSampleUserClient, CopyClientMemoryForType)
{
    if (type != kSampleMemoryShared)
        return kIOReturnBadArgument;
    ivars->shared->retain();
    *memory = ivars->shared;
    *options = 0;
    return kIOReturnSuccess;
}

void IMPL(UserClientSampleUserClient, TickOccurred)
{
    (void)action; // the timer's handler action; the app's reference is tick_completion
    if (!ivars->tick_completion)
        return;
    IOUserClientAsyncArgumentsArray args = {};
    args[0] = ++ivars->tick_number;
    args[1] = time;
    AsyncCompletion(ivars->tick_completion, kIOReturnSuccess, args, 2);
    ivars->stats.ticks_sent++;
    if (--ivars->ticks_left == 0) {
        OSSafeReleaseNULL(ivars->tick_completion);
        return;
    }
    ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, time + ivars->tick_period_ns, 0);
}
