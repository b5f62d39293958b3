#include "configuration_layout.h"

#include <cstring>

namespace dextlab::kernel {

std::optional<ConfigurationLayout> parse_configuration(std::span<uint8_t const> bytes)
{
    if (bytes.size() < sizeof(usb::ConfigurationDescriptor) || bytes[1] != 2)
        return std::nullopt;
    ConfigurationLayout layout;
    layout.value = bytes[5];
    InterfaceLayout* current = nullptr;
    size_t offset = 0;
    while (offset + 2 <= bytes.size()) {
        uint8_t const length = bytes[offset];
        uint8_t const type = bytes[offset + 1];
        if (length < 2 || offset + length > bytes.size())
            break;
        if (type == 4 && length >= sizeof(usb::InterfaceDescriptor)) {
            usb::InterfaceDescriptor iface;
            std::memcpy(&iface, &bytes[offset], sizeof iface);
            current = nullptr;
            // Alternate settings other than 0 are selected later (SET_INTERFACE); their
            // endpoints are not the interface's until then.
            if (iface.bAlternateSetting == 0) {
                layout.interfaces.push_back(InterfaceLayout { iface, {} });
                current = &layout.interfaces.back();
            }
        } else if (type == 5 && current && length >= sizeof(usb::EndpointDescriptor)) {
            usb::EndpointDescriptor ep;
            std::memcpy(&ep, &bytes[offset], sizeof ep);
            current->endpoints.push_back(ep);
        }
        offset += length;
    }
    return layout;
}

} // namespace dextlab::kernel
