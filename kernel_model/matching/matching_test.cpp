// Matching rules as rows of data (STYLE habit 8): each row is a personality, a nub and the
// expected outcome. No dext runs.
#include "kernel_model/matching/matching.h"
#include "kernel_model/matching/match_rows_test_support.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;
using dextlab::kernel::test::check_rows;
using dextlab::kernel::test::Row;

namespace {

using Keys = std::vector<std::pair<std::string, uint64_t>>;

PropertyDict props(std::string provider, Keys keys, PropertyDict extra = {})
{
    PropertyDict d = std::move(extra);
    d["IOProviderClass"] = Property::string(std::move(provider));
    for (auto const& [k, v] : keys)
        d[k] = Property::number(v, 32);
    return d;
}

// A vendor-specific interface 0 of configuration 1 on a 0x1209:0x0001 bcd 0x0100 device.
UsbInterfaceNub make_interface(uint64_t interface_class = 0xff, uint64_t sub = 0, uint64_t proto = 0)
{
    UsbInterfaceNub n;
    n.name = "IOUSBHostInterface";
    for (auto const& [k, v] : Keys { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bcdDevice", 0x100 },
             { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 }, { "bInterfaceClass", interface_class },
             { "bInterfaceSubClass", sub }, { "bInterfaceProtocol", proto } })
        n.set_property(k, Property::number(v, 16));
    return n;
}

UsbDeviceNub make_device(uint64_t device_class = 0, uint64_t sub = 0, uint64_t proto = 0)
{
    UsbDeviceNub n;
    n.name = "Vendor Interrupt Device";
    for (auto const& [k, v] : Keys { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bcdDevice", 0x100 },
             { "bDeviceClass", device_class }, { "bDeviceSubClass", sub }, { "bDeviceProtocol", proto } })
        n.set_property(k, Property::number(v, 16));
    return n;
}

} // namespace

TEST_CASE("USB interface matching follows the Common Class Specification table")
{
    auto nub = make_interface();
    check_rows(
        {
            { "vid+pid+bcd+config+interface", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bcdDevice", 0x100 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }), true, 100000, "" },
            { "vid+pid+config+interface (the demo)", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }), true, 90000, "" },
            { "vid+pid without the interface numbers", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 } }), false, 0, "USB key combination" },
            { "wrong vendor", props("IOUSBHostInterface", { { "idVendor", 0x05ac }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }), false, 0, "idVendor" },
            { "wrong product", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 2 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }), false, 0, "idProduct" },
            { "wrong interface number", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 1 } }), false, 0, "bInterfaceNumber" },
            { "vendor-specific: vid+subclass+protocol", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceSubClass", 0 }, { "bInterfaceProtocol", 0 } }), true, 80000, "" },
            { "vendor-specific: vid+subclass", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceSubClass", 0 } }), true, 70000, "" },
            { "vendor-specific class alone never matches", props("IOUSBHostInterface", { { "bInterfaceClass", 0xff }, { "bInterfaceSubClass", 0 } }), false, 0, "USB key combination" },
            { "probe score is added", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 }, { "IOProbeScore", 500 } }), true, 90500, "" },
            { "a probe score of 10000 or more counts as 9000", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 }, { "IOProbeScore", 20000 } }), true, 99000, "" },
            { "wrong provider class", props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 1 } }), false, 0, "IOProviderClass" },
            { "generic keys only: score is IOProbeScore", props("IOUSBHostInterface", { { "IOProbeScore", 42 } }), true, 42, "" },
        },
        nub);
}

TEST_CASE("USB class rows on a non-vendor-specific interface")
{
    auto hid = make_interface(3, 1, 1); // HID boot keyboard
    check_rows(
        {
            { "class+subclass+protocol", props("IOUSBHostInterface", { { "bInterfaceClass", 3 }, { "bInterfaceSubClass", 1 }, { "bInterfaceProtocol", 1 } }), true, 60000, "" },
            { "class+subclass", props("IOUSBHostInterface", { { "bInterfaceClass", 3 }, { "bInterfaceSubClass", 1 } }), true, 50000, "" },
            { "class+subclass with a vendor id is no row", props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceClass", 3 }, { "bInterfaceSubClass", 1 } }), false, 0, "USB key combination" },
            { "wrong protocol", props("IOUSBHostInterface", { { "bInterfaceClass", 3 }, { "bInterfaceSubClass", 1 }, { "bInterfaceProtocol", 2 } }), false, 0, "bInterfaceProtocol" },
        },
        hid);
}

TEST_CASE("USB device matching, wildcards, masks and product arrays")
{
    auto device = make_device();
    PropertyDict wildcard = props("IOUSBHostDevice", { { "idVendor", 0x1209 } });
    wildcard["idProduct"] = Property::string("*");
    PropertyDict masked = props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 0x0000 }, { "idProductMask", 0xfffe } });
    PropertyDict array = props("IOUSBHostDevice", { { "idVendor", 0x1209 } });
    array["idProductArray"] = Property::array({ Property::number(7, 32), Property::number(1, 32) });
    check_rows(
        {
            { "vid+pid+bcd", props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bcdDevice", 0x100 } }), true, 100000, "" },
            { "vid+pid", props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 1 } }), true, 90000, "" },
            { "wrong bcdDevice falls back to no row", props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bcdDevice", 0x200 } }), false, 0, "bcdDevice" },
            { "product wildcard costs 1000", wildcard, true, 89000, "" },
            { "product mask costs 500", masked, true, 89500, "" },
            { "product array", array, true, 90000, "" },
        },
        device);
}

TEST_CASE("generic keys: IONameMatch, IOPropertyMatch, IOPropertyExistsMatch, IOResourceMatch")
{
    auto nub = make_interface();
    PropertyDict name_ok = props("IOUSBHostInterface", {});
    name_ok["IONameMatch"] = Property::array({ Property::string("other"), Property::string("IOUSBHostInterface") });
    PropertyDict name_bad = props("IOUSBHostInterface", {});
    name_bad["IONameMatch"] = Property::string("other");
    PropertyDict property_ok = props("IOUSBHostInterface", {});
    property_ok["IOPropertyMatch"] = Property::dict({ { "bInterfaceNumber", Property::number(0, 8) } });
    PropertyDict property_bad = props("IOUSBHostInterface", {});
    property_bad["IOPropertyMatch"] = Property::array({ Property::dict({ { "bInterfaceNumber", Property::number(3, 8) } }) });
    PropertyDict exists_bad = props("IOUSBHostInterface", {});
    exists_bad["IOPropertyExistsMatch"] = Property::string("NoSuchKey");
    PropertyDict resource_ok = props("IOUSBHostInterface", {});
    resource_ok["IOResourceMatch"] = Property::string("IOKit");
    PropertyDict resource_bad = props("IOUSBHostInterface", {});
    resource_bad["IOResourceMatch"] = Property::string("IOBSD");
    check_rows(
        {
            { "name in array", name_ok, true, 0, "" },
            { "name differs", name_bad, false, 0, "IONameMatch" },
            { "property equal", property_ok, true, 0, "" },
            { "property differs", property_bad, false, 0, "IOPropertyMatch" },
            { "property missing", exists_bad, false, 0, "IOPropertyExistsMatch" },
            { "IOKit resource", resource_ok, true, 0, "" },
            { "unknown resource", resource_bad, false, 0, "IOResourceMatch" },
        },
        nub);
}

TEST_CASE("a failed match explains itself")
{
    auto nub = make_interface();
    auto result = match_personality(props("IOUSBHostInterface", { { "idVendor", 0x05ac }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }), nub);
    REQUIRE_FALSE(result.matched);
    CHECK(result.reason == "idVendor: personality wants 0x5ac, the interface has 0x1209");
    CHECK(match_category(PropertyDict {}) == "IODefaultMatchCategory");
}

TEST_CASE("every key compared is listed, in IOKit's order, with what the nub has")
{
    auto nub = make_interface();
    PropertyDict p = props("IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 2 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } });
    p["IONameMatch"] = Property::string("IOUSBHostInterface");
    auto result = match_personality(p, nub);
    REQUIRE_FALSE(result.matched);
    CHECK(result.failed_key == "idProduct");
    std::vector<std::string> keys;
    for (auto const& k : result.compared)
        keys.push_back(k.key);
    CHECK(keys == std::vector<std::string> { "IOProviderClass", "IONameMatch", "idVendor", "idProduct", "bConfigurationValue", "bInterfaceNumber" });
    CHECK(result.compared[3].wanted == "0x2");
    CHECK(result.compared[3].found == "0x1");
    CHECK_FALSE(result.compared[3].passed);
    CHECK(result.compared[2].passed);
    CHECK(result.keys_passed() == 5);
}

TEST_CASE("a matched personality lists its keys and notes wildcards and masks")
{
    auto device = make_device();
    PropertyDict wildcard = props("IOUSBHostDevice", { { "idVendor", 0x1209 } });
    wildcard["idProduct"] = Property::string("*");
    auto result = match_personality(wildcard, device);
    REQUIRE(result.matched);
    REQUIRE(result.compared.size() == 3);
    CHECK(result.compared[2].key == "idProduct");
    CHECK(result.compared[2].note.find("wildcard") != std::string::npos);

    PropertyDict masked = props("IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 0 }, { "idProductMask", 0xfffe } });
    result = match_personality(masked, device);
    REQUIRE(result.matched);
    CHECK(result.compared[2].note.find("idProductMask") != std::string::npos);
}

TEST_CASE("IOLocationMatch compares the nub's location")
{
    auto nub = make_interface();
    nub.location = "0";
    PropertyDict here = props("IOUSBHostInterface", {});
    here["IOLocationMatch"] = Property::string("0");
    PropertyDict there = props("IOUSBHostInterface", {});
    there["IOLocationMatch"] = Property::string("1");
    check_rows({ { "same location", here, true, 0, "" }, { "other location", there, false, 0, "IOLocationMatch" } }, nub);
}

TEST_CASE("USB wildcards on other keys, and idProductArray that misses")
{
    auto device = make_device();
    PropertyDict vendor_wildcard = props("IOUSBHostDevice", { { "idProduct", 1 } });
    vendor_wildcard["idVendor"] = Property::string("*");
    PropertyDict two_wildcards = props("IOUSBHostDevice", {});
    two_wildcards["idVendor"] = Property::string("*");
    two_wildcards["idProduct"] = Property::string("*");
    PropertyDict array_miss = props("IOUSBHostDevice", { { "idVendor", 0x1209 } });
    array_miss["idProductArray"] = Property::array({ Property::number(7, 32), Property::number(8, 32) });
    check_rows(
        {
            { "vendor wildcard costs 1000", vendor_wildcard, true, 89000, "" },
            { "two wildcards cost 2000", two_wildcards, true, 88000, "" },
            { "idProductArray without the device's product", array_miss, false, 0, "idProductArray" },
        },
        device);
}
