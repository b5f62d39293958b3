//
//  BenchCompletionDriver.cpp
//  Opens its interface, creates the completion action and submits one interrupt-IN read. The
//  benchmark then completes that read again and again from the kernel side; ReadComplete only
//  counts, and Stop reports the count so the benchmark can check every completion arrived.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "BenchCompletionDriver.h"

static const uint8_t  kInterruptIn = 0x81;
static const uint16_t kReadSize    = 8;

struct BenchCompletionDriver_IVars
{
    IOUSBHostInterface       *interface;
    IOUSBHostPipe            *pipe;
    IOBufferMemoryDescriptor *buffer;
    OSAction                 *readDone;
    uint64_t                  completions;
};

bool
BenchCompletionDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(BenchCompletionDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(BenchCompletionDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);
    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CopyPipe(kInterruptIn, &ivars->pipe);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, kReadSize, &ivars->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionReadComplete(0, &ivars->readDone);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->pipe->AsyncIO(ivars->buffer, kReadSize, ivars->readDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "BenchCompletionDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(BenchCompletionDriver, ReadComplete)
{
    (void)actualByteCount;
    (void)completionTimestamp;
    if (kIOReturnSuccess != status) {
        return;
    }
    ivars->completions++;
    // Each completion gives back the reference the kernel took on the action for the read
    // (AsyncIO). A driver that re-arms its read hands the kernel a new one with its next
    // AsyncIO; the benchmark completes the same read again instead, so take that reference
    // here. Stop gives back the one still held for a completion that will not come.
    action->retain();
}

kern_return_t
IMPL(BenchCompletionDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "BenchCompletionDriver: %llu completions", ivars->completions);
    if (ivars->completions > 0 && NULL != ivars->readDone) {
        ivars->readDone->release();
    }
    if (NULL != ivars->interface) {
        ivars->interface->Close(this, 0);
    }
    // The action holds a reference on this driver: let it go here, not in free().
    OSSafeReleaseNULL(ivars->readDone);
    OSSafeReleaseNULL(ivars->buffer);
    OSSafeReleaseNULL(ivars->pipe);
    return Stop(provider, SUPERDISPATCH);
}

void
BenchCompletionDriver::free()
{
    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->readDone);
        OSSafeReleaseNULL(ivars->buffer);
        OSSafeReleaseNULL(ivars->pipe);
    }
    IOSafeDeleteNULL(ivars, BenchCompletionDriver_IVars, 1);
    super::free();
}
