//
//  USBInterruptReader.cpp
//  An interface driver under a device-level driver: it matches the interface that
//  USBDeviceLevelDriver's SetConfiguration(1, true) registered, checks that the device-level
//  session is not its to take, and keeps eight reads in flight on interrupt-IN 0x81, re-arming
//  each in its completion. Each sample starts with the device's counter, so completions
//  arriving out of submission order would show as gaps. Stop aborts the pipe and finishes
//  once all eight reads are back.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/USBDriverKit.h>

#include "USBInterruptReader.h"

#define kReaderSlots     8
#define kReaderEndpoint  0x81
#define kReaderLogEvery  8

struct ReaderSlot {
    uint32_t index;
};

struct USBInterruptReader_IVars
{
    IOUSBHostInterface       *interface;
    IOUSBHostPipe            *pipe;
    IOBufferMemoryDescriptor *buffers[kReaderSlots];
    OSAction                 *actions[kReaderSlots];
    IOService                *stoppingProvider;
    uint16_t                  packetSize;
    uint32_t                  inFlight;
    uint32_t                  nextCounter;
    uint64_t                  samples;
    uint64_t                  gaps;
    uint64_t                  aborted;
    bool                      stopping;
};

bool
USBInterruptReader::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(USBInterruptReader_IVars, 1);
    return NULL != ivars;
}

kern_return_t
IMPL(USBInterruptReader, Start)
{
    kern_return_t                    ret;
    IOUSBHostDevice                 *device = NULL;
    IOUSBStandardEndpointDescriptors descriptors;

    ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);

    // The device-level driver keeps its session open; an interface driver cannot take it.
    ret = ivars->interface->CopyDevice(&device);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = device->Open(this, 0, 0);
    os_log(OS_LOG_DEFAULT, "USBInterruptReader: the device's own session: Open -> 0x%08x%s", ret,
           kIOReturnExclusiveAccess == ret ? " (held by the device-level driver)" : "");
    if (kIOReturnSuccess == ret) {
        device->Close(this, 0);
    }
    OSSafeReleaseNULL(device);

    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CopyPipe(kReaderEndpoint, &ivars->pipe);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->pipe->GetDescriptors(&descriptors, kIOUSBGetEndpointDescriptorOriginal);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->packetSize = IOUSBGetEndpointMaxPacketSize(kIOUSBDeviceSpeedFull, &descriptors.descriptor);

    for (uint32_t i = 0; i < kReaderSlots; i++) {
        ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, ivars->packetSize, &ivars->buffers[i]);
        __Require(kIOReturnSuccess == ret, Exit);
        ret = CreateActionReadComplete(sizeof(ReaderSlot), &ivars->actions[i]);
        __Require(kIOReturnSuccess == ret, Exit);
        ((ReaderSlot *)ivars->actions[i]->GetReference())->index = i;
    }
    for (uint32_t i = 0; i < kReaderSlots; i++) {
        // Interrupt endpoints take no timeout.
        ret = ivars->pipe->AsyncIO(ivars->buffers[i], ivars->packetSize, ivars->actions[i], 0);
        __Require(kIOReturnSuccess == ret, Exit);
        ivars->inFlight++;
    }
    os_log(OS_LOG_DEFAULT, "USBInterruptReader: Start, %u reads of %u bytes in flight on 0x%02x", ivars->inFlight,
           ivars->packetSize, kReaderEndpoint);

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "USBInterruptReader: Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(USBInterruptReader, ReadComplete)
{
    uint32_t         slot = ((ReaderSlot *)action->GetReference())->index;
    uint32_t         counter = 0;
    IOAddressSegment range;
    kern_return_t    ret;

    (void)completionTimestamp;
    ivars->inFlight--;

    if (kIOReturnSuccess != status) {
        if (kIOReturnAborted == status) {
            ivars->aborted++;
        }
        os_log(OS_LOG_DEFAULT, "USBInterruptReader: read %u completed with 0x%08x, %u still in flight", slot, status,
               ivars->inFlight);
        if (ivars->stopping && 0 == ivars->inFlight) {
            Stop(ivars->stoppingProvider); // runs Stop again, which now finishes
        }
        return;
    }

    if (kIOReturnSuccess == ivars->buffers[slot]->GetAddressRange(&range) && actualByteCount >= sizeof(counter)) {
        memcpy(&counter, (const void *)range.address, sizeof(counter));
    }
    if (ivars->samples > 0 && counter != ivars->nextCounter) {
        ivars->gaps++;
    }
    ivars->nextCounter = counter + 1;
    ivars->samples++;
    if (0 == ivars->samples % kReaderLogEvery) {
        os_log(OS_LOG_DEFAULT, "USBInterruptReader: %llu samples, last %u in slot %u, %llu gaps", ivars->samples, counter,
               slot, ivars->gaps);
    }
    if (ivars->stopping) {
        return;
    }
    ret = ivars->pipe->AsyncIO(ivars->buffers[slot], ivars->packetSize, action, 0);
    if (kIOReturnSuccess == ret) {
        ivars->inFlight++;
    } else {
        os_log(OS_LOG_DEFAULT, "USBInterruptReader: AsyncIO failed: 0x%08x", ret);
    }
}

kern_return_t
IMPL(USBInterruptReader, Stop)
{
    if (!ivars->stopping) {
        os_log(OS_LOG_DEFAULT, "USBInterruptReader: Stop after %llu samples; %u reads in flight, aborting", ivars->samples,
               ivars->inFlight);
        ivars->stopping = true;
        ivars->stoppingProvider = provider;
        if (NULL != ivars->pipe) {
            ivars->pipe->Abort(0, kIOReturnAborted, this);
        }
        if (0 != ivars->inFlight) {
            return kIOReturnSuccess; // the last aborted read finishes stopping
        }
    }
    os_log(OS_LOG_DEFAULT, "USBInterruptReader: all reads back (%llu aborted, %llu gaps); closing", ivars->aborted,
           ivars->gaps);
    if (NULL != ivars->interface) {
        ivars->interface->Close(this, 0);
    }
    for (uint32_t i = 0; i < kReaderSlots; i++) {
        OSSafeReleaseNULL(ivars->actions[i]);
        OSSafeReleaseNULL(ivars->buffers[i]);
    }
    OSSafeReleaseNULL(ivars->pipe);
    return Stop(provider, SUPERDISPATCH);
}

void
USBInterruptReader::free()
{
    os_log(OS_LOG_DEFAULT, "USBInterruptReader: free");
    IOSafeDeleteNULL(ivars, USBInterruptReader_IVars, 1);
    super::free();
}
