//
//  MyUserUSBInterfaceDriver.cpp
//  Opens its interface, reads the interrupt-IN endpoint with AsyncIO, and re-arms the read in
//  every completion. Only DriverKit headers are included: this file builds for macOS unchanged.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "MyUserUSBInterfaceDriver.h"

#define kMyEndpointAddress 0x81

struct MyUserUSBInterfaceDriver_IVars
{
    IOUSBHostInterface       *interface;
    IOUSBHostPipe            *inPipe;
    OSAction                 *ioCompleteCallback;
    IOBufferMemoryDescriptor *inData;
    uint16_t                  maxPacketSize;
    uint64_t                  packetsRead;
};

bool
MyUserUSBInterfaceDriver::init()
{
    bool result = false;

    result = super::init();
    __Require(true == result, Exit);

    ivars = IONewZero(MyUserUSBInterfaceDriver_IVars, 1);
    __Require_Action(NULL != ivars, Exit, result = false);

Exit:
    return result;
}

kern_return_t
IMPL(MyUserUSBInterfaceDriver, Start)
{
    kern_return_t                    ret;
    IOUSBStandardEndpointDescriptors descriptors;

    ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);

    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = ivars->interface->CopyPipe(kMyEndpointAddress, &ivars->inPipe);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = ivars->inPipe->GetDescriptors(&descriptors, kIOUSBGetEndpointDescriptorOriginal);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->maxPacketSize = IOUSBGetEndpointMaxPacketSize(kIOUSBDeviceSpeedFull, &descriptors.descriptor);

    ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn,
                                           ivars->maxPacketSize,
                                           &ivars->inData);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = OSAction::Create(this,
                           MyUserUSBInterfaceDriver_ReadComplete_ID,
                           IOUSBHostPipe_CompleteAsyncIO_ID,
                           0,
                           &ivars->ioCompleteCallback);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = ivars->inPipe->AsyncIO(ivars->inData,
                                 ivars->maxPacketSize,
                                 ivars->ioCompleteCallback,
                                 0);
    __Require(kIOReturnSuccess == ret, Exit);

    os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: Start, reading %u-byte packets from endpoint 0x%02x",
           ivars->maxPacketSize, kMyEndpointAddress);

Exit:
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

kern_return_t
IMPL(MyUserUSBInterfaceDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: Stop after %llu packets", ivars->packetsRead);

    if (NULL != ivars->inPipe) {
        ivars->inPipe->Abort(0, kIOReturnAborted, this);
    }
    if (NULL != ivars->interface) {
        ivars->interface->Close(this, 0);
    }
    // The completion action holds a reference on this driver: release it (and what the reads
    // used) here, not in free(), or the two would keep each other alive.
    OSSafeReleaseNULL(ivars->ioCompleteCallback);
    OSSafeReleaseNULL(ivars->inData);
    OSSafeReleaseNULL(ivars->inPipe);
    return Stop(provider, SUPERDISPATCH);
}

void
MyUserUSBInterfaceDriver::free()
{
    os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: free");

    if (NULL != ivars) {
        OSSafeReleaseNULL(ivars->inPipe);
        OSSafeReleaseNULL(ivars->inData);
        OSSafeReleaseNULL(ivars->ioCompleteCallback);
    }
    IOSafeDeleteNULL(ivars, MyUserUSBInterfaceDriver_IVars, 1);
    super::free();
}

void
IMPL(MyUserUSBInterfaceDriver, ReadComplete)
{
    kern_return_t    ret;
    IOAddressSegment range;
    uint32_t         sample = 0;

    (void)action;
    (void)completionTimestamp;

    if (kIOReturnSuccess != status) {
        // Aborted on Stop, or the device went away: do not re-arm.
        os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: ReadComplete status 0x%08x, not re-arming", status);
        return;
    }

    ivars->packetsRead++;
    if (kIOReturnSuccess == ivars->inData->GetAddressRange(&range) && actualByteCount >= sizeof(sample)) {
        memcpy(&sample, (const void *)range.address, sizeof(sample));
    }
    os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: ReadComplete %u bytes, sample %u",
           actualByteCount, sample);

    ret = ivars->inPipe->AsyncIO(ivars->inData,
                                 ivars->maxPacketSize,
                                 ivars->ioCompleteCallback,
                                 0);
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "MyUserUSBInterfaceDriver: AsyncIO failed: 0x%08x", ret);
    }
}
