#include "memory_calls.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/memory_reports.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/memory/guard_zone.h"
#include "kernel_model/memory/trace_points.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace dextlab::kernel {

namespace ids = ipc::ids;
namespace kr = ipc::kr;

namespace {

constexpr uint64_t kMaxBufferCapacity = 64ull * 1024 * 1024;
// CreateMapping options (IOMemoryDescriptor.iig).
constexpr uint64_t kMapFixedAddress = 0x1;
constexpr uint64_t kMapReadOnly = 0x2;
constexpr uint64_t kMapCacheModeMask = 0xFF00; // xnu's CreateMapping_Impl switches on these bits

// kIOMemoryMapCacheModeDefault, Inhibit, Copyback, WriteThrough, RealTime.
bool known_cache_mode(uint64_t mode) { return mode == 0 || mode == 0x100 || mode == 0x200 || mode == 0x400 || mode == 0x800; }

std::string hex(uint64_t value, int width = 2)
{
    char text[24];
    std::snprintf(text, sizeof text, "0x%0*llx", width, static_cast<unsigned long long>(value));
    return text;
}

std::string bytes_text(uint64_t first, uint64_t last) { return std::to_string(first) + ".." + std::to_string(last); }

// "IOBufferMemoryDescriptor #12", as messages name an object.
std::string describe(KernelObject const& object) { return object.class_name() + " #" + std::to_string(object.id()); }

std::string endpoint_text(uint8_t endpoint) { return std::string(endpoint & 0x80 ? "IN" : "OUT") + " ep " + hex(endpoint); }

char const* call_name(uint64_t msgid)
{
    switch (msgid) {
    case ids::IOBufferMemoryDescriptor_Create: return "IOBufferMemoryDescriptor::Create";
    case ids::IOBufferMemoryDescriptor_SetLength: return "IOBufferMemoryDescriptor::SetLength";
    case ids::IOMemoryDescriptor_CopyState: return "IOMemoryDescriptor::_CopyState";
    case ids::IOMemoryDescriptor_CreateMapping: return "IOMemoryDescriptor::CreateMapping";
    case ids::IOMemoryDescriptor_CreateSubMemoryDescriptor: return "IOMemoryDescriptor::CreateSubMemoryDescriptor";
    default: return nullptr;
    }
}

} // namespace

char const* memory_direction_name(uint64_t direction)
{
    switch (direction & kMemoryDirectionOutIn) {
    case kMemoryDirectionIn: return "kIOMemoryDirectionIn";
    case kMemoryDirectionOut: return "kIOMemoryDirectionOut";
    case kMemoryDirectionOutIn: return "kIOMemoryDirectionInOut";
    default: return "kIOMemoryDirectionNone";
    }
}

MemoryCalls::MemoryCalls(Kernel& kernel)
    : m_kernel(kernel)
{
}

template<typename T>
T* MemoryCalls::find(uint64_t id, uint64_t server_tag) const
{
    auto* object = m_kernel.m_objects.find_as<T>(id);
    return object && object->server_tag == server_tag ? object : nullptr;
}

BufferDescriptor* MemoryCalls::buffer(uint64_t id, uint64_t server_tag) const { return find<BufferDescriptor>(id, server_tag); }

std::string MemoryCalls::dext_name(uint64_t server_tag) const
{
    auto* server = m_kernel.server_by_tag(server_tag);
    return server ? server->display_name() : std::string("a dext");
}

void MemoryCalls::report(std::string const& dext, MemoryObject const* object, std::string kind, uint32_t status,
    std::string what, uint8_t endpoint)
{
    std::vector<TraceField> fields { TraceField::text("kind", std::move(kind)) };
    if (object)
        fields.push_back(TraceField::dec("descriptor", object->id()));
    if (endpoint)
        fields.push_back(TraceField::hex("ep", endpoint));
    if (status != kr::Success)
        fields.push_back(TraceField::text("status", kr::ioreturn_name(status)));
    fields.push_back(TraceField::text("what", std::move(what)));
    m_kernel.trace().emit(tp::memory_error, dext, "memory", object ? object->label() : std::string("-"), std::move(fields));
}

// ---- messages ----

std::optional<ipc::Message> MemoryCalls::handle(UserServer& server, ipc::Message const& message)
{
    if (message.kind() == ipc::MessageKind::ReleaseProxy) {
        auto* object = find<MemoryObject>(message.header.target, server.tag());
        if (!object)
            return std::nullopt;
        dext_released(server, *object);
        return ipc::make_reply(kr::Success);
    }
    if (message.kind() == ipc::MessageKind::Call && message.header.msgid == ipc::kReadOnlyMapWritten)
        return read_only_written(server, message);
    char const* name = message.kind() == ipc::MessageKind::Call ? call_name(message.header.msgid) : nullptr;
    if (!name)
        return std::nullopt;
    ipc::Message reply = ipc::make_reply(kr::Unsupported);
    switch (message.header.msgid) {
    case ids::IOBufferMemoryDescriptor_Create: reply = create(server, message); break;
    case ids::IOBufferMemoryDescriptor_SetLength: reply = set_length(server, message); break;
    case ids::IOMemoryDescriptor_CopyState: reply = copy_state(server, message); break;
    case ids::IOMemoryDescriptor_CreateMapping: reply = create_mapping(server, message); break;
    default: reply = create_sub(server, message); break;
    }
    ipc::WireReader status_reader(reply);
    auto status = ipc::reply_status(reply, status_reader);
    m_kernel.trace().emit(tp::ipc_to_kernel, server.display_name(), "ipc", name,
        { TraceField::hex("target", message.header.target),
            TraceField::text("status", kr::ioreturn_name(static_cast<uint32_t>(status ? status.value() : kr::IPCError))) });
    return reply;
}

// The runtime contained a write through a read-only mapping in the lab's process (a driverhost
// process just dies of it). On macOS the dext faults at that write, so its server ends as a
// crash; the write never reached the memory.
ipc::Message MemoryCalls::read_only_written(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto offset = args.u64();
    auto* map = m_kernel.m_objects.find_as<MemoryMap>(message.header.target);
    if (!offset || !map)
        return ipc::make_reply(kr::BadArgument);
    auto* owner = m_kernel.server_by_tag(map->server_tag);
    std::string const dext = owner ? owner->display_name() : server.display_name();
    std::string const why = map->options & kMapReadOnly ? "it was made with kIOMemoryMapReadOnly"
                                                         : "it maps a kIOMemoryDirectionOut descriptor the dext did not create";
    report(dext, map, "read-only", kr::Success,
        dext + " wrote byte " + std::to_string(offset.value()) + " of " + map->label() + ", which is read-only (" + why
            + "): on macOS the dext faults (EXC_BAD_ACCESS) and its process dies; the lab ends it the same way (the write "
              "did not reach the memory). Map without kIOMemoryMapReadOnly, or write into a buffer the dext created");
    // In its own event: the dext's code is still on the stack (it sent this on its way out).
    uint64_t const tag = map->server_tag;
    m_kernel.scheduler().schedule_after(0, [this, tag] {
        if (auto* dying = m_kernel.server_by_tag(tag); dying && dying->running())
            dying->inject_fault("segv");
    });
    return ipc::make_reply(kr::Success);
}

BufferDescriptor* MemoryCalls::create_buffer(UserServer& server, uint64_t capacity, uint64_t direction)
{
    if (capacity > kMaxBufferCapacity)
        return nullptr;
    auto& buffer = m_kernel.m_objects.create<BufferDescriptor>();
    auto region = ipc::SharedRegion::create(buffer.id(), guarded_region_size(capacity), "dextlab-buffer");
    if (!region) {
        m_kernel.m_objects.destroy(buffer.id());
        return nullptr;
    }
    buffer.region = region.value();
    buffer.capacity = capacity;
    buffer.length = capacity; // as xnu's Create leaves it (see IOBufferMemoryDescriptor.iig)
    buffer.direction = direction;
    buffer.server_tag = server.tag();
    fill_guard(buffer.guard(), buffer.guard_size());
    server.share_region(buffer.region);
    m_kernel.trace().emit(tp::memory_create, server.display_name(), "memory", buffer.label(),
        { TraceField::dec("capacity", capacity), TraceField::text("direction", memory_direction_name(direction)),
            TraceField::dec("guard", buffer.guard_size()) });
    return &buffer;
}

ipc::Message MemoryCalls::create(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto options = args.u64();
    auto capacity = args.u64();
    auto alignment = args.u64();
    if (!options || !capacity || !alignment)
        return ipc::make_reply(kr::BadArgument);
    std::string const& dext = server.display_name();
    // xnu's Create_Impl: the direction is the only option Create defines.
    if (options.value() & ~kMemoryDirectionOutIn) {
        report(dext, nullptr, "options", kr::BadArgument,
            dext + " passed options " + hex(options.value()) + " to IOBufferMemoryDescriptor::Create, which takes only "
                "kIOMemoryDirectionIn, kIOMemoryDirectionOut or kIOMemoryDirectionInOut; drop the other bits");
        return ipc::make_reply(kr::BadArgument);
    }
    if (capacity.value() > kMaxBufferCapacity) {
        report(dext, nullptr, "capacity", kr::NoMemory,
            dext + " asked IOBufferMemoryDescriptor::Create for " + std::to_string(capacity.value())
                + " bytes; the lab gives at most 64 MiB per buffer: use several smaller buffers");
        return ipc::make_reply(kr::NoMemory);
    }
    auto* buffer = create_buffer(server, capacity.value(), options.value());
    if (!buffer)
        return ipc::make_reply(kr::NoMemory);
    buffer->created_by_dext = true;
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply).object(buffer->id(), buffer->class_chain_text()).u64(buffer->id());
    return reply;
}

ipc::Message MemoryCalls::set_length(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto length = args.u64();
    auto* buffer = find<BufferDescriptor>(message.header.target, server.tag());
    if (!buffer || !length)
        return ipc::make_reply(kr::BadArgument);
    if (length.value() > buffer->capacity) {
        // xnu's setLength ignores a length past the capacity, and SetLength_Impl still succeeds.
        report(server.display_name(), buffer, "set_length", kr::Success,
            server.display_name() + " called SetLength(" + std::to_string(length.value()) + ") on " + describe(*buffer)
                + ", whose capacity is " + std::to_string(buffer->capacity) + ": the kernel ignores a length past the capacity "
                "and the length stays " + std::to_string(buffer->length) + "; create the buffer with the capacity you need");
    } else {
        buffer->length = length.value();
        m_kernel.trace().emit(tp::memory_set_length, server.display_name(), "memory", buffer->label(),
            { TraceField::dec("length", buffer->length) });
    }
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply).u64(buffer->length);
    return reply;
}

ipc::Message MemoryCalls::copy_state(UserServer& server, ipc::Message const& message)
{
    auto* descriptor = find<MemoryDescriptor>(message.header.target, server.tag());
    if (!descriptor)
        return ipc::make_reply(kr::BadArgument);
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply).u64(descriptor->length).u64(descriptor->direction);
    return reply;
}

ipc::Message MemoryCalls::create_mapping(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto options = args.u64();
    auto address = args.u64();
    auto offset = args.u64();
    auto length = args.u64();
    auto alignment = args.u64();
    auto* descriptor = find<MemoryDescriptor>(message.header.target, server.tag());
    if (!descriptor || !options || !address || !offset || !length || !alignment)
        return ipc::make_reply(kr::BadArgument);
    std::string const& dext = server.display_name();
    if (options.value() & kMapFixedAddress) {
        report(dext, descriptor, "unsupported", kr::Unsupported,
            dext + " asked CreateMapping of " + describe(*descriptor) + " for kIOMemoryMapFixedAddress " + hex(address.value(), 1)
                + ": the lab places every mapping itself; pass options without it and use IOMemoryMap::GetAddress()");
        return ipc::make_reply(kr::Unsupported);
    }
    if (!known_cache_mode(options.value() & kMapCacheModeMask)) {
        report(dext, descriptor, "mapping", kr::BadArgument,
            dext + " passed cache mode " + hex(options.value() & kMapCacheModeMask, 4) + " to CreateMapping of "
                + describe(*descriptor) + "; use one of kIOMemoryMapCacheModeDefault, Inhibit, Copyback, WriteThrough, RealTime");
        return ipc::make_reply(kr::BadArgument);
    }
    // xnu: length 0 maps the whole descriptor (createMappingInTask takes getLength()), and a
    // range past the end makes no mapping, which CreateMapping_Impl reports as kIOReturnError.
    uint64_t const map_length = length.value() == 0 ? descriptor->length : length.value();
    if (offset.value() >= descriptor->length || map_length > descriptor->length - offset.value()) {
        report(dext, descriptor, "mapping", kr::Error,
            dext + " asked CreateMapping of " + describe(*descriptor) + " (length " + std::to_string(descriptor->length)
                + ") for " + std::to_string(map_length) + " bytes at offset " + std::to_string(offset.value())
                + ", past its end; keep offset + length <= " + std::to_string(descriptor->length)
                + " (length 0 maps the whole descriptor, from offset 0)");
        return ipc::make_reply(kr::Error);
    }
    auto window = window_of(*descriptor);
    if (!window)
        return ipc::make_reply(kr::Error);
    auto& map = m_kernel.m_objects.create<MemoryMap>();
    map.server_tag = server.tag();
    map.descriptor_id = descriptor->id();
    map.offset = offset.value();
    map.length = map_length;
    map.options = options.value();
    // xnu's rule: kIOMemoryMapReadOnly, or an OUT-only descriptor, maps read-only, except for the
    // task that created the buffer (the dext's own IOBufferMemoryDescriptor; not a sub-descriptor).
    auto const* buffer = dynamic_cast<BufferDescriptor const*>(descriptor);
    bool const created_by_dext = buffer && buffer->created_by_dext;
    map.read_only = ((options.value() & kMapReadOnly) || descriptor->direction == kMemoryDirectionOut) && !created_by_dext;
    ++descriptor->kernel_holds;
    m_kernel.trace().emit(tp::memory_map, dext, "memory", map.label(),
        { TraceField::dec("descriptor", descriptor->id()), TraceField::dec("offset", map.offset), TraceField::dec("length", map.length),
            TraceField::dec("read_only", map.read_only ? 1 : 0) });
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply)
        .object(map.id(), map.class_chain_text())
        .u64(window->buffer->id())
        .u64(window->offset + map.offset)
        .u64(map.length)
        .u64(map.read_only ? 1 : 0); // the runtime maps it read-only: a write faults, as on macOS
    return reply;
}

ipc::Message MemoryCalls::create_sub(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto options = args.u64();
    auto offset = args.u64();
    auto length = args.u64();
    auto of = args.object();
    if (!options || !offset || !length || !of)
        return ipc::make_reply(kr::BadArgument);
    std::string const& dext = server.display_name();
    auto* parent = find<MemoryDescriptor>(of.value().id, server.tag());
    if (!parent) {
        report(dext, nullptr, "descriptor", kr::BadArgument,
            dext + " passed an ofDescriptor to CreateSubMemoryDescriptor that is not one of its memory descriptors");
        return ipc::make_reply(kr::BadArgument);
    }
    // xnu's CreateSubMemoryDescriptor_Impl: direction bits only, and the range within the
    // parent's length.
    if (options.value() & ~kMemoryDirectionOutIn) {
        report(dext, parent, "options", kr::BadArgument,
            dext + " passed options " + hex(options.value()) + " to CreateSubMemoryDescriptor of " + describe(*parent)
                + ", which takes only kIOMemoryDirectionIn and kIOMemoryDirectionOut");
        return ipc::make_reply(kr::BadArgument);
    }
    uint64_t end = 0;
    if (__builtin_add_overflow(offset.value(), length.value(), &end) || end > parent->length) {
        report(dext, parent, "sub_range", kr::BadArgument,
            dext + " asked CreateSubMemoryDescriptor for " + std::to_string(length.value()) + " bytes at offset "
                + std::to_string(offset.value()) + " of " + describe(*parent) + ", whose length is " + std::to_string(parent->length)
                + "; keep offset + length <= the parent's length (SetLength it first if it is shorter than its capacity)");
        return ipc::make_reply(kr::BadArgument);
    }
    auto parent_window = window_of(*parent);
    if (!parent_window)
        return ipc::make_reply(kr::Error);
    auto& sub = m_kernel.m_objects.create<SubMemoryDescriptor>();
    sub.server_tag = server.tag();
    sub.parent_id = parent->id();
    sub.offset = offset.value();
    sub.length = length.value();
    sub.direction = options.value();
    ++parent->kernel_holds;
    m_kernel.trace().emit(tp::memory_sub, dext, "memory", sub.label(),
        { TraceField::dec("of", parent->id()), TraceField::dec("offset", sub.offset), TraceField::dec("length", sub.length),
            TraceField::text("direction", memory_direction_name(sub.direction)) });
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply).object(sub.id(), sub.class_chain_text()).u64(parent_window->buffer->id());
    return reply;
}

// ---- lifetime ----

std::optional<MemoryWindow> MemoryCalls::window_of(MemoryDescriptor& descriptor) const
{
    uint64_t offset = 0;
    MemoryDescriptor* at = &descriptor;
    for (int depth = 0; auto* sub = dynamic_cast<SubMemoryDescriptor*>(at); ++depth) {
        offset += sub->offset;
        at = m_kernel.m_objects.find_as<MemoryDescriptor>(sub->parent_id);
        if (!at || depth > 64)
            return std::nullopt;
    }
    auto* buffer = dynamic_cast<BufferDescriptor*>(at);
    if (!buffer || offset > buffer->capacity)
        return std::nullopt;
    return MemoryWindow { buffer, offset, std::min(descriptor.length, buffer->capacity - offset) };
}

void MemoryCalls::dext_released(UserServer& server, MemoryObject& object)
{
    object.released_by_dext = true;
    if (object.kernel_holds == 0) {
        free_if_unused(object.id(), false);
        return;
    }
    std::string held_by;
    for (auto const& claim : m_owned.claims_through(object.id()))
        held_by += (held_by.empty() ? "" : ", ") + ("AsyncIO on " + endpoint_text(claim.endpoint));
    if (held_by.empty())
        held_by = std::to_string(object.kernel_holds) + " sub-descriptor(s) or mapping(s)";
    m_kernel.trace().emit(tp::memory_kept, server.display_name(), "memory", object.label(),
        { TraceField::text("held_by", held_by) });
}

void MemoryCalls::drop_hold(uint64_t id)
{
    auto* object = m_kernel.m_objects.find_as<MemoryObject>(id);
    if (!object)
        return;
    if (object->kernel_holds > 0)
        --object->kernel_holds;
    free_if_unused(id, object->released_by_dext);
}

void MemoryCalls::free_if_unused(uint64_t id, bool deferred)
{
    auto* object = m_kernel.m_objects.find_as<MemoryObject>(id);
    if (!object || object->in_use())
        return;
    uint64_t uses = 0; // what this object held
    if (auto* buffer = dynamic_cast<BufferDescriptor*>(object)) {
        check_guard(*buffer, "release");
        if (auto* server = m_kernel.server_by_tag(buffer->server_tag))
            server->unshare_region(id);
    } else if (auto* sub = dynamic_cast<SubMemoryDescriptor*>(object)) {
        uses = sub->parent_id;
    } else if (auto* map = dynamic_cast<MemoryMap*>(object)) {
        uses = map->descriptor_id;
    }
    std::vector<TraceField> fields { TraceField::text("why", "released") };
    if (deferred)
        fields.push_back(TraceField::dec("deferred", 1));
    m_kernel.trace().emit(tp::memory_free, dext_name(object->server_tag), "memory", object->label(), std::move(fields));
    m_kernel.m_objects.destroy(id);
    if (uses)
        drop_hold(uses);
}

void MemoryCalls::check_guard(BufferDescriptor& buffer, char const* found_at)
{
    auto damage = find_guard_damage(buffer.guard(), buffer.guard_size());
    if (!damage)
        return;
    std::string const dext = dext_name(buffer.server_tag);
    report(dext, &buffer, "guard", kr::Success,
        dext + " wrote past the end of " + describe(buffer) + " (capacity " + std::to_string(buffer.capacity) + "): bytes "
            + bytes_text(buffer.capacity + damage->first, buffer.capacity + damage->last)
            + " changed; check the length you pass to memcpy/GetAddressRange users (found at " + found_at + ")");
    // Re-armed, so the next report names only new damage.
    fill_guard(buffer.guard(), buffer.guard_size());
}

void MemoryCalls::server_gone(UserServer& server)
{
    uint64_t const tag = server.tag();
    auto ids = m_kernel.m_objects.ids_where([tag](KernelObject const& o) {
        auto const* m = dynamic_cast<MemoryObject const*>(&o);
        return m && m->server_tag == tag;
    });
    for (uint64_t id : ids) {
        if (auto* buffer = m_kernel.m_objects.find_as<BufferDescriptor>(id)) {
            check_guard(*buffer, "server exit");
            m_owned.release_buffer(id);
            server.unshare_region(id);
        }
    }
    for (uint64_t id : ids) {
        if (auto* object = m_kernel.m_objects.find_as<MemoryObject>(id))
            m_kernel.trace().emit(tp::memory_free, server.display_name(), "memory", object->label(),
                { TraceField::text("why", "server exit") });
        m_kernel.m_objects.destroy(id);
    }
}

// ---- the memory of USB transfers ----

uint32_t MemoryCalls::prepare_transfer(PendingTransfer& pending)
{
    auto& t = pending.transfer;
    std::string const dext = dext_name(pending.server_tag);
    uint8_t const ep = t.endpoint;
    auto* descriptor = find<MemoryDescriptor>(pending.buffer_id, pending.server_tag);
    if (!descriptor) {
        report(dext, nullptr, "descriptor", kr::BadArgument,
            dext + " passed AsyncIO on " + endpoint_text(ep) + " a dataBuffer that is not one of its memory descriptors; pass "
                "an IOBufferMemoryDescriptor (CreateIOBuffer) or a descriptor made from one",
            ep);
        return kr::BadArgument;
    }
    bool const device_writes = t.is_in();
    uint64_t const needed = device_writes ? kMemoryDirectionIn : kMemoryDirectionOut;
    if (!(descriptor->direction & needed)) {
        report(dext, descriptor, "direction", kr::BadArgument,
            dext + " passed " + describe(*descriptor) + " (" + memory_direction_name(descriptor->direction) + ") to AsyncIO on "
                + endpoint_text(ep) + ": the device " + (device_writes ? "writes" : "reads") + " that memory, so it needs "
                + memory_direction_name(needed) + "; create it with " + memory_direction_name(needed)
                + " or kIOMemoryDirectionInOut",
            ep);
        return kr::BadArgument;
    }
    if (t.length > descriptor->length) {
        auto const* buffer = dynamic_cast<BufferDescriptor const*>(descriptor);
        report(dext, descriptor, "length", kr::BadArgument,
            dext + " asked AsyncIO on " + endpoint_text(ep) + " for " + std::to_string(t.length) + " bytes, but "
                + describe(*descriptor) + " is " + std::to_string(descriptor->length) + " bytes long (GetLength); pass "
                "dataBufferLength <= " + std::to_string(descriptor->length)
                + (buffer ? " or SetLength first (capacity " + std::to_string(buffer->capacity) + ")" : std::string()),
            ep);
        return kr::BadArgument;
    }
    auto window = window_of(*descriptor);
    if (!window)
        return kr::BadArgument;
    check_guard(*window->buffer, "AsyncIO");
    DeviceClaim const claim { t.id, descriptor->id(), window->buffer->id(), window->offset, t.length, ep, device_writes };
    if (auto held = m_owned.conflict(claim)) {
        uint64_t const first = std::max(held->offset, claim.offset);
        uint64_t const last = std::min(held->offset + held->length, claim.offset + claim.length) - 1;
        report(dext, descriptor, "busy", kr::Success,
            dext + " passed bytes " + bytes_text(first, last) + " of " + describe(*window->buffer) + " to AsyncIO on "
                + endpoint_text(ep) + " while AsyncIO on " + endpoint_text(held->endpoint) + " still owns them: the device "
                + (held->device_writes ? "writes" : "reads") + " them until that transfer completes; use another buffer, "
                "or submit again from its completion",
            ep);
    }
    m_owned.claim(claim);
    if (device_writes)
        t.buffer.assign(t.length, 0);
    else
        t.buffer.assign(window->data(), window->data() + t.length); // the device's copy: compared at the completion
    ++descriptor->kernel_holds;
    return kr::Success;
}

void MemoryCalls::transfer_finished(PendingTransfer const& pending)
{
    auto const& t = pending.transfer;
    m_owned.release(t.id);
    auto* descriptor = find<MemoryDescriptor>(pending.buffer_id, pending.server_tag);
    if (!descriptor)
        return; // its server is gone, and the memory with it
    if (auto window = window_of(*descriptor)) {
        uint64_t const room = window->buffer->capacity - window->offset;
        if (t.is_in()) {
            size_t const count = std::min<uint64_t>({ t.actual, t.length, room, t.buffer.size() });
            if (count > 0)
                std::memcpy(window->data(), t.buffer.data(), count);
        } else if (t.length <= room && t.buffer.size() >= t.length) {
            if (auto changed = find_changed_bytes(t.buffer.data(), window->data(), t.length)) {
                std::string const dext = dext_name(pending.server_tag);
                report(dext, descriptor, "changed", kr::Success,
                    dext + " changed bytes " + bytes_text(changed->first, changed->last) + " of " + describe(*descriptor)
                        + " while AsyncIO on " + endpoint_text(t.endpoint) + " owned them (between AsyncIO and its "
                        "completion): the device may have sent the old bytes or the new; fill the buffer before AsyncIO and "
                        "touch it again only in the completion",
                    t.endpoint);
            }
        }
        check_guard(*window->buffer, "completion");
    }
    drop_hold(descriptor->id());
}

} // namespace dextlab::kernel
