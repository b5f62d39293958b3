#ifndef _IOKIT_IOHIDSHARED_H
#define _IOKIT_IOHIDSHARED_H
// The HID system's connection types. DriverKit samples pass kIOHIDServerConnectType (0) as the
// `type` of IOServiceOpen; a dext's NewUserClient sees it.

#define kIOHIDSystemClass "IOHIDSystem"

enum {
    kIOHIDServerConnectType = 0,
    kIOHIDParamConnectType = 1,
    kIOHIDEventSystemConnectType = 3
};

#endif
