//
//  VirtualHIDKeyboard.cpp
//  A virtual keyboard on IOUserResources. Start runs IOUserHIDDevice's order (handleStart,
//  newDeviceDescription, newReportDescriptor); each step logs its place in the order. Once
//  started, a timer types "dext" (a press report, then a release report, for each key) through
//  handleReport. The system's setReport with an output report sets the LEDs (caps lock when
//  the user presses it); getReport answers the current input report.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/IOMemoryMap.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <DriverKit/OSCollections.h>
#include <HIDDriverKit/HIDDriverKit.h>

#include "KeyboardDescriptor.h"
#include "VirtualHIDKeyboard.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "VirtualHIDKeyboard: " fmt, ##__VA_ARGS__)

// kIOHIDRegisterServiceKey: AppleUserHIDDevice registers the device only when the description
// asks for it.
#ifndef kIOHIDRegisterServiceKey
#define kIOHIDRegisterServiceKey "RegisterService"
#endif

static const uint64_t kKeyIntervalNs = 10 * 1000 * 1000; // a report every 10 ms
static const uint8_t  kTypedKeys[] = { kHIDUsage_KeyboardD, kHIDUsage_KeyboardE, kHIDUsage_KeyboardX, kHIDUsage_KeyboardT };
static const uint32_t kTypedReports = 2 * sizeof(kTypedKeys); // a press and a release per key

static const char * const kLedNames[] = { "num lock", "caps lock", "scroll lock", "compose", "kana" };

struct VirtualHIDKeyboard_IVars
{
    uint32_t                   step;      // where Start's calls are in IOUserHIDDevice's order
    IOTimerDispatchSource     *timer;
    OSAction                  *typeAction;
    IOBufferMemoryDescriptor  *report;    // the input report handed to handleReport
    BootKeyboardReport         current;   // what the keyboard reports now (getReport answers it)
    uint32_t                   sent;      // reports typed so far
    uint8_t                    leds;      // the last LED state the system set
};

static bool
SetNumber(OSDictionary *dictionary, const char *key, uint64_t value)
{
    OSNumber *number = OSNumber::withNumber(value, 32);
    if (number == NULL) {
        return false;
    }
    bool set = dictionary->setObject(key, number);
    number->release();
    return set;
}

static bool
SetString(OSDictionary *dictionary, const char *key, const char *value)
{
    OSString *string = OSString::withCString(value);
    if (string == NULL) {
        return false;
    }
    bool set = dictionary->setObject(key, string);
    string->release();
    return set;
}

bool
VirtualHIDKeyboard::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(VirtualHIDKeyboard_IVars, 1);
    return ivars != NULL;
}

void
VirtualHIDKeyboard::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->timer);
        OSSafeReleaseNULL(ivars->typeAction);
        OSSafeReleaseNULL(ivars->report);
    }
    IOSafeDeleteNULL(ivars, VirtualHIDKeyboard_IVars, 1);
    super::free();
}

kern_return_t
IMPL(VirtualHIDKeyboard, Start)
{
    kern_return_t ret;
    IODispatchQueue *queue = NULL;

    Log("[%u] Start", ++ivars->step);
    // IOUserHIDDevice's Start: handleStart, newDeviceDescription, newReportDescriptor, and the
    // kernel's start, which parses the descriptor and publishes the device.
    ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        Log("Start: IOUserHIDDevice::Start failed: 0x%08x", ret);
        return ret;
    }
    Log("[%u] Start: the HID device is started", ++ivars->step);

    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, sizeof(BootKeyboardReport), 0, &ivars->report);
    if (ret != kIOReturnSuccess) {
        Log("Start: IOBufferMemoryDescriptor::Create failed: 0x%08x", ret);
        return ret;
    }
    ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &queue);
    if (ret == kIOReturnSuccess) {
        ret = IOTimerDispatchSource::Create(queue, &ivars->timer);
        queue->release();
    }
    if (ret == kIOReturnSuccess) {
        ret = CreateActionTypeNextKey(0, &ivars->typeAction);
    }
    if (ret == kIOReturnSuccess) {
        ret = ivars->timer->SetHandler(ivars->typeAction);
    }
    if (ret == kIOReturnSuccess) {
        ret = ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kKeyIntervalNs, 0);
    }
    if (ret != kIOReturnSuccess) {
        Log("Start: the typing timer could not be set up: 0x%08x", ret);
    }
    return ret;
}

bool
VirtualHIDKeyboard::handleStart(IOService *provider)
{
    Log("[%u] handleStart", ++ivars->step);
    return super::handleStart(provider);
}

OSDictionary *
VirtualHIDKeyboard::newDeviceDescription(void)
{
    Log("[%u] newDeviceDescription", ++ivars->step);
    OSDictionary *description = OSDictionary::withCapacity(12);
    if (description == NULL) {
        return NULL;
    }
    description->setObject(kIOHIDRegisterServiceKey, kOSBooleanTrue);
    SetString(description, kIOHIDTransportKey, "Virtual");
    SetString(description, kIOHIDManufacturerKey, "dextlab");
    SetString(description, kIOHIDProductKey, "Virtual HID Keyboard");
    SetString(description, kIOHIDSerialNumberKey, "VHK-0001");
    SetNumber(description, kIOHIDVendorIDKey, 0x1209);
    SetNumber(description, kIOHIDProductIDKey, 0x0007);
    SetNumber(description, kIOHIDVersionNumberKey, 0x0100);
    SetNumber(description, kIOHIDCountryCodeKey, 0);
    SetNumber(description, kIOHIDLocationIDKey, 0x00700000);
    SetNumber(description, kIOHIDPrimaryUsagePageKey, kHIDPage_GenericDesktop);
    SetNumber(description, kIOHIDPrimaryUsageKey, kHIDUsage_GD_Keyboard);
    return description;
}

OSData *
VirtualHIDKeyboard::newReportDescriptor(void)
{
    Log("[%u] newReportDescriptor (%u bytes)", ++ivars->step, (unsigned)sizeof(kBootKeyboardDescriptor));
    return OSData::withBytes(kBootKeyboardDescriptor, sizeof(kBootKeyboardDescriptor));
}

void
IMPL(VirtualHIDKeyboard, TypeNextKey)
{
    (void)action;
    if (ivars->sent >= kTypedReports) {
        return;
    }
    uint8_t key = kTypedKeys[ivars->sent / 2];
    bool press = (ivars->sent % 2) == 0;
    ivars->current = BootKeyboardReport {};
    if (press) {
        ivars->current.keys[0] = key;
    }

    IOAddressSegment range = {};
    ivars->report->GetAddressRange(&range);
    memcpy(reinterpret_cast<void *>(range.address), &ivars->current, sizeof(ivars->current));
    kern_return_t ret = handleReport(time, ivars->report, sizeof(ivars->current), kIOHIDReportTypeInput, 0);
    Log("%s key 0x%02x: handleReport 0x%08x", press ? "press" : "release", key, ret);

    if (++ivars->sent < kTypedReports) {
        ivars->timer->WakeAtTime(kIOTimerClockMachAbsoluteTime, time + kKeyIntervalNs, 0);
    } else {
        Log("typed %u keys", (unsigned)sizeof(kTypedKeys));
    }
}

kern_return_t
VirtualHIDKeyboard::setReport(IOMemoryDescriptor *report, IOHIDReportType reportType, IOOptionBits options,
                              uint32_t completionTimeout, OSAction *action)
{
    (void)completionTimeout;
    uint8_t reportID = options & 0xff;
    if (reportType != kIOHIDReportTypeOutput || reportID != 0 || report == NULL) {
        Log("setReport: type %u id %u is not the LED report", (unsigned)reportType, reportID);
        CompleteReport(action, kIOReturnUnsupported, 0);
        return kIOReturnUnsupported;
    }

    IOMemoryMap *map = NULL;
    kern_return_t ret = report->CreateMapping(0, 0, 0, 0, 0, &map);
    if (ret != kIOReturnSuccess || map->GetLength() < 1) {
        Log("setReport: the report could not be mapped: 0x%08x", ret);
        OSSafeReleaseNULL(map);
        CompleteReport(action, kIOReturnBadArgument, 0);
        return kIOReturnBadArgument;
    }
    uint8_t leds = *reinterpret_cast<const uint8_t *>(map->GetAddress()) & 0x1f;
    uint32_t length = static_cast<uint32_t>(map->GetLength());
    map->release();

    uint8_t changed = leds ^ ivars->leds;
    for (unsigned bit = 0; bit < sizeof(kLedNames) / sizeof(kLedNames[0]); bit++) {
        if (changed & (1u << bit)) {
            Log("LED %s %s", kLedNames[bit], (leds & (1u << bit)) ? "on" : "off");
        }
    }
    if (changed == 0) {
        Log("LEDs unchanged (0x%02x)", leds);
    }
    ivars->leds = leds;
    CompleteReport(action, kIOReturnSuccess, length);
    return kIOReturnSuccess;
}

kern_return_t
VirtualHIDKeyboard::getReport(IOMemoryDescriptor *report, IOHIDReportType reportType, IOOptionBits options,
                              uint32_t completionTimeout, OSAction *action)
{
    (void)completionTimeout;
    uint8_t reportID = options & 0xff;
    if (reportType != kIOHIDReportTypeInput || reportID != 0 || report == NULL) {
        Log("getReport: type %u id %u is not the keyboard report", (unsigned)reportType, reportID);
        CompleteReport(action, kIOReturnUnsupported, 0);
        return kIOReturnUnsupported;
    }
    IOMemoryMap *map = NULL;
    kern_return_t ret = report->CreateMapping(0, 0, 0, 0, 0, &map);
    if (ret != kIOReturnSuccess || map->GetLength() < sizeof(ivars->current)) {
        Log("getReport: the buffer is too small or cannot be mapped: 0x%08x", ret);
        OSSafeReleaseNULL(map);
        CompleteReport(action, kIOReturnNoSpace, 0);
        return kIOReturnNoSpace;
    }
    memcpy(reinterpret_cast<void *>(map->GetAddress()), &ivars->current, sizeof(ivars->current));
    map->release();
    Log("getReport: answered the input report");
    CompleteReport(action, kIOReturnSuccess, sizeof(ivars->current));
    return kIOReturnSuccess;
}

kern_return_t
IMPL(VirtualHIDKeyboard, Stop)
{
    Log("Stop after %u reports", ivars->sent);
    if (ivars->timer != NULL) {
        ivars->timer->Cancel(NULL);
    }
    // The action holds this object (its target): released here, or the device never frees.
    OSSafeReleaseNULL(ivars->timer);
    OSSafeReleaseNULL(ivars->typeAction);
    OSSafeReleaseNULL(ivars->report);
    return Stop(provider, SUPERDISPATCH);
}
