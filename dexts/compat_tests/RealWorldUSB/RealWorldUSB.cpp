//
//  RealWorldUSB.cpp
//  RealWorldUSB
//
//  Opens its interface, keeps an interrupt read outstanding, and hands every sample to a work
//  queue in a block. Written as for macOS: only DriverKit and C headers, Apple's clang dialect
//  (blocks, _Atomic, C99 array designators), strict warnings.
//

// This project's own check-and-jump macros, defined before any DriverKit header: the SDK must
// leave them alone.
#ifndef __Require
#define __Require(assertion, exceptionLabel)     \
    do {                                         \
        if (__builtin_expect(!(assertion), 0)) { \
            goto exceptionLabel;                 \
        }                                        \
    } while (false)
#endif

#ifndef __Require_Action
#define __Require_Action(assertion, exceptionLabel, action) \
    do {                                                    \
        if (__builtin_expect(!(assertion), 0)) {            \
            {                                               \
                action;                                     \
            }                                               \
            goto exceptionLabel;                            \
        }                                                   \
    } while (false)
#endif

#include "RealWorldUSBShared.h"

#include <Block.h>
#include <time.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "RealWorldUSB.h"

#define kInterruptInEndpoint 0x81

enum RealWorldState : uint32_t {
    kStateIdle,
    kStateStreaming,
    kStateStopping,
    kStateCount
};

struct RealWorldStateInfo {
    const char * name;
    bool         rearm;
};

// Indexed by state, the way dispatch tables in public dexts are written.
static const RealWorldStateInfo kStateInfo[kStateCount] = {
    [kStateIdle]      = { "idle", false },
    [kStateStreaming] = { "streaming", true },
    [kStateStopping]  = { "stopping", false },
};

// A HID-style description of the samples, built from the usage tables.
static const uint8_t kSampleDescription[] = {
    0x05, kHIDPage_GenericDesktop,
    0x09, kHIDUsage_GD_Dial,
    0xa1, 0x01,
    0xc0,
};

struct RealWorldUSB_IVars
{
    IOUSBHostInterface       * interface;
    IOUSBHostPipe            * inPipe;
    IOBufferMemoryDescriptor * inData;
    OSAction                 * readAction;
    IODispatchQueue          * workQueue;
    RealWorldUSBStats        * stats;
    uint16_t                   maxPacketSize;
    uint64_t                   startTime;
    _Atomic uint32_t           state;
    _Atomic uint64_t           samplesAccepted;
    _Atomic uint32_t           blocksRun;
};

struct ReadReference
{
    uint32_t slot;
    uint32_t generation;
};

bool
RealWorldUSB::init(void)
{
    bool result = false;

    result = super::init();
    __Require(true == result, Exit);

    ivars = IONewZero(RealWorldUSB_IVars, 1);
    __Require_Action(NULL != ivars, Exit, result = false);

Exit:
    return result;
}

const char *
RealWorldUSB::StateName(uint32_t state)
{
    switch (static_cast<RealWorldState>(state)) {
    case kStateIdle:
    case kStateStreaming:
    case kStateStopping:
        return kStateInfo[state].name;
    case kStateCount:
        break;
    }
    return "invalid";
}

kern_return_t
RealWorldUSB::Start_Impl(IOService * provider)
{
    kern_return_t                    ret;
    IOUSBStandardEndpointDescriptors descriptors;
    const IOUSBConfigurationDescriptor * configuration = NULL;
    const IOUSBInterfaceDescriptor   * interfaceDescriptor = NULL;

    ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->startTime = clock_gettime_nsec_np(CLOCK_UPTIME_RAW);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);

    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);

    configuration = ivars->interface->CopyConfigurationDescriptor();
    __Require_Action(NULL != configuration, Exit, ret = kIOReturnNoResources);
    interfaceDescriptor = ivars->interface->GetInterfaceDescriptor(configuration);
    __Require_Action(NULL != interfaceDescriptor, Exit, ret = kIOReturnNoResources);
    Log("interface %u class 0x%02x, %u endpoint(s)", interfaceDescriptor->bInterfaceNumber,
        interfaceDescriptor->bInterfaceClass, interfaceDescriptor->bNumEndpoints);

    ret = ivars->interface->CopyPipe(kInterruptInEndpoint, &ivars->inPipe);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = ivars->inPipe->GetDescriptors(&descriptors, kIOUSBGetEndpointDescriptorOriginal);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->maxPacketSize = IOUSBGetEndpointMaxPacketSize(kIOUSBDeviceSpeedFull, &descriptors.descriptor);

    ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, ivars->maxPacketSize, &ivars->inData);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = IODispatchQueue::Create("RealWorldUSBWork", 0, 0, &ivars->workQueue);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->stats = OSTypeAlloc(RealWorldUSBStats);
    __Require_Action(NULL != ivars->stats, Exit, ret = kIOReturnNoMemory);
    __Require_Action(ivars->stats->init(), Exit, ret = kIOReturnNoMemory; OSSafeReleaseNULL(ivars->stats));

    // The generated factory, with reference storage the completion reads back.
    ret = CreateActionReadComplete(sizeof(ReadReference), &ivars->readAction);
    __Require(kIOReturnSuccess == ret, Exit);
    static_cast<ReadReference *>(ivars->readAction->GetReference())->slot = kRealWorldUSBReadSlots;

    __c11_atomic_store(&ivars->state, kStateStreaming, __ATOMIC_RELAXED);
    ret = ArmRead();
    __Require(kIOReturnSuccess == ret, Exit);

    Log("Start: %{public}s, %zu-byte description of page 0x%02x, packets of %u bytes, timeout %llu ms, driver %p",
        StateName(ivars->state), sizeof(kSampleDescription), kSampleDescription[1], ivars->maxPacketSize,
        kUSBHostClassRequestCompletionTimeout, this);

Exit:
    if (NULL != configuration) {
        IOUSBHostFreeDescriptor(configuration);
    }
    if (kIOReturnSuccess != ret) {
        LogError("Start failed: 0x%08x", ret);
    }
    return ret;
}

kern_return_t
RealWorldUSB::ArmRead(void)
{
    return ivars->inPipe->AsyncIO(ivars->inData, ivars->maxPacketSize, ivars->readAction, 0);
}

uint64_t
IMPL(RealWorldUSB, SamplesAccepted)
{
    return __c11_atomic_load(&ivars->samplesAccepted, __ATOMIC_RELAXED);
}

void
IMPL(RealWorldUSB, ReadComplete)
{
    IOAddressSegment  range;
    uint32_t          sample = 0;
    const ReadReference * reference = static_cast<const ReadReference *>(action->GetReference());
    uint32_t          state = __c11_atomic_load(&ivars->state, __ATOMIC_RELAXED);

    if (kIOReturnSuccess != status || !kStateInfo[state].rearm) {
        Log("ReadComplete status 0x%08x in state %{public}s, not re-arming", status, StateName(state));
        return;
    }

    if (kIOReturnSuccess == ivars->inData->GetAddressRange(&range) && actualByteCount >= sizeof(sample)) {
        memcpy(&sample, reinterpret_cast<const void *>(range.address), sizeof(sample));
    }

    // The sample is processed later, on the work queue, by a block that captures what it needs
    // and keeps the driver alive until it has run.
    __block uint32_t captured = sample;
    RealWorldUSB * driver = this;
    uint64_t timestamp = completionTimestamp;
    driver->retain();
    ivars->workQueue->DispatchAsync(^{
        uint32_t records = driver->ivars->stats->Record(captured, timestamp);
        uint64_t accepted = __c11_atomic_fetch_add(&driver->ivars->samplesAccepted, 1, __ATOMIC_RELAXED) + 1;
        __c11_atomic_fetch_add(&driver->ivars->blocksRun, 1, __ATOMIC_RELAXED);
        if (records % 4 == 1) {
            Log("block: sample %u, accepted %llu, healthy %{public}s", captured, accepted,
                driver->ivars->stats->Healthy(4) ? "yes" : "no");
        }
        driver->release();
    });

    Log("ReadComplete %u bytes, sample %u, slot %u, accepted so far %llu", actualByteCount, sample,
        reference ? reference->slot : 0, SamplesAccepted());

    kern_return_t ret = ArmRead();
    if (kIOReturnSuccess != ret) {
        LogError("AsyncIO failed: 0x%08x", ret);
    }
}

kern_return_t
IMPL(RealWorldUSB, Stop)
{
    __block uint32_t released = 0;
    void (^releaseIO)(void) = ^{
        OSSafeReleaseNULL(ivars->readAction);
        OSSafeReleaseNULL(ivars->inData);
        OSSafeReleaseNULL(ivars->inPipe);
        released++;
    };

    __c11_atomic_store(&ivars->state, kStateStopping, __ATOMIC_RELAXED);
    uint64_t elapsed = clock_gettime_nsec_np(CLOCK_UPTIME_RAW) - ivars->startTime;
    Log("Stop after %llu samples, %u blocks, %llu ns, mach %llu", SamplesAccepted(),
        __c11_atomic_load(&ivars->blocksRun, __ATOMIC_RELAXED), elapsed, mach_absolute_time() - ivars->startTime);

    if (NULL != ivars->inPipe) {
        ivars->inPipe->Abort(0, kIOReturnAborted, this);
    }
    if (NULL != ivars->interface) {
        ivars->interface->Close(this, 0);
    }
    // The read action holds a reference on this driver: drop it here, not in free(). The work
    // queue and the stats object stay until free(): blocks still queued use them.
    releaseIO();
    Log("released %u time(s)", released);
    return Stop(provider, SUPERDISPATCH);
}

void
RealWorldUSB::free(void)
{
    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->readAction);
        OSSafeReleaseNULL(ivars->inData);
        OSSafeReleaseNULL(ivars->inPipe);
        OSSafeReleaseNULL(ivars->workQueue);
        OSSafeReleaseNULL(ivars->stats);
    }
    IOSafeDeleteNULL(ivars, RealWorldUSB_IVars, 1);
    Log("free");
    super::free();
}
