#ifndef _USB_H
#define _USB_H
// The USB definitions client apps use (IOKit/usb/USB.h and the family headers it pulls in):
// request encoding, descriptor layouts, class codes, registry property names and the USB
// family's IOReturn codes. Kernel-only and deprecated plug-in material is not here.

#include <IOKit/IOTypes.h>

#ifdef __cplusplus
extern "C" {
#endif

// --- device requests (USB 2.0 §9.3) ---
enum {
    kUSBControl = 0,
    kUSBIsoc = 1,
    kUSBBulk = 2,
    kUSBInterrupt = 3,
    kUSBAnyType = 0xFF
};

enum {
    kUSBOut = 0,
    kUSBIn = 1,
    kUSBNone = 2,
    kUSBAnyDirn = 3
};

enum {
    kUSBStandard = 0,
    kUSBClass = 1,
    kUSBVendor = 2
};

enum {
    kUSBDevice = 0,
    kUSBInterface = 1,
    kUSBEndpoint = 2,
    kUSBOther = 3
};

enum {
    kUSBRqDirnShift = 7,
    kUSBRqDirnMask = 1,
    kUSBRqTypeShift = 5,
    kUSBRqTypeMask = 3,
    kUSBRqRecipientMask = 0x1F
};

#define USBmakebmRequestType(direction, type, recipient)                                                     \
    ((((direction) & kUSBRqDirnMask) << kUSBRqDirnShift) | (((type) & kUSBRqTypeMask) << kUSBRqTypeShift) | \
        ((recipient) & kUSBRqRecipientMask))

#define EncodeRequest(request, direction, type, recipient)                                                   \
    (((UInt16)(request) << 8) + ((UInt16)(recipient) + ((UInt16)(type) << kUSBRqTypeShift) +                \
                                    ((UInt16)(direction) << kUSBRqDirnShift)))

enum {
    kUSBRqGetStatus = 0,
    kUSBRqClearFeature = 1,
    kUSBRqGetState = 2,
    kUSBRqSetFeature = 3,
    kUSBRqReserved2 = 4,
    kUSBRqSetAddress = 5,
    kUSBRqGetDescriptor = 6,
    kUSBRqSetDescriptor = 7,
    kUSBRqGetConfig = 8,
    kUSBRqSetConfig = 9,
    kUSBRqGetInterface = 10,
    kUSBRqSetInterface = 11,
    kUSBRqSyncFrame = 12
};

// --- descriptor types (USB 2.0 table 9-5, class descriptors) ---
enum {
    kUSBAnyDesc = 0,
    kUSBDeviceDesc = 1,
    kUSBConfDesc = 2,
    kUSBStringDesc = 3,
    kUSBInterfaceDesc = 4,
    kUSBEndpointDesc = 5,
    kUSBDeviceQualifierDesc = 6,
    kUSBOtherSpeedConfDesc = 7,
    kUSBInterfacePowerDesc = 8,
    kUSBOnTheGoDesc = 9,
    kUSBDebugDesc = 10,
    kUSBInterfaceAssociationDesc = 11,
    kUSBBOSDescriptor = 15,
    kUSBDeviceCapability = 16,
    kUSBSuperSpeedEndpointCompanion = 48,
    kUSBHIDDesc = 0x21,
    kUSBReportDesc = 0x22,
    kUSBPhysicalDesc = 0x23,
    kUSBHUBDesc = 0x29
};

// --- class codes ---
enum {
    kUSBCompositeClass = 0,
    kUSBCommClass = 2,
    kUSBCommunicationClass = 2,
    kUSBHubClass = 9,
    kUSBDataClass = 10,
    kUSBPersonalHealthcareClass = 15,
    kUSBDiagnosticClass = 0xDC,
    kUSBWirelessControllerClass = 0xE0,
    kUSBMiscellaneousClass = 0xEF,
    kUSBApplicationSpecificClass = 0xFE,
    kUSBVendorSpecificClass = 0xFF
};

enum {
    kUSBAudioInterfaceClass = 1,
    kUSBCommunicationControlInterfaceClass = 2,
    kUSBHIDInterfaceClass = 3,
    kUSBPhysicalInterfaceClass = 5,
    kUSBImageInterfaceClass = 6,
    kUSBPrintingInterfaceClass = 7,
    kUSBMassStorageInterfaceClass = 8,
    kUSBCommunicationDataInterfaceClass = 10,
    kUSBChipSmartCardInterfaceClass = 11,
    kUSBContentSecurityInterfaceClass = 13,
    kUSBVideoInterfaceClass = 14,
    kUSBPersonalHealthcareInterfaceClass = 15,
    kUSBDiagnosticDeviceInterfaceClass = 0xDC,
    kUSBWirelessControllerInterfaceClass = 0xE0,
    kUSBApplicationSpecificInterfaceClass = 0xFE,
    kUSBVendorSpecificInterfaceClass = 0xFF
};

enum {
    kUSBDeviceSpeedLow = 0,
    kUSBDeviceSpeedFull = 1,
    kUSBDeviceSpeedHigh = 2,
    kUSBDeviceSpeedSuper = 3,
    kUSBDeviceSpeedSuperPlus = 4,
    kUSBDeviceSpeedSuperPlusBy2 = 5
};

// --- descriptors, byte for byte as on the wire (little-endian fields) ---
struct IOUSBDescriptorHeader {
    UInt8 bLength;
    UInt8 bDescriptorType;
} __attribute__((packed));
typedef struct IOUSBDescriptorHeader IOUSBDescriptorHeader;

struct IOUSBDeviceDescriptor {
    UInt8 bLength;
    UInt8 bDescriptorType;
    UInt16 bcdUSB;
    UInt8 bDeviceClass;
    UInt8 bDeviceSubClass;
    UInt8 bDeviceProtocol;
    UInt8 bMaxPacketSize0;
    UInt16 idVendor;
    UInt16 idProduct;
    UInt16 bcdDevice;
    UInt8 iManufacturer;
    UInt8 iProduct;
    UInt8 iSerialNumber;
    UInt8 bNumConfigurations;
} __attribute__((packed));
typedef struct IOUSBDeviceDescriptor IOUSBDeviceDescriptor;
typedef IOUSBDeviceDescriptor* IOUSBDeviceDescriptorPtr;

struct IOUSBConfigurationDescriptor {
    UInt8 bLength;
    UInt8 bDescriptorType;
    UInt16 wTotalLength;
    UInt8 bNumInterfaces;
    UInt8 bConfigurationValue;
    UInt8 iConfiguration;
    UInt8 bmAttributes;
    UInt8 MaxPower;
} __attribute__((packed));
typedef struct IOUSBConfigurationDescriptor IOUSBConfigurationDescriptor;
typedef IOUSBConfigurationDescriptor* IOUSBConfigurationDescriptorPtr;

struct IOUSBInterfaceDescriptor {
    UInt8 bLength;
    UInt8 bDescriptorType;
    UInt8 bInterfaceNumber;
    UInt8 bAlternateSetting;
    UInt8 bNumEndpoints;
    UInt8 bInterfaceClass;
    UInt8 bInterfaceSubClass;
    UInt8 bInterfaceProtocol;
    UInt8 iInterface;
} __attribute__((packed));
typedef struct IOUSBInterfaceDescriptor IOUSBInterfaceDescriptor;
typedef IOUSBInterfaceDescriptor* IOUSBInterfaceDescriptorPtr;

struct IOUSBEndpointDescriptor {
    UInt8 bLength;
    UInt8 bDescriptorType;
    UInt8 bEndpointAddress;
    UInt8 bmAttributes;
    UInt16 wMaxPacketSize;
    UInt8 bInterval;
} __attribute__((packed));
typedef struct IOUSBEndpointDescriptor IOUSBEndpointDescriptor;
typedef IOUSBEndpointDescriptor* IOUSBEndpointDescriptorPtr;

// A control request as the user-space USB interfaces take it; fields in host order.
typedef struct {
    UInt8 bmRequestType;
    UInt8 bRequest;
    UInt16 wValue;
    UInt16 wIndex;
    UInt16 wLength;
    void* pData;
    UInt32 wLenDone;
} IOUSBDevRequest;
typedef IOUSBDevRequest* IOUSBDeviceRequestPtr;

typedef struct {
    UInt16 bInterfaceClass;
    UInt16 bInterfaceSubClass;
    UInt16 bInterfaceProtocol;
    UInt16 bAlternateSetting;
} IOUSBFindInterfaceRequest;

enum {
    kIOUSBFindInterfaceDontCare = 0xFFFF
};

// --- registry: class names and property keys ---
#define kIOUSBHostDeviceClassName "IOUSBHostDevice"
#define kIOUSBHostInterfaceClassName "IOUSBHostInterface"

#include <_dextlab/usb_matching_keys.h>

#define kUSBVendorID "idVendor"
#define kUSBProductID "idProduct"
#define kUSBProductIDMask "idProductMask"
#define kUSBDeviceReleaseNumber "bcdDevice"
#define kUSBDeviceClass "bDeviceClass"
#define kUSBDeviceSubClass "bDeviceSubClass"
#define kUSBDeviceProtocol "bDeviceProtocol"
#define kUSBDeviceMaxPacketSize "bMaxPacketSize0"
#define kUSBDeviceNumConfigs "bNumConfigurations"
#define kUSBConfigurationValue "bConfigurationValue"
#define kUSBInterfaceNumber "bInterfaceNumber"
#define kUSBAlternateSetting "bAlternateSetting"
#define kUSBNumEndpoints "bNumEndpoints"
#define kUSBInterfaceClass "bInterfaceClass"
#define kUSBInterfaceSubClass "bInterfaceSubClass"
#define kUSBInterfaceProtocol "bInterfaceProtocol"
#define kUSBManufacturerStringIndex "iManufacturer"
#define kUSBProductStringIndex "iProduct"
#define kUSBSerialNumberStringIndex "iSerialNumber"
#define kUSBVendorString "USB Vendor Name"
#define kUSBProductString "USB Product Name"
#define kUSBSerialNumberString "USB Serial Number"
#define kUSBDevicePropertySpeed "Device Speed"
#define kUSBDevicePropertyAddress "USB Address"
#define kUSBDevicePropertyLocationID "locationID"

// --- the USB family's IOReturn codes ---
#define iokit_usb_err(return) ((IOReturn)(sys_iokit | sub_iokit_usb | (return)))
#define kIOUSBUnknownPipeErr iokit_usb_err(0x61)
#define kIOUSBTooManyPipesErr iokit_usb_err(0x60)
#define kIOUSBNoAsyncPortErr iokit_usb_err(0x5f)
#define kIOUSBNotEnoughPipesErr iokit_usb_err(0x5e)
#define kIOUSBNotEnoughPowerErr iokit_usb_err(0x5d)
#define kIOUSBEndpointNotFound iokit_usb_err(0x57)
#define kIOUSBConfigNotFound iokit_usb_err(0x56)
#define kIOUSBPortWasSuspended iokit_usb_err(0x52)
#define kIOUSBTransactionTimeout iokit_usb_err(0x51)
#define kIOUSBTransactionReturned iokit_usb_err(0x50)
#define kIOUSBPipeStalled iokit_usb_err(0x4f)
#define kIOUSBInterfaceNotFound iokit_usb_err(0x4e)
#define kUSBHostReturnPipeStalled iokit_usb_err(0x1000)
#define kUSBHostReturnNoPower iokit_usb_err(0x1001)

#ifdef __cplusplus
}
#endif

#endif
