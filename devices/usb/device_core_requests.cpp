// UsbDeviceCore: the standard device requests of USB 2.0 §9.4, answered from the device's
// DeviceDescription. A request the device cannot honour gets a Request Error, which on the wire
// is a STALL of the control pipe (§9.4, §8.5.3.4); class and vendor requests go to the model.

#include "devices/usb/device_core.h"

#include <algorithm>
#include <cassert>

namespace dextlab::usb {

namespace {

// Table 9-3 fixes bmRequestType for each standard request; anything else is a Request Error.
bool is_standard(SetupPacket const& setup, RequestDirection direction, RequestRecipient recipient)
{
    return setup.bmRequestType == request_type(direction, RequestType::Standard, recipient);
}

constexpr auto in = RequestDirection::DeviceToHost;
constexpr auto out = RequestDirection::HostToDevice;

uint8_t low_byte(uint16_t value) { return static_cast<uint8_t>(value & 0xff); }

ControlReply two_bytes(uint16_t value)
{
    return ControlReply::with_data({ low_byte(value), static_cast<uint8_t>(value >> 8) });
}

} // namespace

void UsbDeviceCore::submit_control(Transfer& transfer)
{
    SetupPacket const setup = transfer.setup;
    bool const device_to_host = direction_of(setup.bmRequestType) == RequestDirection::DeviceToHost;
    std::span<uint8_t const> data_out;
    if (!device_to_host) {
        size_t const offered = std::min<size_t>({ transfer.length, setup.wLength, transfer.buffer.size() });
        data_out = std::span<uint8_t const>(transfer.buffer.data(), offered);
    }

    ControlReply const reply = handle_control(setup, data_out);
    if (reply.stall)
        return finish(transfer, TransferStatus::Stall, 0);
    if (!device_to_host)
        return finish(transfer, TransferStatus::Success, static_cast<uint32_t>(data_out.size()));

    // §9.3.5: the device returns at most wLength bytes; fewer is a short (still successful) reply.
    auto const actual = static_cast<uint32_t>(std::min<size_t>({ reply.data.size(), setup.wLength, transfer.length }));
    if (transfer.buffer.size() < actual)
        transfer.buffer.resize(actual);
    std::copy_n(reply.data.begin(), actual, transfer.buffer.begin());
    finish(transfer, TransferStatus::Success, actual);
}

ControlReply UsbDeviceCore::handle_control(SetupPacket const& setup, std::span<uint8_t const> data_out)
{
    switch (type_of(setup.bmRequestType)) {
    case RequestType::Standard:
        return handle_standard_request(setup);
    case RequestType::Class:
    case RequestType::Vendor:
        return handle_class_request(setup, data_out);
    case RequestType::Reserved:
        break;
    }
    return ControlReply::stalled();
}

ControlReply UsbDeviceCore::handle_standard_request(SetupPacket const& setup)
{
    switch (static_cast<StandardRequest>(setup.bRequest)) {
    case StandardRequest::GetStatus:
        return handle_get_status(setup);
    case StandardRequest::ClearFeature:
        return handle_feature(setup, false);
    case StandardRequest::SetFeature:
        return handle_feature(setup, true);
    case StandardRequest::SetAddress:
        return handle_set_address(setup);
    case StandardRequest::GetDescriptor:
        return handle_get_descriptor(setup);
    case StandardRequest::GetConfiguration: // §9.4.2: zero when not configured.
        if (!is_standard(setup, in, RequestRecipient::Device))
            return ControlReply::stalled();
        return ControlReply::with_data({ configuration_value() });
    case StandardRequest::SetConfiguration:
        return handle_set_configuration(setup);
    case StandardRequest::GetInterface:
        return handle_get_interface(setup);
    case StandardRequest::SetInterface:
        return handle_set_interface(setup);
    case StandardRequest::SetDescriptor: // optional (§9.4.8); our tables are read-only
    case StandardRequest::SynchFrame:    // isochronous only (§9.4.11), not modelled
        break;
    }
    return ControlReply::stalled();
}

// §9.4.5: device status (self-powered, remote wakeup), interface status (reserved, zero),
// endpoint status (halt). Interfaces and endpoints other than zero exist only when configured.
ControlReply UsbDeviceCore::handle_get_status(SetupPacket const& setup)
{
    uint8_t const index = low_byte(setup.wIndex);
    if (is_standard(setup, in, RequestRecipient::Device)) {
        // Unconfigured, report the power source of the first configuration (where a real device
        // would report what it actually draws from).
        auto const& configuration = m_configuration ? *m_configuration : m_description.configurations.front();
        uint16_t status = 0;
        if (configuration.bmAttributes & configuration_attribute_self_powered)
            status |= device_status_self_powered;
        if (m_remote_wakeup)
            status |= device_status_remote_wakeup;
        return two_bytes(status);
    }
    if (is_standard(setup, in, RequestRecipient::Interface))
        return m_alternate_settings.contains(index) ? two_bytes(0) : ControlReply::stalled();
    if (is_standard(setup, in, RequestRecipient::Endpoint)) {
        if ((index & ~endpoint_direction_in) == 0)
            return two_bytes(0); // the default control pipe never stays halted (§8.5.3.4)
        if (!has_endpoint(index))
            return ControlReply::stalled();
        return two_bytes(is_halted(index) ? endpoint_status_halt : 0);
    }
    return ControlReply::stalled();
}

// §9.4.1 CLEAR_FEATURE and §9.4.9 SET_FEATURE, with the selectors of Table 9-6.
ControlReply UsbDeviceCore::handle_feature(SetupPacket const& setup, bool set)
{
    if (is_standard(setup, out, RequestRecipient::Device)) {
        auto const& configuration = m_configuration ? *m_configuration : m_description.configurations.front();
        bool const can_wake = configuration.bmAttributes & configuration_attribute_remote_wakeup;
        if (setup.wValue != static_cast<uint16_t>(FeatureSelector::DeviceRemoteWakeup) || !can_wake)
            return ControlReply::stalled(); // TEST_MODE is high-speed only (§7.1.20), not modelled
        m_remote_wakeup = set;
        return ControlReply::ack();
    }
    if (!is_standard(setup, out, RequestRecipient::Endpoint)
        || setup.wValue != static_cast<uint16_t>(FeatureSelector::EndpointHalt))
        return ControlReply::stalled(); // USB 2.0 defines no interface features

    uint8_t const endpoint = low_byte(setup.wIndex);
    if ((endpoint & ~endpoint_direction_in) == 0)
        // Halting the default control pipe is "neither required nor recommended" (§9.4.5);
        // clearing it is harmless, and hosts do send it.
        return set ? ControlReply::stalled() : ControlReply::ack();
    if (!has_endpoint(endpoint))
        return ControlReply::stalled();
    if (set) {
        halt_endpoint(endpoint);
    } else {
        // Clearing also resets the data toggle to DATA0 (§9.4.5), which we do not model.
        m_endpoints.at(endpoint).halted = false;
    }
    return ControlReply::ack();
}

// §9.4.6: the address applies after the status stage; our control transfers complete at once,
// so it applies now. Its behaviour in the Configured state is unspecified: we refuse.
ControlReply UsbDeviceCore::handle_set_address(SetupPacket const& setup)
{
    if (!is_standard(setup, out, RequestRecipient::Device) || setup.wValue > 127 || m_state == DeviceState::Configured)
        return ControlReply::stalled();
    m_address = static_cast<uint8_t>(setup.wValue);
    m_state = m_address ? DeviceState::Address : DeviceState::Default;
    return ControlReply::ack();
}

// §9.4.3: wValue is (type << 8) | index; wIndex is the language for strings. We serve one
// language, so any LANGID gets it (some hosts ask with 0).
ControlReply UsbDeviceCore::handle_get_descriptor(SetupPacket const& setup)
{
    if (direction_of(setup.bmRequestType) != in || type_of(setup.bmRequestType) != RequestType::Standard)
        return ControlReply::stalled();
    if (is_standard(setup, in, RequestRecipient::Device)) {
        auto const type = static_cast<uint8_t>(setup.wValue >> 8);
        if (auto bytes = descriptor_bytes(m_description, type, low_byte(setup.wValue)))
            return ControlReply::with_data(std::move(*bytes));
    }
    // Class descriptors (a HID report descriptor, to an interface) belong to the model.
    return handle_descriptor_request(setup);
}

// §9.4.7: value 0 deconfigures; any other value must name a configuration. USB leaves the
// request undefined in the Default state; like most devices we accept it there.
ControlReply UsbDeviceCore::handle_set_configuration(SetupPacket const& setup)
{
    if (!is_standard(setup, out, RequestRecipient::Device))
        return ControlReply::stalled();
    uint8_t const value = low_byte(setup.wValue);
    ConfigurationDescription const* configuration = nullptr;
    if (value != 0) {
        configuration = find_configuration(m_description, value);
        if (!configuration)
            return ControlReply::stalled();
    }
    select_configuration(configuration, TransferStatus::Aborted);
    return ControlReply::ack();
}

// §9.4.4: only in the Configured state, for an interface that exists.
ControlReply UsbDeviceCore::handle_get_interface(SetupPacket const& setup)
{
    if (!is_standard(setup, in, RequestRecipient::Interface))
        return ControlReply::stalled();
    auto setting = alternate_setting(low_byte(setup.wIndex));
    if (!setting)
        return ControlReply::stalled();
    return ControlReply::with_data({ *setting });
}

// §9.4.10: selects an alternate setting; like SET_CONFIGURATION, it returns the interface's
// endpoints to their default state even when the setting does not change.
ControlReply UsbDeviceCore::handle_set_interface(SetupPacket const& setup)
{
    if (!is_standard(setup, out, RequestRecipient::Interface) || !m_configuration)
        return ControlReply::stalled();
    uint8_t const interface_number = low_byte(setup.wIndex);
    auto const* interface = find_interface(*m_configuration, interface_number);
    auto const* setting = interface ? find_alternate_setting(*interface, low_byte(setup.wValue)) : nullptr;
    if (!setting)
        return ControlReply::stalled();
    auto orphans = take_endpoints(interface_number);
    activate_alternate_setting(interface_number, *setting);
    on_alternate_setting_changed(interface_number, setting->bAlternateSetting);
    finish_all(orphans, TransferStatus::Aborted);
    return ControlReply::ack();
}

} // namespace dextlab::usb
