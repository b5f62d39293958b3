#pragma once
// The kernel-side USB objects a dext sees through proxies: the device and interface nubs it
// matches on, and the pipes of an open interface. A device nub is configured either by the
// kernel's composite driver (nothing claimed the device) or by the device-level driver that
// opened it (SetConfiguration).

#include "devices/usb/descriptors.h"
#include "devices/usb/usb_device.h"
#include "kernel_model/memory/memory_objects.h" // BufferDescriptor: what a dext's transfers move
#include "kernel_model/registry/registry.h"

#include <functional>
#include <map>
#include <memory>
#include <vector>

namespace dextlab::kernel {

class UsbInterfaceNub;
class UsbPipe;
class UsbHostModel;

// A transfer the host has handed to a device for a dext, and what to do when it completes.
struct PendingTransfer {
    usb::Transfer transfer;
    uint64_t server_tag { 0 }; // the IOUserServer that asked
    uint64_t buffer_id { 0 };  // the IOMemoryDescriptor to fill (IN) or read (OUT)
    uint64_t action_id { 0 };  // the OSAction to invoke with the completion
    // The callback prototype the completion invokes: IOUSBHostPipe::CompleteAsyncIO (status,
    // actual, timestamp) or IOUSBHostDevice::CompleteAsyncDeviceRequest (status, actual).
    uint64_t completion_msgid { 0 };
    UsbPipe* pipe { nullptr }; // null for a device request
};

// An AsyncDeviceRequest on endpoint 0: submitted one microframe after the call, as the
// host's own control transfers are.
struct DeviceRequest {
    PendingTransfer pending;
    uint64_t client { 0 };      // the forClient that asked (AbortDeviceRequests, Close)
    uint64_t submit_event { 0 }; // the scheduler event that hands it to the device
    bool submitted { false };
};

// CreateInterfaceIterator: the interfaces of the configuration at that moment, walked by CopyInterface.
struct InterfaceIterator {
    uint64_t server_tag { 0 };
    std::vector<uint64_t> interfaces; // registry ids
    size_t next { 0 };
};

class UsbDeviceNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override
    {
        return { "IOUSBHostDevice", "IOService", "IORegistryEntry", "OSObject" };
    }
    std::string device_id; // the scenario's name for it ("dev0")
    std::unique_ptr<usb::UsbDevice> device;
    std::unique_ptr<usb::UsbHostPort> port_adapter;
    uint8_t port { 0 };
    uint8_t address { 0 };
    usb::DeviceDescriptor descriptor {};
    std::map<uint8_t, std::vector<uint8_t>> configurations; // whole configuration descriptors by index, as read
    uint8_t configuration_value { 0 };       // bConfigurationValue selected now; 0 = unconfigured
    std::vector<UsbInterfaceNub*> interfaces; // those of the current configuration
    bool enumerated { false };
    bool unplugged { false };
    // The device-level session (IOUSBHostDevice::Open): one client service at a time.
    uint64_t opened_by { 0 };
    uint64_t opened_by_server { 0 };
    // Who published the current interfaces: the client that called SetConfiguration, or 0 for
    // the composite driver. Its Close terminates them.
    uint64_t configured_by { 0 };
    std::vector<std::unique_ptr<DeviceRequest>> requests; // AsyncDeviceRequests in flight
    std::map<uint64_t, InterfaceIterator> iterators;
    uint64_t next_iterator { 0 };
};

class UsbInterfaceNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override
    {
        return { "IOUSBHostInterface", "IOService", "IORegistryEntry", "OSObject" };
    }
    UsbDeviceNub* device { nullptr };
    usb::InterfaceDescriptor descriptor {};
    std::vector<usb::EndpointDescriptor> endpoints;
    std::vector<uint8_t> configuration; // the descriptor of the configuration it belongs to
    uint64_t opened_by { 0 }; // the client id holding it open, 0 when closed
    std::map<uint8_t, UsbPipe*> pipes;
    // Its configuration was replaced or its publisher closed the device: it takes no new work
    // and terminates in the next event.
    bool retired { false };
    // Terminated while a client that is not its child (a device-level driver) holds it open:
    // it leaves the registry when that client closes it, as IOKit waits for the close.
    bool finalize_on_close { false };
};

class UsbPipe final : public KernelObject {
public:
    std::vector<std::string> class_chain() const override { return { "IOUSBHostPipe", "OSObject" }; }
    UsbInterfaceNub* interface { nullptr };
    usb::EndpointDescriptor endpoint {};
    std::vector<std::unique_ptr<PendingTransfer>> pending;
    bool halted { false };
};

} // namespace dextlab::kernel
