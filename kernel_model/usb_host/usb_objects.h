#pragma once
// The kernel-side USB objects a dext sees through proxies: the device and interface nubs it
// matches on, and the pipes of an open interface.

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
    UsbPipe* pipe { nullptr };
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
    std::vector<uint8_t> configuration; // the whole configuration descriptor, as read
    std::vector<UsbInterfaceNub*> interfaces;
    bool enumerated { false };
    bool unplugged { false };
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
    uint64_t opened_by { 0 }; // the service id holding it open, 0 when closed
    std::map<uint8_t, UsbPipe*> pipes;
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
