#include "kernel_model/pci/pci_configurator.h"

#include "devices/pci/config_space.h"
#include "devices/pci/pci_timer_device.h"
#include "devices/pci/test_host.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

// A function with a 64-bit prefetchable BAR2 beside the timer's shape, to see placement.
class WideFunction final : public pci::PciFunctionCore {
public:
    static pci::FunctionDescription shape()
    {
        pci::FunctionDescription d;
        d.vendor_id = 0x106B;
        d.device_id = 0x2001;
        d.class_code = 0x020000; // ethernet: IOPCIConfigurator names it generically
        d.bars[0] = pci::BarDescription { .size = 256, .is_64bit = false, .prefetchable = false };
        d.bars[2] = pci::BarDescription { .size = 1 << 16, .is_64bit = true, .prefetchable = true };
        d.msi_vectors = 0;
        return d;
    }
    WideFunction()
        : PciFunctionCore(shape())
    {
    }
    std::string product_name() const override { return "wide"; }

protected:
    uint64_t register_read(unsigned, uint64_t, unsigned) override { return 0; }
    void register_write(unsigned, uint64_t, unsigned, uint64_t) override { }
};

std::string text(Property const& p)
{
    auto const& bytes = p.as_data();
    return std::string(bytes.begin(), bytes.end());
}

} // namespace

TEST_CASE("configure_function reads the identity, sizes and places the BARs, finds MSI")
{
    pci::testing::TestHost host;
    auto timer = pci::PciTimerDevice::create({}).value();
    timer->attach(host);
    timer->reset();
    uint64_t next = 0x80000000;
    auto layout = configure_function(*timer, next);
    REQUIRE(layout.has_value());
    auto const& l = layout.value();
    CHECK(l.vendor_id == 0x1209);
    CHECK(l.device_id == 0x7471);
    CHECK(l.class_code == 0x088000);
    REQUIRE(l.ranges.size() == 1);
    CHECK(l.ranges[0].bar == 0);
    CHECK(l.ranges[0].size == 4096);
    CHECK(l.ranges[0].type == bar_type::M32);
    CHECK(l.ranges[0].address == 0x80000000);
    CHECK(next == 0x80001000);
    CHECK(timer->config_read(pci::cfg::Bar0, 4) == 0x80000000u); // placed
    CHECK(l.msi_capability == pci::PciFunctionCore::kMsiCapabilityOffset);
    CHECK(l.msi_vectors == 1);
    CHECK(l.msi_per_vector_masking);
    CHECK(l.msi_64bit);
}

TEST_CASE("a 64-bit prefetchable BAR is one range, aligned to its size")
{
    pci::testing::TestHost host;
    WideFunction f;
    f.attach(host);
    f.reset();
    uint64_t next = 0x80000100;
    auto layout = configure_function(f, next);
    REQUIRE(layout.has_value());
    REQUIRE(layout.value().ranges.size() == 2);
    CHECK(layout.value().ranges[0].address == 0x80000100);
    auto const& wide = layout.value().ranges[1];
    CHECK(wide.bar == 2);
    CHECK(wide.type == bar_type::M64PF);
    CHECK(wide.size == 0x10000);
    CHECK(wide.address == 0x80010000);
    CHECK(layout.value().msi_capability == 0);
    CHECK(nub_name(layout.value()) == "ethernet");
}

TEST_CASE("the nub's properties: 4-byte little-endian ids, name, compatible, assigned addresses")
{
    pci::testing::TestHost host;
    pci::DeviceParams params;
    params.numbers = { { "subvid", 0x106B }, { "subdid", 0x00A1 } };
    auto timer = pci::PciTimerDevice::create(params).value();
    timer->attach(host);
    timer->reset();
    uint64_t next = 0x80000000;
    auto l = configure_function(*timer, next).value();
    auto p = nub_properties(l, BusAddress { 0, 3, 0 });
    CHECK(p.at("vendor-id").as_data() == std::vector<uint8_t> { 0x09, 0x12, 0, 0 });
    CHECK(p.at("device-id").as_data() == std::vector<uint8_t> { 0x71, 0x74, 0, 0 });
    CHECK(p.at("class-code").as_data() == std::vector<uint8_t> { 0x00, 0x80, 0x08, 0 });
    CHECK(p.at("revision-id").as_data() == std::vector<uint8_t> { 1, 0, 0, 0 });
    CHECK(p.at("subsystem-vendor-id").as_data() == std::vector<uint8_t> { 0x6B, 0x10, 0, 0 });
    // The subsystem ids differ from the function's: IOPCIConfigurator names it after them.
    CHECK(p.at("IOName").as_string() == "pci106b,a1");
    CHECK(text(p.at("compatible")) == std::string("pci106b,a1\0pci1209,7471\0pciclass,088000\0", 40));
    CHECK(p.at("pcidebug").as_string() == "0:3:0");
    // phys.hi: relocatable bit, 32-bit memory space, device 3, register 0x10.
    auto const& assigned = p.at("assigned-addresses").as_data();
    REQUIRE(assigned.size() == 20);
    CHECK(assigned[0] == 0x82);
    CHECK(assigned[2] == 0x18);
    CHECK(assigned[3] == 0x10);
    CHECK(p.at("IOServiceDEXTEntitlements").to_ioreg_text() == "((\"com.apple.developer.driverkit.transport.pci\"))");
    CHECK(nub_location(BusAddress { 0, 0x1F, 3 }) == "1F,3");
    CHECK(nub_location(BusAddress { 0, 3, 0 }) == "3");
}

TEST_CASE("find_capability walks the list and can continue after a hit")
{
    pci::testing::TestHost host;
    auto timer = pci::PciTimerDevice::create({}).value();
    timer->attach(host);
    timer->reset();
    uint16_t const msi = find_capability(*timer, pci::kCapabilityMsi);
    CHECK(msi == pci::PciFunctionCore::kMsiCapabilityOffset);
    CHECK(find_capability(*timer, pci::kCapabilityMsi, msi) == 0); // only one
    CHECK(find_capability(*timer, 0x10) == 0);                     // no PCI Express capability
}

TEST_CASE("configure_function refuses an empty slot")
{
    class Empty final : public pci::PciDevice {
    public:
        std::string product_name() const override { return "empty"; }
        void attach(pci::PciHostPort&) override { }
        void reset() override { }
        uint32_t config_read(uint16_t, unsigned) override { return 0xFFFFFFFF; }
        void config_write(uint16_t, unsigned, uint32_t) override { }
        uint64_t memory_read(unsigned, uint64_t, unsigned) override { return ~0ull; }
        void memory_write(unsigned, uint64_t, unsigned, uint64_t) override { }
        void detach() override { }
    } empty;
    uint64_t next = 0;
    auto layout = configure_function(empty, next);
    REQUIRE_FALSE(layout.has_value());
    CHECK(layout.error().message.find("0xffff") != std::string::npos);
}
