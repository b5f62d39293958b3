#ifndef _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICEKEYS_H
#define _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICEKEYS_H
// Property keys of a HID device (IOHIDFamily's IOHIDDeviceKeys.h; reference §7): what a HID
// driver puts in the dictionary newDeviceDescription returns, and what HID matching reads
// (reference §4.3). Values are the strings macOS uses.
//
// Keys that Apple keeps private (kIOHIDRegisterServiceKey "RegisterService", ...) are not
// defined: dexts that need them define them, often unconditionally.

#include <_dextlab/hid_device_keys.h>

#endif
