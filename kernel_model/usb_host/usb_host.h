#pragma once
// The USB host controller model: enumerates plugged devices, publishes IOUSBHostDevice and
// IOUSBHostInterface nubs, and serves the USBDriverKit calls dexts make on them (Open, CopyPipe,
// AsyncIO, Abort, ...). Transfers run in the device model in virtual time; completions go back
// to the kernel, which delivers them to the dext's OSAction.

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
    // Terminates `nub` and everything attached below it, clients first.
    virtual void terminate_nub(RegistryEntry& nub) = 0;
    // A dext's transfer finished: deliver the completion to its OSAction.
    virtual void transfer_finished(PendingTransfer const& transfer, uint32_t status) = 0;
    // The memory of a dext's transfer (`transfer.buffer_id`): checked against the endpoint and
    // the length, an OUT transfer's bytes filled, and handed to the device until
    // transfer_finished. A refusal is the kIOReturn* AsyncIO returns.
    virtual uint32_t prepare_transfer_memory(PendingTransfer& transfer) = 0;
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

    // A service stops: close what it left open (interfaces and their pipes' transfers).
    void close_everything_of(uint64_t service_id);

    // The device model finished a transfer (called through the port adapter).
    void transfer_completed(UsbDeviceNub& nub, usb::Transfer& transfer);

private:
    struct Enumeration;
    void enumerate(UsbDeviceNub& nub);
    void control(UsbDeviceNub& nub, usb::SetupPacket setup, std::function<void(usb::Transfer&)> then);
    void publish_device(UsbDeviceNub& nub);
    void publish_interfaces(UsbDeviceNub& nub);
    void abort_pipe(UsbPipe& pipe, uint32_t status);
    void emit_transfer_end(UsbDeviceNub const& nub, usb::Transfer const& t);
    uint32_t handle_open(UsbInterfaceNub&, uint64_t service_id, ipc::WireReader&);
    uint32_t handle_copy_pipe(UsbInterfaceNub&, ipc::WireReader&, ipc::Message& reply);
    uint32_t handle_async_io(UsbPipe&, uint64_t server_tag, ipc::WireReader&);

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
    uint64_t m_next_transfer_id { 0 };
    uint8_t m_next_address { 1 };
    uint8_t m_next_port { 1 };
};

// USB status as the IOReturn a dext sees (USB 2.0 statuses to IOUSBHostFamily's codes).
uint32_t to_ioreturn(usb::TransferStatus status);

} // namespace dextlab::kernel
