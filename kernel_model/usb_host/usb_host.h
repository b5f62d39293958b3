#pragma once
// The USB host controller model: enumerates plugged devices, publishes IOUSBHostDevice nubs,
// configures them (the composite driver when no driver claims the device, else the device-level
// driver's SetConfiguration), publishes IOUSBHostInterface nubs, and serves the USBDriverKit
// calls dexts make on them (Open, SetConfiguration, DeviceRequest, CopyPipe, AsyncIO, Abort, ...).
// Transfers run in the device model in virtual time; completions go back to the kernel, which
// delivers them to the dext's OSAction.
//
// Files: usb_host.cpp (enumeration, pipes, transfers), usb_configuration.cpp (configurations,
// interface nubs, the composite driver, Reset), usb_device_calls.cpp (IOUSBHostDevice calls),
// configuration_layout.cpp (the interfaces a configuration descriptor declares).

#include "kernel_model/ipc/message.h"
#include "kernel_model/usb_host/usb_objects.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

#include <functional>
#include <map>
#include <string>

namespace dextlab::kernel {

// What the host needs from the rest of the kernel.
class UsbHostDelegate {
public:
    virtual ~UsbHostDelegate() = default;
    // Attaches `nub` under `parent`, registers it and runs matching on it.
    virtual void publish_nub(RegistryEntry& nub, RegistryEntry& parent) = 0;
    // Attaches `nub` under `parent` without registering it (nothing matches it yet).
    virtual void attach_nub(RegistryEntry& nub, RegistryEntry& parent) = 0;
    // registerService on an attached nub: matching runs on it.
    virtual void register_nub(RegistryEntry& nub) = 0;
    // Terminates `nub` and everything attached below it, clients first.
    virtual void terminate_nub(RegistryEntry& nub) = 0;
    // A nub whose termination waited for a client's close leaves the registry now.
    virtual void finalize_nub(RegistryEntry& nub) = 0;
    // A dext's transfer finished: deliver the completion to its OSAction.
    virtual void transfer_finished(PendingTransfer const& transfer, uint32_t status) = 0;
    // The memory of a dext's transfer (`transfer.buffer_id`): checked against the endpoint and
    // the length, an OUT transfer's bytes filled, and handed to the device until
    // transfer_finished. A refusal is the kIOReturn* AsyncIO returns.
    virtual uint32_t prepare_transfer_memory(PendingTransfer& transfer) = 0;
    // A transfer that completed inside the dext's call (DeviceRequest): its IN bytes land in the
    // buffer and the memory is the dext's again; no completion is delivered.
    virtual void release_transfer_memory(PendingTransfer const& transfer) = 0;
    virtual ObjectTable& objects() = 0;
    virtual RegistryEntry& root() = 0;
};

class UsbHostModel {
public:
    UsbHostModel(Scheduler& scheduler, TraceBus& trace, UsbHostDelegate& delegate);
    ~UsbHostModel();

    ErrorOr<void> plug(std::string const& id, std::unique_ptr<usb::UsbDevice> device);
    ErrorOr<void> unplug(std::string const& id);
    bool is_plugged(std::string const& id) const { return m_devices.contains(id); }
    std::vector<std::string> plugged() const
    {
        std::vector<std::string> ids;
        for (auto const& [id, nub] : m_devices)
            ids.push_back(id);
        return ids;
    }
    usb::UsbDevice* device(std::string const& id) const;

    // Serves a call from a dext on a USB object. Returns false if `msgid` is not a USB method.
    bool handle_call(uint64_t server_tag, uint64_t service_id, KernelObject& target, uint64_t msgid,
        ipc::WireReader& args, ipc::Message& reply);

    // A service stops: close what it left open (the device, interfaces and their pipes' transfers).
    void close_everything_of(uint64_t service_id);

    // Matching on a device nub has run: with no driver attached, the composite driver takes
    // the device, sets its first configuration and publishes the interfaces.
    void device_matched(UsbDeviceNub& nub);
    // An interface nub whose clients are gone may still be held open by a client that is not
    // below it (a device-level driver): true if so, and it is finalized at that client's close.
    bool hold_until_closed(RegistryEntry& entry);

    // The device model finished a transfer (called through the port adapter).
    void transfer_completed(UsbDeviceNub& nub, usb::Transfer& transfer);

private:
    struct Enumeration;
    // [usb_host.cpp] enumeration, pipes, transfers
    void enumerate(UsbDeviceNub& nub);
    void control(UsbDeviceNub& nub, usb::SetupPacket setup, std::function<void(usb::Transfer&)> then);
    // A control transfer answered inside the current event, for calls a dext waits on. The
    // device models answer control requests at once; false if this one did not.
    bool control_now(UsbDeviceNub& nub, usb::Transfer& transfer, std::string const& client);
    void emit_control(UsbDeviceNub const& nub, usb::Transfer const& t, std::string const& client = {});
    void publish_device(UsbDeviceNub& nub);
    void abort_pipe(UsbPipe& pipe, uint32_t status);
    void emit_transfer_end(UsbDeviceNub const& nub, usb::Transfer const& t, uint32_t status);
    uint32_t handle_open(UsbInterfaceNub&, uint64_t service_id, ipc::WireReader&);
    uint32_t handle_close(UsbInterfaceNub&, ipc::WireReader&);
    uint32_t handle_copy_pipe(UsbInterfaceNub&, ipc::WireReader&, ipc::Message& reply);
    uint32_t handle_async_io(UsbPipe&, uint64_t server_tag, ipc::WireReader&);
    void close_interface(UsbInterfaceNub& in);

    // [usb_configuration.cpp]
    // The configuration descriptor whose bConfigurationValue is `value`, read from the device
    // (and cached) when enumeration did not read it; nullptr if the device has none.
    std::vector<uint8_t> const* configuration_with_value(UsbDeviceNub& nub, uint8_t value);
    // SetConfiguration for `client` (0: the composite driver): the current interfaces retire,
    // SET_CONFIGURATION goes to the device, the new interfaces are attached (registered, and
    // so matched, in the next event when `match_interfaces`). Returns the IOReturn.
    uint32_t set_configuration(UsbDeviceNub& nub, uint8_t value, bool match_interfaces, uint64_t client);
    void start_composite_driver(UsbDeviceNub& nub);
    void publish_interfaces(UsbDeviceNub& nub, std::vector<uint8_t> const& configuration);
    // Takes the current interfaces out of service (their transfers complete with
    // kIOReturnAborted) and terminates them in the next event.
    void retire_interfaces(UsbDeviceNub& nub);
    uint32_t reset_device(UsbDeviceNub& nub);

    // [usb_device_calls.cpp]
    bool handle_device_call(uint64_t server_tag, UsbDeviceNub& nub, uint64_t msgid, ipc::WireReader& args,
        ipc::Message& reply);
    uint32_t device_open(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args);
    uint32_t device_close(UsbDeviceNub& nub, ipc::WireReader& args);
    uint32_t device_request(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args, ipc::Message& reply, bool async);
    uint32_t serve_get_descriptor(UsbDeviceNub& nub, ipc::WireReader& args, ipc::Message& reply);
    uint32_t copy_interface(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args, ipc::Message& reply);
    // Ends `client`'s session: its requests abort and the interfaces it published terminate.
    void close_device(UsbDeviceNub& nub, uint64_t client);
    void abort_device_requests(UsbDeviceNub& nub, uint64_t client, uint32_t status);
    void finish_device_request(UsbDeviceNub& nub, DeviceRequest& request, uint32_t status);
    // A dext's misuse of a USB call: traced (usb_error) with what to do instead.
    uint32_t refuse(UsbDeviceNub const& nub, char const* method, uint32_t status, std::string const& what);
    std::string client_name(uint64_t client) const;

    Scheduler& m_scheduler;
    TraceBus& m_trace;
    UsbHostDelegate& m_delegate;
    std::map<std::string, UsbDeviceNub*> m_devices;
    // Control transfers the host itself issues (enumeration), by transfer id.
    struct ControlRequest {
        uint64_t nub_id;
        std::unique_ptr<usb::Transfer> transfer;
        std::function<void(usb::Transfer&)> then;
    };
    std::map<uint64_t, ControlRequest> m_control;
    usb::Transfer* m_control_now { nullptr }; // the control_now transfer the device is answering
    uint64_t m_next_transfer_id { 0 };
    uint8_t m_next_address { 1 };
    uint8_t m_next_port { 1 };
};

// USB status as the IOReturn a dext sees (USB 2.0 statuses to IOUSBHostFamily's codes).
uint32_t to_ioreturn(usb::TransferStatus status);

} // namespace dextlab::kernel
