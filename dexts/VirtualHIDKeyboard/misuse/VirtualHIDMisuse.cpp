//
//  VirtualHIDMisuse.cpp
//  VirtualHIDBrokenDescriptor returns its report descriptor with a stale length that cuts an
//  item in half: the kernel refuses the descriptor, naming the byte, and Start fails.
//  VirtualHIDUnregistered starts but never asks to be registered, so it stays invisible.
//  VirtualHIDOversizedReport starts, then sends a 9-byte input report where the descriptor
//  declares 8, and a report longer than its buffer; its setReport returns without calling
//  CompleteReport, so the system's request ends aborted.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/OSCollections.h>
#include <HIDDriverKit/HIDDriverKit.h>

#include "../KeyboardDescriptor.h"
#include "VirtualHIDMisuse.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "VirtualHIDMisuse: " fmt, ##__VA_ARGS__)

#ifndef kIOHIDRegisterServiceKey
#define kIOHIDRegisterServiceKey "RegisterService"
#endif

// The length the descriptor had before its LED report grew: it now ends inside Report Count.
static const uint32_t kStaleDescriptorLength = 41;

static OSDictionary *
KeyboardDescription(const char *product)
{
    OSDictionary *description = OSDictionary::withCapacity(4);
    if (description == NULL) {
        return NULL;
    }
    description->setObject(kIOHIDRegisterServiceKey, kOSBooleanTrue);
    OSString *name = OSString::withCString(product);
    if (name != NULL) {
        description->setObject(kIOHIDProductKey, name);
        name->release();
    }
    return description;
}

// ---- VirtualHIDBrokenDescriptor ----

OSDictionary *
VirtualHIDBrokenDescriptor::newDeviceDescription(void)
{
    return KeyboardDescription("Broken Descriptor Keyboard");
}

OSData *
VirtualHIDBrokenDescriptor::newReportDescriptor(void)
{
    Log("newReportDescriptor: %u of %u bytes", kStaleDescriptorLength, (unsigned)sizeof(kBootKeyboardDescriptor));
    return OSData::withBytes(kBootKeyboardDescriptor, kStaleDescriptorLength);
}

// ---- VirtualHIDUnregistered ----

// No newDeviceDescription: IOUserHIDDevice's empty one has no RegisterService = true.
OSData *
VirtualHIDUnregistered::newReportDescriptor(void)
{
    return OSData::withBytes(kBootKeyboardDescriptor, sizeof(kBootKeyboardDescriptor));
}

// ---- VirtualHIDOversizedReport ----

OSDictionary *
VirtualHIDOversizedReport::newDeviceDescription(void)
{
    return KeyboardDescription("Oversized Report Keyboard");
}

OSData *
VirtualHIDOversizedReport::newReportDescriptor(void)
{
    return OSData::withBytes(kBootKeyboardDescriptor, sizeof(kBootKeyboardDescriptor));
}

kern_return_t
IMPL(VirtualHIDOversizedReport, Start)
{
    // The report struct grew a field the descriptor never learned about.
    struct __attribute__((packed)) {
        BootKeyboardReport keyboard;
        uint8_t battery;
    } report = {};
    IOBufferMemoryDescriptor *buffer = NULL;

    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, sizeof(report), 0, &buffer);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
    report.keyboard.keys[0] = kHIDUsage_KeyboardA;
    report.battery = 100;
    IOAddressSegment range = {};
    buffer->GetAddressRange(&range);
    memcpy(reinterpret_cast<void *>(range.address), &report, sizeof(report));
    Log("handleReport of %u bytes: 0x%08x", (unsigned)sizeof(report),
        handleReport(mach_absolute_time(), buffer, sizeof(report), kIOHIDReportTypeInput, 0));
    Log("handleReport of 16 bytes from a %u-byte buffer: 0x%08x", (unsigned)sizeof(report),
        handleReport(mach_absolute_time(), buffer, 16, kIOHIDReportTypeInput, 0));
    buffer->release();
    return kIOReturnSuccess;
}

kern_return_t
VirtualHIDOversizedReport::setReport(IOMemoryDescriptor *report, IOHIDReportType reportType, IOOptionBits options,
                                     uint32_t completionTimeout, OSAction *action)
{
    (void)report;
    (void)completionTimeout;
    (void)action;
    Log("setReport type %u id %u: returning without CompleteReport", (unsigned)reportType, options & 0xff);
    return kIOReturnSuccess;
}

kern_return_t
VirtualHIDOversizedReport::getReport(IOMemoryDescriptor *report, IOHIDReportType reportType, IOOptionBits options,
                                     uint32_t completionTimeout, OSAction *action)
{
    (void)report;
    (void)reportType;
    (void)options;
    (void)completionTimeout;
    // A double completion: the second CompleteReport for the same request.
    CompleteReport(action, kIOReturnSuccess, 0);
    CompleteReport(action, kIOReturnSuccess, 0);
    Log("getReport: completed twice");
    return kIOReturnSuccess;
}
