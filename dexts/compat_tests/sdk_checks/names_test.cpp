// Names and types dexts rely on (issue 5, items 2 and 3): what the SDK must provide, what it must
// leave to the dext, and how its types are spelled. Most checks are compile-time: if this file
// builds, they hold.

// A dext's own check macro, defined before any DriverKit header (and unlike the SDK's).
#define __Require_noErr(errorCode, exceptionLabel) \
    do {                                           \
        if ((errorCode) != 0)                      \
            goto exceptionLabel;                   \
    } while (false)

#include <Availability.h>
#include <DriverKit/DriverKit.h>
#include <HIDDriverKit/HIDDriverKit.h>
#include <NetworkingDriverKit/NetworkingDriverKit.h>
#include <USBDriverKit/USBDriverKit.h>
#include <mach/error.h>
#include <mach/mach_time.h>
#include <time.h>

// What public dexts define for themselves after those includes. The SDK defines none of these,
// or defines them so that this is not a redefinition.
#ifndef kUSBHostClassRequestCompletionTimeout
constexpr uint64_t kUSBHostClassRequestCompletionTimeout = 5000;
#endif
#ifndef kIOHIDRegisterServiceKey
constexpr const char* kIOHIDRegisterServiceKey = "RegisterService";
#endif
enum {
    kLanguageIDEnglishUS = 0x0409
};
#define DISPATCH_TIME_FOREVER (~0ull)
// Apple's own tokens, as the WWDC sample and its descendants copy them, unconditionally.
#define __Require(assertion, exceptionLabel)                               \
    do                                                                      \
    {                                                                       \
        if ( __builtin_expect(!(assertion), 0) )                            \
        {                                                                   \
            goto exceptionLabel;                                            \
        }                                                                   \
    } while ( 0 )
#define __Require_Action(assertion, exceptionLabel, action)                \
    do                                                                      \
    {                                                                       \
        if ( __builtin_expect(!(assertion), 0) )                            \
        {                                                                   \
            {                                                               \
                action;                                                     \
            }                                                               \
            goto exceptionLabel;                                            \
        }                                                                   \
    } while ( 0 )

// Ordinary identifiers AssertMacros.h would take stay free unless the dext includes it.
static bool check(int value) { return value > 0; }
static bool verify(int value) { return value < 100; }

// Availability annotations compile away.
API_AVAILABLE(driverkit(19.0), macos(10.15)) static int annotated() { return 1; }

#include <doctest/doctest.h>

#include <cstring>
#include <type_traits>

static_assert(std::is_same_v<IOReturn, kern_return_t>, "IOReturn and kern_return_t are one type");
static_assert(std::is_same_v<kern_return_t, int>, "kern_return_t is int, as on macOS");
static_assert(std::is_same_v<mach_error_t, kern_return_t>);

// Every 64-bit parameter is uint64_t (unsigned long here): callers passing uint64_t variables
// must match exactly, e.g. when taking a method's address or overriding it.
static_assert(std::is_same_v<decltype(&IOService::Terminate), kern_return_t (IOService::*)(uint64_t, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOBufferMemoryDescriptor::Create),
    kern_return_t (*)(uint64_t, uint64_t, uint64_t, IOBufferMemoryDescriptor**)>);
static_assert(std::is_same_v<decltype(&IOBufferMemoryDescriptor::SetLength),
    kern_return_t (IOBufferMemoryDescriptor::*)(uint64_t, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOMemoryDescriptor::GetLength), kern_return_t (IOMemoryDescriptor::*)(uint64_t*)>);
static_assert(std::is_same_v<decltype(&IOMemoryDescriptor::CreateMapping),
    kern_return_t (IOMemoryDescriptor::*)(uint64_t, uint64_t, uint64_t, uint64_t, uint64_t, IOMemoryMap**, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOMemoryDescriptor::CreateSubMemoryDescriptor),
    kern_return_t (*)(uint64_t, uint64_t, uint64_t, IOMemoryDescriptor*, IOMemoryDescriptor**)>);
static_assert(std::is_same_v<decltype(&IOMemoryMap::GetAddress), uint64_t (IOMemoryMap::*)()>);
static_assert(kIOMemoryMapReadOnly == 0x2 && kIOMemoryMapCacheModeWriteThrough == 0x400 && kIOMemoryMapGuardedMask == 0x1C);
static_assert(std::is_same_v<decltype(&IODispatchQueue::Create),
    kern_return_t (*)(const char*, uint64_t, uint64_t, IODispatchQueue**)>);
static_assert(std::is_same_v<decltype(&OSAction::Create), kern_return_t (*)(OSObject*, uint64_t, uint64_t, size_t, OSAction**)>);
static_assert(std::is_same_v<decltype(&IOUSBHostInterface::CreateIOBuffer),
    kern_return_t (IOUSBHostInterface::*)(IOOptionBits, uint64_t, IOBufferMemoryDescriptor**)>);
// A device-level driver's calls, with Apple's signatures and ids ([SDK] IOUSBHostDevice.h).
static_assert(std::is_same_v<decltype(&IOUSBHostDevice::Open), kern_return_t (IOUSBHostDevice::*)(IOService*, IOOptionBits, uintptr_t, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOUSBHostDevice::SetConfiguration), kern_return_t (IOUSBHostDevice::*)(uint8_t, bool, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOUSBHostDevice::DeviceRequest),
    kern_return_t (IOUSBHostDevice::*)(IOService*, uint8_t, uint8_t, uint16_t, uint16_t, uint16_t, IOMemoryDescriptor*, uint16_t*, uint32_t, OSDispatchMethod)>);
static_assert(std::is_same_v<decltype(&IOUSBHostDevice::CopyInterface), kern_return_t (IOUSBHostDevice::*)(uintptr_t, IOUSBHostInterface**, OSDispatchMethod)>);
static_assert(IOUSBHostDevice_CompleteAsyncDeviceRequest_ID == 0xc489759689d7d751ULL && IOUSBHostDevice_SetConfiguration_ID == 0xa67a186949eaf68cULL);
static_assert((kIOUSBDeviceRequestDirectionIn | kIOUSBDeviceRequestTypeVendor | kIOUSBDeviceRequestRecipientInterface) == 0xc1);
static_assert(kIOUSBDeviceRequestGetConfiguration == 8 && kIOUSBDescriptorTypeBOS == 15 && sizeof(IOUSBBOSDescriptor) == 5);
static_assert(std::is_same_v<decltype(IOAddressSegment::address), uint64_t>);
static_assert(std::is_same_v<decltype(mach_absolute_time()), uint64_t>);
static_assert(std::is_same_v<decltype(clock_gettime_nsec_np(CLOCK_UPTIME_RAW)), uint64_t>);

// IOReturn codes are int constants usable in a switch on an IOReturn.
static_assert(kIOReturnError == static_cast<int>(0xE00002BCu));
static_assert(kIOReturnAborted == static_cast<int>(0xE00002EBu));
static_assert(kUSBHostReturnPipeStalled == static_cast<int>(0xE0005000u));
static_assert(iokit_family_err(sub_iokit_usb, 0x5001) == kUSBHostReturnNoPower);
static_assert(err_get_system(kIOReturnError) == 0x38);
static_assert(err_get_sub(kUSBHostReturnPipeStalled) == 1);
static_assert(err_get_code(kIOReturnNotFound) == 0x2f0);
static_assert(sys_iokit == err_system(0x38));

static char const* describe(IOReturn status)
{
    switch (status) {
    case kIOReturnSuccess:
        return "success";
    case kIOReturnAborted:
        return "aborted";
    case kUSBHostReturnPipeStalled:
        return "stalled";
    default:
        return "other";
    }
}

// HID and networking constants with the values of the USB HID Usage Tables and Apple's headers.
static_assert(kIOHIDReportTypeInput == 0 && kIOHIDReportTypeFeature == 2 && kIOHIDReportTypeCount == 3);
static_assert(kHIDPage_GenericDesktop == 0x01 && kHIDPage_KeyboardOrKeypad == 0x07 && kHIDPage_LEDs == 0x08);
static_assert(kHIDPage_Consumer == 0x0C && kHIDPage_Digitizer == 0x0D && kHIDPage_VendorDefinedStart == 0xFF00);
static_assert(kHIDUsage_GD_Mouse == 0x02 && kHIDUsage_GD_Keyboard == 0x06 && kHIDUsage_GD_Wheel == 0x38);
static_assert(kHIDUsage_KeyboardA == 0x04 && kHIDUsage_KeyboardZ == 0x1D && kHIDUsage_Keyboard0 == 0x27);
static_assert(kHIDUsage_KeyboardCapsLock == 0x39 && kHIDUsage_KeyboardF12 == 0x45 && kHIDUsage_KeyboardF24 == 0x73);
static_assert(kHIDUsage_KeypadNumLock == 0x53 && kHIDUsage_Keypad0 == 0x62 && kHIDUsage_KeyboardLeftGUI == 0xE3);
static_assert(kHIDUsage_KeyboardRightGUI == 0xE7 && kHIDUsage_KeyboardLANG9 == 0x98);
static_assert(kHIDUsage_LED_NumLock == 0x01 && kHIDUsage_LED_CapsLock == 0x02 && kHIDUsage_LED_ExternalPowerConnected == 0x4D);
static_assert(kHIDUsage_Csmr_PlayOrPause == 0xCD && kHIDUsage_Csmr_VolumeIncrement == 0xE9 && kHIDUsage_Csmr_ACPan == 0x238);
static_assert(kHIDUsage_Dig_TipSwitch == 0x42 && kHIDUsage_Dig_ContactCount == 0x54);
static_assert(kIOHIDElementTypeCollection == 513 && kIOHIDElementFlagsVariableMask == 0x2);
static_assert(kIOUserNetworkMediaEthernet1000BaseT == 0x30 && kIOUserNetworkLinkStatusActive == 3);
static_assert(kOSCollectionTypeDictionary == 1 && kOSCollectionTypeSerialization == 13);
static_assert(TARGET_OS_DRIVERKIT == 1 && TARGET_OS_OSX == 1);

TEST_CASE("the SDK leaves a dext's own names alone and keeps Apple's")
{
    CHECK(kUSBHostClassRequestCompletionTimeout == 5000);
    CHECK(std::strcmp(kIOHIDRegisterServiceKey, "RegisterService") == 0);
    CHECK(kLanguageIDEnglishUS == 0x0409);
    CHECK(DISPATCH_TIME_FOREVER == ~0ull);
    CHECK(check(1));
    CHECK(verify(1));
    CHECK(annotated() == 1);
    CHECK(std::strcmp(kIOHIDVendorIDKey, "VendorID") == 0);
    CHECK(std::strcmp(kIOHIDPrimaryUsagePageKey, "PrimaryUsagePage") == 0);
    CHECK(std::strcmp(kIOHIDReportDescriptorKey, "ReportDescriptor") == 0);
    CHECK(std::strcmp(kUSBHostMatchingPropertyVendorID, "idVendor") == 0);
    CHECK(std::strcmp(describe(kIOReturnAborted), "aborted") == 0);
    CHECK(std::strcmp(describe(kUSBHostReturnPipeStalled), "stalled") == 0);
}

static int jumps(int value)
{
    int result = 0;
    __Require(value > 0, Exit);
    __Require_Action(value < 10, Exit, result = -1);
    __Require_noErr(value - 5, Exit);
    result = 1;
Exit:
    return result;
}

TEST_CASE("the check-and-jump macros, the SDK's and a dext's own, jump where they should")
{
    CHECK(jumps(0) == 0);
    CHECK(jumps(12) == -1);
    CHECK(jumps(4) == 0);
    CHECK(jumps(5) == 1);
}

TEST_CASE("DriverKit headers bring in the C basics: memcpy, size_t, bool, fixed-width integers")
{
    uint8_t source[4] = { 1, 2, 3, 4 };
    uint32_t value = 0;
    memcpy(&value, source, sizeof value); // from <string.h>, through <DriverKit/IOTypes.h>
    size_t size = sizeof value;
    bool ok = value == 0x04030201u && size == 4;
    CHECK(ok);
    CHECK(IOFixedMultiply(2 << 16, 3 << 16) == (6 << 16));
    CHECK(kMillisecondScale == 1000000);
}

TEST_CASE("Debug builds define DEBUG=1, as Xcode's Debug configuration does")
{
#if defined(DEBUG)
    CHECK(DEBUG == 1);
    CHECK(DEXTLAB_EXPECT_DEBUG == 1);
#else
    CHECK(DEXTLAB_EXPECT_DEBUG == 0);
#endif
}
