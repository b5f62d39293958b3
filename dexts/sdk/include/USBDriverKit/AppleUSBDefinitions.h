#ifndef _DEXTLAB_USBDRIVERKIT_APPLEUSBDEFINITIONS_H
#define _DEXTLAB_USBDRIVERKIT_APPLEUSBDEFINITIONS_H
// USB constants USBDriverKit shares with IOUSBHostFamily: how a control request's
// bmRequestType is built (USB 2.0 §9.3.1), the standard request codes (Table 9-4), the status
// bits of GET_STATUS (§9.4.5) and the descriptors a device-level driver reads besides those of
// AppleUSBDescriptorParsing.h (string §9.6.7, BOS USB 3.2 §9.6.2). Names and values are
// Apple's; AppleUSBDescriptorParsing.h includes this file, as Apple's does.

#include <DriverKit/IOTypes.h>

#ifndef IOUSBBit
#define IOUSBBit(bit) ((uint32_t)(1) << (bit))
#endif

enum {
    kIOUSBDescriptorTypeDeviceQualifier = 6,
    kIOUSBDescriptorTypeInterfaceAssociation = 11,
    kIOUSBDescriptorTypeBOS = 15,
    kIOUSBDescriptorTypeDeviceCapability = 16,
};

enum {
    kIOUSBDescriptorSizeStringMinimum = 2,
    kIOUSBDescriptorSizeStringMaximum = 255,
    kIOUSBDescriptorSizeBOS = 5,
};

enum tIOUSBLanguageID {
    kIOUSBLanguageIDEnglishUS = 0x0409,
};
typedef enum tIOUSBLanguageID tIOUSBLanguageID;

// The three fields of bmRequestType, as values and shifted into place.
enum tIOUSBDeviceRequestDirectionValue {
    kIOUSBDeviceRequestDirectionValueOut = 0,
    kIOUSBDeviceRequestDirectionValueIn = 1,
};
typedef enum tIOUSBDeviceRequestDirectionValue tIOUSBDeviceRequestDirectionValue;

enum tIOUSBDeviceRequestTypeValue {
    kIOUSBDeviceRequestTypeValueStandard = 0,
    kIOUSBDeviceRequestTypeValueClass = 1,
    kIOUSBDeviceRequestTypeValueVendor = 2,
};
typedef enum tIOUSBDeviceRequestTypeValue tIOUSBDeviceRequestTypeValue;

enum tIOUSBDeviceRequestRecipientValue {
    kIOUSBDeviceRequestRecipientValueDevice = 0,
    kIOUSBDeviceRequestRecipientValueInterface = 1,
    kIOUSBDeviceRequestRecipientValueEndpoint = 2,
    kIOUSBDeviceRequestRecipientValueOther = 3,
};
typedef enum tIOUSBDeviceRequestRecipientValue tIOUSBDeviceRequestRecipientValue;

enum tIOUSBDeviceRequest {
    kIOUSBDeviceRequestSize = 8,
    kIOUSBDeviceRequestDirectionMask = 0x80,
    kIOUSBDeviceRequestDirectionPhase = 7,
    kIOUSBDeviceRequestDirectionOut = kIOUSBDeviceRequestDirectionValueOut << 7,
    kIOUSBDeviceRequestDirectionIn = kIOUSBDeviceRequestDirectionValueIn << 7,
    kIOUSBDeviceRequestTypeMask = 0x60,
    kIOUSBDeviceRequestTypePhase = 5,
    kIOUSBDeviceRequestTypeStandard = kIOUSBDeviceRequestTypeValueStandard << 5,
    kIOUSBDeviceRequestTypeClass = kIOUSBDeviceRequestTypeValueClass << 5,
    kIOUSBDeviceRequestTypeVendor = kIOUSBDeviceRequestTypeValueVendor << 5,
    kIOUSBDeviceRequestRecipientMask = 0x1f,
    kIOUSBDeviceRequestRecipientPhase = 0,
    kIOUSBDeviceRequestRecipientDevice = kIOUSBDeviceRequestRecipientValueDevice,
    kIOUSBDeviceRequestRecipientInterface = kIOUSBDeviceRequestRecipientValueInterface,
    kIOUSBDeviceRequestRecipientEndpoint = kIOUSBDeviceRequestRecipientValueEndpoint,
    kIOUSBDeviceRequestRecipientOther = kIOUSBDeviceRequestRecipientValueOther,
};

// bRequest of the standard requests.
enum {
    kIOUSBDeviceRequestGetStatus = 0,
    kIOUSBDeviceRequestClearFeature = 1,
    kIOUSBDeviceRequestGetState = 2,
    kIOUSBDeviceRequestSetFeature = 3,
    kIOUSBDeviceRequestSetAddress = 5,
    kIOUSBDeviceRequestGetDescriptor = 6,
    kIOUSBDeviceRequestSetDescriptor = 7,
    kIOUSBDeviceRequestGetConfiguration = 8,
    kIOUSBDeviceRequestSetConfiguration = 9,
    kIOUSBDeviceRequestGetInterface = 10,
    kIOUSBDeviceRequestSetInterface = 11,
    kIOUSBDeviceRequestSynchFrame = 12,
    kIOUSBDeviceRequestSetSel = 48,
    kIOUSBDeviceRequestSetIsochronousDelay = 49,
};

// What GET_STATUS answers for a device, an interface, an endpoint.
enum {
    kIOUSBDeviceStatusSelfPowered = IOUSBBit(0),
    kIOUSBDeviceStatusRemoteWakeEnable = IOUSBBit(1),
    kIOUSBDeviceStatusU1Enable = IOUSBBit(2),
    kIOUSBDeviceStatusU2Enable = IOUSBBit(3),
    kIOUSBDeviceStatusLTMEnable = IOUSBBit(4),
    kIOUSBInterfaceStatusRemoteWakeCapable = IOUSBBit(0),
    kIOUSBInterfaceStatusRemoteWakeEnable = IOUSBBit(1),
    IOUSBEndpointStatusHalt = IOUSBBit(0),
};

// bString holds bLength - 2 bytes of UTF-16LE; index 0 is the list of language ids instead.
struct __attribute__((packed)) IOUSBStringDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bString[1];
};
typedef struct IOUSBStringDescriptor IOUSBStringDescriptor;

// The head of the BOS set; wTotalLength covers the device capability descriptors that follow.
struct __attribute__((packed)) IOUSBBOSDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint16_t wTotalLength;
    uint8_t bNumDeviceCaps;
};
typedef struct IOUSBBOSDescriptor IOUSBBOSDescriptor;

#ifdef __cplusplus
static_assert(sizeof(IOUSBBOSDescriptor) == kIOUSBDescriptorSizeBOS, "USB 3.2 Table 9-12");
#endif

#endif
