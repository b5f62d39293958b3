#include "data_queue_ring.h"

#include <cstring>

namespace dextlab::ipc {

using namespace ring_sync;

bool data_queue_padded_size(uint32_t size, uint32_t& padded)
{
    if (size > UINT32_MAX - 3)
        return false;
    padded = (size + 3) & ~3u;
    return true;
}

void DataQueueRing::reset() { std::memset(m_memory, 0, sizeof(DataQueueHeader)); }

bool DataQueueRing::is_data_available() const { return load(header().head) != load_latest(header().tail); }

void DataQueueRing::clear_need_serviced() { store_flag(header().need_serviced_callback, 0); }

RingResult DataQueueRing::full(RingResult r)
{
    // The consumer's next dequeue owes the producer a DataServiced, and the consumer is nudged so
    // that it drains.
    r.status = ring_status::Overrun;
    store_flag(header().need_serviced_callback, 1);
    r.send_data_available = true;
    return r;
}

RingResult DataQueueRing::locate_slowly(uint32_t head, uint32_t tail) const
{
    RingResult r;
    if (head == tail) {
        r.status = ring_status::Underrun;
        return r;
    }
    if (head > m_capacity || tail > m_capacity) {
        r.status = ring_status::Error;
        return r;
    }
    // The entry wraps to offset 0 when not even its size word fits before the end, or when the
    // size found there says the data does not fit (the producer's wrap marker).
    bool wrapped = head > m_capacity - kDataQueueEntryHeaderSize;
    uint32_t padded = 0;
    if (!wrapped) {
        r.size = read_u32(head);
        wrapped = !data_queue_padded_size(r.size, padded) || padded > m_capacity - head - kDataQueueEntryHeaderSize;
    }
    if (wrapped) {
        r.size = read_u32(0);
        if (!data_queue_padded_size(r.size, padded) || padded > m_capacity - kDataQueueEntryHeaderSize) {
            r.status = ring_status::Error;
            return r;
        }
    }
    r.offset = wrapped ? 0 : head;
    // The entry must lie in the written part of the ring: before the tail when the tail is
    // ahead of it (a wrapped entry needs the tail to have wrapped too), else before the end.
    uint32_t const end = r.offset + kDataQueueEntryHeaderSize + padded;
    if (wrapped && tail >= head) {
        r.status = ring_status::Error;
        return r;
    }
    if ((wrapped || head < tail) && end > tail) {
        r.status = ring_status::Error;
        return r;
    }
    return r;
}

uint32_t DataQueueRing::can_enqueue(uint32_t size, uint32_t count) const
{
    uint32_t padded = 0;
    if (!data_queue_padded_size(size, padded) || padded > UINT32_MAX - kDataQueueEntryHeaderSize)
        return ring_status::Overrun;
    uint64_t const entry = padded + kDataQueueEntryHeaderSize;
    uint32_t const tail = load(header().tail);
    uint32_t const head = load(header().head);
    if (head > m_capacity || tail > m_capacity)
        return ring_status::Error;
    uint64_t fit = 0;
    if (tail >= head) {
        fit = (m_capacity - tail) / entry;
        if (head > 0)
            fit += (head - 1) / entry; // after a wrap, strictly behind the head
    } else {
        fit = (head - tail - 1) / entry;
    }
    return fit >= count ? ring_status::Success : ring_status::Overrun;
}

RingSnapshot DataQueueRing::snapshot() const
{
    RingSnapshot s;
    s.capacity = m_capacity;
    s.head = load(header().head);
    s.tail = load(header().tail);
    s.need_serviced = load_flag(header().need_serviced_callback) != 0;
    if (s.head > m_capacity || s.tail > m_capacity) {
        s.corrupt = true;
        return s;
    }
    s.used_bytes = s.tail >= s.head ? s.tail - s.head : m_capacity - s.head + s.tail;
    // Walk the entries as successive dequeues would find them, never more steps than the ring
    // could hold entries, so corrupt sizes cannot loop.
    uint32_t position = s.head;
    for (uint32_t steps = 0; position != s.tail; ++steps) {
        RingResult r = locate(position, s.tail);
        if (r.status != ring_status::Success || steps > m_capacity / kDataQueueEntryHeaderSize) {
            s.corrupt = true;
            break;
        }
        s.entries.emplace_back(r.offset, r.size);
        uint32_t padded = 0;
        data_queue_padded_size(r.size, padded);
        position = r.offset + kDataQueueEntryHeaderSize + padded;
    }
    return s;
}

} // namespace dextlab::ipc
