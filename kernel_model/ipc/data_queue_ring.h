#pragma once
// The shared-memory ring behind IODataQueueDispatchSource, in the layout DriverKit gives it
// (xnu iokit/System/IODataQueueDispatchSourceShared.h, read for the layout only): a 128-byte
// header {u32 head, u32 tail, u8 needServicedCallback, reserved} followed by `capacity` bytes of
// entries, each a u32 size and the data padded to 4 bytes. The memory is a memfd region
// (ipc::SharedRegion), so the dext, the kernel model and later an app-side reader all see it.
//
// Behaviour, as DriverKit documents it (IODataQueueDispatchSource.iig):
//  - An entry that does not fit before the end wraps to offset 0 if the head leaves room; the
//    tail never catches up with the head (one entry's worth of slack), so head == tail means
//    empty. Where the end has room for a size word, the padded size is left there so a reader
//    knows to wrap.
//  - Enqueue on a full ring returns kIOReturnOverrun and asks for a DataServiced notification
//    (needServicedCallback) when a consumer next dequeues; it also nudges the consumer
//    (DataAvailable), so a full ring drains.
//  - Enqueue into an empty ring asks for DataAvailable; Dequeue on an empty ring returns
//    kIOReturnUnderrun. A head or tail outside the ring, or an entry that cannot be there, is
//    corruption: kIOReturnError, and nothing moves.
//
// The class holds no state but the pointer: every call reads head and tail from the memory,
// as two processes sharing the ring must. One producer and one consumer, as in DriverKit.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace dextlab::ipc {

struct DataQueueHeader {
    uint32_t head;
    uint32_t tail;
    uint8_t need_serviced_callback;
    uint8_t reserved[119];
};
static_assert(sizeof(DataQueueHeader) == 128);

// DriverKit's GetDataQueueEntryHeaderSize(): the u32 size word before each entry's data.
constexpr uint32_t kDataQueueEntryHeaderSize = 4;

// IOReturn values the ring reports (the same numbers as <DriverKit/IOReturn.h>).
namespace ring_status {
constexpr uint32_t Success = 0;
constexpr uint32_t Error = 0xe00002bc;
constexpr uint32_t BadArgument = 0xe00002c2;
constexpr uint32_t Underrun = 0xe00002e7;
constexpr uint32_t Overrun = 0xe00002e8;
} // namespace ring_status

// What one operation did, for the caller's notifications and for the trace.
struct RingResult {
    uint32_t status { ring_status::Success };
    uint32_t offset { 0 };  // where the entry's size word is (enqueue, dequeue, peek)
    uint32_t size { 0 };    // the entry's data size as given by the producer
    bool send_data_available { false };
    bool send_data_serviced { false };
};

// A consistent reading of the ring for observers (kernel trace, GUI, tests).
struct RingSnapshot {
    uint32_t head { 0 };
    uint32_t tail { 0 };
    uint32_t capacity { 0 };
    bool need_serviced { false };
    bool corrupt { false };
    uint32_t used_bytes { 0 };                              // bytes of the ring holding entries (incl. wrap slack)
    std::vector<std::pair<uint32_t, uint32_t>> entries;     // (offset, size) from head to tail
};

// Head and tail are shared with another process (an app-side reader): loads acquire what the
// other side published, stores release what this side wrote.
//
// The DataAvailable decision is a Dekker pair: the producer publishes the tail then reads the
// head, the consumer publishes the head then reads the tail, and at least one of them must see
// the other's store or a consumer that just emptied the ring sleeps through the new entry. That
// needs a store-load barrier on both sides; each side publishes with a sequentially consistent
// exchange (one locked instruction on x86, cheaper than a release store and a full fence) and
// reads with a sequentially consistent load, and pays for it only where the race can bite: the
// producer when the ring held entries at reservation (an empty ring is told anyway), the consumer
// when its dequeue empties the ring as far as the tail it loaded shows (otherwise it dequeues
// again, and the tail only moves away from the new head, so it cannot have been emptied).
namespace ring_sync {
inline uint32_t load(uint32_t const& field) { return __atomic_load_n(&field, __ATOMIC_ACQUIRE); }
inline void store(uint32_t& field, uint32_t value) { __atomic_store_n(&field, value, __ATOMIC_RELEASE); }
inline void publish(uint32_t& field, uint32_t value) { (void)__atomic_exchange_n(&field, value, __ATOMIC_SEQ_CST); }
inline uint32_t load_latest(uint32_t const& field) { return __atomic_load_n(&field, __ATOMIC_SEQ_CST); }
// needServicedCallback is written by the producer and cleared by the consumer; it orders
// nothing, but both sides touch it at once.
inline uint8_t load_flag(uint8_t const& flag) { return __atomic_load_n(&flag, __ATOMIC_RELAXED); }
inline void store_flag(uint8_t& flag, uint8_t value) { __atomic_store_n(&flag, value, __ATOMIC_RELAXED); }
} // namespace ring_sync

class DataQueueRing {
public:
    // `memory` is sizeof(DataQueueHeader) + capacity bytes. Capacity must be a multiple of 4.
    DataQueueRing(uint8_t* memory, uint32_t capacity)
        : m_memory(memory)
        , m_capacity(capacity)
    {
    }

    static size_t memory_size(uint32_t capacity) { return sizeof(DataQueueHeader) + capacity; }
    // The capacity rules of IODataQueueDispatchSource::Create: a non-zero multiple of 4 bytes.
    static bool valid_capacity(uint64_t capacity) { return capacity > 0 && capacity % 4 == 0 && capacity <= UINT32_MAX; }

    // Makes an empty ring (head = tail = 0).
    void reset();

    // Reserves room for `size` bytes; on success `write(data, size)` fills them and the tail moves.
    // Inline (as every enqueue and dequeue runs it) and working from the head and tail loaded
    // once per call: each is checked against the capacity before anything is placed by it.
    template<typename Write>
    RingResult enqueue(uint32_t size, Write&& write)
    {
        RingResult r;
        r.size = size;
        if (size > kMaxEntryDataSize) [[unlikely]] {
            r.status = ring_status::Overrun;
            return r;
        }
        uint32_t const entry = aligned(size) + kDataQueueEntryHeaderSize;
        uint32_t const tail = ring_sync::load(header().tail);
        uint32_t const head = ring_sync::load(header().head);
        if (head > m_capacity || tail > m_capacity) [[unlikely]] {
            r.status = ring_status::Error;
            return r;
        }
        uint32_t new_tail = 0;
        bool wrapped = false;
        if (tail >= head) {
            if (entry <= m_capacity - tail) {
                r.offset = tail;
                new_tail = tail + entry;
            } else if (head > entry) {
                // Wrap to the start; the tail stays strictly behind the head.
                r.offset = 0;
                new_tail = entry;
                wrapped = true;
            } else {
                return full(r);
            }
        } else if (head - tail > entry) {
            r.offset = tail;
            new_tail = tail + entry;
        } else {
            return full(r);
        }
        write(entry_data(r.offset), size);
        write_u32(r.offset, size);
        // A size word that cannot fit before the end tells a reader at the old tail to wrap.
        if (wrapped && m_capacity - tail >= kDataQueueEntryHeaderSize) [[unlikely]]
            write_u32(tail, entry - kDataQueueEntryHeaderSize);
        if (head == tail) {
            // Empty at reservation: the consumer is told in any case.
            ring_sync::store(header().tail, new_tail);
            r.send_data_available = true;
        } else {
            // The consumer may have emptied the ring since: look at the head again.
            ring_sync::publish(header().tail, new_tail);
            r.send_data_available = ring_sync::load_latest(header().head) == tail;
        }
        return r;
    }
    // Reads the entry at the head; on success `read(data, size)` sees it and the head moves.
    template<typename Read>
    RingResult dequeue(Read&& read)
    {
        uint32_t const head = ring_sync::load(header().head);
        uint32_t const tail = ring_sync::load_latest(header().tail);
        RingResult r = locate(head, tail);
        if (r.status == ring_status::Success || r.status == ring_status::Underrun)
            r.send_data_serviced = ring_sync::load_flag(header().need_serviced_callback) != 0;
        if (r.status != ring_status::Success)
            return r;
        read(static_cast<uint8_t const*>(entry_data(r.offset)), r.size);
        uint32_t const new_head = r.offset + kDataQueueEntryHeaderSize + aligned(r.size);
        if (new_head == tail)
            ring_sync::publish(header().head, new_head);
        else
            ring_sync::store(header().head, new_head);
        return r;
    }
    // Like dequeue, but the head stays.
    template<typename Read>
    RingResult peek(Read&& read) const
    {
        RingResult r = locate(ring_sync::load(header().head), ring_sync::load_latest(header().tail));
        if (r.status == ring_status::Success)
            read(static_cast<uint8_t const*>(entry_data(r.offset)), r.size);
        return r;
    }

    bool is_data_available() const;
    // Whether `count` entries of `size` bytes fit now (CanEnqueueData).
    uint32_t can_enqueue(uint32_t size, uint32_t count) const;
    // SendDataServiced clears the request for it.
    void clear_need_serviced();

    RingSnapshot snapshot() const;
    uint32_t capacity() const { return m_capacity; }

private:
    // The largest entry whose padded size plus size word still fits 32 bits.
    static constexpr uint32_t kMaxEntryDataSize = UINT32_MAX - 3 - kDataQueueEntryHeaderSize;
    static uint32_t aligned(uint32_t size) { return (size + 3) & ~3u; }

    DataQueueHeader& header() const { return *reinterpret_cast<DataQueueHeader*>(m_memory); }
    uint8_t* area() const { return m_memory + sizeof(DataQueueHeader); }
    void* entry_data(uint32_t offset) const { return area() + offset + kDataQueueEntryHeaderSize; }
    uint32_t read_u32(uint32_t offset) const
    {
        uint32_t value;
        std::memcpy(&value, area() + offset, sizeof value);
        return value;
    }
    void write_u32(uint32_t offset, uint32_t value) { std::memcpy(area() + offset, &value, sizeof value); }

    // The entry at `head`, given the tail loaded with it. The common case (an unwrapped entry
    // that lies before the tail or the end) inline; wraps, underruns and corruption out of line.
    RingResult locate(uint32_t head, uint32_t tail) const
    {
        if (head != tail && tail <= m_capacity && head < m_capacity && m_capacity - head >= kDataQueueEntryHeaderSize) [[likely]] {
            uint32_t const room = m_capacity - head - kDataQueueEntryHeaderSize;
            uint32_t const size = read_u32(head);
            if (size <= room && aligned(size) <= room
                && (head > tail || head + kDataQueueEntryHeaderSize + aligned(size) <= tail)) [[likely]] {
                RingResult r;
                r.offset = head;
                r.size = size;
                return r;
            }
        }
        return locate_slowly(head, tail);
    }
    RingResult locate_slowly(uint32_t head, uint32_t tail) const;
    // Overrun: asks for DataServiced and nudges the consumer.
    RingResult full(RingResult r);

    uint8_t* m_memory;
    uint32_t m_capacity;
};

// Bytes rounded up to the 4-byte entry alignment; false when that overflows 32 bits.
bool data_queue_padded_size(uint32_t size, uint32_t& padded);

} // namespace dextlab::ipc
