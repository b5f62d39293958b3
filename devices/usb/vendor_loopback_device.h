#pragma once
// "vendor-loopback": a full-speed vendor-specific device (class 0xFF) with one interface and a
// pair of bulk endpoints: what the host writes to OUT 0x02 it reads back from IN 0x82, in order.
// The device spends `latency` ms of virtual time on each transfer, so a buffer stays the
// device's for a while after the host submits it, as with real hardware. bInterfaceProtocol is
// the `protocol` parameter: a vendor device's way of telling its driver which protocol it speaks.
//
// An OUT transfer's bytes join a FIFO of `fifo` bytes; one that does not fit waits (the endpoint
// NAKs) until IN transfers drain it. An IN transfer takes min(length, queued) bytes once anything
// is queued (a short packet ends it), else it waits. Configuration changes, reset and detach
// empty the FIFO.

#include "devices/usb/device_core.h"
#include "devices/usb/vendor_device_shape.h"
#include "sim/core/scheduler.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::usb {

class VendorLoopbackDevice final : public UsbDeviceCore {
public:
    static constexpr char const* model_name = "vendor-loopback";
    static constexpr uint8_t out_endpoint = 0x02;
    static constexpr uint8_t in_endpoint = 0x82;
    static constexpr uint16_t max_packet = 64; // full-speed bulk (USB 2.0 §5.8.3)

    // The parameters of a `plug:` step, already validated.
    struct Options : VendorIdentity {
        Options()
        {
            pid = 0x0005;
            product = "Vendor Loopback Device";
        }
        uint8_t latency_ms { 1 }; // 1..255: per transfer
        uint32_t fifo { 1024 };   // 64..65536 bytes
        uint8_t protocol { 0 };   // bInterfaceProtocol
    };

    static std::vector<std::string> const& number_params();
    static std::vector<std::string> const& string_params();
    // Validates `params`; every error names the parameter and what it accepts.
    static ErrorOr<Options> parse_options(DeviceParams const& params);
    static DeviceDescription describe(Options const& options);
    static ErrorOr<std::unique_ptr<VendorLoopbackDevice>> create(DeviceParams const& params);

    explicit VendorLoopbackDevice(Options options);
    ~VendorLoopbackDevice() override;

    Options const& options() const { return m_options; }
    size_t queued() const { return m_fifo.size(); }

protected:
    void handle_data(Transfer& transfer) override;
    void on_configuration_changed(uint8_t old_value, uint8_t new_value) override;

private:
    void schedule_step();
    void cancel_step();
    // Finishes at most one transfer: the oldest OUT that fits, else the oldest IN that can be fed.
    void step();

    Options const m_options;
    std::deque<uint8_t> m_fifo;
    EventId m_step_event { 0 };
};

} // namespace dextlab::usb
