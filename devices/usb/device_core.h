#pragma once
// UsbDeviceCore: the shared half of every emulated USB device. It holds the device's
// DeviceDescription, answers the standard requests of USB 2.0 §9.4 from it, keeps the device
// state of §9.1.1 (address, configuration, alternate settings, endpoint halts) and queues data
// transfers per endpoint, so a device model only writes its class requests and its data.
//
// Lifecycle, in order (the host drives it; see usb_device.h):
//   attach(host)  → Powered: the device is on the bus but answers nothing until reset.
//   reset()       → Default: address 0, unconfigured, halts cleared (§9.1.1.3).
//   submit()/cancel() any number of times: SET_ADDRESS → Address, SET_CONFIGURATION → Configured.
//   detach()      → Detached: every queued transfer completes with NoDevice. A submit() after
//                   that (or while Powered) completes with NoDevice through the host last
//                   attached, which must outlive its own calls; reset()/detach() are no-ops.
//
// What a model overrides, all protected:
//   handle_class_request()      class and vendor control requests (default: STALL)
//   handle_descriptor_request() GET_DESCRIPTOR the table cannot answer, e.g. a HID report
//                               descriptor addressed to an interface (default: STALL)
//   handle_data()               a data transfer was queued on an active endpoint (default: it
//                               waits, as an endpoint with nothing to say NAKs the host)
//   on_configuration_changed()  the configuration changed — by SET_CONFIGURATION, bus reset or
//                               detach; start or stop periodic work here
//   on_alternate_setting_changed()
//
// The core keeps every queued data transfer itself; a model reaches them through
// next_pending() and finishes them with complete()/complete_with_data(), so a model never holds
// a Transfer pointer across events and cancel() can never leave one dangling.

#include "devices/usb/descriptor_table.h"
#include "devices/usb/usb_device.h"

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace dextlab::usb {

// §9.1.1, Figure 9-1 (Attached and Powered are one state here, and Suspended is not modelled).
enum class DeviceState : uint8_t { Detached, Powered, Default, Address, Configured };
char const* to_string(DeviceState);

// A model's answer to a control request: STALL, or success with an IN data stage (which the
// core truncates to wLength, §9.3.5) or none.
struct ControlReply {
    bool stall { false };
    std::vector<uint8_t> data;

    static ControlReply stalled() { return ControlReply { true, {} }; }
    static ControlReply ack() { return ControlReply { false, {} }; }
    static ControlReply with_data(std::vector<uint8_t> bytes) { return ControlReply { false, std::move(bytes) }; }
};

class UsbDeviceCore : public UsbDevice {
public:
    // `description` must pass validate(description, speed); models check it in their create().
    explicit UsbDeviceCore(DeviceDescription description, UsbSpeed speed = UsbSpeed::Full);
    ~UsbDeviceCore() override;

    UsbDeviceCore(UsbDeviceCore const&) = delete;
    UsbDeviceCore& operator=(UsbDeviceCore const&) = delete;

    // The iProduct string, or "USB device vvvv:pppp" when there is none.
    std::string product_name() const override;
    UsbSpeed speed() const override { return m_speed; }

    void attach(UsbHostPort& host) final;
    void reset() final;
    void submit(Transfer& transfer) final;
    void cancel(Transfer& transfer) final;
    void detach() final;

    // Read-only state, for tests, traces and the GUI.
    DeviceDescription const& description() const { return m_description; }
    DeviceState state() const { return m_state; }
    bool is_attached() const { return m_state != DeviceState::Detached; }
    uint8_t address() const { return m_address; }
    uint8_t configuration_value() const { return m_configuration ? m_configuration->bConfigurationValue : 0; }
    // The active alternate setting of an interface, or nullopt when unconfigured or no such interface.
    std::optional<uint8_t> alternate_setting(uint8_t interface_number) const;
    // Whether `endpoint_address` is an endpoint of the active alternate settings.
    bool has_endpoint(uint8_t endpoint_address) const { return m_endpoints.contains(endpoint_address); }
    bool is_halted(uint8_t endpoint_address) const;
    size_t pending_count(uint8_t endpoint_address) const;
    bool remote_wakeup_enabled() const { return m_remote_wakeup; }

protected:
    // [Hooks] — see the file comment.
    virtual ControlReply handle_class_request(SetupPacket const& setup, std::span<uint8_t const> data_out);
    virtual ControlReply handle_descriptor_request(SetupPacket const& setup);
    virtual void handle_data(Transfer& transfer);
    virtual void on_configuration_changed(uint8_t old_value, uint8_t new_value);
    virtual void on_alternate_setting_changed(uint8_t interface_number, uint8_t alternate_setting);

    // [Services for models]
    UsbHostPort& host() const;
    Scheduler& scheduler() const { return host().scheduler(); }
    // The oldest queued transfer on an endpoint (USB pipes complete in order), or nullptr.
    Transfer* next_pending(uint8_t endpoint_address);
    // Takes a queued transfer off its endpoint and reports it to the host.
    void complete(Transfer& transfer, TransferStatus status, uint32_t actual);
    // Copies an IN packet into a queued transfer and completes it: Success (short when `data`
    // is shorter than the request) or Overrun, when the device sends more than the buffer holds.
    void complete_with_data(Transfer& transfer, std::span<uint8_t const> data);
    // A functional stall (§8.4.5): the endpoint halts and its queued transfers complete with Stall.
    void halt_endpoint(uint8_t endpoint_address);

private:
    struct Endpoint {
        EndpointDescription const* description { nullptr };
        uint8_t interface_number { 0 };
        bool halted { false };
        std::deque<Transfer*> queue;
    };

    // [Control requests] device_core_requests.cpp
    ControlReply handle_control(SetupPacket const& setup, std::span<uint8_t const> data_out);
    ControlReply handle_standard_request(SetupPacket const& setup);
    ControlReply handle_get_status(SetupPacket const& setup);
    ControlReply handle_feature(SetupPacket const& setup, bool set);
    ControlReply handle_set_address(SetupPacket const& setup);
    ControlReply handle_get_descriptor(SetupPacket const& setup);
    ControlReply handle_set_configuration(SetupPacket const& setup);
    ControlReply handle_get_interface(SetupPacket const& setup);
    ControlReply handle_set_interface(SetupPacket const& setup);
    void submit_control(Transfer& transfer);

    // [Endpoint state] device_core.cpp
    void submit_data(Transfer& transfer);
    // Makes `configuration` (or none) current with every interface at setting 0; transfers
    // queued on the endpoints that go away complete with `orphan_status`.
    void select_configuration(ConfigurationDescription const* configuration, TransferStatus orphan_status);
    void activate_alternate_setting(uint8_t interface_number, AlternateSettingDescription const& setting);
    // Removes the active endpoints (all, or one interface's) and returns what they had queued.
    std::vector<Transfer*> take_endpoints(std::optional<uint8_t> interface_number);
    void finish(Transfer& transfer, TransferStatus status, uint32_t actual);
    // Completes transfers that already left their endpoint queue, one at a time, through
    // m_completing: a host that cancels one of them from inside an earlier completion callback
    // removes it there, so we never complete a transfer the host has taken back.
    void finish_all(std::vector<Transfer*> const& transfers, TransferStatus status);

    DeviceDescription const m_description;
    UsbSpeed const m_speed;
    UsbHostPort* m_host { nullptr }; // kept after detach so a late submit() can report NoDevice
    DeviceState m_state { DeviceState::Detached };
    uint8_t m_address { 0 };
    ConfigurationDescription const* m_configuration { nullptr }; // points into m_description
    std::map<uint8_t, uint8_t> m_alternate_settings;             // interface → active setting
    std::map<uint8_t, Endpoint> m_endpoints;                     // active endpoints by address
    bool m_remote_wakeup { false };
    std::deque<std::pair<Transfer*, TransferStatus>> m_completing;
};

} // namespace dextlab::usb
