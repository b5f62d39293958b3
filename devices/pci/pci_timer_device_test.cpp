#include "devices/pci/pci_timer_device.h"
#include "devices/pci/test_host.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::pci;
using testing::TestHost;
using Reg = PciTimerDevice::Reg;

namespace {

DeviceParams numbers(std::map<std::string, uint64_t> values)
{
    DeviceParams params;
    params.numbers = std::move(values);
    return params;
}

struct Fixture {
    TestHost host;
    std::unique_ptr<PciTimerDevice> timer;
    explicit Fixture(DeviceParams const& params = {})
    {
        auto made = PciTimerDevice::create(params);
        REQUIRE(made.has_value());
        timer = std::move(made).value();
        timer->attach(host);
        timer->reset();
        TestHost::enable_msi(*timer, PciFunctionCore::kMsiCapabilityOffset);
    }
    uint32_t read(uint64_t offset) { return static_cast<uint32_t>(timer->memory_read(0, offset, 4)); }
    void write(uint64_t offset, uint32_t value) { timer->memory_write(0, offset, 4, value); }
};

} // namespace

TEST_CASE("pci-timer identity: defaults and parameters reach configuration space")
{
    Fixture f;
    CHECK(f.timer->config_read(cfg::VendorId, 4) == 0x74711209u);
    CHECK(f.timer->config_read(cfg::SubsystemVendorId, 4) == 0x74711209u); // follows vid/did
    CHECK(f.timer->config_read(cfg::RevisionId, 4) == 0x08800001u);
    CHECK(TestHost::probe_bar(*f.timer, 0) == 0xFFFFF000u);

    Fixture g(numbers({ { "vid", 0x106B }, { "did", 0x1234 }, { "subvid", 0x1209 }, { "subdid", 0x0002 }, { "class", 0x0C0330 },
        { "revision", 9 } }));
    CHECK(g.timer->config_read(cfg::VendorId, 4) == 0x1234106Bu);
    CHECK(g.timer->config_read(cfg::SubsystemVendorId, 4) == 0x00021209u);
    CHECK(g.timer->config_read(cfg::RevisionId, 4) == 0x0C033009u);
}

TEST_CASE("pci-timer registers: ID, reset values and read-only counter")
{
    Fixture f;
    CHECK(f.read(Reg::Id) == PciTimerDevice::kIdValue);
    CHECK(f.read(Reg::Control) == 0u);
    CHECK(f.read(Reg::IntervalUs) == 1000u);
    CHECK(f.read(Reg::Status) == 0u);
    CHECK(f.read(Reg::Vector) == 0u);
    CHECK(f.read(0x100) == 0u); // unimplemented offsets read as zero
    f.write(Reg::CountLow, 55);
    CHECK(f.read(Reg::CountLow) == 0u);
    CHECK(f.timer->memory_read(0, Reg::Id + 2, 2) == 0x544Du); // a 16-bit access reads its byte lanes
}

TEST_CASE("pci-timer ticks every interval of virtual time while running and raises its vector")
{
    Fixture f(numbers({ { "interval", 250 } }));
    f.write(Reg::Control, PciTimerDevice::kControlRun | PciTimerDevice::kControlIrqEnable);
    f.host.run_for(1_ms);
    REQUIRE(f.host.messages.size() == 4);
    CHECK(f.host.messages[0].time == 250_us);
    CHECK(f.host.messages[3].time == 1_ms);
    CHECK(f.timer->memory_read(0, Reg::CountLow, 8) == 4u);
    // Never acknowledged: TICK stays set and later ticks flag an overrun.
    CHECK(f.read(Reg::Status) == (PciTimerDevice::kStatusTick | PciTimerDevice::kStatusOverrun));
    f.write(Reg::Status, PciTimerDevice::kStatusTick | PciTimerDevice::kStatusOverrun);
    CHECK(f.read(Reg::Status) == 0u);
}

TEST_CASE("pci-timer without IRQ_ENABLE counts but raises nothing")
{
    Fixture f;
    f.write(Reg::Control, PciTimerDevice::kControlRun);
    f.host.run_for(3_ms);
    CHECK(f.read(Reg::CountLow) == 3u);
    CHECK(f.host.messages.empty());
    CHECK(f.timer->interrupts_raised() == 0u);
}

TEST_CASE("pci-timer: writing INTERVAL_US restarts the period, RUN=0 stops, VECTOR picks the vector")
{
    Fixture f(numbers({ { "vectors", 4 } }));
    TestHost::enable_msi(*f.timer, PciFunctionCore::kMsiCapabilityOffset, 2);
    f.write(Reg::Vector, 2);
    f.write(Reg::Control, PciTimerDevice::kControlRun | PciTimerDevice::kControlIrqEnable);
    f.host.run_for(500_us);
    f.write(Reg::IntervalUs, 100);
    f.host.run_for(250_us);
    REQUIRE(f.host.messages.size() == 2);
    CHECK(f.host.messages[0].time == 600_us);
    CHECK(f.host.messages[1].time == 700_us);
    CHECK(f.host.messages[0].data == 0x4022u);
    f.write(Reg::Control, 0);
    CHECK_FALSE(f.timer->is_ticking());
    f.host.run_for(10_ms);
    CHECK(f.host.messages.size() == 2);
    f.write(Reg::IntervalUs, 0);
    f.write(Reg::Control, PciTimerDevice::kControlRun);
    CHECK_FALSE(f.timer->is_ticking()); // a zero interval never ticks
}

TEST_CASE("pci-timer with memory space off ignores the driver, and reset clears everything")
{
    Fixture f;
    f.timer->config_write(cfg::Command, 2, 0);
    f.write(Reg::Control, PciTimerDevice::kControlRun);
    CHECK_FALSE(f.timer->is_ticking());
    CHECK(f.read(Reg::Id) == 0xFFFFFFFFu);
    TestHost::enable_msi(*f.timer, PciFunctionCore::kMsiCapabilityOffset);
    f.write(Reg::Control, PciTimerDevice::kControlRun);
    f.host.run_for(2_ms);
    f.timer->reset();
    CHECK_FALSE(f.timer->is_ticking());
    CHECK(f.timer->ticks() == 0u);
    CHECK(f.timer->command() == 0u);
}

TEST_CASE("pci-timer stops on detach and leaves no event behind")
{
    Fixture f;
    f.write(Reg::Control, PciTimerDevice::kControlRun | PciTimerDevice::kControlIrqEnable);
    f.host.run_for(1_ms);
    f.timer->detach();
    f.host.run_for(5_ms);
    CHECK(f.host.messages.size() == 1);
    f.timer.reset(); // destroyed after detach: nothing scheduled may call into it
    f.host.run_for(5_ms);
}

TEST_CASE("pci-timer with bus mastering off withholds its interrupts and says why")
{
    Fixture f;
    f.timer->config_write(cfg::Command, 2, command::MemorySpace);
    f.write(Reg::Control, PciTimerDevice::kControlRun | PciTimerDevice::kControlIrqEnable);
    f.host.run_for(2_ms);
    CHECK(f.host.messages.empty());
    REQUIRE(f.host.withheld.size() == 2);
    CHECK(f.host.withheld[0].why.find("bus mastering") != std::string::npos);
}

TEST_CASE("pci-timer parameter validation names the parameter and the allowed range")
{
    auto error_for = [](DeviceParams const& params) {
        auto result = PciTimerDevice::create(params);
        REQUIRE_FALSE(result.has_value());
        return result.error().message;
    };
    CHECK(error_for(numbers({ { "vid", 0xFFFF } })) == "pci-timer: parameter 'vid' is 0xffff; allowed range is 0x0001..0xfffe");
    CHECK(error_for(numbers({ { "interval", 0 } })) == "pci-timer: parameter 'interval' is 0us; allowed range is 1us..1000000us");
    CHECK(error_for(numbers({ { "vectors", 3 } })).find("1, 2, 4, 8, 16 or 32") != std::string::npos);
    CHECK(error_for(numbers({ { "pid", 1 } })).find("unknown parameter 'pid'; accepted parameters: class, did, interval") != std::string::npos);
    DeviceParams timed;
    timed.durations["interval"] = 1500; // 1.5 us
    CHECK(error_for(timed) == "pci-timer: parameter 'interval' is 1500ns; write a whole number of microseconds such as 1000us");
    timed.durations["interval"] = 2_ms;
    auto ok = PciTimerDevice::parse_options(timed);
    REQUIRE(ok.has_value());
    CHECK(ok.value().interval_us == 2000u);
    DeviceParams text;
    text.strings["interval"] = "250us";
    CHECK(PciTimerDevice::parse_options(text).value().interval_us == 250u);
}

TEST_CASE("the pci-timer model is registered with its parameters")
{
    auto const* model = PciDeviceModels::find("pci-timer");
    REQUIRE(model != nullptr);
    CHECK(model->description.find("interval") != std::string::npos);
    auto device = model->create(DeviceParams {});
    REQUIRE(device.has_value());
    CHECK(device.value()->product_name() == "PCI Interval Timer");
    CHECK(PciDeviceModels::find("no-such-model") == nullptr);
    CHECK_FALSE(PciDeviceModels::all().empty());
}
