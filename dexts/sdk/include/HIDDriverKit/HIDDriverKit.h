#ifndef _DEXTLAB_HIDDRIVERKIT_HIDDRIVERKIT_H
#define _DEXTLAB_HIDDRIVERKIT_HIDDRIVERKIT_H
// HIDDriverKit's umbrella header. Apple's also includes IOHIDInterface, IOHIDEventService,
// IOUserHIDEventService, IOHIDElement and friends; the lab implements the device side a virtual
// or hardware HID device dext uses (IOHIDDevice, IOUserHIDDevice), so a dext that subclasses an
// event service fails to compile with an error naming the class, not at run time.

#include <DriverKit/DriverKit.h>
#include <HIDDriverKit/IOHIDDeviceKeys.h>
#include <HIDDriverKit/IOHIDDeviceTypes.h>
#include <HIDDriverKit/IOHIDUsageTables.h>
#include <HIDDriverKit/IOHIDDevice.h>
#include <HIDDriverKit/IOUserHIDDevice.h>

#endif
