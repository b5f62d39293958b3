// Configurations and the interface nubs they publish.
//
// As on macOS, a device nub is matched before it is configured. A driver that wins the device
// (a device-level personality, IOProviderClass IOUSBHostDevice) opens it and selects a
// configuration itself with SetConfiguration. When nothing wins it, IOUSBHostFamily's
// AppleUSBHostCompositeDevice does that work: the lab attaches it as a kernel driver (so the
// device reads `matched` in ioreg), selects the first configuration and publishes its
// interfaces for matching.

#include "usb_host.h"

#include "configuration_layout.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/server/kernel_driver.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/usb_host/trace_points.h"

namespace dextlab::kernel {

namespace kr = ipc::kr;
using usb::TransferStatus;

namespace {
constexpr char const* kProcess = "kernel";
constexpr char const* kCompositeClass = "AppleUSBHostCompositeDevice";
} // namespace

void UsbHostModel::device_matched(UsbDeviceNub& nub)
{
    if (nub.unplugged || !nub.active || !nub.enumerated)
        return;
    for (auto const* child : nub.children) {
        if (child->active && !dynamic_cast<UsbInterfaceNub const*>(child))
            return; // a driver holds the device: it configures it
    }
    start_composite_driver(nub);
}

void UsbHostModel::start_composite_driver(UsbDeviceNub& nub)
{
    auto& driver = m_delegate.objects().create<KernelDriver>();
    driver.ioclass = kCompositeClass;
    driver.name = kCompositeClass;
    driver.personality = kCompositeClass;
    driver.bundle = "com.apple.iokit.IOUSBHostFamily";
    driver.properties["IOClass"] = Property::string(kCompositeClass);
    driver.properties["IOProviderClass"] = Property::string("IOUSBHostDevice");
    driver.properties["IOMatchCategory"] = Property::string("IODefaultMatchCategory");
    m_trace.emit(tp::kernel_driver_start, kProcess, "lifecycle", driver.name,
        { TraceField::text("personality", driver.personality), TraceField::text("family", driver.bundle) });
    nub.matched = true;
    m_delegate.publish_nub(driver, nub);

    // USB 2.0 §9.1.1.5: the host selects a configuration; the composite driver takes the first
    // one the device describes.
    auto first = nub.configurations.find(0);
    if (first == nub.configurations.end() || first->second.size() < sizeof(usb::ConfigurationDescriptor))
        return;
    uint8_t value = first->second[5];
    uint64_t nub_id = nub.id();
    control(nub, usb::SetupPacket { 0x00, 9, value, 0, 0 }, [this, nub_id, value](usb::Transfer& t) {
        auto* device = m_delegate.objects().find_as<UsbDeviceNub>(nub_id);
        if (!device || device->unplugged || !device->active || t.status != TransferStatus::Success)
            return;
        retire_interfaces(*device);
        device->configuration_value = value;
        device->configured_by = 0;
        device->set_property("kUSBCurrentConfiguration", Property::number(value, 8));
        auto const* bytes = configuration_with_value(*device, value);
        if (!bytes)
            return;
        publish_interfaces(*device, std::vector<uint8_t>(*bytes));
        m_trace.emit(tp::usb_set_configuration, kProcess, "usb", device->device_id,
            { TraceField::dec("value", value), TraceField::text("by", kCompositeClass), TraceField::dec("match_interfaces", 1),
                TraceField::dec("interfaces", device->interfaces.size()) });
        // Registered now: this is the host's own event, no dext waits on it.
        for (auto* in : std::vector<UsbInterfaceNub*>(device->interfaces)) {
            if (device->unplugged || !in->active)
                break;
            m_delegate.register_nub(*in);
        }
    });
}

std::vector<uint8_t> const* UsbHostModel::configuration_with_value(UsbDeviceNub& nub, uint8_t value)
{
    for (uint8_t index = 0; index < nub.descriptor.bNumConfigurations; ++index) {
        auto cached = nub.configurations.find(index);
        if (cached == nub.configurations.end()) {
            // Not read at enumeration: read it now, head first for wTotalLength (USB 2.0 §9.4.3).
            usb::Transfer head;
            head.setup = usb::SetupPacket { 0x80, 6, static_cast<uint16_t>(0x0200 | index), 0, 9 };
            head.length = 9;
            head.buffer.assign(9, 0);
            if (!control_now(nub, head, {}) || head.status != TransferStatus::Success || head.actual < 9)
                continue;
            uint16_t total = static_cast<uint16_t>(head.buffer[2] | (head.buffer[3] << 8));
            usb::Transfer whole;
            whole.setup = usb::SetupPacket { 0x80, 6, static_cast<uint16_t>(0x0200 | index), 0, total };
            whole.length = total;
            whole.buffer.assign(total, 0);
            if (!control_now(nub, whole, {}) || whole.status != TransferStatus::Success)
                continue;
            cached = nub.configurations.emplace(index, std::vector<uint8_t>(whole.buffer.begin(), whole.buffer.begin() + whole.actual)).first;
        }
        auto const& bytes = cached->second;
        if (bytes.size() >= sizeof(usb::ConfigurationDescriptor) && bytes[5] == value)
            return &bytes;
    }
    return nullptr;
}

uint32_t UsbHostModel::set_configuration(UsbDeviceNub& nub, uint8_t value, bool match_interfaces, uint64_t client)
{
    char const* method = "IOUSBHostDevice::SetConfiguration";
    std::vector<uint8_t> bytes;
    if (value != 0) {
        auto const* found = configuration_with_value(nub, value);
        if (!found) {
            std::string values;
            for (auto const& [index, config] : nub.configurations)
                values += (values.empty() ? "" : ", ") + std::to_string(config.size() > 5 ? config[5] : 0);
            return refuse(nub, method, kr::BadArgument,
                "the device has no configuration with bConfigurationValue " + std::to_string(value) + " (it has " + values
                    + "); pass one of those, or 0 to unconfigure it");
        }
        bytes = *found;
    }
    // The old configuration's interfaces go first, then the device switches (§9.4.7).
    retire_interfaces(nub);
    usb::Transfer t;
    t.setup = usb::SetupPacket { 0x00, 9, value, 0, 0 };
    if (!control_now(nub, t, client_name(client)))
        return refuse(nub, method, kr::NotResponding, "the device did not answer SET_CONFIGURATION");
    if (t.status != TransferStatus::Success)
        return to_ioreturn(t.status);
    nub.configuration_value = value;
    nub.configured_by = client;
    nub.set_property("kUSBCurrentConfiguration", Property::number(value, 8));
    if (value != 0)
        publish_interfaces(nub, bytes);
    m_trace.emit(tp::usb_set_configuration, kProcess, "usb", nub.device_id,
        { TraceField::dec("value", value), TraceField::text("by", client_name(client)),
            TraceField::dec("match_interfaces", match_interfaces ? 1 : 0), TraceField::dec("interfaces", nub.interfaces.size()) });
    if (match_interfaces) {
        // registerService runs matching, which starts drivers (maybe in the caller's own server,
        // which waits for this reply): in the next event, as IOKit matches asynchronously.
        std::vector<uint64_t> ids;
        for (auto* in : nub.interfaces)
            ids.push_back(in->id());
        m_scheduler.schedule_after(0, [this, ids] {
            for (uint64_t id : ids) {
                auto* in = m_delegate.objects().find_as<UsbInterfaceNub>(id);
                if (in && in->active && !in->retired && !in->device->unplugged)
                    m_delegate.register_nub(*in);
            }
        });
    }
    return kr::Success;
}

void UsbHostModel::publish_interfaces(UsbDeviceNub& nub, std::vector<uint8_t> const& configuration)
{
    auto layout = parse_configuration(configuration);
    if (!layout)
        return;
    for (auto const& entry : layout->interfaces) {
        auto& in = m_delegate.objects().create<UsbInterfaceNub>();
        in.device = &nub;
        in.descriptor = entry.descriptor;
        in.endpoints = entry.endpoints;
        in.configuration = configuration;
        in.name = "IOUSBHostInterface";
        char loc[8];
        std::snprintf(loc, sizeof loc, "%x", entry.descriptor.bInterfaceNumber);
        in.location = loc;
        auto const& d = in.descriptor;
        in.set_property("bInterfaceNumber", Property::number(d.bInterfaceNumber, 8));
        in.set_property("bAlternateSetting", Property::number(d.bAlternateSetting, 8));
        in.set_property("bInterfaceClass", Property::number(d.bInterfaceClass, 8));
        in.set_property("bInterfaceSubClass", Property::number(d.bInterfaceSubClass, 8));
        in.set_property("bInterfaceProtocol", Property::number(d.bInterfaceProtocol, 8));
        in.set_property("bNumEndpoints", Property::number(d.bNumEndpoints, 8));
        in.set_property("bConfigurationValue", Property::number(layout->value, 8));
        // Interface nubs carry the device's ids too ([USBF] IOUSBInterface::SetProperties).
        for (char const* key : { "idVendor", "idProduct", "bcdDevice", "locationID" })
            in.set_property(key, *nub.property(key));
        nub.interfaces.push_back(&in);
    }
    // Attached, not registered: registration (and so matching) is the caller's, at once or
    // after the dext's call, or never (SetConfiguration(value, false)).
    for (auto* in : nub.interfaces)
        m_delegate.attach_nub(*in, nub);
}

void UsbHostModel::retire_interfaces(UsbDeviceNub& nub)
{
    auto old = std::move(nub.interfaces);
    nub.interfaces.clear();
    std::vector<uint64_t> ids;
    for (auto* in : old) {
        in->retired = true;
        for (auto& [address, pipe] : in->pipes)
            abort_pipe(*pipe, kr::Aborted);
        ids.push_back(in->id());
    }
    if (ids.empty())
        return;
    // Terminated in the next event: their drivers' Stop must not reach a dext that is waiting
    // in SetConfiguration or Close.
    m_scheduler.schedule_after(0, [this, ids] {
        for (uint64_t id : ids) {
            if (auto* in = m_delegate.objects().find_as<UsbInterfaceNub>(id); in && in->active)
                m_delegate.terminate_nub(*in);
        }
    });
}

} // namespace dextlab::kernel
