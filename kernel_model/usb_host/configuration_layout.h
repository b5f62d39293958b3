#pragma once
// What a configuration descriptor (USB 2.0 §9.6.3) declares: its value and, per interface, the
// default alternate setting (§9.6.5: setting 0 is the one active after SET_CONFIGURATION) with
// its endpoints. The host publishes one IOUSBHostInterface nub per entry.

#include "devices/usb/descriptors.h"

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dextlab::kernel {

struct InterfaceLayout {
    usb::InterfaceDescriptor descriptor {};
    std::vector<usb::EndpointDescriptor> endpoints;
};

struct ConfigurationLayout {
    uint8_t value { 0 }; // bConfigurationValue
    std::vector<InterfaceLayout> interfaces;
};

// nullopt when the bytes do not start with a configuration descriptor. A descriptor with a bad
// bLength ends the walk (what came before it is kept), as a host stops parsing there.
std::optional<ConfigurationLayout> parse_configuration(std::span<uint8_t const> bytes);

} // namespace dextlab::kernel
