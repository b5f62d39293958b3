// IOParentMatch: a nested table matched against the nub's providers, nearest first, up to the
// root (xnu IOService::matchPassive). Rows of data on a device → interface chain.
#include "kernel_model/matching/matching.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {

struct Chain {
    RegistryRoot root;
    UsbDeviceNub device;
    UsbInterfaceNub interface;

    Chain()
    {
        device.name = "Vendor Interrupt Device";
        device.parent = &root;
        device.set_property("idVendor", Property::number(0x1209, 16));
        device.set_property("idProduct", Property::number(1, 16));
        device.set_property("bcdDevice", Property::number(0x100, 16));
        device.set_property("bDeviceClass", Property::number(0, 8));
        device.set_property("USB Product Name", Property::string("Vendor Interrupt Device"));
        interface.name = "IOUSBHostInterface";
        interface.parent = &device;
        interface.set_property("bInterfaceClass", Property::number(3, 8));
        interface.set_property("bInterfaceSubClass", Property::number(1, 8));
        interface.set_property("bInterfaceProtocol", Property::number(1, 8));
    }
};

// An interface personality by class (60000) with the given IOParentMatch table.
PropertyDict with_parent(Property parent_match)
{
    PropertyDict p;
    p["IOProviderClass"] = Property::string("IOUSBHostInterface");
    p["bInterfaceClass"] = Property::number(3, 8);
    p["bInterfaceSubClass"] = Property::number(1, 8);
    p["bInterfaceProtocol"] = Property::number(1, 8);
    p["IOParentMatch"] = std::move(parent_match);
    return p;
}

} // namespace

TEST_CASE("IOParentMatch matches a provider above the nub")
{
    Chain c;
    struct Row {
        char const* name;
        Property parent_match;
        bool matched;
    };
    std::vector<Row> rows {
        { "provider class and property", Property::dict({ { "IOProviderClass", Property::string("IOUSBHostDevice") },
                                             { "IOPropertyMatch", Property::dict({ { "USB Product Name", Property::string("Vendor Interrupt Device") } }) } }),
            true },
        { "another product name", Property::dict({ { "IOPropertyMatch", Property::dict({ { "USB Product Name", Property::string("Other") } }) } }), false },
        { "USB keys are matched by the ancestor's family rules", Property::dict({ { "idVendor", Property::number(0x1209, 16) }, { "idProduct", Property::number(1, 16) } }), true },
        { "another vendor", Property::dict({ { "idVendor", Property::number(0x05ac, 16) }, { "idProduct", Property::number(1, 16) } }), false },
        { "a class no ancestor has", Property::dict({ { "IOProviderClass", Property::string("IOPCIDevice") } }), false },
        { "the name of an ancestor", Property::dict({ { "IONameMatch", Property::string("Vendor Interrupt Device") } }), true },
        { "not a dictionary", Property::string("IOUSBHostDevice"), false },
    };
    for (auto const& row : rows) {
        std::string row_name = row.name;
        CAPTURE(row_name);
        auto result = match_personality(with_parent(row.parent_match), c.interface);
        CHECK(result.matched == row.matched);
        if (row.matched) {
            CHECK(result.score == 60000); // the nub's own score; the parent only has to match
        } else {
            CHECK(result.failed_key == "IOParentMatch");
        }
        CHECK(result.compared.back().key == "IOParentMatch");
    }
}

TEST_CASE("IOParentMatch fails on a nub with no provider, and names the nearest ancestor's failure")
{
    Chain c;
    UsbInterfaceNub alone;
    alone.set_property("bInterfaceClass", Property::number(3, 8));
    alone.set_property("bInterfaceSubClass", Property::number(1, 8));
    alone.set_property("bInterfaceProtocol", Property::number(1, 8));
    auto parent = Property::dict({ { "IOProviderClass", Property::string("IOUSBHostDevice") } });
    auto result = match_personality(with_parent(parent), alone);
    CHECK_FALSE(result.matched);
    CHECK(result.reason.find("no provider") != std::string::npos);

    auto missed = match_personality(with_parent(Property::dict({ { "IOProviderClass", Property::string("IOPCIDevice") } })), c.interface);
    CHECK(missed.reason.find("Vendor Interrupt Device (IOUSBHostDevice)") != std::string::npos);
}
