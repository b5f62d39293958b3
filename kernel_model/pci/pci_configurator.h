#pragma once
// What the system does with a PCI function before any driver sees it (IOPCIFamily's
// IOPCIConfigurator): read its identity, size each BAR (write all-ones, read back the mask,
// restore — PCI 3.0 §6.2.5.1) and place it in the memory window, walk its capability list;
// then the properties the IOPCIDevice nub carries (IOPCIConfigurator::constructProperties:
// vendor-id and friends as 4-byte little-endian data, name, compatible, assigned-addresses).
// Pure functions over a PciDevice, so they are tested without a kernel.

#include "devices/pci/pci_device.h"
#include "kernel_model/registry/property.h"
#include "sim/core/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dextlab::kernel {

// IOPCIBARType (PCIDriverKit/IOPCIDevice.iig): what GetBARInfo reports.
namespace bar_type {
inline constexpr uint8_t M32 = 0x00;
inline constexpr uint8_t IO = 0x01;
inline constexpr uint8_t M64 = 0x04;
inline constexpr uint8_t M32PF = 0x08;
inline constexpr uint8_t M64PF = 0x0C;
} // namespace bar_type

// One memory range the function decodes: a BAR (a 64-bit pair counts once, under its lower
// index). Ranges are numbered in BAR order — the "memory index" MemoryRead/Write take.
struct BarRange {
    uint8_t bar { 0 };
    uint8_t type { bar_type::M32 };
    uint64_t size { 0 };
    uint64_t address { 0 };
};

struct FunctionLayout {
    uint16_t vendor_id { 0 };
    uint16_t device_id { 0 };
    uint16_t subsystem_vendor_id { 0 };
    uint16_t subsystem_id { 0 };
    uint32_t class_code { 0 };
    uint8_t revision_id { 0 };
    std::vector<BarRange> ranges;
    uint16_t msi_capability { 0 }; // 0: none
    unsigned msi_vectors { 0 };    // Multiple Message Capable, as a count
    bool msi_per_vector_masking { false };
    bool msi_64bit { false };
};

// Where the function sits (bus 0 of the lab's one host bridge).
struct BusAddress {
    uint8_t bus { 0 };
    uint8_t device { 0 };
    uint8_t function { 0 };
};

// Enumerates a function reset just now: identity, BARs placed from `next_address` upwards
// (each aligned to its size; the cursor advances), capabilities. Refuses an empty slot
// (vendor 0xffff) and anything but a type-0 header.
ErrorOr<FunctionLayout> configure_function(pci::PciDevice& device, uint64_t& next_address);

// The offset of capability `id` after the one at `after` (0: from the start), or 0. Walks the
// list as IOPCIFamily's findPCICapability does; a loop in a broken list ends the walk.
uint16_t find_capability(pci::PciDevice& device, uint8_t id, uint16_t after = 0);

// "pci1209,7471", or the generic name IOPCIConfigurator gives a few classes ("display",
// "ethernet", ...), or the subsystem's ids when they differ from the function's.
std::string nub_name(FunctionLayout const& layout);
// ioreg's location of a function: the device number, then ",function" when not 0, in hex.
std::string nub_location(BusAddress at);
// The nub's IOPCIFamily properties.
PropertyDict nub_properties(FunctionLayout const& layout, BusAddress at);

} // namespace dextlab::kernel
