#include "data_queue_observer.h"

#include "kernel_model/dispatch/trace_points.h"
#include "kernel_model/ipc/ioreturn.h"

#include <algorithm>
#include <cstdio>

namespace dextlab::kernel {

namespace {

// The first bytes of an entry, as hex ("0102a0ff"), enough to recognise it in a trace.
constexpr uint32_t kShownBytes = 16;

std::string hex_bytes(uint8_t const* data, uint32_t size)
{
    std::string out;
    char byte[3];
    for (uint32_t i = 0; i < std::min(size, kShownBytes); ++i) {
        std::snprintf(byte, sizeof byte, "%02x", data[i]);
        out += byte;
    }
    if (size > kShownBytes)
        out += "...";
    return out;
}

} // namespace

DataQueueObserver::DataQueueObserver(TraceBus& trace, FindMemory find_memory)
    : m_trace(trace)
    , m_find_memory(std::move(find_memory))
{
}

uint32_t DataQueueObserver::created(std::string const& process, uint64_t server_tag, uint64_t buffer_id, uint64_t capacity,
    std::string const& queue)
{
    if (!ipc::DataQueueRing::valid_capacity(capacity)
        || !m_find_memory(server_tag, buffer_id, ipc::DataQueueRing::memory_size(static_cast<uint32_t>(capacity)))) {
        m_trace.emit(tp::dataqueue_error, process, name_of(buffer_id), name_of(buffer_id),
            { TraceField::text("what", "IODataQueueDispatchSource::Create named a buffer too small for a ring of "
                    + std::to_string(capacity) + " bytes") });
        return ipc::kr::BadArgument;
    }
    // Buffers of processes that are gone may leave entries behind; an id is never reused.
    m_rings[Key { server_tag, buffer_id }] = Ring { static_cast<uint32_t>(capacity), queue };
    m_trace.emit(tp::dataqueue_create, process, name_of(buffer_id), name_of(buffer_id),
        { TraceField::dec("capacity", capacity), TraceField::text("queue", queue),
            TraceField::dec("entry_header", ipc::kDataQueueEntryHeaderSize) });
    return ipc::kr::Success;
}

DataQueueObserver::Ring const* DataQueueObserver::ring(std::string const& process, Key key, char const* doing)
{
    auto it = m_rings.find(key);
    if (it != m_rings.end() && m_find_memory(key.first, key.second, ipc::DataQueueRing::memory_size(it->second.capacity)))
        return &it->second;
    if (it != m_rings.end())
        m_rings.erase(it); // its buffer was freed
    m_trace.emit(tp::dataqueue_error, process, name_of(key.second), name_of(key.second),
        { TraceField::text("what", std::string(doing) + " reported on buffer " + std::to_string(key.second)
                + ", which is not a live data queue of this server") });
    return nullptr;
}

std::optional<ipc::RingSnapshot> DataQueueObserver::snapshot(uint64_t server_tag, uint64_t buffer_id) const
{
    auto it = m_rings.find(Key { server_tag, buffer_id });
    if (it == m_rings.end())
        return std::nullopt;
    uint8_t* memory = m_find_memory(server_tag, buffer_id, ipc::DataQueueRing::memory_size(it->second.capacity));
    if (!memory)
        return std::nullopt;
    return ipc::DataQueueRing(memory, it->second.capacity).snapshot();
}

void DataQueueObserver::operation(std::string const& process, uint64_t server_tag, uint64_t buffer_id, bool dequeue,
    uint32_t status, uint32_t offset, uint32_t size)
{
    Key key { server_tag, buffer_id };
    Ring const* ring = this->ring(process, key, dequeue ? "a Dequeue" : "an Enqueue");
    if (!ring)
        return;
    uint8_t* memory = m_find_memory(server_tag, buffer_id, ipc::DataQueueRing::memory_size(ring->capacity));
    auto state = ipc::DataQueueRing(memory, ring->capacity).snapshot();
    std::vector<TraceField> fields { TraceField::text("status", ipc::kr::ioreturn_name(status)) };
    if (status == ipc::kr::Success) {
        fields.push_back(TraceField::dec("size", size));
        fields.push_back(TraceField::dec("offset", offset));
    }
    fields.push_back(TraceField::dec("head", state.head));
    fields.push_back(TraceField::dec("tail", state.tail));
    fields.push_back(TraceField::dec("capacity", state.capacity));
    fields.push_back(TraceField::dec("used", state.used_bytes));
    fields.push_back(TraceField::dec("entries", state.entries.size()));
    if (state.corrupt)
        fields.push_back(TraceField::dec("corrupt", 1));
    // The entry's bytes, read from the shared memory (still there after a dequeue: nothing has
    // overwritten them yet), if the place the dext named is inside the ring.
    uint64_t end = uint64_t { offset } + ipc::kDataQueueEntryHeaderSize + size;
    if (status == ipc::kr::Success && end <= ring->capacity)
        fields.push_back(TraceField::text("data",
            hex_bytes(memory + sizeof(ipc::DataQueueHeader) + offset + ipc::kDataQueueEntryHeaderSize, size)));
    m_trace.emit(dequeue ? tp::dataqueue_dequeue : tp::dataqueue_enqueue, process, name_of(buffer_id), name_of(buffer_id),
        std::move(fields));
}

void DataQueueObserver::notified(std::string const& process, uint64_t server_tag, uint64_t buffer_id, char const* what, bool delivered)
{
    if (!ring(process, Key { server_tag, buffer_id }, what))
        return;
    m_trace.emit(tp::dataqueue_notify, process, name_of(buffer_id), name_of(buffer_id),
        { TraceField::text("what", what), TraceField::dec("delivered", delivered ? 1 : 0) });
}

} // namespace dextlab::kernel
