#pragma once
// PciFunctionCore: the base class every PCI device model derives from. It is a type-0 function
// with a conventional configuration space: identity registers, Command and Status, up to six
// memory BARs that size themselves the standard way (write all-ones, read back the mask), a
// capability list holding an MSI capability with 64-bit addresses and per-vector masking, and
// the interrupt logic that decides whether a raised vector becomes a message. A model supplies
// its identity and BAR sizes as data (FunctionDescription) and the registers behind its BARs
// (register_read / register_write); it raises vector n with raise_interrupt(n).
//
// What the core enforces, as hardware would (PCI Local Bus 3.0):
//   - memory accesses are claimed only with Command.MemorySpace set and inside an implemented
//     BAR, naturally aligned; otherwise reads give all-ones and writes are lost (§6.2.2);
//   - an MSI is sent only with MSI enabled, Command.BusMaster set, the vector within the
//     enabled count and unmasked; a masked vector sets its pending bit and is sent when unmasked
//     (§6.8.1.7-8, one message however many raises); without MSI the function would assert
//     INTx#: Status.InterruptStatus is set (until the model clears its cause), nothing is sent.
// What the host cannot send, the core reports through PciHostPort::interrupt_withheld.

#include "devices/pci/config_space.h"
#include "devices/pci/pci_device.h"
#include "sim/core/error.h"

#include <array>
#include <cstdint>
#include <string>

namespace dextlab::pci {

// A memory BAR; size 0 leaves it unimplemented (reads as 0, ignores writes).
struct BarDescription {
    uint64_t size { 0 };     // a power of two, at least 16 bytes (§6.2.5.1)
    bool is_64bit { false }; // also takes the next BAR for the upper address bits
    bool prefetchable { false };
};

struct FunctionDescription {
    uint16_t vendor_id { 0 };
    uint16_t device_id { 0 };
    uint16_t subsystem_vendor_id { 0 };
    uint16_t subsystem_id { 0 };
    uint32_t class_code { 0 }; // 24 bits: base class, sub-class, programming interface
    uint8_t revision_id { 0 };
    std::array<BarDescription, 6> bars {};
    uint8_t msi_vectors { 1 };   // 1, 2, 4, 8, 16 or 32 (Multiple Message Capable); 0: no MSI capability
    uint8_t interrupt_pin { 1 }; // INTA#
};

// Checks sizes, BAR pairing and the vector count; the message names what is wrong.
ErrorOr<void> validate(FunctionDescription const& description);

class PciFunctionCore : public PciDevice {
public:
    // Where the MSI capability sits in configuration space (the capabilities pointer's value).
    static constexpr uint16_t kMsiCapabilityOffset = 0x50;

    explicit PciFunctionCore(FunctionDescription description);
    ~PciFunctionCore() override;

    // PciDevice
    void attach(PciHostPort& host) override;
    void reset() override;
    uint32_t config_read(uint16_t offset, unsigned size) override;
    void config_write(uint16_t offset, unsigned size, uint32_t value) override;
    uint64_t memory_read(unsigned bar, uint64_t offset, unsigned size) override;
    void memory_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) override;
    void detach() override;

    // Inspectable state (tests, the GUI).
    FunctionDescription const& description() const { return m_description; }
    bool is_attached() const { return m_host != nullptr; }
    uint16_t command() const { return read16(cfg::Command); }
    uint16_t status() const { return read16(cfg::Status); }
    bool msi_enabled() const;
    unsigned msi_vectors_enabled() const; // 1 << Multiple Message Enable
    uint32_t msi_mask() const;
    uint32_t msi_pending() const;
    uint64_t messages_sent() const { return m_messages_sent; }

protected:
    // The function has an interrupt for `vector` (an edge: one message per call when it can be
    // sent). Safe to call from a register access or a scheduler event.
    void raise_interrupt(unsigned vector);
    // The model's cause for INTx# is gone: Status.InterruptStatus clears.
    void clear_legacy_interrupt();
    Scheduler& scheduler();

    // The registers behind a memory BAR; only called for claimed, aligned, in-range accesses.
    virtual uint64_t register_read(unsigned bar, uint64_t offset, unsigned size) = 0;
    virtual void register_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) = 0;
    // After the core's own reset / before it forgets the host.
    virtual void on_reset() {}
    virtual void on_detach() {}

private:
    uint16_t read16(uint16_t offset) const;
    uint32_t read32(uint16_t offset) const;
    void put16(uint16_t offset, uint16_t value);
    void put32(uint16_t offset, uint32_t value);
    void power_on_image();
    // One dword of configuration space written with the given byte enables (bit n = byte n).
    void write_dword(uint16_t offset, uint32_t value, unsigned byte_enables);
    void write_bar(unsigned index, uint32_t value);
    void write_msi(uint16_t offset, uint32_t value, unsigned byte_enables);
    void send_message(unsigned vector);
    bool claims(unsigned bar, uint64_t offset, unsigned size) const;

    FunctionDescription const m_description;
    std::array<uint8_t, kConfigSpaceSize> m_config {};
    PciHostPort* m_host { nullptr };
    uint64_t m_messages_sent { 0 };
};

} // namespace dextlab::pci
