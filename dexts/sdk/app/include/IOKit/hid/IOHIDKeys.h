#ifndef _IOKIT_HID_IOHIDKEYS_H_
#define _IOKIT_HID_IOHIDKEYS_H_
// The HID registry keys apps read from an IOHIDDevice (IOKit/hid/IOHIDKeys.h), and the HID
// connection types (defined by Apple in IOKit/hidsystem/IOHIDShared.h, included here so either
// include works).

#include <IOKit/hidsystem/IOHIDShared.h>

#include <_dextlab/hid_device_keys.h> // the keys a driver's device description shares with apps

#define kIOHIDDeviceKey "IOHIDDevice"
#define kIOHIDVendorIDSourceKey "VendorIDSource"
#define kIOHIDStandardTypeKey "StandardType"

#endif
