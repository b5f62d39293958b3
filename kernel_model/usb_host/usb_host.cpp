#include "usb_host.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/usb_host/trace_points.h"

#include <algorithm>
#include <cstring>

namespace dextlab::kernel {

namespace kr = ipc::kr;
using usb::TransferStatus;

namespace {

constexpr char const* kProcess = "kernel";

// How a device reaches back to the host: completions are routed to its nub.
class PortAdapter final : public usb::UsbHostPort {
public:
    PortAdapter(UsbHostModel& host, UsbDeviceNub& nub, Scheduler& scheduler)
        : m_host(host)
        , m_nub(&nub)
        , m_scheduler(scheduler)
    {
    }
    Scheduler& scheduler() override { return m_scheduler; }
    void transfer_completed(usb::Transfer& transfer) override { m_host.transfer_completed(*m_nub, transfer); }
    // After a port reset the same device answers for a new nub.
    void retarget(UsbDeviceNub& nub) { m_nub = &nub; }

private:
    UsbHostModel& m_host;
    UsbDeviceNub* m_nub;
    Scheduler& m_scheduler;
};

std::string hex(uint64_t v, int width = 4)
{
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%0*llx", width, static_cast<unsigned long long>(v));
    return buffer;
}

// USB 2.0 §9.6.7: a string descriptor's UTF-16LE payload, as UTF-8 (BMP only, which is all a
// device model writes; anything else becomes '?').
std::string utf16le_to_utf8(std::vector<uint8_t> const& bytes)
{
    std::string out;
    for (size_t i = 2; i + 1 < bytes.size(); i += 2) {
        uint16_t unit = static_cast<uint16_t>(bytes[i] | (bytes[i + 1] << 8));
        if (unit < 0x80) {
            out += static_cast<char>(unit);
        } else if (unit < 0x800) {
            out += static_cast<char>(0xc0 | (unit >> 6));
            out += static_cast<char>(0x80 | (unit & 0x3f));
        } else if (unit < 0xd800 || unit > 0xdfff) {
            out += static_cast<char>(0xe0 | (unit >> 12));
            out += static_cast<char>(0x80 | ((unit >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (unit & 0x3f));
        } else {
            out += '?';
        }
    }
    return out;
}

usb::SetupPacket get_descriptor(uint8_t type, uint8_t index, uint16_t language, uint16_t length)
{
    return usb::SetupPacket { 0x80, 6, static_cast<uint16_t>((type << 8) | index), language, length };
}

} // namespace

uint32_t to_ioreturn(TransferStatus status)
{
    switch (status) {
    case TransferStatus::Success: return kr::Success;
    case TransferStatus::Stall: return kr::UsbPipeStalled;
    case TransferStatus::Aborted: return kr::Aborted;
    case TransferStatus::NoDevice: return kr::NoDevice;
    case TransferStatus::Overrun: return kr::Overrun;
    case TransferStatus::Pending: return kr::NotReady;
    }
    return kr::Error;
}

UsbHostModel::UsbHostModel(Scheduler& scheduler, TraceBus& trace, UsbHostDelegate& delegate)
    : m_scheduler(scheduler)
    , m_trace(trace)
    , m_delegate(delegate)
{
}

UsbHostModel::~UsbHostModel()
{
    for (auto& [id, nub] : m_devices) {
        if (!nub->unplugged)
            nub->device->detach();
    }
}

usb::UsbDevice* UsbHostModel::device(std::string const& id) const
{
    auto it = m_devices.find(id);
    return it == m_devices.end() ? nullptr : it->second->device.get();
}

ErrorOr<void> UsbHostModel::plug(std::string const& id, std::unique_ptr<usb::UsbDevice> device)
{
    if (m_devices.contains(id))
        return Error::with("device '" + id + "' is already plugged in; unplug it first or use another id");
    auto& nub = m_delegate.objects().create<UsbDeviceNub>();
    nub.device_id = id;
    nub.device = std::move(device);
    nub.port = m_next_port++;
    nub.name = nub.device->product_name();
    nub.port_adapter = std::make_unique<PortAdapter>(*this, nub, m_scheduler);
    m_devices[id] = &nub;
    nub.device->attach(*nub.port_adapter);
    nub.device->reset();
    enumerate(nub);
    return {};
}

// Enumeration as a host does it (USB 2.0 §9.1.2): SET_ADDRESS, the device and configuration
// descriptors, the strings, then the device nub. Who configures the device is decided by
// matching on that nub (usb_configuration.cpp). Each request is one traced control transfer.
void UsbHostModel::enumerate(UsbDeviceNub& nub)
{
    uint8_t address = m_next_address++;
    control(nub, usb::SetupPacket { 0x00, 5, address, 0, 0 }, [this, &nub, address](usb::Transfer& t) {
        if (t.status != TransferStatus::Success)
            return;
        nub.address = address;
        control(nub, get_descriptor(1, 0, 0, 18), [this, &nub](usb::Transfer& t) {
            if (t.status != TransferStatus::Success || t.actual < sizeof(usb::DeviceDescriptor))
                return;
            std::memcpy(&nub.descriptor, t.buffer.data(), sizeof(usb::DeviceDescriptor));
            control(nub, get_descriptor(2, 0, 0, 9), [this, &nub](usb::Transfer& t) {
                if (t.status != TransferStatus::Success || t.actual < 9)
                    return;
                uint16_t total = static_cast<uint16_t>(t.buffer[2] | (t.buffer[3] << 8));
                control(nub, get_descriptor(2, 0, 0, total), [this, &nub](usb::Transfer& t) {
                    if (t.status != TransferStatus::Success)
                        return;
                    nub.configurations[0].assign(t.buffer.begin(), t.buffer.begin() + t.actual);
                    publish_device(nub);
                });
            });
        });
    });
}

void UsbHostModel::control(UsbDeviceNub& nub, usb::SetupPacket setup, std::function<void(usb::Transfer&)> then)
{
    auto transfer = std::make_unique<usb::Transfer>();
    transfer->id = ++m_next_transfer_id;
    transfer->endpoint = 0;
    transfer->type = usb::EndpointType::Control;
    transfer->setup = setup;
    transfer->length = setup.wLength;
    transfer->buffer.assign(setup.wLength, 0);
    uint64_t id = transfer->id;
    m_control[id] = ControlRequest { nub.id(), std::move(transfer), std::move(then) };
    // Each control transfer is issued in its own event, one microframe (125 us) after the last.
    m_scheduler.schedule_after(125_us, [this, id] {
        auto it = m_control.find(id);
        if (it == m_control.end())
            return; // the device went away first
        auto* owner = m_delegate.objects().find_as<UsbDeviceNub>(it->second.nub_id);
        if (!owner || owner->unplugged)
            return;
        owner->device->submit(*it->second.transfer);
    });
}

void UsbHostModel::publish_device(UsbDeviceNub& nub)
{
    auto& d = nub.descriptor;
    // Strings are read after the descriptors; they name the nub and fill the USB * Name keys.
    auto read_string = [this, &nub](uint8_t index, std::string key, std::function<void()> next) {
        if (index == 0) {
            next();
            return;
        }
        control(nub, get_descriptor(3, index, 0x0409, 255), [&nub, key, next](usb::Transfer& t) {
            if (t.status == TransferStatus::Success && t.actual >= 2) {
                std::vector<uint8_t> bytes(t.buffer.begin(), t.buffer.begin() + t.actual);
                nub.set_property(key, Property::string(utf16le_to_utf8(bytes)));
            }
            next();
        });
    };
    read_string(d.iManufacturer, "USB Vendor Name", [this, &nub, read_string] {
        read_string(nub.descriptor.iProduct, "USB Product Name", [this, &nub, read_string] {
            read_string(nub.descriptor.iSerialNumber, "USB Serial Number", [this, &nub] {
                auto& d = nub.descriptor;
                nub.set_property("idVendor", Property::number(d.idVendor, 16));
                nub.set_property("idProduct", Property::number(d.idProduct, 16));
                nub.set_property("bcdDevice", Property::number(d.bcdDevice, 16));
                nub.set_property("bcdUSB", Property::number(d.bcdUSB, 16));
                nub.set_property("bDeviceClass", Property::number(d.bDeviceClass, 8));
                nub.set_property("bDeviceSubClass", Property::number(d.bDeviceSubClass, 8));
                nub.set_property("bDeviceProtocol", Property::number(d.bDeviceProtocol, 8));
                nub.set_property("bMaxPacketSize0", Property::number(d.bMaxPacketSize0, 8));
                nub.set_property("bNumConfigurations", Property::number(d.bNumConfigurations, 8));
                nub.set_property("USB Address", Property::number(nub.address, 8));
                nub.set_property("USBSpeed", Property::number(static_cast<uint8_t>(nub.device->speed()), 8));
                uint32_t location = 0x01000000u | (static_cast<uint32_t>(nub.port) << 20);
                nub.set_property("locationID", Property::number(location, 32));
                char loc[16];
                std::snprintf(loc, sizeof loc, "%x", location);
                nub.location = loc;
                if (auto const* product = nub.property("USB Product Name"))
                    nub.name = product->as_string();
                nub.enumerated = true;
                m_trace.emit(tp::usb_attach, kProcess, "usb", nub.device_id,
                    { TraceField::dec("port", nub.port), TraceField::dec("address", nub.address),
                        TraceField::hex("vid", d.idVendor), TraceField::hex("pid", d.idProduct) });
                // Matching runs on the device first; what configures it depends on who matched
                // (device_matched).
                m_delegate.publish_nub(nub, m_delegate.root());
            });
        });
    });
}

ErrorOr<void> UsbHostModel::unplug(std::string const& id)
{
    auto it = m_devices.find(id);
    if (it == m_devices.end())
        return Error::with("no device '" + id + "' is plugged in");
    UsbDeviceNub& nub = *it->second;
    m_devices.erase(it);
    nub.unplugged = true;
    m_trace.emit(tp::usb_detach, kProcess, "usb", nub.device_id, {});
    // The host gives up on every transfer in flight: each completes with kIOReturnAborted,
    // then the nubs terminate (their clients' Stop runs after those completions are queued).
    for (auto* in : nub.interfaces) {
        for (auto& [address, pipe] : in->pipes)
            abort_pipe(*pipe, kr::Aborted);
    }
    abort_device_requests(nub, 0, kr::Aborted);
    for (auto it = m_control.begin(); it != m_control.end();) {
        if (it->second.nub_id == nub.id()) {
            nub.device->cancel(*it->second.transfer);
            it = m_control.erase(it);
        } else {
            ++it;
        }
    }
    nub.device->detach();
    m_delegate.terminate_nub(nub);
    return {};
}

// IOUSBHostDevice::Reset: the port is reset and the device enumerated again. Everything in
// flight completes with kIOReturnAborted, the old nub terminates (its drivers' Stop) and the same
// device, back in its Default state (USB 2.0 §9.1.1.3), gets a new nub, as macOS publishes a new
// IOUSBHostDevice. The lab enumerates it at once rather than after the old nub is gone.
uint32_t UsbHostModel::reset_device(UsbDeviceNub& nub)
{
    uint64_t id = nub.id();
    // Terminating sends Stop to drivers, maybe in the caller's own server: in the next event.
    m_scheduler.schedule_after(0, [this, id] {
        auto* old = m_delegate.objects().find_as<UsbDeviceNub>(id);
        if (!old || old->unplugged || !m_devices.contains(old->device_id))
            return;
        m_trace.emit(tp::usb_reset, kProcess, "usb", old->device_id, { TraceField::text("by", client_name(old->opened_by)) });
        for (auto* in : old->interfaces) {
            for (auto& [address, pipe] : in->pipes)
                abort_pipe(*pipe, kr::Aborted);
        }
        abort_device_requests(*old, 0, kr::Aborted);
        for (auto it = m_control.begin(); it != m_control.end();) {
            if (it->second.nub_id == old->id()) {
                old->device->cancel(*it->second.transfer);
                it = m_control.erase(it);
            } else {
                ++it;
            }
        }
        auto& fresh = m_delegate.objects().create<UsbDeviceNub>();
        fresh.device_id = old->device_id;
        fresh.port = old->port;
        fresh.device = std::move(old->device);
        fresh.port_adapter = std::move(old->port_adapter);
        fresh.name = fresh.device->product_name();
        static_cast<PortAdapter&>(*fresh.port_adapter).retarget(fresh);
        old->unplugged = true; // calls on the old nub now answer kIOReturnNoDevice
        m_devices[fresh.device_id] = &fresh;
        m_delegate.terminate_nub(*old);
        fresh.device->reset();
        enumerate(fresh);
    });
    return kr::Success;
}

void UsbHostModel::abort_pipe(UsbPipe& pipe, uint32_t status)
{
    auto pending = std::move(pipe.pending);
    pipe.pending.clear();
    for (auto& p : pending) {
        pipe.interface->device->device->cancel(p->transfer);
        p->transfer.status = TransferStatus::Aborted;
        emit_transfer_end(*pipe.interface->device, p->transfer, status);
        m_delegate.transfer_finished(*p, status);
    }
}

void UsbHostModel::emit_transfer_end(UsbDeviceNub const& nub, usb::Transfer const& t, uint32_t status)
{
    // `status` is the bus's view, `ioreturn` what the dext's completion receives (Abort's withError).
    std::vector<TraceField> fields { TraceField::hex("ep", t.endpoint), TraceField::text("status", usb::to_string(t.status)),
        TraceField::text("ioreturn", kr::ioreturn_name(status)), TraceField::dec("actual", t.actual) };
    // The first bytes moved, as a capture would show them (up to 16).
    if (t.actual > 0) {
        std::string data;
        char byte[4];
        for (uint32_t i = 0; i < std::min<uint32_t>(t.actual, 16) && i < t.buffer.size(); ++i) {
            std::snprintf(byte, sizeof byte, "%02x", t.buffer[i]);
            data += byte;
        }
        fields.push_back(TraceField::text("data", data));
    }
    m_trace.emit(tp::usb_transfer_complete, kProcess, "usb ep " + hex(t.endpoint, 2), nub.device_id, std::move(fields),
        TracePhase::AsyncEnd, t.id);
}

void UsbHostModel::emit_control(UsbDeviceNub const& nub, usb::Transfer const& transfer, std::string const& client)
{
    auto const& s = transfer.setup;
    std::vector<TraceField> fields { TraceField::hex("bmRequestType", s.bmRequestType), TraceField::hex("bRequest", s.bRequest),
        TraceField::hex("wValue", s.wValue), TraceField::hex("wIndex", s.wIndex), TraceField::dec("wLength", s.wLength),
        TraceField::text("status", usb::to_string(transfer.status)), TraceField::dec("actual", transfer.actual) };
    if (!client.empty())
        fields.push_back(TraceField::text("client", client));
    m_trace.emit(tp::usb_control, kProcess, "usb", nub.device_id, std::move(fields));
}

bool UsbHostModel::control_now(UsbDeviceNub& nub, usb::Transfer& transfer, std::string const& client)
{
    if (transfer.id == 0)
        transfer.id = ++m_next_transfer_id; // a dext's request has its id already: its memory is claimed under it
    transfer.endpoint = 0;
    transfer.type = usb::EndpointType::Control;
    transfer.status = TransferStatus::Pending;
    m_control_now = &transfer;
    nub.device->submit(transfer);
    m_control_now = nullptr;
    if (transfer.status == TransferStatus::Pending) {
        nub.device->cancel(transfer);
        return false;
    }
    emit_control(nub, transfer, client);
    return true;
}

void UsbHostModel::transfer_completed(UsbDeviceNub& nub, usb::Transfer& transfer)
{
    if (transfer.type == usb::EndpointType::Control && transfer.endpoint == 0) {
        if (&transfer == m_control_now)
            return; // control_now reads the outcome off the transfer
        for (auto& request : nub.requests) {
            if (&request->pending.transfer == &transfer) {
                finish_device_request(nub, *request, to_ioreturn(transfer.status));
                return;
            }
        }
        auto it = m_control.find(transfer.id);
        if (it == m_control.end())
            return;
        emit_control(nub, transfer);
        auto request = std::make_shared<ControlRequest>(std::move(it->second));
        m_control.erase(it);
        // Continue in a new event: the device may be completing from inside submit().
        m_scheduler.schedule_after(0, [this, request] {
            auto* owner = m_delegate.objects().find_as<UsbDeviceNub>(request->nub_id);
            if (owner && !owner->unplugged)
                request->then(*request->transfer);
        });
        return;
    }
    // A dext's transfer: find it on its pipe.
    for (auto* in : nub.interfaces) {
        for (auto& [address, pipe] : in->pipes) {
            auto& list = pipe->pending;
            for (auto it = list.begin(); it != list.end(); ++it) {
                if (&(*it)->transfer != &transfer)
                    continue;
                std::unique_ptr<PendingTransfer> done = std::move(*it);
                list.erase(it);
                if (transfer.status == TransferStatus::Stall)
                    pipe->halted = true;
                // IN bytes reach the dext's buffer in transfer_finished (the kernel's memory model).
                emit_transfer_end(nub, transfer, to_ioreturn(transfer.status));
                m_delegate.transfer_finished(*done, to_ioreturn(transfer.status));
                return;
            }
        }
    }
}

bool UsbHostModel::handle_call(uint64_t server_tag, uint64_t service_id, KernelObject& target, uint64_t msgid,
    ipc::WireReader& args, ipc::Message& reply)
{
    namespace ids = ipc::ids;
    auto set_status = [&](uint32_t status) { reply = ipc::make_reply(status); };
    if (auto* device = dynamic_cast<UsbDeviceNub*>(&target))
        return handle_device_call(server_tag, *device, msgid, args, reply);
    if (auto* in = dynamic_cast<UsbInterfaceNub*>(&target)) {
        if (msgid == ids::IOUSBHostInterface_Open) {
            set_status(handle_open(*in, service_id, args));
        } else if (msgid == ids::IOUSBHostInterface_Close) {
            set_status(handle_close(*in, args));
        } else if (msgid == ids::IOUSBHostInterface_CopyPipe) {
            ipc::Message r = ipc::make_reply(0);
            uint32_t status = handle_copy_pipe(*in, args, r);
            reply = status == kr::Success ? std::move(r) : ipc::make_reply(status);
        } else if (msgid == ids::IOUSBHostInterface_CopyDevice) {
            reply = ipc::make_reply(kr::Success);
            ipc::WireWriter(reply).object(in->device->id(), in->device->class_chain_text());
        } else if (msgid == ids::IOUSBHostInterface_CopyConfigurationDescriptor) {
            reply = ipc::make_reply(kr::Success);
            ipc::WireWriter(reply)
                .bytes(in->configuration.data(), in->configuration.size())
                .u64(in->descriptor.bInterfaceNumber)
                .u64(in->descriptor.bAlternateSetting);
        } else {
            return false;
        }
        return true;
    }
    if (auto* pipe = dynamic_cast<UsbPipe*>(&target)) {
        if (msgid == ids::IOUSBHostPipe_AsyncIO) {
            set_status(handle_async_io(*pipe, server_tag, args));
        } else if (msgid == ids::IOUSBHostPipe_Abort) {
            auto options = args.u64();
            auto with_error = args.u64();
            if (!options || !with_error) {
                set_status(kr::BadArgument);
            } else {
                abort_pipe(*pipe, static_cast<uint32_t>(with_error.value()));
                set_status(kr::Success);
            }
        } else if (msgid == ids::IOUSBHostPipe_GetDescriptors) {
            reply = ipc::make_reply(kr::Success);
            ipc::WireWriter(reply).bytes(reinterpret_cast<uint8_t const*>(&pipe->endpoint), sizeof pipe->endpoint);
        } else if (msgid == ids::IOUSBHostPipe_ClearStall) {
            pipe->halted = false;
            set_status(kr::Success);
        } else {
            return false;
        }
        return true;
    }
    return false;
}

uint32_t UsbHostModel::handle_open(UsbInterfaceNub& in, uint64_t service_id, ipc::WireReader& args)
{
    auto client = args.object();
    if (!client)
        return kr::BadArgument;
    if (in.device->unplugged || !in.active || in.retired)
        return kr::NoDevice;
    if (in.opened_by != 0 && in.opened_by != client.value().id)
        return refuse(*in.device, "IOUSBHostInterface::Open", kr::ExclusiveAccess,
            client_name(in.opened_by) + " has IOUSBHostInterface@" + in.location + " open; one client at a time may have an interface open "
                "(a device-level driver that drives the interface itself should not let interface drivers match it: "
                "SetConfiguration(value, false))");
    (void)service_id;
    in.opened_by = client.value().id;
    return kr::Success;
}

uint32_t UsbHostModel::handle_close(UsbInterfaceNub& in, ipc::WireReader& args)
{
    auto client = args.object();
    if (!client)
        return kr::BadArgument;
    if (in.opened_by == 0 || in.opened_by != client.value().id)
        return kr::NotOpen;
    close_interface(in);
    return kr::Success;
}

void UsbHostModel::close_interface(UsbInterfaceNub& in)
{
    for (auto& [address, pipe] : in.pipes)
        abort_pipe(*pipe, kr::Aborted);
    in.opened_by = 0;
    // Its termination waited for this close; the finalize runs in its own event, never inside
    // the dext's call.
    if (in.finalize_on_close) {
        in.finalize_on_close = false;
        uint64_t id = in.id();
        m_scheduler.schedule_after(0, [this, id] {
            if (auto* entry = m_delegate.objects().find_as<UsbInterfaceNub>(id); entry && !entry->active)
                m_delegate.finalize_nub(*entry);
        });
    }
}

bool UsbHostModel::hold_until_closed(RegistryEntry& entry)
{
    auto* in = dynamic_cast<UsbInterfaceNub*>(&entry);
    if (!in || in->opened_by == 0)
        return false;
    in->finalize_on_close = true;
    return true;
}

uint32_t UsbHostModel::handle_copy_pipe(UsbInterfaceNub& in, ipc::WireReader& args, ipc::Message& reply)
{
    auto address = args.u64();
    if (!address)
        return kr::BadArgument;
    auto existing = in.pipes.find(static_cast<uint8_t>(address.value()));
    UsbPipe* pipe = existing == in.pipes.end() ? nullptr : existing->second;
    if (!pipe) {
        for (auto const& ep : in.endpoints) {
            if (ep.bEndpointAddress != address.value())
                continue;
            pipe = &m_delegate.objects().create<UsbPipe>();
            pipe->interface = &in;
            pipe->endpoint = ep;
            in.pipes[ep.bEndpointAddress] = pipe;
            break;
        }
    }
    if (!pipe)
        return kr::NotFound;
    ipc::WireWriter(reply).object(pipe->id(), pipe->class_chain_text());
    return kr::Success;
}

uint32_t UsbHostModel::handle_async_io(UsbPipe& pipe, uint64_t server_tag, ipc::WireReader& args)
{
    auto buffer_ref = args.object();
    auto length = args.u64();
    auto action = args.object();
    auto timeout = args.u64();
    if (!buffer_ref || !length || !action || !timeout || action.value().id == 0)
        return kr::BadArgument;
    auto& in = *pipe.interface;
    if (in.device->unplugged || !in.active || in.retired)
        return kr::NoDevice;
    if (in.opened_by == 0)
        return kr::NotOpen;
    if (pipe.halted)
        return kr::UsbPipeStalled;
    uint8_t type = pipe.endpoint.bmAttributes & 0x3;
    // Interrupt endpoints take no timeout ([DOC] IOUSBHostPipe::AsyncIO).
    if (type == 3 && timeout.value() != 0)
        return kr::BadArgument;
    if (length.value() > UINT32_MAX)
        return kr::BadArgument;

    auto pending = std::make_unique<PendingTransfer>();
    pending->server_tag = server_tag;
    pending->buffer_id = buffer_ref.value().id;
    pending->action_id = action.value().id;
    pending->completion_msgid = ipc::ids::IOUSBHostPipe_CompleteAsyncIO;
    pending->pipe = &pipe;
    auto& t = pending->transfer;
    t.id = m_next_transfer_id + 1; // taken only if the memory is accepted
    t.endpoint = pipe.endpoint.bEndpointAddress;
    t.type = static_cast<usb::EndpointType>(type);
    t.length = static_cast<uint32_t>(length.value());
    // Checked last: once it succeeds the device owns the memory, until transfer_finished.
    if (uint32_t status = m_delegate.prepare_transfer_memory(*pending); status != kr::Success)
        return status;
    ++m_next_transfer_id;
    m_trace.emit(tp::usb_transfer_submit, kProcess, "usb ep " + hex(t.endpoint, 2), in.device->device_id,
        { TraceField::hex("ep", t.endpoint), TraceField::dec("length", t.length) }, TracePhase::AsyncBegin, t.id);
    usb::Transfer& ref = t;
    pipe.pending.push_back(std::move(pending));
    in.device->device->submit(ref);
    return kr::Success;
}

void UsbHostModel::close_everything_of(uint64_t service_id)
{
    // Interfaces first: a device-level driver's close terminates the interfaces it published.
    // Retired and unplugged interfaces are still in the object table, not in a device's list.
    for (uint64_t id : m_delegate.objects().ids_where([&](KernelObject const& o) {
             auto const* in = dynamic_cast<UsbInterfaceNub const*>(&o);
             return in && in->opened_by == service_id;
         })) {
        if (auto* in = m_delegate.objects().find_as<UsbInterfaceNub>(id))
            close_interface(*in);
    }
    for (auto& [id, nub] : m_devices) {
        if (nub->opened_by == service_id)
            close_device(*nub, service_id);
    }
}

} // namespace dextlab::kernel
