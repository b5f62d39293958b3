#ifndef _DEXTLAB_USBDRIVERKIT_APPLEUSBDESCRIPTORPARSING_H
#define _DEXTLAB_USBDRIVERKIT_APPLEUSBDESCRIPTORPARSING_H
// USB descriptor structs (USB 2.0 §9.6) and the helpers USBDriverKit gives dexts to walk a
// configuration descriptor. Multi-byte fields are little-endian on the wire; USBToHost16
// converts (a no-op on the little-endian hosts dextlab runs on, kept for source compatibility).

#include <DriverKit/IOTypes.h>
#include <USBDriverKit/AppleUSBDefinitions.h>

#define USBToHost16(x) ((uint16_t)(x))
#define HostToUSB16(x) ((uint16_t)(x))
#define USBToHost32(x) ((uint32_t)(x))
#define HostToUSB32(x) ((uint32_t)(x))

enum {
    kIOUSBDescriptorTypeDevice = 1,
    kIOUSBDescriptorTypeConfiguration = 2,
    kIOUSBDescriptorTypeString = 3,
    kIOUSBDescriptorTypeInterface = 4,
    kIOUSBDescriptorTypeEndpoint = 5,
    kIOUSBDescriptorTypeSuperSpeedUSBEndpointCompanion = 48,
};

enum {
    kIOUSBEndpointDescriptorNumber = 0x0f,
    kIOUSBEndpointDescriptorDirection = 0x80,
    kIOUSBEndpointDescriptorDirectionOut = 0x00,
    kIOUSBEndpointDescriptorDirectionIn = 0x80,
    kIOUSBEndpointDescriptorTransferType = 0x03,
    kIOUSBEndpointDescriptorTransferTypeControl = 0,
    kIOUSBEndpointDescriptorTransferTypeIsochronous = 1,
    kIOUSBEndpointDescriptorTransferTypeBulk = 2,
    kIOUSBEndpointDescriptorTransferTypeInterrupt = 3,
    kIOUSBEndpointMaxPacketSizeMask = 0x07ff,
};

enum {
    kIOUSBDeviceSpeedLow = 0,
    kIOUSBDeviceSpeedFull = 1,
    kIOUSBDeviceSpeedHigh = 2,
    kIOUSBDeviceSpeedSuper = 3,
};

typedef uint32_t IOUSBGetEndpointDescriptorOptions;
enum {
    kIOUSBGetEndpointDescriptorOriginal = 0x1,
    kIOUSBGetEndpointDescriptorCurrentPolicy = 0x2,
};

struct __attribute__((packed)) IOUSBDescriptorHeader {
    uint8_t bLength;
    uint8_t bDescriptorType;
};

struct __attribute__((packed)) IOUSBDeviceDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint16_t bcdUSB;
    uint8_t bDeviceClass;
    uint8_t bDeviceSubClass;
    uint8_t bDeviceProtocol;
    uint8_t bMaxPacketSize0;
    uint16_t idVendor;
    uint16_t idProduct;
    uint16_t bcdDevice;
    uint8_t iManufacturer;
    uint8_t iProduct;
    uint8_t iSerialNumber;
    uint8_t bNumConfigurations;
};

struct __attribute__((packed)) IOUSBConfigurationDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint16_t wTotalLength;
    uint8_t bNumInterfaces;
    uint8_t bConfigurationValue;
    uint8_t iConfiguration;
    uint8_t bmAttributes;
    uint8_t MaxPower;
};

struct __attribute__((packed)) IOUSBInterfaceDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bInterfaceNumber;
    uint8_t bAlternateSetting;
    uint8_t bNumEndpoints;
    uint8_t bInterfaceClass;
    uint8_t bInterfaceSubClass;
    uint8_t bInterfaceProtocol;
    uint8_t iInterface;
};

struct __attribute__((packed)) IOUSBEndpointDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bEndpointAddress;
    uint8_t bmAttributes;
    uint16_t wMaxPacketSize;
    uint8_t bInterval;
};

struct __attribute__((packed)) IOUSBSuperSpeedEndpointCompanionDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint8_t bMaxBurst;
    uint8_t bmAttributes;
    uint16_t wBytesPerInterval;
};

struct __attribute__((packed)) IOUSBSuperSpeedPlusIsochronousEndpointCompanionDescriptor {
    uint8_t bLength;
    uint8_t bDescriptorType;
    uint16_t wReserved;
    uint32_t dwBytesPerInterval;
};

struct IOUSBStandardEndpointDescriptors {
    IOUSBEndpointDescriptor descriptor;
    IOUSBSuperSpeedEndpointCompanionDescriptor ssCompanionDescriptor;
    IOUSBSuperSpeedPlusIsochronousEndpointCompanionDescriptor sspCompanionDescriptor;
};

#ifdef __cplusplus
static_assert(sizeof(IOUSBDeviceDescriptor) == 18, "USB 2.0 Table 9-8");
static_assert(sizeof(IOUSBConfigurationDescriptor) == 9, "USB 2.0 Table 9-10");
static_assert(sizeof(IOUSBInterfaceDescriptor) == 9, "USB 2.0 Table 9-12");
static_assert(sizeof(IOUSBEndpointDescriptor) == 7, "USB 2.0 Table 9-13");
#endif

// Walks the descriptors inside a configuration descriptor. NULL current = the first one after
// the configuration descriptor itself; NULL result = the end (or a malformed bLength).
static inline const IOUSBDescriptorHeader* IOUSBGetNextDescriptor(const IOUSBConfigurationDescriptor* configurationDescriptor,
    const IOUSBDescriptorHeader* currentDescriptor)
{
    if (configurationDescriptor == NULL)
        return NULL;
    const uint8_t* begin = (const uint8_t*)configurationDescriptor;
    const uint8_t* end = begin + USBToHost16(configurationDescriptor->wTotalLength);
    const uint8_t* next = currentDescriptor == NULL ? begin + configurationDescriptor->bLength
                                                    : (const uint8_t*)currentDescriptor + currentDescriptor->bLength;
    if (currentDescriptor != NULL && currentDescriptor->bLength == 0)
        return NULL;
    if (next + sizeof(IOUSBDescriptorHeader) > end)
        return NULL;
    const IOUSBDescriptorHeader* header = (const IOUSBDescriptorHeader*)next;
    if (header->bLength < sizeof(IOUSBDescriptorHeader) || next + header->bLength > end)
        return NULL;
    return header;
}

static inline const IOUSBDescriptorHeader* IOUSBGetNextDescriptorWithType(const IOUSBConfigurationDescriptor* configurationDescriptor,
    const IOUSBDescriptorHeader* currentDescriptor, const uint8_t type)
{
    const IOUSBDescriptorHeader* d = currentDescriptor;
    while ((d = IOUSBGetNextDescriptor(configurationDescriptor, d)) != NULL) {
        if (d->bDescriptorType == type)
            return d;
    }
    return NULL;
}

static inline const IOUSBInterfaceDescriptor* IOUSBGetNextInterfaceDescriptor(const IOUSBConfigurationDescriptor* configurationDescriptor,
    const IOUSBDescriptorHeader* currentDescriptor)
{
    return (const IOUSBInterfaceDescriptor*)IOUSBGetNextDescriptorWithType(configurationDescriptor, currentDescriptor,
        kIOUSBDescriptorTypeInterface);
}

// The next endpoint descriptor that belongs to interfaceDescriptor (stops at the next interface).
static inline const IOUSBEndpointDescriptor* IOUSBGetNextEndpointDescriptor(const IOUSBConfigurationDescriptor* configurationDescriptor,
    const IOUSBInterfaceDescriptor* interfaceDescriptor, const IOUSBDescriptorHeader* currentDescriptor)
{
    const IOUSBDescriptorHeader* d = currentDescriptor != NULL ? currentDescriptor : (const IOUSBDescriptorHeader*)interfaceDescriptor;
    while ((d = IOUSBGetNextDescriptor(configurationDescriptor, d)) != NULL) {
        if (d->bDescriptorType == kIOUSBDescriptorTypeInterface)
            return NULL;
        if (d->bDescriptorType == kIOUSBDescriptorTypeEndpoint)
            return (const IOUSBEndpointDescriptor*)d;
    }
    return NULL;
}

static inline uint8_t IOUSBGetEndpointAddress(const IOUSBEndpointDescriptor* descriptor) { return descriptor->bEndpointAddress; }
static inline uint8_t IOUSBGetEndpointNumber(const IOUSBEndpointDescriptor* descriptor)
{
    return descriptor->bEndpointAddress & kIOUSBEndpointDescriptorNumber;
}
static inline uint8_t IOUSBGetEndpointDirection(const IOUSBEndpointDescriptor* descriptor)
{
    return (descriptor->bEndpointAddress & kIOUSBEndpointDescriptorDirection) >> 7;
}
static inline uint8_t IOUSBGetEndpointType(const IOUSBEndpointDescriptor* descriptor)
{
    return descriptor->bmAttributes & kIOUSBEndpointDescriptorTransferType;
}
// The packet size without the high-bandwidth multiplier bits (USB 2.0 §9.6.6).
static inline uint16_t IOUSBGetEndpointMaxPacketSize(uint32_t usbDeviceSpeed, const IOUSBEndpointDescriptor* descriptor)
{
    (void)usbDeviceSpeed;
    return USBToHost16(descriptor->wMaxPacketSize) & kIOUSBEndpointMaxPacketSizeMask;
}

#ifdef __cplusplus
extern "C" {
#endif
// Frees a descriptor returned by a Copy…Descriptor call.
void IOUSBHostFreeDescriptor(const void* descriptor);
#ifdef __cplusplus
}
#endif

#endif
