#pragma once
// What the lab's vendor-specific test devices share: an identity a scenario may override (ids
// and strings, as `plug` parameters) and the shape of their descriptors, one configuration with
// one vendor-class interface whose endpoints the model chooses.

#include "devices/usb/descriptor_table.h"
#include "devices/usb/device_params.h"
#include "sim/core/error.h"

#include <string>
#include <string_view>
#include <vector>

namespace dextlab::usb {

struct VendorIdentity {
    uint16_t vid { 0x1209 }; // pid.codes
    uint16_t pid { 0x0001 };
    uint16_t bcd_device { 0x0100 };
    std::string manufacturer { "dextlab" };
    std::string product;
    std::string serial {}; // empty: no serial number string (iSerialNumber 0)
};

// Reads vid, pid, bcd_device, manufacturer, product and serial from `params` over the
// identity's defaults; errors name the parameter and what it accepts.
ErrorOr<void> read_vendor_identity(std::string_view model_name, DeviceParams const& params, VendorIdentity& identity);

// A full-speed, bus-powered (100 mA) device with configuration 1 holding interface 0, class
// 0xff, subclass 0, the given protocol, and these endpoints.
DeviceDescription vendor_device_description(VendorIdentity const& identity, uint8_t interface_protocol,
    std::vector<EndpointDescription> endpoints);

} // namespace dextlab::usb
