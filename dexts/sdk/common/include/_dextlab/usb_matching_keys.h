#ifndef _DEXTLAB_USB_MATCHING_KEYS_H
#define _DEXTLAB_USB_MATCHING_KEYS_H
// The USB matching property names (kUSBHostMatchingProperty*), shared by USBDriverKit's
// <USBDriverKit/IOUSBHostFamilyDefinitions.h> and IOKit.framework's <IOKit/usb/USB.h>, which
// define them alike: the keys of a personality and of an app's matching dictionary.

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
