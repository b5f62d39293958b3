// `match --explain` as data: verdicts, winners and why, refusals, held categories, closest misses.
#include "kernel_model/matching/explain.h"
#include "kernel_model/server/kernel_driver.h"
#include "kernel_model/server/user_service.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {

Personality personality(std::string name, std::string provider, std::vector<std::pair<std::string, uint64_t>> keys)
{
    Personality p { std::move(name), {} };
    p.properties["IOProviderClass"] = Property::string(std::move(provider));
    for (auto const& [k, v] : keys)
        p.properties[k] = Property::number(v, 32);
    return p;
}

struct Setup {
    RegistryRoot root;
    UsbDeviceNub device;
    UsbInterfaceNub interface;
    Catalogue catalogue;

    Setup()
    {
        device.name = "Vendor Interrupt Device";
        device.location = "14100000";
        device.device_id = "dev0";
        device.parent = &root;
        interface.name = "IOUSBHostInterface";
        interface.location = "0";
        interface.parent = &device;
        for (auto const& [k, v] : std::vector<std::pair<char const*, uint64_t>> { { "idVendor", 0x1209 }, { "idProduct", 1 },
                 { "bcdDevice", 0x100 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 }, { "bInterfaceClass", 0xff },
                 { "bInterfaceSubClass", 0 }, { "bInterfaceProtocol", 0 } })
            interface.set_property(k, Property::number(v, 16));
        catalogue.add({ "Specific", personality("Specific", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
        catalogue.add({ "Fallback", personality("Fallback", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceSubClass", 0 }, { "bInterfaceProtocol", 0 } }) });
        catalogue.add({ "Other", personality("WrongProduct", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 7 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
        catalogue.add({ "Other", personality("DeviceDriver", "IOUSBHostDevice", { { "idVendor", 0x1209 }, { "idProduct", 1 } }) });
    }
};

} // namespace

TEST_CASE("every installed personality gets a verdict, the winner and why")
{
    Setup s;
    auto e = explain_nub(s.catalogue, s.interface);
    CHECK(e.path == "Vendor Interrupt Device@14100000/IOUSBHostInterface@0");
    CHECK(e.device == "dev0");
    CHECK(e.class_name == "IOUSBHostInterface");
    REQUIRE(e.candidates.size() == 4);
    CHECK(e.candidates[0].verdict == Verdict::Won);
    CHECK(e.candidates[0].result.score == 90000);
    CHECK(e.candidates[1].verdict == Verdict::Lost);
    CHECK(e.candidates[1].why == "lost to Specific of Specific (90000 > 80000)");
    CHECK(e.candidates[2].verdict == Verdict::Failed);
    CHECK(e.candidates[2].result.failed_key == "idProduct");
    CHECK(e.candidates[3].verdict == Verdict::WrongProvider);
    REQUIRE(e.categories.size() == 1);
    CHECK(e.categories[0].winner == 0u);
    CHECK(e.categories[0].why.find("Specific of Specific won with 90000") == 0);
    CHECK(e.closest.empty());

    auto text = format_explanation(e);
    CHECK(text.find("IODefaultMatchCategory: Specific of Specific won with 90000") != std::string::npos);
    CHECK(text.find("[3] WrongProduct (dext Other)  FAILED at idProduct") != std::string::npos);
    CHECK(text.find("idProduct              wants 0x7") != std::string::npos);
    CHECK(text.find("[4] DeviceDriver (dext Other)  not a candidate: wants IOUSBHostDevice, the nub is IOUSBHostInterface") != std::string::npos);
}

TEST_CASE("a refused winner hands the category to the next candidate")
{
    Setup s;
    StartGate gate = [](CatalogueEntry const& entry, RegistryEntry const&) {
        return entry.bundle == "Specific" ? GateOutcome { true, "lacks com.apple.developer.driverkit.transport.usb" } : GateOutcome {};
    };
    auto e = explain_nub(s.catalogue, s.interface, gate);
    CHECK(e.candidates[0].verdict == Verdict::Refused);
    CHECK(e.candidates[0].why.find("transport.usb") != std::string::npos);
    CHECK(e.candidates[1].verdict == Verdict::Won);
    CHECK(e.categories[0].winner == 1u);

    StartGate warn = [](CatalogueEntry const&, RegistryEntry const&) { return GateOutcome { false, "lacks it" }; };
    auto w = explain_nub(s.catalogue, s.interface, warn);
    CHECK(w.candidates[0].verdict == Verdict::Won);
    CHECK(w.candidates[0].why.find("development mode") != std::string::npos);
}

TEST_CASE("a category held by another live client is reported")
{
    Setup s;
    UserService running;
    running.name = "FallbackDriver";
    running.personality = "Fallback";
    running.state = ServiceState::Started;
    running.properties["IOMatchCategory"] = Property::string("IODefaultMatchCategory");
    s.interface.children.push_back(&running);
    auto e = explain_nub(s.catalogue, s.interface);
    CHECK(e.candidates[0].verdict == Verdict::CategoryHeld);
    CHECK(e.categories[0].client == "FallbackDriver (personality Fallback, started)");
    CHECK(e.categories[0].why.find("already holds") != std::string::npos);
}

TEST_CASE("an unmatched nub lists its closest candidates, most keys held first")
{
    Setup s;
    s.interface.set_property("idVendor", Property::number(0x05ac, 16));
    auto e = explain_nub(s.catalogue, s.interface);
    CHECK_FALSE(e.matched());
    REQUIRE(e.closest.size() == 3);
    for (size_t i : e.closest)
        CHECK(e.candidates[i].verdict == Verdict::Failed);
    CHECK(e.candidates[e.closest.front()].personality == "Specific"); // four keys held before idVendor failed

    auto device = explain_nub(s.catalogue, s.device);
    Catalogue interfaces_only;
    interfaces_only.add(s.catalogue[0]);
    auto no_class = explain_nub(interfaces_only, s.device);
    CHECK(no_class.closest.empty());
    CHECK(format_explanation(no_class).find("no installed personality is for IOUSBHostDevice") != std::string::npos);
    // The bare device nub publishes no idVendor: only DeviceDriver is for its class, and is the closest.
    REQUIRE(device.closest.size() == 1);
    CHECK(device.candidates[device.closest[0]].personality == "DeviceDriver");
    CHECK(device.candidates[device.closest[0]].result.failed_key == "idVendor");
    auto text = format_explanation(e);
    CHECK(text.find("nothing matched") != std::string::npos);
    CHECK(text.find("closest candidates:") != std::string::npos);
    CHECK(text.find("idVendor failed") != std::string::npos);
}

TEST_CASE("a device no dext claimed names the kernel driver that drives it")
{
    Setup s;
    Catalogue interfaces_only;
    interfaces_only.add(s.catalogue[0]);
    CHECK(explain_nub(interfaces_only, s.device).kernel_driver.empty());
    KernelDriver composite;
    composite.ioclass = "AppleUSBHostCompositeDevice";
    composite.parent = &s.device;
    s.device.children.push_back(&composite);
    auto e = explain_nub(interfaces_only, s.device);
    CHECK_FALSE(e.matched());
    CHECK(e.kernel_driver == "AppleUSBHostCompositeDevice");
    CHECK(format_explanation(e).find("the kernel's AppleUSBHostCompositeDevice drives it (no dext personality won it)") != std::string::npos);
    composite.active = false; // terminated with the device: no longer its driver
    CHECK(explain_nub(interfaces_only, s.device).kernel_driver.empty());
    s.device.children.clear();
}
