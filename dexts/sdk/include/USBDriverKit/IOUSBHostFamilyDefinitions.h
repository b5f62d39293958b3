#ifndef _DEXTLAB_USBDRIVERKIT_IOUSBHOSTFAMILYDEFINITIONS_H
#define _DEXTLAB_USBDRIVERKIT_IOUSBHOSTFAMILYDEFINITIONS_H
// Matching keys, error codes and entitlement names of the USB host family.

#include <DriverKit/IOReturn.h>

#define kUSBHostReturnPipeStalled iokit_family_err(sub_iokit_usb, 0x5000)
#define kUSBHostReturnNoPower iokit_family_err(sub_iokit_usb, 0x5001)

#define kIOUSBTransportDextEntitlement "com.apple.developer.driverkit.transport.usb"

#define kUSBHostMatchingPropertyVendorID "idVendor"
#define kUSBHostMatchingPropertyProductID "idProduct"
#define kUSBHostMatchingPropertyProductIDMask "idProductMask"
#define kUSBHostMatchingPropertyProductIDArray "idProductArray"
#define kUSBHostMatchingPropertyDeviceReleaseNumber "bcdDevice"
#define kUSBHostMatchingPropertyDeviceClass "bDeviceClass"
#define kUSBHostMatchingPropertyDeviceSubClass "bDeviceSubClass"
#define kUSBHostMatchingPropertyDeviceProtocol "bDeviceProtocol"
#define kUSBHostMatchingPropertyConfigurationValue "bConfigurationValue"
#define kUSBHostMatchingPropertyInterfaceClass "bInterfaceClass"
#define kUSBHostMatchingPropertyInterfaceSubClass "bInterfaceSubClass"
#define kUSBHostMatchingPropertyInterfaceProtocol "bInterfaceProtocol"
#define kUSBHostMatchingPropertyInterfaceNumber "bInterfaceNumber"

#endif
