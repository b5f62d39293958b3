// IOUSBHostDevice's calls: a device-level driver's session, descriptors, control requests,
// configuration and the walk over its interfaces.
//
// A call the dext waits on (DeviceRequest, SetConfiguration, descriptor reads) is answered inside
// that call: the device models answer control requests at once, so no virtual time passes.
// AsyncDeviceRequest goes to the device one microframe later and completes in its own event,
// like the host's own control transfers.

#include "usb_host.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/usb_host/trace_points.h"

#include <algorithm>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;
using usb::TransferStatus;

namespace {
constexpr char const* kProcess = "kernel";

// USB 2.0 Table 9-4: the requests that change what the host itself keeps about the device.
bool host_owned_request(uint8_t bmRequestType, uint8_t bRequest)
{
    bool const standard_to_device = (bmRequestType & 0x7f) == 0x00;
    return standard_to_device && (bRequest == 5 /* SET_ADDRESS */ || bRequest == 9 /* SET_CONFIGURATION */);
}
} // namespace

std::string UsbHostModel::client_name(uint64_t client) const
{
    if (client == 0)
        return "AppleUSBHostCompositeDevice";
    if (auto const* entry = m_delegate.objects().find_as<RegistryEntry>(client))
        return entry->name;
    return "object " + std::to_string(client);
}

uint32_t UsbHostModel::refuse(UsbDeviceNub const& nub, char const* method, uint32_t status, std::string const& what)
{
    m_trace.emit(tp::usb_error, kProcess, "usb", nub.device_id,
        { TraceField::text("method", method), TraceField::text("status", kr::ioreturn_name(status)), TraceField::text("what", what) });
    return status;
}

bool UsbHostModel::handle_device_call(uint64_t server_tag, UsbDeviceNub& nub, uint64_t msgid, ipc::WireReader& args,
    ipc::Message& reply)
{
    auto answer = [&](uint32_t status) { reply = ipc::make_reply(status); };
    auto answer_u64 = [&](uint64_t value) {
        reply = ipc::make_reply(kr::Success);
        ipc::WireWriter(reply).u64(value);
    };
    // Close is allowed while the device terminates: IOKit waits for it.
    if (msgid == ids::IOUSBHostDevice_Close) {
        answer(device_close(nub, args));
        return true;
    }
    bool const known = msgid == ids::IOUSBHostDevice_Open || msgid == ids::IOUSBHostDevice_GetDescriptor
        || msgid == ids::IOUSBHostDevice_CurrentConfiguration || msgid == ids::IOUSBHostDevice_DeviceRequest
        || msgid == ids::IOUSBHostDevice_AsyncDeviceRequest || msgid == ids::IOUSBHostDevice_AbortDeviceRequests
        || msgid == ids::IOUSBHostDevice_SetConfiguration || msgid == ids::IOUSBHostDevice_GetAddress
        || msgid == ids::IOUSBHostDevice_GetSpeed || msgid == ids::IOUSBHostDevice_GetFrameNumber
        || msgid == ids::IOUSBHostDevice_Reset || msgid == ids::IOUSBHostDevice_CreateInterfaceIterator
        || msgid == ids::IOUSBHostDevice_DestroyInterfaceIterator || msgid == ids::IOUSBHostDevice_CopyInterface;
    if (!known)
        return false;
    if (msgid == ids::IOUSBHostDevice_AbortDeviceRequests) {
        auto client = args.object();
        auto options = args.u64();
        auto with_error = args.u64();
        if (!client || !options || !with_error)
            answer(kr::BadArgument);
        else {
            abort_device_requests(nub, client.value().id, static_cast<uint32_t>(with_error.value()));
            answer(kr::Success);
        }
        return true;
    }
    if (nub.unplugged || !nub.active) {
        answer(kr::NoDevice);
        return true;
    }
    if (msgid == ids::IOUSBHostDevice_Open) {
        answer(device_open(nub, server_tag, args));
    } else if (msgid == ids::IOUSBHostDevice_GetDescriptor) {
        ipc::Message r = ipc::make_reply(kr::Success);
        uint32_t status = serve_get_descriptor(nub, args, r);
        reply = status == kr::Success ? std::move(r) : ipc::make_reply(status);
    } else if (msgid == ids::IOUSBHostDevice_CurrentConfiguration) {
        answer_u64(nub.configuration_value);
    } else if (msgid == ids::IOUSBHostDevice_DeviceRequest || msgid == ids::IOUSBHostDevice_AsyncDeviceRequest) {
        ipc::Message r = ipc::make_reply(kr::Success);
        uint32_t status = device_request(nub, server_tag, args, r, msgid == ids::IOUSBHostDevice_AsyncDeviceRequest);
        reply = status == kr::Success ? std::move(r) : ipc::make_reply(status);
    } else if (msgid == ids::IOUSBHostDevice_SetConfiguration) {
        auto value = args.u64();
        auto match = args.u64();
        if (!value || !match || value.value() > 0xff)
            answer(kr::BadArgument);
        else if (nub.opened_by == 0 || nub.opened_by_server != server_tag)
            answer(refuse(nub, "IOUSBHostDevice::SetConfiguration", kr::NotOpen,
                "SetConfiguration needs the device open by the caller: call Open(this, 0, 0) in Start first"
                    + (nub.opened_by ? " (" + client_name(nub.opened_by) + " has it open)" : std::string())));
        else
            answer(set_configuration(nub, static_cast<uint8_t>(value.value()), match.value() != 0, nub.opened_by));
    } else if (msgid == ids::IOUSBHostDevice_GetAddress) {
        answer_u64(nub.address);
    } else if (msgid == ids::IOUSBHostDevice_GetSpeed) {
        answer_u64(static_cast<uint8_t>(nub.device->speed())); // UsbSpeed has kIOUSBDeviceSpeed*'s values
    } else if (msgid == ids::IOUSBHostDevice_GetFrameNumber) {
        // Full and low speed count 1 ms frames (USB 2.0 §8.4.3.1); the time is the virtual clock.
        reply = ipc::make_reply(kr::Success);
        ipc::WireWriter(reply).u64(m_scheduler.now() / 1_ms).u64(m_scheduler.now());
    } else if (msgid == ids::IOUSBHostDevice_Reset) {
        answer(reset_device(nub));
    } else if (msgid == ids::IOUSBHostDevice_CreateInterfaceIterator) {
        InterfaceIterator iterator { server_tag, {}, 0 };
        for (auto* in : nub.interfaces)
            iterator.interfaces.push_back(in->id());
        uint64_t ref = ++nub.next_iterator;
        nub.iterators[ref] = std::move(iterator);
        answer_u64(ref);
    } else if (msgid == ids::IOUSBHostDevice_DestroyInterfaceIterator) {
        auto ref = args.u64();
        answer(ref && nub.iterators.erase(ref.value()) ? kr::Success : kr::BadArgument);
    } else if (msgid == ids::IOUSBHostDevice_CopyInterface) {
        ipc::Message r = ipc::make_reply(kr::Success);
        uint32_t status = copy_interface(nub, server_tag, args, r);
        reply = status == kr::Success ? std::move(r) : ipc::make_reply(status);
    }
    return true;
}

uint32_t UsbHostModel::device_open(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args)
{
    auto client = args.object();
    auto options = args.u64();
    auto arg = args.u64();
    if (!client || !options || !arg || client.value().id == 0)
        return kr::BadArgument;
    uint64_t id = client.value().id;
    if (nub.opened_by == id)
        return kr::Success;
    if (nub.opened_by != 0)
        return refuse(nub, "IOUSBHostDevice::Open", kr::ExclusiveAccess,
            client_name(nub.opened_by) + " has the device open; one service at a time may hold a device-level session");
    nub.opened_by = id;
    nub.opened_by_server = server_tag;
    m_trace.emit(tp::usb_device_open, kProcess, "usb", nub.device_id, { TraceField::text("client", client_name(id)) });
    return kr::Success;
}

uint32_t UsbHostModel::device_close(UsbDeviceNub& nub, ipc::WireReader& args)
{
    auto client = args.object();
    auto options = args.u64();
    if (!client || !options)
        return kr::BadArgument;
    if (nub.opened_by == 0 || nub.opened_by != client.value().id)
        return refuse(nub, "IOUSBHostDevice::Close", kr::NotOpen,
            client_name(client.value().id) + " closed a device it does not have open; pass the forClient that opened it");
    close_device(nub, client.value().id);
    return kr::Success;
}

void UsbHostModel::close_device(UsbDeviceNub& nub, uint64_t client)
{
    size_t const requests = std::count_if(nub.requests.begin(), nub.requests.end(), [&](auto const& r) { return r->client == client; });
    abort_device_requests(nub, client, kr::Aborted);
    size_t interfaces = 0;
    if (nub.configured_by == client && !nub.interfaces.empty()) {
        interfaces = nub.interfaces.size();
        retire_interfaces(nub);
    }
    std::erase_if(nub.iterators, [&](auto const& entry) { return entry.second.server_tag == nub.opened_by_server; });
    nub.opened_by = 0;
    nub.opened_by_server = 0;
    m_trace.emit(tp::usb_device_close, kProcess, "usb", nub.device_id,
        { TraceField::text("client", client_name(client)), TraceField::dec("aborted", requests), TraceField::dec("interfaces", interfaces) });
}

uint32_t UsbHostModel::serve_get_descriptor(UsbDeviceNub& nub, ipc::WireReader& args, ipc::Message& reply)
{
    auto type = args.u64();
    auto index = args.u64();
    auto language = args.u64();
    auto request_type = args.u64();
    auto recipient = args.u64();
    auto room = args.u64();
    if (!type || !index || !language || !request_type || !recipient || !room || type.value() > 0xff || index.value() > 0xff
        || room.value() > 0xffff)
        return kr::BadArgument;
    // The device descriptor and the configurations read so far come from the host's cache.
    std::vector<uint8_t> bytes;
    auto cached = type.value() == 2 ? nub.configurations.find(static_cast<uint8_t>(index.value())) : nub.configurations.end();
    if (type.value() == 1) {
        auto const* raw = reinterpret_cast<uint8_t const*>(&nub.descriptor);
        bytes.assign(raw, raw + sizeof nub.descriptor);
    } else if (cached != nub.configurations.end()) {
        bytes = cached->second;
    } else {
        // Anything else is read from the device (§9.4.3); a STALL means it has none.
        usb::Transfer t;
        uint8_t const bm = static_cast<uint8_t>(0x80 | ((request_type.value() & 3) << 5) | (recipient.value() & 0x1f));
        t.setup = usb::SetupPacket { bm, 6, static_cast<uint16_t>((type.value() << 8) | index.value()),
            static_cast<uint16_t>(language.value()), static_cast<uint16_t>(room.value()) };
        t.length = static_cast<uint32_t>(room.value());
        t.buffer.assign(t.length, 0);
        if (control_now(nub, t, {}) && t.status == TransferStatus::Success)
            bytes.assign(t.buffer.begin(), t.buffer.begin() + t.actual);
    }
    if (bytes.size() > room.value())
        bytes.resize(room.value());
    ipc::WireWriter(reply).bytes(bytes.data(), bytes.size());
    return kr::Success;
}

uint32_t UsbHostModel::device_request(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args, ipc::Message& reply,
    bool async)
{
    char const* method = async ? "IOUSBHostDevice::AsyncDeviceRequest" : "IOUSBHostDevice::DeviceRequest";
    auto client = args.object();
    auto bm_request_type = args.u64();
    auto b_request = args.u64();
    auto w_value = args.u64();
    auto w_index = args.u64();
    auto w_length = args.u64();
    auto buffer = args.object();
    ErrorOr<ipc::ObjectRef> action = ipc::ObjectRef {};
    if (async)
        action = args.object();
    auto timeout = args.u64();
    if (!client || !bm_request_type || !b_request || !w_value || !w_index || !w_length || !buffer || !action || !timeout)
        return kr::BadArgument;
    if (async && action.value().id == 0)
        return kr::BadArgument;
    if (nub.opened_by == 0 || nub.opened_by != client.value().id)
        return refuse(nub, method, kr::NotOpen,
            "forClient (" + client_name(client.value().id) + ") must have the device open: call Open(this, 0, 0) first and pass this");
    auto const type = static_cast<uint8_t>(bm_request_type.value());
    auto const request = static_cast<uint8_t>(b_request.value());
    auto const length = static_cast<uint16_t>(w_length.value());
    if (host_owned_request(type, request))
        return refuse(nub, method, kr::NotPermitted,
            std::string(request == 9 ? "SET_CONFIGURATION" : "SET_ADDRESS")
                + " changes what the host keeps about the device; use SetConfiguration (the host assigns the address)");
    if (length > 0 && buffer.value().id == 0)
        return refuse(nub, method, kr::BadArgument,
            "wLength is " + std::to_string(length) + " but dataBuffer is NULL; pass a buffer of at least wLength bytes (CreateIOBuffer)");

    auto owned = std::make_unique<DeviceRequest>();
    owned->client = client.value().id;
    PendingTransfer& pending = owned->pending;
    pending.server_tag = server_tag;
    pending.buffer_id = buffer.value().id;
    pending.action_id = action.value().id;
    pending.completion_msgid = ids::IOUSBHostDevice_CompleteAsyncDeviceRequest;
    auto& t = pending.transfer;
    t.id = ++m_next_transfer_id;
    t.endpoint = 0;
    t.type = usb::EndpointType::Control;
    t.setup = usb::SetupPacket { type, request, static_cast<uint16_t>(w_value.value()), static_cast<uint16_t>(w_index.value()), length };
    t.length = length;
    t.buffer.assign(length, 0);
    // The data stage's memory is checked like AsyncIO's, then belongs to the device until the end.
    if (length > 0) {
        if (uint32_t status = m_delegate.prepare_transfer_memory(pending); status != kr::Success)
            return status;
    }

    if (!async) {
        bool const answered = control_now(nub, t, client_name(owned->client));
        if (length > 0)
            m_delegate.release_transfer_memory(pending);
        if (!answered)
            return refuse(nub, method, kr::Timeout, "the device did not answer the request inside the call");
        reply = ipc::make_reply(to_ioreturn(t.status));
        ipc::WireWriter(reply).u64(t.actual);
        return to_ioreturn(t.status) == kr::Success ? kr::Success : to_ioreturn(t.status);
    }

    DeviceRequest& queued = *owned;
    nub.requests.push_back(std::move(owned));
    uint64_t nub_id = nub.id();
    DeviceRequest* key = &queued;
    queued.submit_event = m_scheduler.schedule_after(125_us, [this, nub_id, key] {
        auto* device = m_delegate.objects().find_as<UsbDeviceNub>(nub_id);
        if (!device || device->unplugged)
            return;
        auto it = std::find_if(device->requests.begin(), device->requests.end(), [&](auto const& r) { return r.get() == key; });
        if (it == device->requests.end())
            return;
        key->submitted = true;
        // The device may complete it inside submit(); `key` is gone after that.
        device->device->submit(key->pending.transfer);
    });
    return kr::Success;
}

void UsbHostModel::finish_device_request(UsbDeviceNub& nub, DeviceRequest& request, uint32_t status)
{
    auto it = std::find_if(nub.requests.begin(), nub.requests.end(), [&](auto const& r) { return r.get() == &request; });
    if (it == nub.requests.end())
        return;
    std::unique_ptr<DeviceRequest> done = std::move(*it);
    nub.requests.erase(it);
    emit_control(nub, done->pending.transfer, client_name(done->client));
    m_delegate.transfer_finished(done->pending, status);
}

void UsbHostModel::abort_device_requests(UsbDeviceNub& nub, uint64_t client, uint32_t status)
{
    std::vector<DeviceRequest*> victims;
    for (auto& request : nub.requests) {
        if (client == 0 || request->client == client)
            victims.push_back(request.get());
    }
    for (auto* request : victims) {
        if (request->submitted)
            nub.device->cancel(request->pending.transfer);
        else
            m_scheduler.cancel(request->submit_event);
        request->pending.transfer.status = TransferStatus::Aborted;
        finish_device_request(nub, *request, status);
    }
}

uint32_t UsbHostModel::copy_interface(UsbDeviceNub& nub, uint64_t server_tag, ipc::WireReader& args, ipc::Message& reply)
{
    auto ref = args.u64();
    if (!ref)
        return kr::BadArgument;
    auto it = nub.iterators.find(ref.value());
    if (it == nub.iterators.end() || it->second.server_tag != server_tag)
        return refuse(nub, "IOUSBHostDevice::CopyInterface", kr::BadArgument,
            "no interface iterator " + std::to_string(ref.value()) + " (destroyed, or from another process); create one with CreateInterfaceIterator");
    auto& iterator = it->second;
    // Interfaces retired since the iterator was made (a new configuration) are skipped.
    while (iterator.next < iterator.interfaces.size()) {
        auto* in = m_delegate.objects().find_as<UsbInterfaceNub>(iterator.interfaces[iterator.next++]);
        if (in && in->active && !in->retired) {
            ipc::WireWriter(reply).object(in->id(), in->class_chain_text());
            return kr::Success;
        }
    }
    ipc::WireWriter(reply).null_object();
    return kr::Success;
}

} // namespace dextlab::kernel
