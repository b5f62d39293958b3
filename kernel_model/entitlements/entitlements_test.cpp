// Entitlement rules as rows of data: entitlements, personality, provider → allowed, or the
// entitlement reported missing. No dext starts.
#include "kernel_model/entitlements/entitlements.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;
namespace keys = dextlab::kernel::entitlement_keys;

namespace {

class TestNub final : public RegistryEntry {
public:
    explicit TestNub(std::string cls)
        : m_class(std::move(cls))
    {
    }
    std::vector<std::string> class_chain() const override { return { m_class, "IOService", "IORegistryEntry", "OSObject" }; }

private:
    std::string m_class;
};

Property num(uint64_t v) { return Property::number(v, 32); }
Property yes() { return Property::boolean(true); }
Property usb(std::vector<PropertyDict> dicts)
{
    PropertyArray a;
    for (auto& d : dicts)
        a.push_back(Property::dict(std::move(d)));
    return Property::array(std::move(a));
}

// A dext personality with this IOClass (the kernel class the dext's service runs under).
Personality dext(std::string ioclass = "IOUserService")
{
    return Personality { "Driver",
        { { "IOClass", Property::string(std::move(ioclass)) }, { "IOUserClass", Property::string("Driver") },
            { "IOUserServerName", Property::string("org.dextlab.Driver") }, { "IOProviderClass", Property::string("IOService") } } };
}

UsbInterfaceNub usb_interface()
{
    UsbInterfaceNub n;
    n.set_property("idVendor", num(0x1209));
    n.set_property("idProduct", num(0x0001));
    n.set_property("bInterfaceClass", num(0xff));
    n.set_property("bInterfaceNumber", num(0));
    return n;
}

struct Row {
    char const* name;
    PropertyDict entitlements;
    Personality personality;
    bool allowed;
    char const* missing; // when refused
};

void check_rows(std::vector<Row> const& rows, RegistryEntry const& provider)
{
    for (auto const& row : rows) {
        std::string row_name = row.name;
        CAPTURE(row_name);
        auto verdict = check_entitlements(row.entitlements, row.personality, provider, "Driver");
        CHECK(verdict.allowed == row.allowed);
        if (!row.allowed) {
            CHECK(verdict.missing == row.missing);
            CHECK(verdict.reason.find(row.missing) != std::string::npos);
            CHECK(verdict.reason.find("personality Driver of dext Driver") != std::string::npos);
        }
    }
}

} // namespace

TEST_CASE("USB providers: the DriverKit entitlement and a transport.usb that covers the device")
{
    auto nub = usb_interface();
    PropertyDict dk { { keys::driverkit, yes() } };
    auto with_usb = [&](Property value) {
        PropertyDict e = dk;
        e[keys::transport_usb] = std::move(value);
        return e;
    };
    check_rows(
        {
            { "no entitlements at all", {}, dext(), false, keys::driverkit },
            { "driverkit false", { { keys::driverkit, Property::boolean(false) }, { keys::transport_usb, yes() } }, dext(), false, keys::driverkit },
            { "driverkit only", dk, dext(), false, keys::transport_usb },
            { "transport.usb true (development builds)", with_usb(yes()), dext(), true, "" },
            { "transport.usb \"*\"", with_usb(Property::string("*")), dext(), true, "" },
            { "the device's vendor listed", with_usb(usb({ { { "idVendor", num(0x1209) } } })), dext(), true, "" },
            { "another vendor listed", with_usb(usb({ { { "idVendor", num(0x05ac) } } })), dext(), false, keys::transport_usb },
            { "the second dictionary covers it", with_usb(usb({ { { "idVendor", num(0x05ac) } }, { { "idVendor", num(0x1209) } } })), dext(), true, "" },
            { "vendor \"*\" inside a dictionary", with_usb(usb({ { { "idVendor", Property::string("*") } } })), dext(), true, "" },
            { "vendor and product", with_usb(usb({ { { "idVendor", num(0x1209) }, { "idProduct", num(1) } } })), dext(), true, "" },
            { "vendor and another product", with_usb(usb({ { { "idVendor", num(0x1209) }, { "idProduct", num(2) } } })), dext(), false, keys::transport_usb },
            { "product under a mask", with_usb(usb({ { { "idVendor", num(0x1209) }, { "idProduct", num(0x00ff) }, { "idProductMask", num(0xff00) } } })), dext(), true, "" },
            { "product in idProductArray", with_usb(usb({ { { "idVendor", num(0x1209) }, { "idProductArray", Property::array({ num(5), num(1) }) } } })), dext(), true, "" },
            { "interface class", with_usb(usb({ { { "bInterfaceClass", num(0xff) } } })), dext(), true, "" },
            { "an empty array covers nothing", with_usb(Property::array({})), dext(), false, keys::transport_usb },
            { "false", with_usb(Property::boolean(false)), dext(), false, keys::transport_usb },
        },
        nub);

    // The same rule holds for a device nub.
    UsbDeviceNub device;
    device.set_property("idVendor", num(0x1209));
    check_rows({ { "device nub, vendor listed", with_usb(usb({ { { "idVendor", num(0x1209) } } })), dext(), true, "" },
                   { "device nub, no transport", dk, dext(), false, keys::transport_usb } },
        device);
}

TEST_CASE("family entitlements follow the IOClass the dext's service runs under")
{
    TestNub resources("IOUserResources");
    PropertyDict dk { { keys::driverkit, yes() } };
    auto plus = [&](char const* key) {
        PropertyDict e = dk;
        e[key] = yes();
        return e;
    };
    check_rows(
        {
            { "IOUserService needs no family", dk, dext(), true, "" },
            { "AppleUserHIDDevice without family.hid.device", dk, dext("AppleUserHIDDevice"), false, keys::family_hid_device },
            { "AppleUserHIDDevice with it", plus(keys::family_hid_device), dext("AppleUserHIDDevice"), true, "" },
            { "AppleUserHIDEventService without family.hid.eventservice", plus(keys::family_hid_device), dext("AppleUserHIDEventService"), false, keys::family_hid_eventservice },
            { "AppleUserHIDEventService with it", plus(keys::family_hid_eventservice), dext("AppleUserHIDEventService"), true, "" },
            { "IOUserSerial without family.serial", dk, dext("IOUserSerial"), false, keys::family_serial },
            { "IOUserSerial with it", plus(keys::family_serial), dext("IOUserSerial"), true, "" },
            { "IOUserNetworkEthernet without family.networking", dk, dext("IOUserNetworkEthernet"), false, keys::family_networking },
            { "IOUserNetworkEthernet with it", plus(keys::family_networking), dext("IOUserNetworkEthernet"), true, "" },
        },
        resources);
}

TEST_CASE("HID providers need transport.hid, a kernel personality is not gated")
{
    TestNub hid_interface("IOHIDInterface");
    PropertyDict dk { { keys::driverkit, yes() }, { keys::family_hid_eventservice, yes() } };
    PropertyDict with_hid = dk;
    with_hid[keys::transport_hid] = yes();
    check_rows(
        {
            { "event service without transport.hid", dk, dext("AppleUserHIDEventService"), false, keys::transport_hid },
            { "event service with transport.hid", with_hid, dext("AppleUserHIDEventService"), true, "" },
            { "a kernel personality (no IOUserClass, no IOUserServerName)", {}, Personality { "Kernel", { { "IOClass", Property::string("IOUserSerial") } } }, true, "" },
        },
        hid_interface);
}

TEST_CASE("a provider's own IOServiceDEXTEntitlements: a string, any of an array, all of an inner array")
{
    TestNub nub("IOPlatformDevice"); // a class with no transport rule, so only its own demand applies
    PropertyDict dk { { keys::driverkit, yes() } };
    auto demand = [&](Property value) {
        nub.set_property("IOServiceDEXTEntitlements", std::move(value));
        return check_entitlements(dk, dext(), nub, "Driver");
    };
    CHECK(demand(Property::string(keys::driverkit)).allowed);
    CHECK_FALSE(demand(Property::string("com.example.pci")).allowed);
    CHECK(demand(Property::array({ Property::string("com.example.pci"), Property::string(keys::driverkit) })).allowed);
    CHECK_FALSE(demand(Property::array({ Property::array({ Property::string(keys::driverkit), Property::string("com.example.pci") }) })).allowed);
    auto refused = demand(Property::string("com.example.pci"));
    CHECK(refused.missing == "\"com.example.pci\"");
    CHECK(refused.checked == std::vector<std::string> { keys::driverkit, "IOServiceDEXTEntitlements" });
}

TEST_CASE("PCI providers: transport.pci must be true or hold a dictionary that matches the function")
{
    TestNub nub("IOPCIDevice");
    auto le32 = [](uint32_t v) {
        return Property::data({ static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24) });
    };
    nub.set_property("vendor-id", le32(0x1209));
    nub.set_property("device-id", le32(0x7471));
    nub.set_property("class-code", le32(0x088000));
    PropertyDict dk { { keys::driverkit, yes() } };
    auto with_pci = [&](Property value) {
        PropertyDict e = dk;
        e[keys::transport_pci] = std::move(value);
        return e;
    };
    auto match = [](char const* key, char const* value) { return PropertyDict { { key, Property::string(value) } }; };
    check_rows(
        {
            { "driverkit only", dk, dext(), false, keys::transport_pci },
            { "transport.pci true", with_pci(yes()), dext(), true, "" },
            { "the vendor under a mask (Apple's sample)", with_pci(usb({ match("IOPCIPrimaryMatch", "0x00001209&0x0000FFFF") })), dext(), true, "" },
            { "the exact function", with_pci(usb({ match("IOPCIMatch", "0x74711209") })), dext(), true, "" },
            { "another vendor", with_pci(usb({ match("IOPCIPrimaryMatch", "0x000010b5&0x0000FFFF") })), dext(), false, keys::transport_pci },
            { "the second dictionary covers it", with_pci(usb({ match("IOPCIMatch", "0x12345678"), match("IOPCIClassMatch", "0x08800000") })), dext(), true, "" },
            { "an empty array covers nothing", with_pci(Property::array({})), dext(), false, keys::transport_pci },
            { "a string is not a dictionary", with_pci(Property::array({ Property::string("com.apple.developer.driverkit.builtin") })), dext(), false, keys::transport_pci },
            { "false", with_pci(Property::boolean(false)), dext(), false, keys::transport_pci },
        },
        nub);
    auto refused = check_entitlements(with_pci(usb({ match("IOPCIMatch", "0x12345678") })), dext(), nub, "Driver");
    CHECK(refused.reason.find("vendor 0x1209 device 0x7471") != std::string::npos);
    CHECK(refused.reason.find("IOPCIPrimaryMatch = \"0x74711209\"") != std::string::npos);
}

TEST_CASE("every rule names an entitlement and its source")
{
    for (auto const& rule : kEntitlementRules) {
        CAPTURE(rule.entitlement);
        CHECK(std::string(rule.entitlement).starts_with("com.apple.developer.driverkit"));
        CHECK(std::string(rule.source).size() > 10);
        CHECK((rule.scope == EntitlementScope::EveryDext) == (std::string(rule.subject).empty()));
    }
}
