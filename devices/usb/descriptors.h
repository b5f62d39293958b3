#pragma once
// USB 2.0 chapter 9 on the wire: the standard descriptors (§9.6), the standard request codes
// (§9.4, Table 9-4), the bmRequestType bit fields (§9.3.1, Table 9-2), descriptor types
// (Table 9-5) and feature selectors (Table 9-6). Field names are the specification's, so a
// reader can hold this file next to the spec. Multi-byte fields are little-endian on the wire
// (§8.1); the serialiser copies these structs byte for byte, which is why it insists on a
// little-endian host.

#include <cstdint>

namespace dextlab::usb {

// Table 9-5: descriptor types, the high byte of wValue in GET_DESCRIPTOR.
enum class DescriptorType : uint8_t {
    Device = 1,
    Configuration = 2,
    String = 3,
    Interface = 4,
    Endpoint = 5,
    DeviceQualifier = 6,
    OtherSpeedConfiguration = 7,
    InterfacePower = 8,
};

// Table 9-4: standard request codes (bRequest).
enum class StandardRequest : uint8_t {
    GetStatus = 0,
    ClearFeature = 1,
    SetFeature = 3,
    SetAddress = 5,
    GetDescriptor = 6,
    SetDescriptor = 7,
    GetConfiguration = 8,
    SetConfiguration = 9,
    GetInterface = 10,
    SetInterface = 11,
    SynchFrame = 12,
};

// Table 9-6: standard feature selectors (wValue of CLEAR_FEATURE / SET_FEATURE).
enum class FeatureSelector : uint16_t {
    EndpointHalt = 0,       // recipient: endpoint
    DeviceRemoteWakeup = 1, // recipient: device
    TestMode = 2,           // recipient: device, high-speed only
};

// §9.3.1, Table 9-2: bmRequestType is D7 direction, D6..5 type, D4..0 recipient.
enum class RequestDirection : uint8_t { HostToDevice = 0, DeviceToHost = 1 };
enum class RequestType : uint8_t { Standard = 0, Class = 1, Vendor = 2, Reserved = 3 };
enum class RequestRecipient : uint8_t { Device = 0, Interface = 1, Endpoint = 2, Other = 3 };

constexpr uint8_t request_type(RequestDirection direction, RequestType type, RequestRecipient recipient)
{
    return static_cast<uint8_t>((static_cast<uint8_t>(direction) << 7) | (static_cast<uint8_t>(type) << 5)
        | static_cast<uint8_t>(recipient));
}
constexpr RequestDirection direction_of(uint8_t bmRequestType)
{
    return static_cast<RequestDirection>(bmRequestType >> 7);
}
constexpr RequestType type_of(uint8_t bmRequestType) { return static_cast<RequestType>((bmRequestType >> 5) & 0x3); }
// Values 4..31 are reserved (Table 9-2); callers treat anything past Other as unknown.
constexpr uint8_t recipient_bits_of(uint8_t bmRequestType) { return bmRequestType & 0x1f; }

// §9.6.6: bEndpointAddress is D7 direction (1 = IN), D3..0 endpoint number; D6..4 reserved.
constexpr uint8_t endpoint_direction_in = 0x80;
constexpr uint8_t endpoint_number_mask = 0x0f;

// §9.6.3 bmAttributes: D7 is reserved and must be set (a USB 1.0 "bus powered" relic),
// D6 self-powered, D5 remote wakeup.
constexpr uint8_t configuration_attribute_reserved_one = 0x80;
constexpr uint8_t configuration_attribute_self_powered = 0x40;
constexpr uint8_t configuration_attribute_remote_wakeup = 0x20;

// §9.4.5, Figures 9-4 and 9-6: GET_STATUS bits.
constexpr uint16_t device_status_self_powered = 0x0001;
constexpr uint16_t device_status_remote_wakeup = 0x0002;
constexpr uint16_t endpoint_status_halt = 0x0001;

// The language the string table serves (USB LANGID "English (United States)").
constexpr uint16_t language_id_english_us = 0x0409;

// §9.6.1, Table 9-8: the device descriptor, the first thing a host reads.
struct [[gnu::packed]] DeviceDescriptor {
    uint8_t bLength;            // 18
    uint8_t bDescriptorType;    // DescriptorType::Device
    uint16_t bcdUSB;            // 0x0200 for USB 2.0
    uint8_t bDeviceClass;       // 0: each interface names its own class
    uint8_t bDeviceSubClass;
    uint8_t bDeviceProtocol;
    uint8_t bMaxPacketSize0;    // 8, 16, 32 or 64
    uint16_t idVendor;
    uint16_t idProduct;
    uint16_t bcdDevice;
    uint8_t iManufacturer;      // string index, 0 = none
    uint8_t iProduct;
    uint8_t iSerialNumber;
    uint8_t bNumConfigurations;
};
static_assert(sizeof(DeviceDescriptor) == 18);

// §9.6.3, Table 9-10: the configuration descriptor heads the whole configuration; wTotalLength
// counts every interface, endpoint and class-specific descriptor returned after it.
struct [[gnu::packed]] ConfigurationDescriptor {
    uint8_t bLength;             // 9
    uint8_t bDescriptorType;     // DescriptorType::Configuration
    uint16_t wTotalLength;
    uint8_t bNumInterfaces;
    uint8_t bConfigurationValue; // the argument to SET_CONFIGURATION
    uint8_t iConfiguration;
    uint8_t bmAttributes;
    uint8_t bMaxPower;           // in 2 mA units
};
static_assert(sizeof(ConfigurationDescriptor) == 9);

// §9.6.5, Table 9-12: one alternate setting of one interface.
struct [[gnu::packed]] InterfaceDescriptor {
    uint8_t bLength;             // 9
    uint8_t bDescriptorType;     // DescriptorType::Interface
    uint8_t bInterfaceNumber;
    uint8_t bAlternateSetting;
    uint8_t bNumEndpoints;       // excluding endpoint zero
    uint8_t bInterfaceClass;     // 0xFF = vendor-specific
    uint8_t bInterfaceSubClass;
    uint8_t bInterfaceProtocol;
    uint8_t iInterface;
};
static_assert(sizeof(InterfaceDescriptor) == 9);

// §9.6.6, Table 9-13: one endpoint of an alternate setting.
struct [[gnu::packed]] EndpointDescriptor {
    uint8_t bLength;          // 7
    uint8_t bDescriptorType;  // DescriptorType::Endpoint
    uint8_t bEndpointAddress; // D7 = IN
    uint8_t bmAttributes;     // D1..0 transfer type; D5..2 iso sync/usage
    uint16_t wMaxPacketSize;  // D10..0 size; D12..11 extra high-speed transactions per microframe
    uint8_t bInterval;        // polling interval, in frames (FS/LS) or 2^(n-1) microframes (HS)
};
static_assert(sizeof(EndpointDescriptor) == 7);

// §9.6.7, Tables 9-15 and 9-16: a string descriptor is this header followed by either the
// supported LANGIDs (index 0) or the UNICODE (UTF-16LE) string, with no terminator.
struct [[gnu::packed]] StringDescriptorHeader {
    uint8_t bLength;         // 2 + payload bytes, so a string holds at most 126 UTF-16 units
    uint8_t bDescriptorType; // DescriptorType::String
};
static_assert(sizeof(StringDescriptorHeader) == 2);

// The longest string a string descriptor can carry: bLength is one byte (§9.6.7).
constexpr uint32_t max_string_descriptor_units = (255 - sizeof(StringDescriptorHeader)) / 2;

} // namespace dextlab::usb
