#include "devices/usb/descriptor_table.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::usb;

using Bytes = std::vector<uint8_t>;

namespace {

// A composite device that exercises every level of the table: two configurations, a HID
// interface with a class-specific descriptor, an interface with two alternate settings.
DeviceDescription composite()
{
    return DeviceDescription {
        .bcdUSB = 0x0200,
        .bDeviceClass = 0xef, // miscellaneous (IAD)
        .bDeviceSubClass = 0x02,
        .bDeviceProtocol = 0x01,
        .bMaxPacketSize0 = 64,
        .idVendor = 0x1234,
        .idProduct = 0xabcd,
        .bcdDevice = 0x0102,
        .iManufacturer = 1,
        .iProduct = 2,
        .iSerialNumber = 3,
        .configurations = {
            ConfigurationDescription {
                .bConfigurationValue = 1,
                .iConfiguration = 4,
                .bmAttributes = 0xa0, // reserved one + remote wakeup
                .bMaxPower = 250,
                .interfaces = {
                    InterfaceDescription { .bInterfaceNumber = 0, .alternate_settings = {
                        AlternateSettingDescription {
                            .bAlternateSetting = 0,
                            .bInterfaceClass = 0x03, // HID
                            // HID 1.11 §6.2.1: bLength 9, HID (0x21), bcdHID 1.11, country 0,
                            // one descriptor: REPORT (0x22), 63 bytes.
                            .class_descriptors = { 0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00 },
                            .endpoints = { EndpointDescription {
                                .bEndpointAddress = 0x81, .type = EndpointType::Interrupt, .wMaxPacketSize = 8, .bInterval = 10 } },
                        } } },
                    InterfaceDescription { .bInterfaceNumber = 1, .alternate_settings = {
                        AlternateSettingDescription { .bAlternateSetting = 0, .bInterfaceClass = 0xff },
                        AlternateSettingDescription {
                            .bAlternateSetting = 1,
                            .bInterfaceClass = 0xff,
                            .endpoints = {
                                EndpointDescription { .bEndpointAddress = 0x02, .type = EndpointType::Bulk, .wMaxPacketSize = 64 },
                                EndpointDescription { .bEndpointAddress = 0x83, .type = EndpointType::Bulk, .wMaxPacketSize = 64 },
                            },
                        } } },
                },
            },
            ConfigurationDescription {
                .bConfigurationValue = 2,
                .bmAttributes = 0xc0, // reserved one + self-powered
                .bMaxPower = 0,
                .interfaces = { InterfaceDescription { .bInterfaceNumber = 0, .alternate_settings = {
                    AlternateSettingDescription { .bAlternateSetting = 0, .bInterfaceClass = 0xff } } } },
            },
        },
        .strings = { .entries = { { 1, "Acme" }, { 2, "Gadget \xc3\xa9" }, { 3, "SN-1" }, { 4, "Main" } } },
    };
}

} // namespace

TEST_CASE("the device descriptor carries every table field in USB 2.0 §9.6.1 order")
{
    Bytes const expected {
        0x12,       // bLength: 18
        0x01,       // bDescriptorType: DEVICE
        0x00, 0x02, // bcdUSB: 2.00
        0xef,       // bDeviceClass: miscellaneous
        0x02,       // bDeviceSubClass: common class
        0x01,       // bDeviceProtocol: interface association
        0x40,       // bMaxPacketSize0: 64
        0x34, 0x12, // idVendor: 0x1234
        0xcd, 0xab, // idProduct: 0xabcd
        0x02, 0x01, // bcdDevice: 1.02
        0x01,       // iManufacturer
        0x02,       // iProduct
        0x03,       // iSerialNumber
        0x02,       // bNumConfigurations: counted from the table
    };
    CHECK(device_descriptor_bytes(composite()) == expected);
}

TEST_CASE("a configuration descriptor is followed by all its interfaces, alternates and endpoints")
{
    Bytes const expected {
        // Configuration (§9.6.3)
        0x09, 0x02, // bLength 9, CONFIGURATION
        0x42, 0x00, // wTotalLength: 66 = 9 + (9 + 9 + 7) + 9 + (9 + 7 + 7)
        0x02,       // bNumInterfaces: 2 (alternate settings are not counted)
        0x01,       // bConfigurationValue: 1
        0x04,       // iConfiguration: "Main"
        0xa0,       // bmAttributes: bus-powered, remote wakeup
        0xfa,       // bMaxPower: 500 mA
        // Interface 0, alternate 0 (§9.6.5)
        0x09, 0x04, 0x00, 0x00, // bLength, INTERFACE, bInterfaceNumber 0, bAlternateSetting 0
        0x01,                   // bNumEndpoints: 1
        0x03, 0x00, 0x00, 0x00, // HID, subclass 0, protocol 0, iInterface 0
        // The class-specific HID descriptor, between the interface and its endpoints (HID 1.11 §7.1)
        0x09, 0x21, 0x11, 0x01, 0x00, 0x01, 0x22, 0x3f, 0x00,
        // Endpoint 0x81 (§9.6.6)
        0x07, 0x05, 0x81, // bLength, ENDPOINT, bEndpointAddress: 1 IN
        0x03,             // bmAttributes: interrupt
        0x08, 0x00,       // wMaxPacketSize: 8
        0x0a,             // bInterval: 10 ms
        // Interface 1, alternate 0: no endpoints
        0x09, 0x04, 0x01, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00,
        // Interface 1, alternate 1: two bulk endpoints
        0x09, 0x04, 0x01, 0x01, 0x02, 0xff, 0x00, 0x00, 0x00,
        0x07, 0x05, 0x02, 0x02, 0x40, 0x00, 0x00, // 2 OUT, bulk, 64
        0x07, 0x05, 0x83, 0x02, 0x40, 0x00, 0x00, // 3 IN, bulk, 64
    };
    auto bytes = configuration_descriptor_bytes(composite(), 0);
    REQUIRE(bytes.has_value());
    CHECK(*bytes == expected);
}

TEST_CASE("GET_DESCRIPTOR(CONFIGURATION) takes an index, not a bConfigurationValue")
{
    auto second = descriptor_bytes(composite(), static_cast<uint8_t>(DescriptorType::Configuration), 1);
    REQUIRE(second.has_value());
    Bytes const expected {
        0x09, 0x02, 0x12, 0x00, // wTotalLength 18
        0x01, 0x02, 0x00,       // one interface, bConfigurationValue 2, no string
        0xc0, 0x00,             // self-powered, 0 mA
        0x09, 0x04, 0x00, 0x00, 0x00, 0xff, 0x00, 0x00, 0x00,
    };
    CHECK(*second == expected);
    CHECK_FALSE(configuration_descriptor_bytes(composite(), 2).has_value());
}

TEST_CASE("string descriptors: index 0 lists the language, others are UTF-16LE")
{
    auto const device = composite();
    // §9.6.7 Table 9-15: bLength 4, STRING, wLANGID[0] = 0x0409
    CHECK(string_descriptor_bytes(device.strings, 0) == Bytes { 0x04, 0x03, 0x09, 0x04 });
    Bytes const gadget {
        0x12, 0x03, // bLength 18 = 2 + 8 units * 2, STRING
        'G', 0, 'a', 0, 'd', 0, 'g', 0, 'e', 0, 't', 0, ' ', 0,
        0xe9, 0x00, // U+00E9, written in UTF-8 as C3 A9
    };
    CHECK(string_descriptor_bytes(device.strings, 2) == gadget);
    CHECK_FALSE(string_descriptor_bytes(device.strings, 5).has_value());
}

TEST_CASE("descriptor_bytes answers device, configuration and string, and nothing else")
{
    auto const device = composite();
    CHECK(descriptor_bytes(device, 1, 0) == device_descriptor_bytes(device));
    CHECK_FALSE(descriptor_bytes(device, 1, 1).has_value()); // the device descriptor has index 0 only
    CHECK(descriptor_bytes(device, 3, 4) == string_descriptor_bytes(device.strings, 4));
    CHECK_FALSE(descriptor_bytes(device, 6, 0).has_value()); // DEVICE_QUALIFIER: full-speed only
    CHECK_FALSE(descriptor_bytes(device, 0x22, 0).has_value()); // HID report: the model's business
}

TEST_CASE("utf8_to_utf16 encodes supplementary characters as surrogate pairs and rejects malformed input")
{
    auto smile = utf8_to_utf16("\xf0\x9f\x99\x82"); // U+1F642
    REQUIRE(smile.has_value());
    CHECK(smile.value() == std::u16string { char16_t(0xd83d), char16_t(0xde42) });

    SUBCASE("overlong '/'") { CHECK_FALSE(utf8_to_utf16("\xc0\xaf").has_value()); }
    SUBCASE("encoded surrogate") { CHECK_FALSE(utf8_to_utf16("\xed\xa0\x80").has_value()); }
    SUBCASE("truncated sequence") { CHECK_FALSE(utf8_to_utf16("ab\xe2\x82").has_value()); }
    SUBCASE("past U+10FFFF") { CHECK_FALSE(utf8_to_utf16("\xf4\x90\x80\x80").has_value()); }
    SUBCASE("stray continuation byte") { CHECK(utf8_to_utf16("a\x80").error().message == "invalid UTF-8 at byte 1"); }
}

TEST_CASE("StringTable::add hands out consecutive indices and gives empty text none")
{
    StringTable strings;
    CHECK(strings.add("one") == 1);
    CHECK(strings.add("") == 0);
    CHECK(strings.add("two") == 2);
    REQUIRE(strings.find(2));
    CHECK(*strings.find(2) == "two");
    CHECK(strings.find(0) == nullptr);
}

TEST_CASE("validate accepts the composite device at full speed")
{
    CHECK(validate(composite(), UsbSpeed::Full).has_value());
}

TEST_CASE("validate rejects tables a host would reject, naming the problem")
{
    auto device = composite();
    auto& first = device.configurations[0];
    std::string expected;

    SUBCASE("configuration value 0")
    {
        device.configurations[1].bConfigurationValue = 0;
        expected = "bConfigurationValue 0";
    }
    SUBCASE("duplicate configuration value")
    {
        device.configurations[1].bConfigurationValue = 1;
        expected = "share bConfigurationValue 1";
    }
    SUBCASE("interface without alternate setting 0")
    {
        first.interfaces[1].alternate_settings.erase(first.interfaces[1].alternate_settings.begin());
        expected = "interface 1 has no alternate setting 0";
    }
    SUBCASE("interfaces out of order")
    {
        std::swap(first.interfaces[0], first.interfaces[1]);
        expected = "numbered 0, 1, ...";
    }
    SUBCASE("endpoint shared by two interfaces")
    {
        first.interfaces[1].alternate_settings[1].endpoints[1].bEndpointAddress = 0x81;
        expected = "reuses endpoint 0x81 of interface 0";
    }
    SUBCASE("endpoint zero")
    {
        first.interfaces[0].alternate_settings[0].endpoints[0].bEndpointAddress = 0x80;
        expected = "not a valid endpoint address";
    }
    SUBCASE("full-speed bulk packet of 512")
    {
        first.interfaces[1].alternate_settings[1].endpoints[0].wMaxPacketSize = 512;
        expected = "wMaxPacketSize 512";
    }
    SUBCASE("interrupt interval 0")
    {
        first.interfaces[0].alternate_settings[0].endpoints[0].bInterval = 0;
        expected = "bInterval 0";
    }
    SUBCASE("missing string")
    {
        device.iSerialNumber = 9;
        expected = "iSerialNumber names string 9";
    }
    SUBCASE("string too long for a descriptor")
    {
        device.strings.entries[3] = std::string(127, 'x');
        expected = "at most 126";
    }
    SUBCASE("bad control packet size")
    {
        device.bMaxPacketSize0 = 12;
        expected = "bMaxPacketSize0 12";
    }

    auto result = validate(device, UsbSpeed::Full);
    REQUIRE_FALSE(result.has_value());
    INFO(result.error().message);
    CHECK(result.error().message.find(expected) != std::string::npos);
}

TEST_CASE("validate applies the limits of the device's speed")
{
    auto device = composite();
    // Low speed: bMaxPacketSize0 must be 8 and bulk endpoints do not exist (§5.8.3).
    CHECK_FALSE(validate(device, UsbSpeed::Low).has_value());
    device.bMaxPacketSize0 = 8;
    CHECK_FALSE(validate(device, UsbSpeed::Low).has_value());
    device.configurations[0].interfaces.pop_back();
    CHECK(validate(device, UsbSpeed::Low).has_value());
}
