#pragma once
// The kernel-side PCI object a dext sees through a proxy: the IOPCIDevice nub of one plugged
// function, with what the system worked out at enumeration and the state of a driver's session.

#include "devices/pci/pci_device.h"
#include "kernel_model/pci/pci_configurator.h"
#include "kernel_model/registry/registry.h"

#include <memory>
#include <string>

namespace dextlab::kernel {

class PciDeviceNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { "IOPCIDevice", "IOService", "IORegistryEntry", "OSObject" }; }

    std::string device_id; // the scenario's name for it ("pci0")
    std::unique_ptr<pci::PciDevice> device;
    std::unique_ptr<pci::PciHostPort> port_adapter;
    BusAddress address;
    FunctionLayout layout;
    bool unplugged { false };
    // MSI vectors (IOPCIMessagedInterruptController): resolved on first use (Create,
    // GetInterruptType) or by ConfigureInterrupts; the message data of vector n is msi_data + n.
    bool vectors_resolved { false };
    unsigned vectors { 0 };
    uint32_t msi_data { 0 };
    // The session (IOPCIDevice::Open): one client service at a time.
    uint64_t opened_by { 0 };
    uint64_t opened_by_server { 0 };
    bool memory_space_warned { false }; // pci_error for accesses with Memory Space off, once per session
};

} // namespace dextlab::kernel
