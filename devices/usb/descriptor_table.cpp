#include "devices/usb/descriptor_table.h"

#include <bit>
#include <cassert>
#include <cstring>
#include <set>
#include <utility>

namespace dextlab::usb {

// The serialiser copies the packed wire structs as they sit in memory; USB is little-endian
// (§8.1), so that is only right on a little-endian host — every machine dextlab targets.
static_assert(std::endian::native == std::endian::little, "descriptor serialisation assumes a little-endian host");

namespace {

template<typename T>
void append(std::vector<uint8_t>& out, T const& wire)
{
    uint8_t bytes[sizeof(T)];
    std::memcpy(bytes, &wire, sizeof(T));
    out.insert(out.end(), bytes, bytes + sizeof(T));
}

void append_bytes(std::vector<uint8_t>& out, std::vector<uint8_t> const& bytes)
{
    out.insert(out.end(), bytes.begin(), bytes.end());
}

Error fail(std::string text) { return Error::with(std::move(text)); }

std::string hex2(unsigned value)
{
    static char const digits[] = "0123456789abcdef";
    return std::string("0x") + digits[(value >> 4) & 0xf] + digits[value & 0xf];
}

} // namespace

// [SECTION] String table

uint8_t StringTable::add(std::string text)
{
    if (text.empty())
        return 0;
    uint8_t index = entries.empty() ? 1 : static_cast<uint8_t>(entries.rbegin()->first + 1);
    assert(index != 0 && "a string table holds at most 255 strings");
    entries.emplace(index, std::move(text));
    return index;
}

std::string const* StringTable::find(uint8_t index) const
{
    auto it = entries.find(index);
    return it == entries.end() ? nullptr : &it->second;
}

namespace {

struct DecodedCodePoint {
    uint32_t value;
    size_t length;
};

// Decodes one UTF-8 sequence (RFC 3629 §3) starting at `at`, or nullopt when it is malformed.
std::optional<DecodedCodePoint> decode_utf8(std::string_view text, size_t at)
{
    auto const lead = static_cast<uint8_t>(text[at]);
    uint32_t value = 0;
    size_t length = 0;
    uint32_t smallest = 0; // anything below this is an overlong form
    if (lead < 0x80)
        return DecodedCodePoint { lead, 1 };
    if ((lead & 0xe0) == 0xc0) {
        value = lead & 0x1f;
        length = 2;
        smallest = 0x80;
    } else if ((lead & 0xf0) == 0xe0) {
        value = lead & 0x0f;
        length = 3;
        smallest = 0x800;
    } else if ((lead & 0xf8) == 0xf0) {
        value = lead & 0x07;
        length = 4;
        smallest = 0x10000;
    } else {
        return std::nullopt;
    }
    if (at + length > text.size())
        return std::nullopt;
    for (size_t i = 1; i < length; ++i) {
        auto const byte = static_cast<uint8_t>(text[at + i]);
        if ((byte & 0xc0) != 0x80)
            return std::nullopt;
        value = (value << 6) | (byte & 0x3f);
    }
    if (value < smallest || value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff))
        return std::nullopt;
    return DecodedCodePoint { value, length };
}

} // namespace

ErrorOr<std::u16string> utf8_to_utf16(std::string_view text)
{
    std::u16string out;
    for (size_t at = 0; at < text.size();) {
        auto decoded = decode_utf8(text, at);
        if (!decoded)
            return fail("invalid UTF-8 at byte " + std::to_string(at));
        uint32_t value = decoded->value;
        if (value >= 0x10000) {
            value -= 0x10000;
            out.push_back(static_cast<char16_t>(0xd800 + (value >> 10)));
            out.push_back(static_cast<char16_t>(0xdc00 + (value & 0x3ff)));
        } else {
            out.push_back(static_cast<char16_t>(value));
        }
        at += decoded->length;
    }
    return out;
}

// [SECTION] Lookup

ConfigurationDescription const* find_configuration(DeviceDescription const& device, uint8_t value)
{
    for (auto const& configuration : device.configurations)
        if (configuration.bConfigurationValue == value)
            return &configuration;
    return nullptr;
}

InterfaceDescription const* find_interface(ConfigurationDescription const& configuration, uint8_t number)
{
    for (auto const& interface : configuration.interfaces)
        if (interface.bInterfaceNumber == number)
            return &interface;
    return nullptr;
}

AlternateSettingDescription const* find_alternate_setting(InterfaceDescription const& interface, uint8_t setting)
{
    for (auto const& alternate : interface.alternate_settings)
        if (alternate.bAlternateSetting == setting)
            return &alternate;
    return nullptr;
}

// [SECTION] Serialiser

std::vector<uint8_t> device_descriptor_bytes(DeviceDescription const& device)
{
    DeviceDescriptor const wire {
        .bLength = sizeof(DeviceDescriptor),
        .bDescriptorType = static_cast<uint8_t>(DescriptorType::Device),
        .bcdUSB = device.bcdUSB,
        .bDeviceClass = device.bDeviceClass,
        .bDeviceSubClass = device.bDeviceSubClass,
        .bDeviceProtocol = device.bDeviceProtocol,
        .bMaxPacketSize0 = device.bMaxPacketSize0,
        .idVendor = device.idVendor,
        .idProduct = device.idProduct,
        .bcdDevice = device.bcdDevice,
        .iManufacturer = device.iManufacturer,
        .iProduct = device.iProduct,
        .iSerialNumber = device.iSerialNumber,
        .bNumConfigurations = static_cast<uint8_t>(device.configurations.size()),
    };
    std::vector<uint8_t> out;
    append(out, wire);
    return out;
}

namespace {

void append_endpoint(std::vector<uint8_t>& out, EndpointDescription const& endpoint)
{
    EndpointDescriptor const wire {
        .bLength = sizeof(EndpointDescriptor),
        .bDescriptorType = static_cast<uint8_t>(DescriptorType::Endpoint),
        .bEndpointAddress = endpoint.bEndpointAddress,
        .bmAttributes = static_cast<uint8_t>(static_cast<uint8_t>(endpoint.type) | (endpoint.attributes_extra << 2)),
        .wMaxPacketSize = endpoint.wMaxPacketSize,
        .bInterval = endpoint.bInterval,
    };
    append(out, wire);
    append_bytes(out, endpoint.class_descriptors);
}

void append_alternate_setting(std::vector<uint8_t>& out, uint8_t interface_number, AlternateSettingDescription const& setting)
{
    InterfaceDescriptor const wire {
        .bLength = sizeof(InterfaceDescriptor),
        .bDescriptorType = static_cast<uint8_t>(DescriptorType::Interface),
        .bInterfaceNumber = interface_number,
        .bAlternateSetting = setting.bAlternateSetting,
        .bNumEndpoints = static_cast<uint8_t>(setting.endpoints.size()),
        .bInterfaceClass = setting.bInterfaceClass,
        .bInterfaceSubClass = setting.bInterfaceSubClass,
        .bInterfaceProtocol = setting.bInterfaceProtocol,
        .iInterface = setting.iInterface,
    };
    append(out, wire);
    append_bytes(out, setting.class_descriptors);
    for (auto const& endpoint : setting.endpoints)
        append_endpoint(out, endpoint);
}

} // namespace

std::optional<std::vector<uint8_t>> configuration_descriptor_bytes(DeviceDescription const& device, uint8_t index)
{
    if (index >= device.configurations.size())
        return std::nullopt;
    auto const& configuration = device.configurations[index];

    // The body comes first so that wTotalLength is simply the size of what we produced.
    std::vector<uint8_t> body;
    for (auto const& interface : configuration.interfaces)
        for (auto const& setting : interface.alternate_settings)
            append_alternate_setting(body, interface.bInterfaceNumber, setting);

    ConfigurationDescriptor const wire {
        .bLength = sizeof(ConfigurationDescriptor),
        .bDescriptorType = static_cast<uint8_t>(DescriptorType::Configuration),
        .wTotalLength = static_cast<uint16_t>(sizeof(ConfigurationDescriptor) + body.size()),
        .bNumInterfaces = static_cast<uint8_t>(configuration.interfaces.size()),
        .bConfigurationValue = configuration.bConfigurationValue,
        .iConfiguration = configuration.iConfiguration,
        .bmAttributes = configuration.bmAttributes,
        .bMaxPower = configuration.bMaxPower,
    };
    std::vector<uint8_t> out;
    append(out, wire);
    append_bytes(out, body);
    return out;
}

std::optional<std::vector<uint8_t>> string_descriptor_bytes(StringTable const& strings, uint8_t index)
{
    std::u16string units;
    if (index == 0) {
        units.push_back(static_cast<char16_t>(strings.language));
    } else {
        auto const* text = strings.find(index);
        if (!text)
            return std::nullopt;
        auto converted = utf8_to_utf16(*text);
        // validate() rejects bad UTF-8 up front; a table that skipped it still gets no bytes.
        if (!converted.has_value())
            return std::nullopt;
        units = std::move(converted).value();
    }
    if (units.size() > max_string_descriptor_units)
        units.resize(max_string_descriptor_units);

    StringDescriptorHeader const header {
        .bLength = static_cast<uint8_t>(sizeof(StringDescriptorHeader) + units.size() * 2),
        .bDescriptorType = static_cast<uint8_t>(DescriptorType::String),
    };
    std::vector<uint8_t> out;
    append(out, header);
    for (char16_t unit : units) {
        out.push_back(static_cast<uint8_t>(unit & 0xff));
        out.push_back(static_cast<uint8_t>(unit >> 8));
    }
    return out;
}

std::optional<std::vector<uint8_t>> descriptor_bytes(DeviceDescription const& device, uint8_t type, uint8_t index)
{
    switch (static_cast<DescriptorType>(type)) {
    case DescriptorType::Device:
        // §9.4.3: the index must be zero for a device descriptor; hosts always send zero.
        return index == 0 ? std::optional(device_descriptor_bytes(device)) : std::nullopt;
    case DescriptorType::Configuration:
        return configuration_descriptor_bytes(device, index);
    case DescriptorType::String:
        return string_descriptor_bytes(device.strings, index);
    default:
        // DEVICE_QUALIFIER and OTHER_SPEED_CONFIGURATION exist only on high-speed capable
        // devices; a full-speed-only device answers them with a Request Error (§9.6.2).
        // FIXME: serve them once a high-speed model exists.
        return std::nullopt;
    }
}

// [SECTION] Validation

namespace {

ErrorOr<void> validate_string_index(StringTable const& strings, uint8_t index, char const* field)
{
    if (index != 0 && !strings.find(index))
        return fail(std::string(field) + " names string " + std::to_string(index) + ", which the string table does not hold");
    return {};
}

ErrorOr<void> validate_strings(StringTable const& strings)
{
    for (auto const& [index, text] : strings.entries) {
        if (index == 0)
            return fail("string index 0 is reserved for the language list (USB 2.0 §9.6.7)");
        auto units = utf8_to_utf16(text);
        if (!units.has_value())
            return fail("string " + std::to_string(index) + ": " + units.error().message);
        if (units.value().size() > max_string_descriptor_units)
            return fail("string " + std::to_string(index) + " is " + std::to_string(units.value().size())
                + " UTF-16 units long; a string descriptor holds at most "
                + std::to_string(max_string_descriptor_units) + " (USB 2.0 §9.6.7)");
    }
    return {};
}

bool control_packet_size_ok(UsbSpeed speed, uint32_t size)
{
    // §5.5.3: low speed 8; full speed 8, 16, 32 or 64; high speed 64.
    switch (speed) {
    case UsbSpeed::Low:
        return size == 8;
    case UsbSpeed::Full:
        return size == 8 || size == 16 || size == 32 || size == 64;
    default:
        return size == 64;
    }
}

bool packet_size_ok(UsbSpeed speed, EndpointDescription const& endpoint)
{
    uint32_t const size = endpoint.wMaxPacketSize;
    bool const low = speed == UsbSpeed::Low;
    bool const high = speed == UsbSpeed::High;
    switch (endpoint.type) {
    case EndpointType::Control:
        return control_packet_size_ok(speed, size);
    case EndpointType::Bulk: // §5.8.3: not on low speed; 8..64 (power of two) full, 512 high.
        return !low && (high ? size == 512 : control_packet_size_ok(speed, size));
    case EndpointType::Interrupt: // §5.7.3
        return size >= 1 && size <= (low ? 8u : high ? 1024u : 64u);
    case EndpointType::Isochronous: // §5.6.3: not on low speed; zero is legal (no bandwidth).
        return !low && size <= (high ? 1024u : 1023u);
    }
    return false;
}

bool interval_ok(UsbSpeed speed, EndpointDescription const& endpoint)
{
    // §9.6.6: interrupt 1..255 frames (full/low) or 1..16 as 2^(n-1) microframes (high);
    // isochronous 1..16. Bulk and control use bInterval only as a high-speed NAK rate.
    if (endpoint.type == EndpointType::Isochronous)
        return endpoint.bInterval >= 1 && endpoint.bInterval <= 16;
    if (endpoint.type == EndpointType::Interrupt)
        return endpoint.bInterval >= 1 && (speed != UsbSpeed::High || endpoint.bInterval <= 16);
    return true;
}

ErrorOr<void> validate_endpoint(EndpointDescription const& endpoint, UsbSpeed speed, std::string const& where)
{
    uint8_t const address = endpoint.bEndpointAddress;
    std::string const name = where + " endpoint " + hex2(address);
    if ((address & endpoint_number_mask) == 0 || (address & 0x70) != 0)
        return fail(name + ": not a valid endpoint address (number 1..15, bit 7 = IN; USB 2.0 §9.6.6)");
    if (endpoint.attributes_extra != 0 && endpoint.type != EndpointType::Isochronous)
        return fail(name + ": only isochronous endpoints carry sync/usage bits (USB 2.0 §9.6.6)");
    if (!packet_size_ok(speed, endpoint))
        return fail(name + ": wMaxPacketSize " + std::to_string(endpoint.wMaxPacketSize)
            + " is not legal for this transfer type at this speed (USB 2.0 §5.5–§5.8)");
    if (!interval_ok(speed, endpoint))
        return fail(name + ": bInterval " + std::to_string(endpoint.bInterval) + " is out of range (USB 2.0 §9.6.6)");
    return {};
}

// Endpoint addresses are owned by one interface; alternate settings of that interface may reuse
// them, since only one setting is active at a time (§9.6.5).
ErrorOr<void> validate_interface(InterfaceDescription const& interface, StringTable const& strings, UsbSpeed speed,
    std::map<uint8_t, uint8_t>& owner_of_endpoint, std::string const& where)
{
    std::string const name = where + " interface " + std::to_string(interface.bInterfaceNumber);
    if (!find_alternate_setting(interface, 0))
        return fail(name + " has no alternate setting 0, which is active after SET_CONFIGURATION (USB 2.0 §9.6.5)");
    std::set<uint8_t> settings;
    for (auto const& setting : interface.alternate_settings) {
        std::string const setting_name = name + " alternate " + std::to_string(setting.bAlternateSetting);
        if (!settings.insert(setting.bAlternateSetting).second)
            return fail(setting_name + " is listed twice");
        TRY(validate_string_index(strings, setting.iInterface, (setting_name + " iInterface").c_str()));
        std::set<uint8_t> addresses;
        for (auto const& endpoint : setting.endpoints) {
            TRY(validate_endpoint(endpoint, speed, setting_name));
            if (!addresses.insert(endpoint.bEndpointAddress).second)
                return fail(setting_name + " lists endpoint " + hex2(endpoint.bEndpointAddress) + " twice");
            auto [it, fresh] = owner_of_endpoint.emplace(endpoint.bEndpointAddress, interface.bInterfaceNumber);
            if (!fresh && it->second != interface.bInterfaceNumber)
                return fail(setting_name + " reuses endpoint " + hex2(endpoint.bEndpointAddress) + " of interface "
                    + std::to_string(it->second));
        }
    }
    return {};
}

ErrorOr<void> validate_configuration(ConfigurationDescription const& configuration, StringTable const& strings, UsbSpeed speed)
{
    std::string const name = "configuration " + std::to_string(configuration.bConfigurationValue);
    if (!(configuration.bmAttributes & configuration_attribute_reserved_one))
        return fail(name + ": bmAttributes bit 7 must be set (USB 2.0 §9.6.3)");
    TRY(validate_string_index(strings, configuration.iConfiguration, (name + " iConfiguration").c_str()));
    std::map<uint8_t, uint8_t> owner_of_endpoint;
    for (size_t i = 0; i < configuration.interfaces.size(); ++i) {
        auto const& interface = configuration.interfaces[i];
        // §9.6.5: bInterfaceNumber is the zero-based index in the array of interfaces.
        if (interface.bInterfaceNumber != i)
            return fail(name + ": interface " + std::to_string(interface.bInterfaceNumber) + " is listed at position "
                + std::to_string(i) + "; interfaces are numbered 0, 1, ... in order (USB 2.0 §9.6.5)");
        TRY(validate_interface(interface, strings, speed, owner_of_endpoint, name));
    }
    return {};
}

} // namespace

ErrorOr<void> validate(DeviceDescription const& device, UsbSpeed speed)
{
    if (speed == UsbSpeed::Super)
        return fail("SuperSpeed devices are not modelled (no BOS or companion descriptors)");
    if (!control_packet_size_ok(speed, device.bMaxPacketSize0))
        return fail("bMaxPacketSize0 " + std::to_string(device.bMaxPacketSize0) + " is not legal at this speed (USB 2.0 §5.5.3)");
    if (device.configurations.empty() || device.configurations.size() > 255)
        return fail("a device has 1..255 configurations (USB 2.0 §9.6.1)");
    TRY(validate_strings(device.strings));
    TRY(validate_string_index(device.strings, device.iManufacturer, "iManufacturer"));
    TRY(validate_string_index(device.strings, device.iProduct, "iProduct"));
    TRY(validate_string_index(device.strings, device.iSerialNumber, "iSerialNumber"));
    std::set<uint8_t> values;
    for (size_t i = 0; i < device.configurations.size(); ++i) {
        auto const& configuration = device.configurations[i];
        if (configuration.bConfigurationValue == 0)
            return fail("bConfigurationValue 0 means \"not configured\" and cannot name a configuration (USB 2.0 §9.4.7)");
        if (!values.insert(configuration.bConfigurationValue).second)
            return fail("two configurations share bConfigurationValue " + std::to_string(configuration.bConfigurationValue));
        TRY(validate_configuration(configuration, device.strings, speed));
        if (configuration_descriptor_bytes(device, static_cast<uint8_t>(i))->size() > 0xffff)
            return fail("configuration " + std::to_string(configuration.bConfigurationValue) + " is longer than wTotalLength can say");
    }
    return {};
}

} // namespace dextlab::usb
