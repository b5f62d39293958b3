// UsbDeviceCore: lifecycle, endpoint queues and completions. The standard control requests
// are in device_core_requests.cpp.

#include "devices/usb/device_core.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>

namespace dextlab::usb {

char const* to_string(DeviceState state)
{
    switch (state) {
    case DeviceState::Detached:
        return "detached";
    case DeviceState::Powered:
        return "powered";
    case DeviceState::Default:
        return "default";
    case DeviceState::Address:
        return "address";
    case DeviceState::Configured:
        return "configured";
    }
    return "?";
}

UsbDeviceCore::UsbDeviceCore(DeviceDescription description, UsbSpeed speed)
    : m_description(std::move(description))
    , m_speed(speed)
{
    assert(validate(m_description, m_speed).has_value() && "device models validate their description in create()");
}

UsbDeviceCore::~UsbDeviceCore() = default;

std::string UsbDeviceCore::product_name() const
{
    if (auto const* product = m_description.strings.find(m_description.iProduct))
        return *product;
    char text[32];
    std::snprintf(text, sizeof text, "USB device %04x:%04x", m_description.idVendor, m_description.idProduct);
    return text;
}

// [SECTION] Lifecycle

void UsbDeviceCore::attach(UsbHostPort& host)
{
    assert(m_state == DeviceState::Detached && "attach() twice without detach()");
    m_host = &host;
    m_address = 0;
    m_remote_wakeup = false;
    // §9.1.1.2: a powered device does not answer on the bus until the hub resets its port.
    m_state = DeviceState::Powered;
}

void UsbDeviceCore::reset()
{
    if (!is_attached())
        return;
    // §9.1.1.3: after a bus reset the device answers at address 0, unconfigured. Transfers
    // still queued were aborted by the host that reset us.
    m_state = DeviceState::Default;
    m_address = 0;
    m_remote_wakeup = false;
    select_configuration(nullptr, TransferStatus::Aborted);
}

void UsbDeviceCore::detach()
{
    if (!is_attached())
        return;
    m_state = DeviceState::Detached;
    m_address = 0;
    // The models' on_configuration_changed() still reaches the scheduler here, to cancel work.
    select_configuration(nullptr, TransferStatus::NoDevice);
}

// [SECTION] Transfers

void UsbDeviceCore::submit(Transfer& transfer)
{
    transfer.actual = 0;
    transfer.status = TransferStatus::Pending;
    if (m_state == DeviceState::Detached || m_state == DeviceState::Powered) {
        // Nothing answers: report it to the host we were last plugged into, if any.
        transfer.status = TransferStatus::NoDevice;
        if (m_host)
            m_host->transfer_completed(transfer);
        return;
    }
    if ((transfer.endpoint & ~endpoint_direction_in) == 0)
        return submit_control(transfer);
    submit_data(transfer);
}

void UsbDeviceCore::submit_data(Transfer& transfer)
{
    auto it = m_endpoints.find(transfer.endpoint);
    // An endpoint that is not in the active settings, or a halted one, answers STALL (§9.4.5);
    // so does a transfer whose type disagrees with the endpoint's descriptor.
    if (it == m_endpoints.end() || it->second.halted || it->second.description->type != transfer.type)
        return finish(transfer, TransferStatus::Stall, 0);
    auto& queue = it->second.queue;
    assert(std::find(queue.begin(), queue.end(), &transfer) == queue.end() && "transfer submitted twice");
    queue.push_back(&transfer);
    handle_data(transfer);
}

void UsbDeviceCore::cancel(Transfer& transfer)
{
    auto it = m_endpoints.find(transfer.endpoint);
    if (it != m_endpoints.end())
        std::erase(it->second.queue, &transfer);
    std::erase_if(m_completing, [&](auto const& entry) { return entry.first == &transfer; });
}

Transfer* UsbDeviceCore::next_pending(uint8_t endpoint_address)
{
    auto it = m_endpoints.find(endpoint_address);
    if (it == m_endpoints.end() || it->second.queue.empty())
        return nullptr;
    return it->second.queue.front();
}

void UsbDeviceCore::complete(Transfer& transfer, TransferStatus status, uint32_t actual)
{
    auto it = m_endpoints.find(transfer.endpoint);
    assert(it != m_endpoints.end() && "complete() on an endpoint that is not active");
    auto& queue = it->second.queue;
    auto position = std::find(queue.begin(), queue.end(), &transfer);
    assert(position != queue.end() && "complete() on a transfer that is not queued");
    queue.erase(position);
    finish(transfer, status, actual);
}

void UsbDeviceCore::complete_with_data(Transfer& transfer, std::span<uint8_t const> data)
{
    auto const actual = static_cast<uint32_t>(std::min<size_t>(data.size(), transfer.length));
    if (transfer.buffer.size() < actual)
        transfer.buffer.resize(actual);
    std::copy_n(data.begin(), actual, transfer.buffer.begin());
    complete(transfer, data.size() > transfer.length ? TransferStatus::Overrun : TransferStatus::Success, actual);
}

void UsbDeviceCore::halt_endpoint(uint8_t endpoint_address)
{
    auto it = m_endpoints.find(endpoint_address);
    if (it == m_endpoints.end())
        return;
    it->second.halted = true;
    std::vector<Transfer*> stalled(it->second.queue.begin(), it->second.queue.end());
    it->second.queue.clear();
    finish_all(stalled, TransferStatus::Stall);
}

void UsbDeviceCore::finish(Transfer& transfer, TransferStatus status, uint32_t actual)
{
    transfer.status = status;
    transfer.actual = actual;
    // The host may free or resubmit the transfer inside this call: touch nothing after it.
    host().transfer_completed(transfer);
}

void UsbDeviceCore::finish_all(std::vector<Transfer*> const& transfers, TransferStatus status)
{
    for (auto* transfer : transfers)
        m_completing.emplace_back(transfer, status);
    while (!m_completing.empty()) {
        auto [transfer, transfer_status] = m_completing.front();
        m_completing.pop_front();
        finish(*transfer, transfer_status, 0);
    }
}

// [SECTION] Configuration and endpoints

void UsbDeviceCore::select_configuration(ConfigurationDescription const* configuration, TransferStatus orphan_status)
{
    uint8_t const old_value = configuration_value();
    // §9.1.1.5: configuring, even with the current value, returns every endpoint to its
    // default state (halt cleared, data toggle DATA0); endpoints are rebuilt from the table.
    auto orphans = take_endpoints(std::nullopt);
    m_alternate_settings.clear();
    m_configuration = configuration;
    if (configuration) {
        for (auto const& interface : configuration->interfaces)
            activate_alternate_setting(interface.bInterfaceNumber, *find_alternate_setting(interface, 0));
    }
    if (is_attached() && m_state != DeviceState::Powered)
        m_state = configuration ? DeviceState::Configured : (m_address ? DeviceState::Address : DeviceState::Default);
    if (old_value != 0 || configuration)
        on_configuration_changed(old_value, configuration_value());
    finish_all(orphans, orphan_status);
}

void UsbDeviceCore::activate_alternate_setting(uint8_t interface_number, AlternateSettingDescription const& setting)
{
    m_alternate_settings[interface_number] = setting.bAlternateSetting;
    for (auto const& endpoint : setting.endpoints)
        m_endpoints[endpoint.bEndpointAddress] = Endpoint { &endpoint, interface_number, false, {} };
}

std::vector<Transfer*> UsbDeviceCore::take_endpoints(std::optional<uint8_t> interface_number)
{
    std::vector<Transfer*> orphans;
    for (auto it = m_endpoints.begin(); it != m_endpoints.end();) {
        if (interface_number && it->second.interface_number != *interface_number) {
            ++it;
            continue;
        }
        orphans.insert(orphans.end(), it->second.queue.begin(), it->second.queue.end());
        it = m_endpoints.erase(it);
    }
    return orphans;
}

// [SECTION] State for tests and the GUI

std::optional<uint8_t> UsbDeviceCore::alternate_setting(uint8_t interface_number) const
{
    auto it = m_alternate_settings.find(interface_number);
    if (it == m_alternate_settings.end())
        return std::nullopt;
    return it->second;
}

bool UsbDeviceCore::is_halted(uint8_t endpoint_address) const
{
    auto it = m_endpoints.find(endpoint_address);
    return it != m_endpoints.end() && it->second.halted;
}

size_t UsbDeviceCore::pending_count(uint8_t endpoint_address) const
{
    auto it = m_endpoints.find(endpoint_address);
    return it == m_endpoints.end() ? 0 : it->second.queue.size();
}

UsbHostPort& UsbDeviceCore::host() const
{
    assert(m_host && "the device has never been attached");
    return *m_host;
}

// [SECTION] Default hooks

ControlReply UsbDeviceCore::handle_class_request(SetupPacket const&, std::span<uint8_t const>)
{
    return ControlReply::stalled();
}

ControlReply UsbDeviceCore::handle_descriptor_request(SetupPacket const&) { return ControlReply::stalled(); }

void UsbDeviceCore::handle_data(Transfer&)
{
    // Nothing to send or take yet: the transfer stays queued, as an endpoint NAKs the host.
}

void UsbDeviceCore::on_configuration_changed(uint8_t, uint8_t) { }

void UsbDeviceCore::on_alternate_setting_changed(uint8_t, uint8_t) { }

} // namespace dextlab::usb
