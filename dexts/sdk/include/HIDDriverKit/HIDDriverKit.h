#ifndef _DEXTLAB_HIDDRIVERKIT_HIDDRIVERKIT_H
#define _DEXTLAB_HIDDRIVERKIT_HIDDRIVERKIT_H
// HIDDriverKit's umbrella header. Apple's also includes the family classes (IOHIDInterface,
// IOHIDDevice, IOUserHIDDevice, IOHIDEventService, IOUserHIDEventService, IOHIDElement,
// IOHIDDigitizerCollection, ...). The lab does not implement them yet, so this umbrella includes
// only what exists: DriverKit itself and HIDDriverKit's keys, types and usage tables. A dext that
// subclasses IOUserHIDDevice fails to compile with an error naming the class, not at run time.

#include <DriverKit/DriverKit.h>
#include <HIDDriverKit/IOHIDDeviceKeys.h>
#include <HIDDriverKit/IOHIDDeviceTypes.h>
#include <HIDDriverKit/IOHIDUsageTables.h>

#endif
