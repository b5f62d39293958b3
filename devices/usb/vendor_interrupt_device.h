#pragma once
// "vendor-interrupt": the smallest useful USB device — a full-speed, vendor-specific device with
// one interface (class 0xFF) and one interrupt-IN endpoint (0x81), the shape of Apple's
// "USBApp"-style sample dexts. Once configured it produces a sample every `interval` ms of
// virtual time. A sample is `max_packet` bytes: bytes 0..3 a little-endian sample counter that
// starts at 0, the rest drawn from an Rng seeded with DeviceParams::seed, so sample N has the
// same bytes in every run with that seed.
//
// A transfer queued on 0x81 completes at the next sample with min(max_packet, length) bytes.
// A sample with no transfer waiting is dropped — a real interrupt endpoint NAKs the host's
// polls until it has data, and the data it had is gone — and the counter still advances, so
// a driver sees the gap. Sampling stops on unconfigure, reset and detach, and restarts (phase
// reset to the moment of configuration) on SET_CONFIGURATION(1); the counter and the random
// stream carry on across that.

#include "devices/usb/device_core.h"
#include "devices/usb/vendor_device_shape.h"
#include "sim/core/rng.h"
#include "sim/core/scheduler.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::usb {

class VendorInterruptDevice final : public UsbDeviceCore {
public:
    static constexpr char const* model_name = "vendor-interrupt";
    static constexpr uint8_t interrupt_endpoint = 0x81;

    // The parameters of a `plug:` step, already validated.
    struct Options : VendorIdentity {
        Options()
        {
            pid = 0x0001; // pid.codes' test PID
            product = "Vendor Interrupt Device";
        }
        uint16_t max_packet { 8 }; // 1..64 (full-speed interrupt, USB 2.0 §5.7.3)
        uint8_t interval_ms { 1 }; // 1..255, also bInterval (frames of 1 ms at full speed)
        uint64_t seed { 0 };
    };

    static std::vector<std::string> const& number_params();
    static std::vector<std::string> const& string_params();
    // Validates `params`; every error names the parameter and what it accepts.
    static ErrorOr<Options> parse_options(DeviceParams const& params);
    static DeviceDescription describe(Options const& options);
    static ErrorOr<std::unique_ptr<VendorInterruptDevice>> create(DeviceParams const& params);

    explicit VendorInterruptDevice(Options options);
    ~VendorInterruptDevice() override;

    Options const& options() const { return m_options; }
    // Samples produced so far; also the counter the next sample will carry.
    uint64_t samples_produced() const { return m_counter; }
    uint64_t samples_delivered() const { return m_delivered; }
    // Samples that found no transfer waiting.
    uint64_t samples_dropped() const { return m_dropped; }
    bool is_sampling() const { return m_tick_event != 0; }

    // The bytes of the next sample, without producing it (for tests and the GUI).
    // Note: it consumes nothing; the Rng state is copied.
    std::vector<uint8_t> peek_next_sample() const;

protected:
    void on_configuration_changed(uint8_t old_value, uint8_t new_value) override;

private:
    void start_sampling();
    void stop_sampling();
    void tick();
    static std::vector<uint8_t> make_sample(uint64_t counter, uint16_t size, Rng& rng);

    Options const m_options;
    Rng m_rng;
    uint64_t m_counter { 0 };
    uint64_t m_delivered { 0 };
    uint64_t m_dropped { 0 };
    EventId m_tick_event { 0 };
};

} // namespace dextlab::usb
