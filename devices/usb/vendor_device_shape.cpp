#include "devices/usb/vendor_device_shape.h"

namespace dextlab::usb {

ErrorOr<void> read_vendor_identity(std::string_view model_name, DeviceParams const& params, VendorIdentity& identity)
{
    std::string const model(model_name);
    identity.vid = static_cast<uint16_t>(TRY(number_param(model, params, "vid", { identity.vid, 0, 0xffff, true })));
    identity.pid = static_cast<uint16_t>(TRY(number_param(model, params, "pid", { identity.pid, 0, 0xffff, true })));
    identity.bcd_device = static_cast<uint16_t>(TRY(number_param(model, params, "bcd_device", { identity.bcd_device, 0, 0xffff, true })));
    identity.manufacturer = TRY(string_param(model, params, "manufacturer", identity.manufacturer));
    identity.product = TRY(string_param(model, params, "product", identity.product));
    identity.serial = TRY(string_param(model, params, "serial", identity.serial));
    return {};
}

DeviceDescription vendor_device_description(VendorIdentity const& identity, uint8_t interface_protocol,
    std::vector<EndpointDescription> endpoints)
{
    DeviceDescription device {
        .bcdUSB = 0x0200,
        .bDeviceClass = 0x00, // each interface names its class
        .bDeviceSubClass = 0x00,
        .bDeviceProtocol = 0x00,
        .bMaxPacketSize0 = 64,
        .idVendor = identity.vid,
        .idProduct = identity.pid,
        .bcdDevice = identity.bcd_device,
        .configurations = { ConfigurationDescription {
            .bConfigurationValue = 1,
            .iConfiguration = 0,
            .bmAttributes = configuration_attribute_reserved_one, // bus-powered, no remote wakeup
            .bMaxPower = 50,                                      // 100 mA
            .interfaces = { InterfaceDescription {
                .bInterfaceNumber = 0,
                .alternate_settings = { AlternateSettingDescription {
                    .bAlternateSetting = 0,
                    .bInterfaceClass = 0xff, // vendor-specific
                    .bInterfaceSubClass = 0x00,
                    .bInterfaceProtocol = interface_protocol,
                    .endpoints = std::move(endpoints),
                } },
            } },
        } },
    };
    // Indices are handed out in this order, skipping empty strings (which have none).
    device.iManufacturer = device.strings.add(identity.manufacturer);
    device.iProduct = device.strings.add(identity.product);
    device.iSerialNumber = device.strings.add(identity.serial);
    return device;
}

} // namespace dextlab::usb
