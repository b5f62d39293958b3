#pragma once
// "pci-timer": the smallest useful interrupting PCI function — an interval timer with one 4 KiB
// memory BAR and MSI. While running it ticks every INTERVAL microseconds of virtual time; each
// tick advances a free-running counter, sets STATUS.TICK and, with interrupts enabled, raises
// its MSI vector. A driver acknowledges by writing 1 to STATUS.TICK.
//
// BAR0 register file (32-bit registers, little-endian; 8/16-bit accesses read or write the
// bytes they cover; the counter may also be read as one 64-bit access at 0x10):
//
//   offset  name         access  meaning
//   0x00    ID           RO      0x544D5231 ("TMR1")
//   0x04    CONTROL      RW      bit 0 RUN: ticking; bit 1 IRQ_ENABLE: raise the vector per tick.
//                                Setting RUN starts the period afresh (first tick one interval later)
//   0x08    INTERVAL_US  RW      the period in µs, 1..1000000 (the `interval` parameter at reset);
//                                writing it while running restarts the period; 0 stops ticking
//   0x0C    STATUS       RW1C    bit 0 TICK: a tick happened; bit 1 OVERRUN: a tick found TICK still set
//   0x10    COUNT_LO     RO      ticks since reset, low 32 bits
//   0x14    COUNT_HI     RO      high 32 bits
//   0x18    VECTOR       RW      the MSI vector each tick raises (0..31; default 0)
//   others               RO 0
//
// Every register returns to its reset value on a conventional reset; the counter restarts at 0.
// The model draws nothing from the RNG: its behaviour is a function of virtual time and of what
// the driver writes.

#include "devices/pci/function_core.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::pci {

class PciTimerDevice final : public PciFunctionCore {
public:
    static constexpr char const* model_name = "pci-timer";

    struct Reg {
        static constexpr uint64_t Id = 0x00;
        static constexpr uint64_t Control = 0x04;
        static constexpr uint64_t IntervalUs = 0x08;
        static constexpr uint64_t Status = 0x0C;
        static constexpr uint64_t CountLow = 0x10;
        static constexpr uint64_t CountHigh = 0x14;
        static constexpr uint64_t Vector = 0x18;
    };
    static constexpr uint32_t kIdValue = 0x544D5231;
    static constexpr uint32_t kControlRun = 1u << 0;
    static constexpr uint32_t kControlIrqEnable = 1u << 1;
    static constexpr uint32_t kStatusTick = 1u << 0;
    static constexpr uint32_t kStatusOverrun = 1u << 1;
    static constexpr uint64_t kBar0Size = 4096;
    static constexpr uint32_t kMaxIntervalUs = 1'000'000;

    // The parameters of a `plug:` step, already validated.
    struct Options {
        uint16_t vid { 0x1209 };  // pid.codes' vendor id, as the USB models use
        uint16_t did { 0x7471 };
        uint16_t subvid { 0x1209 };
        uint16_t subdid { 0x7471 };
        uint32_t class_code { 0x088000 }; // base 0x08 system peripheral, sub-class 0x80 other
        uint8_t revision { 1 };
        uint32_t interval_us { 1000 };
        uint8_t vectors { 1 };    // MSI vectors offered (Multiple Message Capable)
    };

    static std::vector<std::string> const& number_params();
    static std::vector<std::string> const& string_params();
    // Validates `params`; every error names the parameter and what it accepts.
    static ErrorOr<Options> parse_options(DeviceParams const& params);
    static FunctionDescription describe(Options const& options);
    static ErrorOr<std::unique_ptr<PciTimerDevice>> create(DeviceParams const& params);

    explicit PciTimerDevice(Options options);
    ~PciTimerDevice() override;

    std::string product_name() const override { return "PCI Interval Timer"; }
    Options const& options() const { return m_options; }
    uint64_t ticks() const { return m_count; }
    uint64_t interrupts_raised() const { return m_raised; }
    bool is_ticking() const { return m_tick_event != 0; }

protected:
    uint64_t register_read(unsigned bar, uint64_t offset, unsigned size) override;
    void register_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) override;
    void on_reset() override;
    void on_detach() override;

private:
    uint32_t read_register(uint64_t offset) const;
    void write_register(uint64_t offset, uint32_t value, uint32_t byte_mask);
    void restart_period();
    void stop();
    void tick();

    Options const m_options;
    uint32_t m_control { 0 };
    uint32_t m_interval_us { 0 };
    uint32_t m_status { 0 };
    uint32_t m_vector { 0 };
    uint64_t m_count { 0 };
    uint64_t m_raised { 0 };
    EventId m_tick_event { 0 };
};

} // namespace dextlab::pci
