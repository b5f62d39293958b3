#ifndef _DEXTLAB_USBDRIVERKIT_IOUSBHOSTFAMILYDEFINITIONS_H
#define _DEXTLAB_USBDRIVERKIT_IOUSBHOSTFAMILYDEFINITIONS_H
// Matching keys, error codes and entitlement names of the USB host family.

#include <DriverKit/IOReturn.h>

#define kUSBHostReturnPipeStalled iokit_family_err(sub_iokit_usb, 0x5000)
#define kUSBHostReturnNoPower iokit_family_err(sub_iokit_usb, 0x5001)

#define kIOUSBTransportDextEntitlement "com.apple.developer.driverkit.transport.usb"

#include <_dextlab/usb_matching_keys.h>

#endif
