// HID matching rules as rows of data (IOHIDFamily MatchPropertyTable, reference 4.3). The nubs
// are registry entries carrying the properties a HID service publishes; no dext runs.
#include "kernel_model/matching/matching.h"
#include "kernel_model/matching/match_rows_test_support.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;
using dextlab::kernel::test::check_rows;
using dextlab::kernel::test::Row;

namespace {

// A registry entry of any class, for HID nubs (the HID host model comes with its own issue).
class TestNub final : public RegistryEntry {
public:
    explicit TestNub(std::vector<std::string> chain)
        : m_chain(std::move(chain))
    {
    }
    std::vector<std::string> class_chain() const override { return m_chain; }

private:
    std::vector<std::string> m_chain;
};

Property num(uint64_t v) { return Property::number(v, 32); }
Property pair(uint64_t page, uint64_t usage)
{
    return Property::dict({ { "DeviceUsagePage", num(page) }, { "DeviceUsage", num(usage) } });
}
Property page_only(uint64_t page) { return Property::dict({ { "DeviceUsagePage", num(page) } }); }

// A USB keyboard's HID service: keyboard and consumer-control usages, VID 0x1209, PID 0x10.
void give_keyboard_properties(RegistryEntry& nub)
{
    nub.name = "Keyboard";
    nub.set_property("PrimaryUsagePage", num(1));
    nub.set_property("PrimaryUsage", num(6));
    nub.set_property("DeviceUsagePairs", Property::array({ pair(1, 6), pair(12, 1) }));
    nub.set_property("Transport", Property::string("USB"));
    nub.set_property("LocationID", num(0x14100000));
    nub.set_property("VendorID", num(0x1209));
    nub.set_property("ProductID", num(0x10));
    nub.set_property("VersionNumber", num(0x100));
    nub.set_property("Manufacturer", Property::string("dextlab"));
    nub.set_property("SerialNumber", Property::string("0001"));
}

TestNub make_event_service()
{
    TestNub nub({ "IOHIDEventService", "IOService", "IORegistryEntry", "OSObject" });
    give_keyboard_properties(nub);
    return nub;
}

// A personality on IOHIDEventService with an IOClass (as every real one has) and the given keys.
PropertyDict hid(PropertyDict keys, std::string provider = "IOHIDEventService")
{
    keys["IOProviderClass"] = Property::string(std::move(provider));
    keys["IOClass"] = Property::string("AppleUserHIDEventService");
    return keys;
}

} // namespace

TEST_CASE("HID usage keys: primary usage, device usage pairs, top-level device usage")
{
    auto nub = make_event_service();
    check_rows(
        {
            { "PrimaryUsagePage + PrimaryUsage: 1100 + 100", hid({ { "PrimaryUsagePage", num(1) }, { "PrimaryUsage", num(6) } }), true, 1200, "" },
            { "PrimaryUsagePage alone: 1100", hid({ { "PrimaryUsagePage", num(1) } }), true, 1100, "" },
            { "PrimaryUsage without its page counts nothing", hid({ { "PrimaryUsage", num(6) } }), true, 0, "" },
            { "another primary usage page", hid({ { "PrimaryUsagePage", num(0xff00) } }), false, 0, "PrimaryUsagePage" },
            { "another primary usage", hid({ { "PrimaryUsagePage", num(1) }, { "PrimaryUsage", num(2) } }), false, 0, "PrimaryUsage" },
            { "a usage pair: 100 + 1100", hid({ { "DeviceUsagePairs", Property::array({ pair(1, 6) }) } }), true, 1200, "" },
            { "a pair with only the page: 50 + 1100", hid({ { "DeviceUsagePairs", Property::array({ page_only(1) }) } }), true, 1150, "" },
            { "the second pair matches", hid({ { "DeviceUsagePairs", Property::array({ pair(1, 99), pair(12, 1) }) } }), true, 1200, "" },
            { "no pair matches", hid({ { "DeviceUsagePairs", Property::array({ pair(13, 1) }) } }), false, 0, "DeviceUsagePairs" },
            { "pairs win over the primary usage", hid({ { "DeviceUsagePairs", Property::array({ pair(1, 6) }) }, { "PrimaryUsagePage", num(1) } }), true, 1200, "" },
            { "top-level DeviceUsagePage + DeviceUsage", hid({ { "DeviceUsagePage", num(12) }, { "DeviceUsage", num(1) } }), true, 1200, "" },
            { "top-level DeviceUsage on no pair", hid({ { "DeviceUsagePage", num(12) }, { "DeviceUsage", num(2) } }), false, 0, "DeviceUsagePage" },
            { "no HID keys: matches, scores nothing", hid({}), true, 0, "" },
            { "IOProbeScore is the starting score", hid({ { "PrimaryUsagePage", num(1) }, { "IOProbeScore", num(500) } }), true, 1600, "" },
        },
        nub);
}

TEST_CASE("HID transport and vendor keys, ProductID and its array and mask forms")
{
    auto nub = make_event_service();
    PropertyDict wildcard = hid({ { "VendorID", num(0x1209) } });
    wildcard["ProductID"] = Property::string("*");
    check_rows(
        {
            { "Transport: 1000", hid({ { "Transport", Property::string("USB") } }), true, 1000, "" },
            { "another Transport", hid({ { "Transport", Property::string("Bluetooth") } }), false, 0, "Transport" },
            { "LocationID counts only with Transport", hid({ { "LocationID", num(0x14100000) } }), true, 0, "" },
            { "Transport + LocationID: 1000 + 2000", hid({ { "Transport", Property::string("USB") }, { "LocationID", num(0x14100000) } }), true, 3000, "" },
            { "VendorID: 5000", hid({ { "VendorID", num(0x1209) } }), true, 5000, "" },
            { "another VendorID", hid({ { "VendorID", num(0x05ac) } }), false, 0, "VendorID" },
            { "VendorID + ProductID: 5000 + 1000", hid({ { "VendorID", num(0x1209) }, { "ProductID", num(0x10) } }), true, 6000, "" },
            { "ProductID counts only with VendorID", hid({ { "ProductID", num(0x10) } }), true, 0, "" },
            { "ProductID \"*\" scores like the id", wildcard, true, 6000, "" },
            { "ProductIDArray: 975", hid({ { "VendorID", num(0x1209) }, { "ProductIDArray", Property::array({ num(5), num(0x10) }) } }), true, 5975, "" },
            { "ProductID under ProductIDMask: 950", hid({ { "VendorID", num(0x1209) }, { "ProductID", num(0x11) }, { "ProductIDMask", num(0xfff0) } }), true, 5950, "" },
            { "ProductIDArray under ProductIDMask: 925", hid({ { "VendorID", num(0x1209) }, { "ProductIDArray", Property::array({ num(0x13) }) }, { "ProductIDMask", num(0xfff0) } }), true, 5925, "" },
            { "another ProductID", hid({ { "VendorID", num(0x1209) }, { "ProductID", num(0x11) } }), false, 0, "ProductID" },
            { "ProductIDArray without it", hid({ { "VendorID", num(0x1209) }, { "ProductIDArray", Property::array({ num(5) }) } }), false, 0, "ProductIDArray" },
            { "version, manufacturer, serial: 100 each", hid({ { "VendorID", num(0x1209) }, { "VersionNumber", num(0x100) }, { "Manufacturer", Property::string("dextlab") }, { "SerialNumber", Property::string("0001") } }), true, 5300, "" },
            { "another Manufacturer", hid({ { "Manufacturer", Property::string("someone") } }), false, 0, "Manufacturer" },
            { "BootProtocol must match, scores nothing", hid({ { "BootProtocol", num(1) } }), false, 0, "BootProtocol" },
            { "a keyboard personality: usage + transport + vendor", hid({ { "PrimaryUsagePage", num(1) }, { "PrimaryUsage", num(6) }, { "Transport", Property::string("USB") }, { "VendorID", num(0x1209) }, { "ProductID", num(0x10) } }), true, 8200, "" },
        },
        nub);
}

TEST_CASE("a HID service without DeviceUsagePairs fails every personality")
{
    TestNub bare({ "IOHIDEventService", "IOService", "IORegistryEntry", "OSObject" });
    bare.set_property("PrimaryUsagePage", num(1));
    check_rows({ { "even one asking only the primary usage page", hid({ { "PrimaryUsagePage", num(1) } }), false, 0, "DeviceUsagePairs" } }, bare);
    auto result = match_personality(hid({}), bare);
    CHECK(result.reason.find("publishes no DeviceUsagePairs") != std::string::npos);
}

TEST_CASE("IOHIDDevice refuses a vendor usage page without VendorID on a USB or Bluetooth transport")
{
    TestNub device({ "IOHIDDevice", "IOService", "IORegistryEntry", "OSObject" });
    give_keyboard_properties(device);
    device.set_property("PrimaryUsagePage", num(0xff00));
    auto vendor_page = [](PropertyDict extra) {
        extra["PrimaryUsagePage"] = num(0xff00);
        return hid(std::move(extra), "IOHIDDevice");
    };
    check_rows(
        {
            { "Transport USB, no VendorID", vendor_page({ { "Transport", Property::string("USB") } }), false, 0, "VendorID" },
            { "Transport USB with VendorID", vendor_page({ { "Transport", Property::string("USB") }, { "VendorID", num(0x1209) } }), true, 1100 + 1000 + 5000, "" },
            { "no Transport key: only logged on macOS", vendor_page({}), true, 1100, "" },
        },
        device);
}

TEST_CASE("IOHIDInterface compares its IOHIDDevice provider's properties")
{
    TestNub device({ "IOHIDDevice", "IOService", "IORegistryEntry", "OSObject" });
    give_keyboard_properties(device);
    TestNub interface({ "IOHIDInterface", "IOService", "IORegistryEntry", "OSObject" });
    interface.name = "IOHIDInterface";
    interface.parent = &device;
    CHECK(&hid_owner(interface) == &device);
    check_rows({ { "the device's vendor", hid({ { "VendorID", num(0x1209) } }, "IOHIDInterface"), true, 5000, "" } }, interface);

    TestNub orphan({ "IOHIDInterface", "IOService", "IORegistryEntry", "OSObject" });
    CHECK(&hid_owner(orphan) == &orphan);
}

TEST_CASE("a HID explanation lists each key with what it added")
{
    auto nub = make_event_service();
    auto result = match_personality(hid({ { "PrimaryUsagePage", num(1) }, { "Transport", Property::string("USB") }, { "LocationID", num(0x14100000) }, { "ProductID", num(0x10) } }), nub);
    REQUIRE(result.matched);
    CHECK(result.score == 1100 + 3000);
    for (auto const& k : result.compared) {
        CAPTURE(k.key);
        if (k.key == "PrimaryUsagePage")
            CHECK(k.score == 1100);
        if (k.key == "LocationID")
            CHECK(k.score == 2000);
        if (k.key == "ProductID") {
            CHECK(k.score == 0);
            CHECK(k.note.find("VendorID") != std::string::npos);
        }
    }
}
