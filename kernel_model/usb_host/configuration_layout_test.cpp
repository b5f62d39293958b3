#include "configuration_layout.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {
// A configuration of two interfaces: 0 with a bulk pair and an alternate setting, 1 with an
// interrupt IN endpoint.
std::vector<uint8_t> const kTwoInterfaces = {
    9, 2, 55, 0, 2, 3, 0, 0x80, 50,    // configuration: wTotalLength 55, 2 interfaces, bConfigurationValue 3
    9, 4, 0, 0, 2, 0xff, 0, 0, 0,      // interface 0, setting 0, 2 endpoints, vendor class
    7, 5, 0x02, 2, 64, 0, 0,           //   bulk OUT 0x02, 64 bytes
    7, 5, 0x82, 2, 64, 0, 0,           //   bulk IN 0x82, 64 bytes
    9, 4, 0, 1, 0, 0xff, 0, 0, 0,      // interface 0, setting 1, no endpoints (not published)
    9, 4, 1, 0, 1, 0x03, 0, 0, 0,      // interface 1, setting 0, 1 endpoint, HID class
    7, 5, 0x81, 3, 8, 0, 10,           //   interrupt IN 0x81, 8 bytes, every 10 frames
};
} // namespace

TEST_CASE("a configuration descriptor gives its value and the default setting of each interface")
{
    auto layout = parse_configuration(kTwoInterfaces);
    REQUIRE(layout.has_value());
    CHECK(layout->value == 3);
    REQUIRE(layout->interfaces.size() == 2);
    CHECK(layout->interfaces[0].descriptor.bInterfaceNumber == 0);
    REQUIRE(layout->interfaces[0].endpoints.size() == 2);
    CHECK(layout->interfaces[0].endpoints[1].bEndpointAddress == 0x82);
    CHECK(layout->interfaces[1].descriptor.bInterfaceClass == 0x03);
    REQUIRE(layout->interfaces[1].endpoints.size() == 1);
    CHECK(layout->interfaces[1].endpoints[0].bmAttributes == 3);
}

TEST_CASE("a descriptor with a bad bLength ends the walk, and bytes that are no configuration give nothing")
{
    auto truncated = kTwoInterfaces;
    truncated[9 + 9 + 7] = 0; // the second endpoint's bLength
    auto layout = parse_configuration(truncated);
    REQUIRE(layout.has_value());
    REQUIRE(layout->interfaces.size() == 1);
    CHECK(layout->interfaces[0].endpoints.size() == 1);

    std::vector<uint8_t> device_descriptor { 18, 1, 0, 2, 0, 0, 0, 64, 0x09, 0x12, 5, 0, 0, 1, 1, 2, 0, 1 };
    CHECK_FALSE(parse_configuration(device_descriptor).has_value());
    CHECK_FALSE(parse_configuration(std::span<uint8_t const>(kTwoInterfaces).first(4)).has_value());
}
