//
//  SampleCounterDriver.cpp
//  Reads endpoint 0x81 forever and keeps the running total of the samples' counters.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "SampleCounterDriver.h"

static const uint8_t  kInterruptIn = 0x81;
static const uint16_t kReadSize    = 8;

struct SampleCounterDriver_IVars
{
    IOUSBHostInterface       *interface;
    IOUSBHostPipe            *pipe;
    IOBufferMemoryDescriptor *buffer;
    OSAction                 *readDone;
    uint64_t                  reads;
    uint64_t                  total;
};

bool
SampleCounterDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(SampleCounterDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(SampleCounterDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    if (ivars->interface == NULL) {
        return kIOReturnNoDevice;
    }
    ret = ivars->interface->Open(this, 0, NULL);
    if (ret == kIOReturnSuccess) {
        ret = ivars->interface->CopyPipe(kInterruptIn, &ivars->pipe);
    }
    if (ret == kIOReturnSuccess) {
        ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, kReadSize, &ivars->buffer);
    }
    if (ret == kIOReturnSuccess) {
        ret = CreateActionReadDone(0, &ivars->readDone);
    }
    if (ret == kIOReturnSuccess) {
        ret = ivars->pipe->AsyncIO(ivars->buffer, kReadSize, ivars->readDone, 0);
    }
    if (ret == kIOReturnSuccess) {
        // Publish this service so drivers can match on it (CounterClientDriver does).
        ret = RegisterService();
    }
    os_log(OS_LOG_DEFAULT, "SampleCounterDriver: Start 0x%08x", ret);
    return ret;
}

kern_return_t
IMPL(SampleCounterDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "SampleCounterDriver: Stop after %llu reads, total %llu", ivars->reads, ivars->total);
    if (ivars->interface != NULL) {
        ivars->interface->Close(this, 0);
    }
    OSSafeReleaseNULL(ivars->readDone);
    OSSafeReleaseNULL(ivars->buffer);
    OSSafeReleaseNULL(ivars->pipe);
    return Stop(provider, SUPERDISPATCH);
}

void
SampleCounterDriver::free()
{
    IOSafeDeleteNULL(ivars, SampleCounterDriver_IVars, 1);
    super::free();
}

void
IMPL(SampleCounterDriver, ReadDone)
{
    IOAddressSegment range;
    uint32_t counter = 0;

    (void)action;
    (void)completionTimestamp;
    if (status != kIOReturnSuccess) {
        return;
    }
    if (ivars->buffer->GetAddressRange(&range) == kIOReturnSuccess && actualByteCount >= sizeof(counter)) {
        memcpy(&counter, (const void *)range.address, sizeof(counter));
    }
    ivars->reads++;
    ivars->total += counter;
    os_log(OS_LOG_DEFAULT, "SampleCounterDriver: read %llu, counter %u, total %llu", ivars->reads, counter, ivars->total);
    ivars->pipe->AsyncIO(ivars->buffer, kReadSize, ivars->readDone, 0);
}
