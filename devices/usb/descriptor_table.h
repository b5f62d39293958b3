#pragma once
// Descriptors are data: a device model declares what it is as a DeviceDescription — the device
// descriptor's fields, configurations → interfaces → alternate settings → endpoints, and a
// string table — and this one serialiser turns it into the bytes every GET_DESCRIPTOR answer
// needs. Fields a serialiser can compute (bLength, bDescriptorType, wTotalLength, bNum*) are not
// in the tables, so they can never disagree with what follows them.
//
// Field names are the specification's (USB 2.0 §9.6) so each table line names the byte it fills.

#include "devices/usb/descriptors.h"
#include "devices/usb/usb_device.h"
#include "sim/core/error.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dextlab::usb {

// §9.6.6: one endpoint of an alternate setting.
struct EndpointDescription {
    uint8_t bEndpointAddress { 0 };           // D7 = IN, D3..0 = number (never 0)
    EndpointType type { EndpointType::Bulk }; // bmAttributes D1..0
    uint8_t attributes_extra { 0 };           // bmAttributes D5..2 (isochronous sync and usage)
    uint16_t wMaxPacketSize { 0 };
    uint8_t bInterval { 0 };
    std::vector<uint8_t> class_descriptors {}; // emitted right after this endpoint descriptor
};

// §9.6.5: one alternate setting of an interface.
struct AlternateSettingDescription {
    uint8_t bAlternateSetting { 0 };
    uint8_t bInterfaceClass { 0 };
    uint8_t bInterfaceSubClass { 0 };
    uint8_t bInterfaceProtocol { 0 };
    uint8_t iInterface { 0 };
    // Class-specific descriptors between the interface and its endpoints (a HID descriptor goes
    // here: HID 1.11 §7.1 says it is interleaved before the endpoint descriptors).
    std::vector<uint8_t> class_descriptors {};
    std::vector<EndpointDescription> endpoints {};
};

// An interface and all its alternate settings; setting 0 is the one active after configuration.
struct InterfaceDescription {
    uint8_t bInterfaceNumber { 0 };
    std::vector<AlternateSettingDescription> alternate_settings {};
};

// §9.6.3: one configuration.
struct ConfigurationDescription {
    uint8_t bConfigurationValue { 1 };
    uint8_t iConfiguration { 0 };
    uint8_t bmAttributes { configuration_attribute_reserved_one };
    uint8_t bMaxPower { 50 }; // 100 mA
    std::vector<InterfaceDescription> interfaces {};
};

// §9.6.7: the strings a device can name, by index, in one language. Index 0 is reserved for
// the language list and is never an entry.
struct StringTable {
    uint16_t language { language_id_english_us };
    std::map<uint8_t, std::string> entries {}; // index → UTF-8 text

    // Adds `text` at the next free index and returns it; an empty text means "no string" (0).
    uint8_t add(std::string text);
    std::string const* find(uint8_t index) const;
};

// §9.6.1: the whole device.
struct DeviceDescription {
    uint16_t bcdUSB { 0x0200 };
    uint8_t bDeviceClass { 0 };
    uint8_t bDeviceSubClass { 0 };
    uint8_t bDeviceProtocol { 0 };
    uint8_t bMaxPacketSize0 { 64 };
    uint16_t idVendor { 0 };
    uint16_t idProduct { 0 };
    uint16_t bcdDevice { 0 };
    uint8_t iManufacturer { 0 };
    uint8_t iProduct { 0 };
    uint8_t iSerialNumber { 0 };
    std::vector<ConfigurationDescription> configurations {};
    StringTable strings {};
};

// Checks what the serialiser and the device core rely on, and what a host would reject:
// unique non-zero configuration values, interfaces with an alternate setting 0, endpoint
// addresses that are valid and owned by one interface, packet sizes and intervals legal for
// `speed` (§5.5–§5.8, §9.6.6), string indices that exist and strings that fit a descriptor.
ErrorOr<void> validate(DeviceDescription const&, UsbSpeed speed);

// GET_DESCRIPTOR(DEVICE), §9.6.1.
std::vector<uint8_t> device_descriptor_bytes(DeviceDescription const&);
// GET_DESCRIPTOR(CONFIGURATION, index) — an index into `configurations`, not a
// bConfigurationValue (§9.4.3). Every interface, alternate setting, endpoint and class-specific
// descriptor follows the configuration descriptor (§9.6.3). nullopt: no such configuration.
std::optional<std::vector<uint8_t>> configuration_descriptor_bytes(DeviceDescription const&, uint8_t index);
// GET_DESCRIPTOR(STRING, index): index 0 is the LANGID list (§9.6.7). nullopt: no such string.
std::optional<std::vector<uint8_t>> string_descriptor_bytes(StringTable const&, uint8_t index);
// The device-level GET_DESCRIPTOR answer for (type, index), or nullopt when the table has none
// (the device then answers with a Request Error, i.e. STALL, §9.4.3).
std::optional<std::vector<uint8_t>> descriptor_bytes(DeviceDescription const&, uint8_t type, uint8_t index);

ConfigurationDescription const* find_configuration(DeviceDescription const&, uint8_t bConfigurationValue);
InterfaceDescription const* find_interface(ConfigurationDescription const&, uint8_t bInterfaceNumber);
AlternateSettingDescription const* find_alternate_setting(InterfaceDescription const&, uint8_t bAlternateSetting);

// UTF-8 → UTF-16 code units (surrogate pairs above U+FFFF), rejecting malformed input,
// overlong forms and encoded surrogates. String descriptors carry UTF-16LE (§9.6.7).
ErrorOr<std::u16string> utf8_to_utf16(std::string_view);

} // namespace dextlab::usb
