#pragma once
// A minimal PCI host for unit tests: a real Scheduler, a record of every message a function
// signals and every interrupt it withheld, each with its virtual time, and the configuration
// steps a system would take (size and place BAR0, program and enable MSI). Header-only, test
// code only; the kernel model's PCI host does the same for real (kernel_model/pci).

#include "devices/pci/config_space.h"
#include "devices/pci/pci_device.h"
#include "sim/core/scheduler.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dextlab::pci::testing {

struct Message {
    uint64_t address;
    uint32_t data;
    VirtualTime time;
};

struct Withheld {
    unsigned vector;
    std::string why;
    VirtualTime time;
};

class TestHost final : public PciHostPort {
public:
    static constexpr uint64_t kMsiAddress = 0xFEE00000;
    static constexpr uint16_t kMsiData = 0x4020;

    Scheduler& scheduler() override { return m_scheduler; }
    void message_signalled(uint64_t address, uint32_t data) override { messages.push_back({ address, data, m_scheduler.now() }); }
    void interrupt_withheld(unsigned vector, char const* why) override { withheld.push_back({ vector, why, m_scheduler.now() }); }

    void run_for(Duration d) { m_scheduler.run_until(m_scheduler.now() + d); }

    // Writes all-ones to a BAR and reads back what it decodes, restoring it after.
    static uint32_t probe_bar(PciDevice& device, unsigned index)
    {
        uint16_t const at = static_cast<uint16_t>(cfg::Bar0 + 4 * index);
        uint32_t const saved = device.config_read(at, 4);
        device.config_write(at, 4, 0xFFFFFFFF);
        uint32_t const mask = device.config_read(at, 4);
        device.config_write(at, 4, saved);
        return mask;
    }

    // What a system does before a driver runs: memory decoding and bus mastering on, the MSI
    // capability programmed with `vectors` vectors (log2 in Multiple Message Enable) and enabled.
    static void enable_msi(PciDevice& device, uint16_t capability, unsigned enable_log2 = 0, bool bus_master = true)
    {
        device.config_write(cfg::Command, 2, command::MemorySpace | (bus_master ? command::BusMaster : 0));
        device.config_write(capability + msi::AddressLow, 4, static_cast<uint32_t>(kMsiAddress));
        device.config_write(capability + msi::AddressHigh, 4, 0);
        device.config_write(capability + msi::Data, 2, kMsiData);
        uint16_t control = static_cast<uint16_t>(device.config_read(capability + msi::Control, 2));
        control = static_cast<uint16_t>((control & ~(0x7 << msi::MultipleMessageEnableShift)) | (enable_log2 << msi::MultipleMessageEnableShift)
            | msi::Enable);
        device.config_write(capability + msi::Control, 2, control);
    }

    std::vector<Message> messages;
    std::vector<Withheld> withheld;

private:
    Scheduler m_scheduler;
};

} // namespace dextlab::pci::testing
