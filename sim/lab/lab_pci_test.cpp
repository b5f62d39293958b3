// The lab's side of the PCI family: one `plug:` for every bus (the model's registry decides),
// one namespace of device ids, the nub in the registry, unplug and shut-down. No dext runs.
#include "kernel_model/pci/pci_host.h"
#include "sim/lab/lab.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::lab;

namespace {

LabOptions options()
{
    LabOptions o;
    o.seed = 5;
    return o;
}

kernel::RegistryEntry const* find_named(kernel::RegistryEntry const& root, std::string const& name)
{
    kernel::RegistryEntry const* found = nullptr;
    kernel::for_each_entry(root, [&](kernel::RegistryEntry const& e, int) {
        if (!found && e.name == name)
            found = &e;
    });
    return found;
}

} // namespace

TEST_CASE("plug picks the bus from the model's registry and publishes the IOPCIDevice nub")
{
    Lab lab(options());
    REQUIRE(lab.plug("pci0", "pci-timer", {}).has_value());
    CHECK(lab.kernel().is_pci_plugged("pci0"));
    CHECK_FALSE(lab.kernel().is_plugged("pci0")); // not a USB device
    auto const* nub = find_named(lab.kernel().registry(), "pci1209,7471");
    REQUIRE(nub != nullptr);
    CHECK(nub->class_name() == "IOPCIDevice");
    CHECK(nub->location == "1");
    CHECK(nub->property("vendor-id")->as_data() == std::vector<uint8_t> { 0x09, 0x12, 0, 0 });
    REQUIRE(lab.plug("usb0", "vendor-interrupt", {}).has_value());
    CHECK(lab.kernel().is_plugged("usb0"));
    REQUIRE(lab.unplug("pci0").has_value());
    lab.run_for(1_ms);
    CHECK(find_named(lab.kernel().registry(), "pci1209,7471") == nullptr);
    CHECK(lab.kernel().plugged_pci_devices().empty());
}

TEST_CASE("device ids are one namespace across buses, and a freed slot is reused")
{
    Lab lab(options());
    REQUIRE(lab.plug("dev0", "vendor-interrupt", {}).has_value());
    auto again = lab.plug("dev0", "pci-timer", {});
    REQUIRE_FALSE(again.has_value());
    CHECK(again.error().message == "device 'dev0' is already plugged in; unplug it first or use another id");
    REQUIRE(lab.plug("a", "pci-timer", {}).has_value());
    REQUIRE(lab.plug("b", "pci-timer", {}).has_value());
    CHECK(find_named(lab.kernel().registry(), "pci1209,7471")->location == "1");
    REQUIRE(lab.unplug("a").has_value());
    lab.run_for(1_ms);
    REQUIRE(lab.plug("c", "pci-timer", {}).has_value());
    auto const& pci = lab.kernel().pci();
    CHECK(pci.plugged() == std::vector<std::string> { "b", "c" });
}

TEST_CASE("an unknown model lists the models of every bus, and model errors name the parameter")
{
    Lab lab(options());
    auto unknown = lab.plug("x", "pci-timr", {});
    REQUIRE_FALSE(unknown.has_value());
    CHECK(unknown.error().message.find("unknown device model 'pci-timr'; known models: ") == 0);
    CHECK(unknown.error().message.find("pci-timer") != std::string::npos);
    CHECK(unknown.error().message.find("vendor-interrupt") != std::string::npos);
    devices::DeviceParams params;
    params.numbers["vectors"] = 3;
    auto bad = lab.plug("x", "pci-timer", params);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("pci-timer: parameter 'vectors' is 3") == 0);
    CHECK(lab.kernel().plugged_pci_devices().empty());
    CHECK_FALSE(lab.unplug("x").has_value());
}

TEST_CASE("shutting the lab down unplugs PCI devices too")
{
    Lab lab(options());
    REQUIRE(lab.plug("pci0", "pci-timer", {}).has_value());
    lab.shut_down();
    CHECK(lab.kernel().plugged_pci_devices().empty());
    CHECK(find_named(lab.kernel().registry(), "pci1209,7471") == nullptr);
}
