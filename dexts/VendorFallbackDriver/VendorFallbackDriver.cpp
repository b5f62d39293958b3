//
//  VendorFallbackDriver.cpp
//  Claims the interface and says so; a real fallback driver would offer basic access to any
//  product of its vendor.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <USBDriverKit/IOUSBHostInterface.h>

#include "VendorFallbackDriver.h"

kern_return_t
IMPL(VendorFallbackDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (kIOReturnSuccess != ret) {
        return ret;
    }
    if (NULL == OSDynamicCast(IOUSBHostInterface, provider)) {
        return kIOReturnNoDevice;
    }
    os_log(OS_LOG_DEFAULT, "VendorFallbackDriver: Start");
    return kIOReturnSuccess;
}

kern_return_t
IMPL(VendorFallbackDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "VendorFallbackDriver: Stop");
    return Stop(provider, SUPERDISPATCH);
}
