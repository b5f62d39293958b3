// The PCIDriverKit calls a dext makes on an IOPCIDevice nub, and IOInterruptDispatchSource's.
// Statuses follow IOPCIFamily's kernel half (IOPCIDevice.cpp, the IMPL(IOPCIDevice, …)
// methods) and xnu's IOInterruptDispatchSource; where the lab refuses something macOS would
// only log, or something a driver most likely did by mistake, a pci_error record says what to do.

#include "kernel_model/pci/pci_host.h"

#include "devices/pci/config_space.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/pci/trace_points.h"
#include "kernel_model/trace_points.h"

#include <cstdio>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;
namespace op = ipc::ids::pci_access;

namespace {

constexpr char const* kLane = "pci";

// IOInterruptDispatchSource::GetInterruptType for an MSI vector: kIOInterruptTypeEdge (0) |
// kIOInterruptTypePCIMessaged (IOPCIFamilyDefinitions.h).
constexpr uint64_t kInterruptTypePCIMessaged = 0x00010000;
constexpr uint64_t kInterruptTypeLevel = 0x00000001;
constexpr uint64_t kInterruptTypePCIMessagedX = 0x00020000;

unsigned access_size(uint64_t operation)
{
    switch (operation & op::SizeMask) {
    case op::Size8: return 1;
    case op::Size16: return 2;
    case op::Size32: return 4;
    case op::Size64: return 8;
    default: return 0;
    }
}

std::string hex(uint64_t v)
{
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

} // namespace

std::optional<ipc::Message> PciHost::handle(UserServer& server, ipc::Message const& message)
{
    if (message.kind() != ipc::MessageKind::Call)
        return std::nullopt;
    switch (message.header.msgid) {
    case ids::IOPCIDevice_ManageSession:
    case ids::IOPCIDevice_MemoryAccess:
    case ids::IOPCIDevice_CopyDeviceMemoryWithIndex:
    case ids::IOPCIDevice_FindPCICapability:
    case ids::IOPCIDevice_GetBusDeviceFunction:
    case ids::IOPCIDevice_GetBARInfo:
    case ids::IOPCIDevice_ConfigureInterrupts:
    case ids::IOInterruptDispatchSource_GetInterruptType: {
        auto* nub = m_kernel.m_objects.find_as<PciDeviceNub>(message.header.target);
        if (!nub) {
            // Gone (unplugged and finalized), or not a PCI device at all.
            bool gone = m_kernel.m_objects.find(message.header.target) == nullptr;
            return ipc::make_reply(gone ? kr::NoDevice : kr::NoInterrupt);
        }
        return device_call(server, *nub, message);
    }
    case ids::IOInterruptDispatchSource_Create:
    case ids::IOInterruptDispatchSource_SetHandler:
    case ids::IOInterruptDispatchSource_SetEnableWithCompletion:
    case ids::IOInterruptDispatchSource_Cancel:
    case ids::IOInterruptDispatchSource_CheckForWork:
    case ids::IOInterruptDispatchSource_GetLastInterrupt:
        return source_call(server, message);
    default:
        return std::nullopt;
    }
}

ipc::Message PciHost::malformed(UserServer& server, ipc::Message const& message, std::string const& why)
{
    m_kernel.trace().emit(tp::server_error, server.display_name(), "ipc", server.name(),
        { TraceField::text("what", "malformed " + m_kernel.method_name(message.header.msgid) + " message: " + why) });
    return ipc::make_reply(kr::BadArgument);
}

// [SECTION] IOPCIDevice

ipc::Message PciHost::device_call(UserServer& server, PciDeviceNub& nub, ipc::Message const& message)
{
    ipc::WireReader args(message);
    std::string const& process = server.display_name();
    switch (message.header.msgid) {
    case ids::IOPCIDevice_ManageSession:
        return manage_session(server, nub, args);
    case ids::IOPCIDevice_MemoryAccess:
        return memory_access(server, nub, args);
    case ids::IOPCIDevice_CopyDeviceMemoryWithIndex: {
        auto index = args.u64();
        auto client = args.object();
        if (!index || !client)
            return malformed(server, message, "expected the memory index and the client");
        if (!has_open(nub, client.value().id))
            return ipc::make_reply(refuse(nub, process, "_CopyDeviceMemoryWithIndex", kr::NotOpen, "the client has not opened the device"));
        return ipc::make_reply(refuse(nub, process, "_CopyDeviceMemoryWithIndex", kr::Unsupported,
            "BAR memory cannot be mapped into a dext in the lab; MemoryRead/MemoryWrite reach the function's registers "
            "through the kernel (as with IOPCIKernelMemoryAccess)"));
    }
    case ids::IOPCIDevice_FindPCICapability: {
        auto id = args.u64();
        auto after = args.u64();
        if (!id || !after)
            return malformed(server, message, "expected the capability id and the search offset");
        // Extended capabilities (negated ids) live past 0x100, which a conventional function lacks.
        uint16_t found = (nub.unplugged || id.value() > 0xFF || after.value() > 0xFF)
            ? 0
            : find_capability(*nub.device, static_cast<uint8_t>(id.value()), static_cast<uint16_t>(after.value()));
        auto reply = ipc::make_reply(found ? kr::Success : kr::NotFound);
        ipc::WireWriter(reply).u64(found);
        return reply;
    }
    case ids::IOPCIDevice_GetBusDeviceFunction: {
        auto reply = ipc::make_reply(kr::Success);
        ipc::WireWriter(reply).u64(nub.address.bus).u64(nub.address.device).u64(nub.address.function);
        return reply;
    }
    case ids::IOPCIDevice_GetBARInfo: {
        auto bar = args.u64();
        if (!bar)
            return malformed(server, message, "expected the BAR index");
        if (bar.value() > 6)
            return ipc::make_reply(refuse(nub, process, "GetBARInfo", kr::BadArgument,
                "BAR index " + std::to_string(bar.value()) + " is not one of kPCIMemoryRangeBAR0..BAR5 or kPCIMemoryRangeExpansionROM"));
        for (size_t index = 0; index < nub.layout.ranges.size(); ++index) {
            auto const& r = nub.layout.ranges[index];
            if (r.bar == bar.value()) {
                auto reply = ipc::make_reply(kr::Success);
                ipc::WireWriter(reply).u64(index).u64(r.size).u64(r.type);
                return reply;
            }
        }
        return ipc::make_reply(kr::NotFound);
    }
    case ids::IOPCIDevice_ConfigureInterrupts:
        return configure_interrupts(server, nub, args);
    default: { // IOInterruptDispatchSource::GetInterruptType(provider, index)
        auto index = args.u64();
        if (!index)
            return malformed(server, message, "expected the interrupt index");
        resolve_vectors(nub, 0);
        if (index.value() >= nub.vectors) {
            m_kernel.trace().emit(tp::interrupt_error, process, kLane, nub.device_id,
                { TraceField::text("method", "GetInterruptType"), TraceField::dec("index", index.value()),
                    TraceField::text("status", kr::ioreturn_name(kr::NoInterrupt)),
                    TraceField::text("what", nub.name + " has " + std::to_string(nub.vectors) + " MSI vector(s)") });
            return ipc::make_reply(kr::NoInterrupt);
        }
        auto reply = ipc::make_reply(kr::Success);
        ipc::WireWriter(reply).u64(kInterruptTypePCIMessaged);
        return reply;
    }
    }
}

ipc::Message PciHost::manage_session(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args)
{
    auto client = args.object();
    auto open = args.u64();
    auto options = args.u64();
    if (!client || !open || !options)
        return ipc::make_reply(kr::BadArgument);
    uint64_t const client_id = client.value().id;
    auto* service = m_kernel.m_objects.find_as<UserService>(client_id);
    std::string const& process = server.display_name();
    if (open.value() == 0) {
        if (has_open(nub, client_id))
            close_session(nub, "Close");
        return ipc::make_reply(kr::Success);
    }
    if (!service || service->server != &server)
        return ipc::make_reply(refuse(nub, process, "Open", kr::BadArgument, "forClient must be the dext's own service (usually `this`)"));
    if (nub.unplugged || !nub.active)
        return ipc::make_reply(refuse(nub, process, "Open", kr::NotOpen, "the device is being terminated"));
    // A holder whose start failed, or that is otherwise gone without Stop, no longer counts.
    if (nub.opened_by != 0 && nub.opened_by != client_id) {
        auto const* holder = m_kernel.m_objects.find_as<UserService>(nub.opened_by);
        if (!holder || !holder->active)
            close_session(nub, "its client is gone");
    }
    if (nub.opened_by != 0 && nub.opened_by != client_id) {
        auto const* holder = m_kernel.m_objects.find_as<RegistryEntry>(nub.opened_by);
        return ipc::make_reply(refuse(nub, process, "Open", kr::NotOpen,
            "the device is already open by " + (holder ? holder->name : hex(nub.opened_by)) + "; IOPCIDevice allows one client at a time"));
    }
    nub.opened_by = client_id;
    nub.opened_by_server = server.tag();
    m_kernel.trace().emit(tp::pci_session, process, kLane, nub.device_id,
        { TraceField::text("op", "open"), TraceField::text("client", service->name) });
    return ipc::make_reply(kr::Success);
}

ipc::Message PciHost::memory_access(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args)
{
    auto operation = args.u64();
    auto offset = args.u64();
    auto data = args.u64();
    auto client = args.object();
    auto options = args.u64();
    if (!operation || !offset || !data || !client || !options)
        return ipc::make_reply(kr::BadArgument);
    uint64_t read = ~uint64_t { 0 };
    uint32_t status = kr::Success;
    std::string const& process = server.display_name();
    uint64_t const type = operation.value() & op::TypeMask;
    char const* method = (type == op::ConfigurationRead || type == op::DeviceRead) ? "a read" : "a write";
    if (!has_open(nub, client.value().id)) {
        status = refuse(nub, process, type <= op::DeviceWrite ? "MemoryRead/MemoryWrite" : "ConfigurationRead/ConfigurationWrite",
            kr::NotOpen, std::string(method) + " before Open(this): IOPCIDevice answers only its client; reads give all-ones");
    } else if (nub.unplugged) {
        status = kr::NoDevice; // surprise removal: nothing answers
    } else if (type == op::ConfigurationRead || type == op::ConfigurationWrite) {
        status = config_access(server, nub, operation.value(), offset.value(), data.value(), read);
    } else if (type == op::DeviceRead || type == op::DeviceWrite) {
        status = device_access(server, nub, operation.value(), offset.value(), data.value(), read);
    } else {
        status = refuse(nub, process, "_MemoryAccess", kr::Unsupported, "I/O space accesses: the function has no I/O BARs");
    }
    auto reply = ipc::make_reply(status);
    ipc::WireWriter(reply).u64(status == kr::Success ? read : ~uint64_t { 0 });
    return reply;
}

uint32_t PciHost::config_access(UserServer& server, PciDeviceNub& nub, uint64_t operation, uint64_t offset, uint64_t data, uint64_t& read)
{
    unsigned const size = access_size(operation);
    bool const is_read = (operation & op::TypeMask) == op::ConfigurationRead;
    if (size == 0 || size == 8)
        return refuse(nub, server.display_name(), "ConfigurationRead/Write", kr::Unsupported, "configuration accesses are 8, 16 or 32 bits");
    if (offset >= 4096)
        return refuse(nub, server.display_name(), "ConfigurationRead/Write", kr::BadArgument,
            "offset " + hex(offset) + " is past the 4 KiB of PCI Express configuration space");
    // "bits 0-1 are ignored" (IOPCIDevice.iig): an access is aligned to its size.
    uint16_t const at = static_cast<uint16_t>(offset & ~uint64_t { size - 1u });
    if (is_read)
        read = at < pci::kConfigSpaceSize ? nub.device->config_read(at, size) : (size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
    else if (at < pci::kConfigSpaceSize)
        nub.device->config_write(at, size, static_cast<uint32_t>(data));
    m_kernel.trace().emit_lazily(tp::pci_config, [&] {
        return TraceArgs { server.display_name(), kLane, nub.device_id,
            { TraceField::text("op", is_read ? "read" : "write"), TraceField::hex("offset", at), TraceField::dec("size", size),
                TraceField::hex("value", is_read ? read : data) } };
    });
    return kr::Success;
}

uint32_t PciHost::device_access(UserServer& server, PciDeviceNub& nub, uint64_t operation, uint64_t offset, uint64_t data, uint64_t& read)
{
    std::string const& process = server.display_name();
    unsigned const size = access_size(operation);
    bool const is_read = (operation & op::TypeMask) == op::DeviceRead;
    uint64_t const index = operation & op::IndexMask;
    char const* method = is_read ? "MemoryRead" : "MemoryWrite";
    if (size == 0)
        return refuse(nub, process, method, kr::Unsupported, "no access size in the operation");
    if (index > 6)
        return refuse(nub, process, method, kr::BadArgument, "memory index " + std::to_string(index) + " is past kIOPCIRangeExpansionROM");
    if (index >= nub.layout.ranges.size())
        return refuse(nub, process, method, kr::BadArgument,
            "memory index " + std::to_string(index) + ": the function decodes " + std::to_string(nub.layout.ranges.size())
                + " memory range(s); GetBARInfo maps a BAR to its memory index");
    auto const& range = nub.layout.ranges[index];
    if (offset >= range.size || size > range.size - offset || offset % size != 0)
        return refuse(nub, process, method, kr::BadArgument,
            "offset " + hex(offset) + " (" + std::to_string(size * 8) + "-bit) is outside memory range " + std::to_string(index) + " of "
                + std::to_string(range.size) + " bytes or not aligned to its size");
    bool const claimed = nub.device->config_read(pci::cfg::Command, 2) & pci::command::MemorySpace;
    if (!claimed && !nub.memory_space_warned) {
        nub.memory_space_warned = true;
        refuse(nub, process, method, kr::Success,
            "Memory Space is off in the Command register: the function ignores the access (reads are all-ones); "
            "ConfigurationWrite16(kIOPCIConfigurationOffsetCommand, command | kIOPCICommandMemorySpace) first");
    }
    if (is_read)
        read = nub.device->memory_read(range.bar, offset, size);
    else
        nub.device->memory_write(range.bar, offset, size, data);
    m_kernel.trace().emit_lazily(tp::pci_mmio, [&] {
        return TraceArgs { process, kLane, nub.device_id,
            { TraceField::text("op", is_read ? "read" : "write"), TraceField::dec("memory_index", index), TraceField::hex("offset", offset),
                TraceField::dec("size", size), TraceField::hex("value", is_read ? read : data), TraceField::dec("claimed", claimed ? 1 : 0) } };
    });
    return kr::Success;
}

ipc::Message PciHost::configure_interrupts(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args)
{
    auto type = args.u64();
    auto required = args.u64();
    auto requested = args.u64();
    auto options = args.u64();
    if (!type || !required || !requested || !options)
        return ipc::make_reply(kr::BadArgument);
    std::string const& process = server.display_name();
    auto error = [&](uint32_t status, std::string const& what) {
        m_kernel.trace().emit(tp::interrupt_error, process, kLane, nub.device_id,
            { TraceField::text("method", "ConfigureInterrupts"), TraceField::text("status", kr::ioreturn_name(status)),
                TraceField::text("what", what) });
        return ipc::make_reply(status);
    };
    // IOPCIDevice::configureInterrupts
    if (required.value() == 0 || requested.value() == 0 || required.value() > requested.value() || options.value() != 0)
        return error(kr::BadArgument, "numRequired and numRequested must be at least 1, numRequired <= numRequested, options 0");
    if (type.value() == kInterruptTypeLevel || type.value() == kInterruptTypePCIMessagedX)
        return error(kr::Unsupported, type.value() == kInterruptTypeLevel
                ? "legacy INTx interrupts are not delivered to DriverKit drivers; use kIOInterruptTypePCIMessaged"
                : "the function has no MSI-X capability; use kIOInterruptTypePCIMessaged");
    if (type.value() != kInterruptTypePCIMessaged)
        return error(kr::BadArgument, "interruptType " + hex(type.value()) + " is not an interrupt type");
    if (nub.vectors_resolved) {
        // Already allocated (a source was created, or a first call): satisfied or not.
        if (nub.vectors >= required.value())
            return ipc::make_reply(kr::Success);
        return error(kr::Unsupported, "vectors were already allocated (" + std::to_string(nub.vectors) + "); call ConfigureInterrupts before creating any source");
    }
    if (nub.layout.msi_capability == 0 || nub.layout.msi_vectors < required.value())
        return error(kr::Unsupported, nub.name + " offers " + std::to_string(nub.layout.msi_vectors) + " MSI vector(s), " + std::to_string(required.value())
                + " required");
    resolve_vectors(nub, static_cast<unsigned>(std::min<uint64_t>(requested.value(), 32)));
    return ipc::make_reply(kr::Success);
}

// [SECTION] IOInterruptDispatchSource

ipc::Message PciHost::source_call(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    uint64_t const source = message.header.target;
    auto caller = caller_of(server);
    switch (message.header.msgid) {
    case ids::IOInterruptDispatchSource_Create:
        return create_source(server, source, args);
    case ids::IOInterruptDispatchSource_SetHandler: {
        auto action = args.object();
        if (!action)
            return malformed(server, message, "expected the handler OSAction");
        return ipc::make_reply(m_interrupts.set_handler(caller, source, action.value().id));
    }
    case ids::IOInterruptDispatchSource_SetEnableWithCompletion: {
        auto enable = args.u64();
        if (!enable)
            return malformed(server, message, "expected enable");
        return ipc::make_reply(m_interrupts.set_enabled(caller, source, enable.value() != 0));
    }
    case ids::IOInterruptDispatchSource_Cancel:
        return ipc::make_reply(m_interrupts.cancel(caller, source));
    case ids::IOInterruptDispatchSource_CheckForWork:
        return ipc::make_reply(m_interrupts.check_for_work(caller, source));
    default: { // GetLastInterrupt
        auto last = m_interrupts.last_interrupt(caller, source);
        auto reply = ipc::make_reply(last ? kr::Success : kr::NotReady);
        ipc::WireWriter(reply).u64(last ? last->first : 0).u64(last ? last->second : 0);
        return reply;
    }
    }
}

ipc::Message PciHost::create_source(UserServer& server, uint64_t source_id, ipc::WireReader& args)
{
    auto provider = args.object();
    auto index = args.u64();
    auto queue = args.str();
    if (!provider || !index || !queue)
        return ipc::make_reply(kr::BadArgument);
    std::string const& process = server.display_name();
    auto* nub = m_kernel.m_objects.find_as<PciDeviceNub>(provider.value().id);
    auto error = [&](std::string const& object, uint32_t status, std::string const& what) {
        m_kernel.trace().emit(tp::interrupt_error, process, queue.value().empty() ? "interrupts" : queue.value(), object,
            { TraceField::text("method", "IOInterruptDispatchSource::Create"), TraceField::dec("index", index.value()),
                TraceField::text("status", kr::ioreturn_name(status)), TraceField::text("what", what) });
        return ipc::make_reply(status);
    };
    if (!nub) {
        auto const* entry = m_kernel.m_objects.find_as<RegistryEntry>(provider.value().id);
        return error(entry ? entry->name : "provider", kr::NoInterrupt,
            std::string(entry ? entry->class_name() : "the provider") + " has no interrupts; in the lab an IOPCIDevice provides them");
    }
    if (nub->unplugged || !nub->active)
        return error(nub->device_id, kr::NoDevice, "the device is being terminated");
    resolve_vectors(*nub, 0);
    if (index.value() >= nub->vectors) {
        std::string what = nub->vectors == 0
            ? nub->name + " has no MSI capability, and DriverKit delivers only MSI"
            : "index " + std::to_string(index.value()) + " is out of range: " + nub->name + " has " + std::to_string(nub->vectors)
                + " MSI vector(s), indexes 0.." + std::to_string(nub->vectors - 1)
                + " (GetInterruptType tells which exist; ConfigureInterrupts asks for more)";
        return error(nub->device_id, kr::NoInterrupt, what);
    }
    uint32_t status = m_interrupts.attach(caller_of(server), source_id, nub->id(), static_cast<unsigned>(index.value()), queue.value(), nub->name);
    if (status == kr::NoResources)
        return error(nub->device_id, status, "vector " + std::to_string(index.value()) + " already has a source; one IOInterruptDispatchSource per index");
    return ipc::make_reply(status);
}

} // namespace dextlab::kernel
