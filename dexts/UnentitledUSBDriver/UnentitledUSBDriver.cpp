//
//  UnentitledUSBDriver.cpp
//  Does nothing but say it started: on a Mac with SIP enabled it never gets that far, because
//  its entitlements do not cover its device.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <USBDriverKit/IOUSBHostInterface.h>

#include "UnentitledUSBDriver.h"

kern_return_t
IMPL(UnentitledUSBDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (kIOReturnSuccess != ret) {
        return ret;
    }
    if (NULL == OSDynamicCast(IOUSBHostInterface, provider)) {
        return kIOReturnNoDevice;
    }
    os_log(OS_LOG_DEFAULT, "UnentitledUSBDriver: Start (only reachable in development mode)");
    return kIOReturnSuccess;
}

kern_return_t
IMPL(UnentitledUSBDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "UnentitledUSBDriver: Stop");
    return Stop(provider, SUPERDISPATCH);
}
