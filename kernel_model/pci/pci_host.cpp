#include "pci_host.h"

#include "devices/pci/config_space.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/trace_points.h"
#include "kernel_model/trace_points.h"

#include <bit>
#include <cstdio>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;

namespace {

constexpr char const* kProcess = "kernel";
constexpr char const* kLane = "pci";

std::string hex(uint64_t v, int width = 0)
{
    char text[24];
    std::snprintf(text, sizeof text, "0x%0*llx", width, static_cast<unsigned long long>(v));
    return text;
}

char const* bar_type_name(uint8_t type)
{
    switch (type) {
    case bar_type::M32: return "M32";
    case bar_type::M32PF: return "M32PF";
    case bar_type::M64: return "M64";
    case bar_type::M64PF: return "M64PF";
    default: return "IO";
    }
}

// How a function reaches back to the host: its messages are routed to its nub.
class PortAdapter final : public pci::PciHostPort {
public:
    PortAdapter(PciHost& host, PciDeviceNub& nub, Scheduler& scheduler)
        : m_host(host)
        , m_nub(nub)
        , m_scheduler(scheduler)
    {
    }
    Scheduler& scheduler() override { return m_scheduler; }
    void message_signalled(uint64_t address, uint32_t data) override { m_host.message_signalled(m_nub, address, data); }
    void interrupt_withheld(unsigned vector, char const* why) override { m_host.interrupt_withheld(m_nub, vector, why); }

private:
    PciHost& m_host;
    PciDeviceNub& m_nub;
    Scheduler& m_scheduler;
};

} // namespace

PciHost::PciHost(Kernel& kernel)
    : m_kernel(kernel)
    , m_interrupts(
          kernel.scheduler(), kernel.trace(),
          [this](InterruptModel::Caller const& caller, uint64_t action, uint64_t source, uint64_t count, VirtualTime time) {
              deliver(caller, action, source, count, time);
          },
          [this](uint64_t tag, int launch) {
              auto* server = m_kernel.server_by_tag(tag);
              return server && server->running() && server->launches() == launch;
          },
          [this](uint64_t nub_id, unsigned vector, bool masked) { return mask_vector(nub_id, vector, masked); })
{
}

PciHost::~PciHost()
{
    for (auto& [id, nub] : m_devices) {
        if (!nub->unplugged)
            nub->device->detach();
    }
}

std::vector<std::string> PciHost::plugged() const
{
    std::vector<std::string> ids;
    for (auto const& [id, nub] : m_devices)
        ids.push_back(id);
    return ids;
}

pci::PciDevice* PciHost::device(std::string const& id) const
{
    auto it = m_devices.find(id);
    return it == m_devices.end() ? nullptr : it->second->device.get();
}

InterruptModel::Caller PciHost::caller_of(UserServer& server) const { return { server.tag(), server.launches(), server.display_name() }; }

// [SECTION] Plugging

ErrorOr<void> PciHost::plug(std::string const& id, std::unique_ptr<pci::PciDevice> device)
{
    if (m_devices.contains(id))
        return Error::with("device '" + id + "' is already plugged in; unplug it first or use another id");
    // The lowest free slot on bus 0, so a run places functions the same way every time.
    uint8_t slot = 1;
    for (; slot <= kSlots; ++slot) {
        bool used = false;
        for (auto const& [other, nub] : m_devices)
            used = used || nub->address.device == slot;
        if (!used)
            break;
    }
    if (slot > kSlots)
        return Error::with("the lab's PCI bus has " + std::to_string(kSlots) + " slots and all are taken; unplug a device first");

    m_interrupts.sweep();
    std::string const product = device->product_name();
    auto& objects = m_kernel.m_objects;
    auto& nub = objects.create<PciDeviceNub>();
    nub.device_id = id;
    nub.device = std::move(device);
    nub.address = BusAddress { 0, slot, 0 };
    nub.port_adapter = std::make_unique<PortAdapter>(*this, nub, m_kernel.scheduler());
    nub.device->attach(*nub.port_adapter);
    nub.device->reset();
    uint64_t next = m_next_address;
    auto layout = configure_function(*nub.device, next);
    if (!layout) {
        nub.device->detach();
        objects.destroy(nub.id());
        return Error::with("device '" + id + "' (" + product + "): " + layout.error().message);
    }
    m_next_address = next;
    nub.layout = std::move(layout).value();
    nub.name = nub_name(nub.layout);
    nub.location = nub_location(nub.address);
    nub.properties = nub_properties(nub.layout, nub.address);
    m_devices[id] = &nub;

    auto& trace = m_kernel.trace();
    trace.emit(tp::pci_attach, kProcess, kLane, id,
        { TraceField::text("name", nub.name), TraceField::text("product", product), TraceField::text("location", nub.location),
            TraceField::hex("vendor", nub.layout.vendor_id), TraceField::hex("device", nub.layout.device_id),
            TraceField::hex("class", nub.layout.class_code), TraceField::dec("msi_vectors", nub.layout.msi_vectors) });
    for (size_t index = 0; index < nub.layout.ranges.size(); ++index) {
        auto const& r = nub.layout.ranges[index];
        trace.emit(tp::pci_bar, kProcess, kLane, id,
            { TraceField::dec("bar", r.bar), TraceField::dec("memory_index", index), TraceField::text("type", bar_type_name(r.type)),
                TraceField::dec("size", r.size), TraceField::hex("address", r.address) });
    }
    m_kernel.publish_nub(nub, m_kernel.root());
    return {};
}

ErrorOr<void> PciHost::unplug(std::string const& id)
{
    auto it = m_devices.find(id);
    if (it == m_devices.end())
        return Error::with("no PCI device '" + id + "' is plugged in");
    PciDeviceNub& nub = *it->second;
    m_devices.erase(it);
    nub.unplugged = true;
    nub.device->detach();
    m_interrupts.forget_nub(nub.id());
    m_kernel.trace().emit(tp::pci_detach, kProcess, kLane, id, { TraceField::text("name", nub.name) });
    // Its driver stops (clients first), then the nub leaves the registry.
    m_kernel.terminate_nub(nub);
    return {};
}

// [SECTION] Interrupts

bool PciHost::resolve_vectors(PciDeviceNub& nub, unsigned requested)
{
    if (nub.vectors_resolved)
        return nub.vectors > 0;
    auto const& l = nub.layout;
    if (l.msi_capability == 0 || nub.unplugged)
        return false;
    unsigned count = std::bit_ceil(requested == 0 ? l.msi_vectors : requested);
    if (count > l.msi_vectors)
        count = l.msi_vectors;
    // The message data of a block of vectors is aligned to its size: the function puts the
    // vector in the low bits (PCI 3.0 §6.8.1.6).
    uint32_t const data = (m_next_msi_data + count - 1) & ~(count - 1);
    m_next_msi_data = data + count;
    auto& d = *nub.device;
    uint16_t const cap = l.msi_capability;
    if (l.msi_per_vector_masking)
        d.config_write(static_cast<uint16_t>(cap + pci::msi::MaskBits), 4, 0xFFFFFFFF); // masked until a source is enabled
    d.config_write(static_cast<uint16_t>(cap + pci::msi::AddressLow), 4, static_cast<uint32_t>(kMsiAddress));
    if (l.msi_64bit)
        d.config_write(static_cast<uint16_t>(cap + pci::msi::AddressHigh), 4, 0);
    d.config_write(static_cast<uint16_t>(cap + (l.msi_64bit ? pci::msi::Data : pci::msi::AddressHigh)), 2, data);
    uint16_t control = static_cast<uint16_t>(d.config_read(static_cast<uint16_t>(cap + pci::msi::Control), 2));
    control = static_cast<uint16_t>((control & ~(0x7u << pci::msi::MultipleMessageEnableShift))
        | (std::countr_zero(count) << pci::msi::MultipleMessageEnableShift) | pci::msi::Enable);
    d.config_write(static_cast<uint16_t>(cap + pci::msi::Control), 2, control);
    nub.vectors_resolved = true;
    nub.vectors = count;
    nub.msi_data = data;
    m_kernel.trace().emit(tp::pci_msi, kProcess, kLane, nub.device_id,
        { TraceField::dec("vectors", count), TraceField::hex("address", kMsiAddress), TraceField::hex("data", data),
            TraceField::text("masking", l.msi_per_vector_masking ? "per-vector" : "none") });
    return true;
}

bool PciHost::mask_vector(uint64_t nub_id, unsigned vector, bool masked)
{
    auto* nub = m_kernel.m_objects.find_as<PciDeviceNub>(nub_id);
    if (!nub || nub->unplugged || !nub->layout.msi_per_vector_masking || vector >= 32)
        return false;
    uint16_t const at = static_cast<uint16_t>(nub->layout.msi_capability + pci::msi::MaskBits);
    uint32_t bits = nub->device->config_read(at, 4);
    bits = masked ? (bits | (1u << vector)) : (bits & ~(1u << vector));
    nub->device->config_write(at, 4, bits); // unmasking may send a pending message right here
    return true;
}

void PciHost::message_signalled(PciDeviceNub& nub, uint64_t address, uint32_t data)
{
    if (address != kMsiAddress || !nub.vectors_resolved || data < nub.msi_data || data >= nub.msi_data + nub.vectors) {
        m_kernel.trace().emit(tp::pci_error, kProcess, kLane, nub.device_id,
            { TraceField::text("what", "stray memory write " + hex(data) + " to " + hex(address)
                    + " from the function: not a message the host programmed") });
        return;
    }
    unsigned const vector = data - nub.msi_data;
    if (!m_interrupts.raise(nub.id(), vector))
        m_kernel.trace().emit(tp::interrupt_raise, kProcess, kLane, nub.device_id,
            { TraceField::dec("vector", vector), TraceField::text("state", "unclaimed") });
}

void PciHost::interrupt_withheld(PciDeviceNub& nub, unsigned vector, char const* why)
{
    m_kernel.trace().emit(tp::pci_withheld, kProcess, kLane, nub.device_id, { TraceField::dec("vector", vector), TraceField::text("why", why) });
}

void PciHost::deliver(InterruptModel::Caller const& caller, uint64_t action_id, uint64_t source_id, uint64_t count, VirtualTime time)
{
    auto* server = m_kernel.server_by_tag(caller.server_tag);
    if (!server || !server->running())
        return;
    // InterruptOccurred(count, time) through the OSAction, as a USB completion travels; the
    // source tells the runtime which queue runs it. Always in a scheduler event of its own.
    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, action_id, ids::IOInterruptDispatchSource_InterruptOccurred);
    ipc::WireWriter(invoke).u64(count).u64(time).object(source_id, "IOInterruptDispatchSource");
    auto delivered = server->send(std::move(invoke));
    if (!delivered)
        m_kernel.trace().emit(tp::server_error, server->display_name(), "ipc", server->name(),
            { TraceField::text("what", "InterruptOccurred not delivered: " + delivered.error().message) });
}

// [SECTION] The session

void PciHost::close_session(PciDeviceNub& nub, char const* why)
{
    uint64_t const client = nub.opened_by;
    nub.opened_by = 0;
    nub.opened_by_server = 0;
    nub.memory_space_warned = false;
    // IOPCIDevice::handleClose for a DriverKit session: bus leading and memory decoding off, so
    // a driver that is gone cannot leave the function doing DMA.
    if (!nub.unplugged) {
        uint16_t const command = static_cast<uint16_t>(nub.device->config_read(pci::cfg::Command, 2));
        nub.device->config_write(pci::cfg::Command, 2, command & ~(pci::command::BusMaster | pci::command::MemorySpace));
    }
    auto const* service = m_kernel.m_objects.find_as<RegistryEntry>(client);
    m_kernel.trace().emit(tp::pci_session, kProcess, kLane, nub.device_id,
        { TraceField::text("op", "close"), TraceField::text("client", service ? service->name : hex(client)), TraceField::text("why", why) });
}

void PciHost::close_everything_of(uint64_t service_id)
{
    for (auto const& [id, nub] : m_devices) {
        if (nub->opened_by == service_id)
            close_session(*nub, "its client stopped with the session open");
    }
    // A nub already unplugged is no longer listed; its session ends with it.
}

uint32_t PciHost::refuse(PciDeviceNub const& nub, std::string const& process, char const* method, uint32_t status, std::string const& what)
{
    m_kernel.trace().emit(tp::pci_error, process, kLane, nub.device_id,
        { TraceField::text("method", method), TraceField::text("status", kr::ioreturn_name(status)), TraceField::text("what", what) });
    return status;
}

} // namespace dextlab::kernel
