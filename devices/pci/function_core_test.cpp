#include "devices/pci/function_core.h"
#include "devices/pci/test_host.h"

#include <doctest/doctest.h>

#include <map>

using namespace dextlab;
using namespace dextlab::pci;
using testing::TestHost;

namespace {

// A function whose BAR registers are a plain map, so the core's rules can be seen on their own.
class ScratchFunction final : public PciFunctionCore {
public:
    explicit ScratchFunction(FunctionDescription d)
        : PciFunctionCore(std::move(d))
    {
    }
    std::string product_name() const override { return "scratch"; }
    void raise(unsigned vector) { raise_interrupt(vector); }
    std::map<uint64_t, uint64_t> written;
    int resets { 0 };

protected:
    uint64_t register_read(unsigned, uint64_t offset, unsigned) override { return 0xA5A5A5A5A5A5A5A5ull ^ offset; }
    void register_write(unsigned, uint64_t offset, unsigned, uint64_t value) override { written[offset] = value; }
    void on_reset() override { ++resets; }
};

FunctionDescription sample_description()
{
    FunctionDescription d;
    d.vendor_id = 0x1209;
    d.device_id = 0x7471;
    d.subsystem_vendor_id = 0x106B;
    d.subsystem_id = 0x00A1;
    d.class_code = 0x088000;
    d.revision_id = 3;
    d.bars[0] = BarDescription { .size = 4096, .is_64bit = false, .prefetchable = false };
    d.bars[2] = BarDescription { .size = 1 << 20, .is_64bit = true, .prefetchable = true };
    d.msi_vectors = 4;
    return d;
}

struct Fixture {
    TestHost host;
    ScratchFunction function { sample_description() };
    Fixture()
    {
        function.attach(host);
        function.reset();
    }
    uint16_t msi() const { return PciFunctionCore::kMsiCapabilityOffset; }
};

} // namespace

TEST_CASE("the type-0 header reads back the identity, little-endian, in every access size")
{
    Fixture f;
    CHECK(f.function.config_read(cfg::VendorId, 4) == 0x74711209u); // device << 16 | vendor, as IOPCIMatch compares
    CHECK(f.function.config_read(cfg::VendorId, 2) == 0x1209u);
    CHECK(f.function.config_read(cfg::DeviceId + 1, 1) == 0x74u);
    CHECK(f.function.config_read(cfg::RevisionId, 4) == 0x08800003u); // class << 8 | revision
    CHECK(f.function.config_read(cfg::SubsystemVendorId, 4) == 0x00A1106Bu);
    CHECK(f.function.config_read(cfg::HeaderType, 1) == 0x00u);
    CHECK(f.function.config_read(cfg::InterruptPin, 1) == 1u);
    // Misaligned or out-of-range accesses are not decoded.
    CHECK(f.function.config_read(cfg::VendorId + 1, 2) == 0xFFFFu);
    CHECK(f.function.config_read(256, 4) == 0xFFFFFFFFu);
    // The identity is read-only.
    f.function.config_write(cfg::VendorId, 4, 0);
    CHECK(f.function.config_read(cfg::VendorId, 4) == 0x74711209u);
}

TEST_CASE("BARs size themselves: all-ones reads back the size mask with the type bits")
{
    Fixture f;
    CHECK(TestHost::probe_bar(f.function, 0) == 0xFFFFF000u);                      // 4 KiB, 32-bit, non-prefetchable
    CHECK(TestHost::probe_bar(f.function, 1) == 0u);                               // unimplemented
    CHECK(TestHost::probe_bar(f.function, 2) == (0xFFF00000u | bar::Type64 | bar::Prefetchable)); // 1 MiB, 64-bit
    CHECK(TestHost::probe_bar(f.function, 3) == 0xFFFFFFFFu);                      // the pair's upper half
    // An address is kept to the BAR's alignment; the type bits cannot be written.
    f.function.config_write(cfg::Bar0, 4, 0x80001234);
    CHECK(f.function.config_read(cfg::Bar0, 4) == 0x80001000u);
    f.function.config_write(cfg::Bar0 + 8, 4, 0x90000000 | 0xF);
    CHECK(f.function.config_read(cfg::Bar0 + 8, 4) == (0x90000000u | bar::Type64 | bar::Prefetchable));
}

TEST_CASE("the capability list leads to an MSI capability with 64-bit addresses and per-vector masking")
{
    Fixture f;
    CHECK((f.function.config_read(cfg::Status, 2) & status::CapabilitiesList) != 0);
    uint16_t const at = static_cast<uint16_t>(f.function.config_read(cfg::CapabilitiesPointer, 1));
    CHECK(at == f.msi());
    CHECK(f.function.config_read(at, 1) == kCapabilityMsi);
    CHECK(f.function.config_read(at + 1, 1) == 0u); // the last capability
    uint16_t const control = static_cast<uint16_t>(f.function.config_read(at + msi::Control, 2));
    CHECK(((control >> msi::MultipleMessageCapableShift) & 0x7) == 2u); // 4 vectors
    CHECK((control & msi::Address64) != 0);
    CHECK((control & msi::PerVectorMasking) != 0);
    CHECK((control & msi::Enable) == 0);
}

TEST_CASE("memory accesses are claimed only with memory space enabled, aligned and inside the BAR")
{
    Fixture f;
    CHECK(f.function.memory_read(0, 0x10, 4) == 0xFFFFFFFFu); // memory space off: master abort
    f.function.memory_write(0, 0x10, 4, 7);
    CHECK(f.function.written.empty());
    f.function.config_write(cfg::Command, 2, command::MemorySpace);
    CHECK(f.function.memory_read(0, 0x10, 4) == ((0xA5A5A5A5A5A5A5A5ull ^ 0x10) & 0xFFFFFFFFu));
    CHECK(f.function.memory_read(0, 0x10, 2) == ((0xA5A5A5A5A5A5A5A5ull ^ 0x10) & 0xFFFFu));
    f.function.memory_write(0, 0x10, 8, 0x1122334455667788ull);
    CHECK(f.function.written.at(0x10) == 0x1122334455667788ull);
    CHECK(f.function.memory_read(0, 0x11, 4) == 0xFFFFFFFFu);   // misaligned
    CHECK(f.function.memory_read(0, 4096, 4) == 0xFFFFFFFFu);   // past the BAR
    CHECK(f.function.memory_read(1, 0, 4) == 0xFFFFFFFFu);      // no BAR1
    CHECK(f.function.memory_read(0, 0, 3) == ~0ull);            // no such access size
}

TEST_CASE("Command keeps only implemented bits and Status error bits are write-1-to-clear")
{
    Fixture f;
    f.function.config_write(cfg::Command, 2, 0xFFFF);
    CHECK(f.function.command() == command::kWritable);
    f.function.config_write(cfg::Status, 2, 0xFFFF); // nothing set: nothing to clear, capabilities stays
    CHECK((f.function.status() & status::CapabilitiesList) != 0);
}

TEST_CASE("an MSI is sent with the vector in the low data bits once enabled, bus-mastering and unmasked")
{
    Fixture f;
    TestHost::enable_msi(f.function, f.msi(), 2);
    CHECK(f.function.msi_vectors_enabled() == 4u);
    f.function.raise(0);
    f.function.raise(3);
    REQUIRE(f.host.messages.size() == 2);
    CHECK(f.host.messages[0].address == TestHost::kMsiAddress);
    CHECK(f.host.messages[0].data == 0x4020u);
    CHECK(f.host.messages[1].data == 0x4023u);
    f.function.raise(4); // beyond the enabled vectors
    CHECK(f.host.messages.size() == 2);
    REQUIRE(f.host.withheld.size() == 1);
    CHECK(f.host.withheld[0].why.find("Multiple Message Enable") != std::string::npos);
}

TEST_CASE("Multiple Message Enable cannot exceed what the function is capable of")
{
    Fixture f;
    TestHost::enable_msi(f.function, f.msi(), 5);
    CHECK(f.function.msi_vectors_enabled() == 4u);
}

TEST_CASE("without bus mastering or with MSI disabled nothing is sent, and the host is told why")
{
    Fixture f;
    f.function.raise(0);
    REQUIRE(f.host.withheld.size() == 1);
    CHECK(f.host.withheld[0].why.find("INTx#") != std::string::npos);
    CHECK((f.function.status() & status::InterruptStatus) != 0);
    TestHost::enable_msi(f.function, f.msi(), 0, /*bus_master=*/false);
    f.function.raise(0);
    CHECK(f.host.messages.empty());
    REQUIRE(f.host.withheld.size() == 2);
    CHECK(f.host.withheld[1].why.find("bus mastering") != std::string::npos);
}

TEST_CASE("a masked vector is held as one pending message and sent when unmasked")
{
    Fixture f;
    TestHost::enable_msi(f.function, f.msi(), 2);
    f.function.config_write(f.msi() + msi::MaskBits, 4, 0xFFFFFFFF);
    CHECK(f.function.msi_mask() == 0xFu); // only implemented vectors have mask bits
    f.function.raise(1);
    f.function.raise(1);
    CHECK(f.host.messages.empty());
    CHECK(f.function.msi_pending() == 0x2u);
    f.function.config_write(f.msi() + msi::MaskBits, 4, 0xD); // unmask vector 1 only
    REQUIRE(f.host.messages.size() == 1); // two raises, one pending bit, one message
    CHECK(f.host.messages[0].data == 0x4021u);
    CHECK(f.function.msi_pending() == 0u);
    CHECK(f.function.config_read(f.msi() + msi::PendingBits, 4) == 0u);
}

TEST_CASE("reset restores the power-on image and tells the model")
{
    Fixture f;
    TestHost::enable_msi(f.function, f.msi(), 1);
    f.function.config_write(cfg::Bar0, 4, 0x80000000);
    f.function.reset();
    CHECK(f.function.command() == 0u);
    CHECK(f.function.config_read(cfg::Bar0, 4) == 0u);
    CHECK_FALSE(f.function.msi_enabled());
    CHECK(f.function.resets == 2);
}

TEST_CASE("a detached function signals nothing")
{
    Fixture f;
    TestHost::enable_msi(f.function, f.msi());
    f.function.detach();
    f.function.raise(0);
    CHECK(f.host.messages.empty());
    CHECK(f.host.withheld.empty());
}

TEST_CASE("validate refuses impossible descriptions")
{
    FunctionDescription d = sample_description();
    CHECK(validate(d).has_value());
    d.bars[0].size = 100;
    CHECK(validate(d).error().message.find("power of two") != std::string::npos);
    d = sample_description();
    d.bars[3].size = 4096; // taken by BAR2's upper half
    CHECK(validate(d).error().message.find("upper half") != std::string::npos);
    d = sample_description();
    d.msi_vectors = 3;
    CHECK(validate(d).error().message.find("1, 2, 4, 8, 16 or 32") != std::string::npos);
    d = sample_description();
    d.vendor_id = 0xFFFF;
    CHECK_FALSE(validate(d).has_value());
}
