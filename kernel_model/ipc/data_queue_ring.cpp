#include "data_queue_ring.h"

#include <cstring>

namespace dextlab::ipc {

namespace {

// Head and tail are shared with another process (an app-side reader): loads acquire what the
// other side published, stores release what this side wrote.
uint32_t load(uint32_t const& field) { return __atomic_load_n(&field, __ATOMIC_ACQUIRE); }
void store(uint32_t& field, uint32_t value) { __atomic_store_n(&field, value, __ATOMIC_RELEASE); }

// The DataAvailable decision is a Dekker pair: the producer publishes the tail then reads the
// head, the consumer publishes the head then reads the tail, and at least one of them must see
// the other's store or a consumer that just emptied the ring sleeps through the new entry.
// Both sides publish with a sequentially consistent exchange and read with a sequentially
// consistent load: one locked instruction on x86, a third of the cost of a release store and a
// full fence. Each side pays it only where the race can bite (see commit and advance_head).
void publish(uint32_t& field, uint32_t value) { (void)__atomic_exchange_n(&field, value, __ATOMIC_SEQ_CST); }
uint32_t load_latest(uint32_t const& field) { return __atomic_load_n(&field, __ATOMIC_SEQ_CST); }

// needServicedCallback is written by the producer and cleared by the consumer; it orders
// nothing, but both sides touch it at once.
uint8_t load_flag(uint8_t const& flag) { return __atomic_load_n(&flag, __ATOMIC_RELAXED); }
void store_flag(uint8_t& flag, uint8_t value) { __atomic_store_n(&flag, value, __ATOMIC_RELAXED); }

} // namespace

bool data_queue_padded_size(uint32_t size, uint32_t& padded)
{
    if (size > UINT32_MAX - 3)
        return false;
    padded = (size + 3) & ~3u;
    return true;
}

void DataQueueRing::reset() { std::memset(m_memory, 0, sizeof(DataQueueHeader)); }

uint32_t DataQueueRing::read_u32(uint32_t offset) const
{
    uint32_t value;
    std::memcpy(&value, area() + offset, sizeof value);
    return value;
}

void DataQueueRing::write_u32(uint32_t offset, uint32_t value) { std::memcpy(area() + offset, &value, sizeof value); }

bool DataQueueRing::is_data_available() const { return load(header().head) != load_latest(header().tail); }

void DataQueueRing::clear_need_serviced() { store_flag(header().need_serviced_callback, 0); }

RingResult DataQueueRing::reserve(uint32_t size)
{
    RingResult r;
    r.size = size;
    uint32_t padded = 0;
    if (!data_queue_padded_size(size, padded) || padded > UINT32_MAX - kDataQueueEntryHeaderSize) {
        r.status = ring_status::Overrun;
        return r;
    }
    uint32_t const entry = padded + kDataQueueEntryHeaderSize;
    uint32_t const tail = load(header().tail);
    uint32_t const head = load(header().head);
    if (head > m_capacity || tail > m_capacity) {
        r.status = ring_status::Error;
        return r;
    }
    m_old_tail = tail;
    m_head_at_reserve = head;
    m_wrapped = false;
    bool fits = false;
    if (tail >= head) {
        if (entry <= m_capacity - tail) {
            r.offset = tail;
            m_new_tail = tail + entry;
            fits = true;
        } else if (head > entry) {
            // Wrap to the start; the tail stays strictly behind the head.
            r.offset = 0;
            m_new_tail = entry;
            m_wrapped = true;
            fits = true;
        }
    } else if (head - tail > entry) {
        r.offset = tail;
        m_new_tail = tail + entry;
        fits = true;
    }
    if (!fits) {
        // Full: the consumer's next dequeue owes the producer a DataServiced, and the consumer
        // is nudged so that it drains.
        r.status = ring_status::Overrun;
        store_flag(header().need_serviced_callback, 1);
        r.send_data_available = true;
    }
    return r;
}

void DataQueueRing::commit(RingResult& reserved)
{
    write_u32(reserved.offset, reserved.size);
    if (m_wrapped && m_capacity - m_old_tail >= kDataQueueEntryHeaderSize) {
        // A size word that cannot fit before the end tells a reader at the old tail to wrap.
        uint32_t padded = 0;
        data_queue_padded_size(reserved.size, padded);
        write_u32(m_old_tail, padded);
    }
    // Empty before this entry: the consumer must hear about it. A ring already empty when the
    // entry was reserved is told in any case, so only a ring that held entries then pays for
    // reading the head again after publishing: the consumer may have emptied it meanwhile.
    if (m_head_at_reserve == m_old_tail) {
        store(header().tail, m_new_tail);
        reserved.send_data_available = true;
        return;
    }
    publish(header().tail, m_new_tail);
    reserved.send_data_available = load_latest(header().head) == m_old_tail;
}

RingResult DataQueueRing::locate_head() const
{
    RingResult r = locate(load(header().head), load_latest(header().tail));
    if (r.status == ring_status::Success || r.status == ring_status::Underrun)
        r.send_data_serviced = load_flag(header().need_serviced_callback) != 0;
    return r;
}

RingResult DataQueueRing::locate(uint32_t head, uint32_t tail) const
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

void DataQueueRing::advance_head(RingResult const& located)
{
    uint32_t padded = 0;
    data_queue_padded_size(located.size, padded);
    uint32_t const new_head = located.offset + kDataQueueEntryHeaderSize + padded;
    // Only emptying the ring races with the producer's DataAvailable decision: then either the
    // producer sees this head or the consumer's next look at the tail sees the new entry.
    // Otherwise the consumer dequeues again anyway.
    if (new_head == load(header().tail))
        publish(header().head, new_head);
    else
        store(header().head, new_head);
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
