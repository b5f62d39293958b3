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
    template<typename Write>
    RingResult enqueue(uint32_t size, Write&& write)
    {
        RingResult r = reserve(size);
        if (r.status == ring_status::Success) {
            write(entry_data(r.offset), size);
            commit(r);
        }
        return r;
    }
    // Reads the entry at the head; on success `read(data, size)` sees it and the head moves.
    template<typename Read>
    RingResult dequeue(Read&& read)
    {
        RingResult r = locate_head();
        if (r.status == ring_status::Success) {
            read(static_cast<uint8_t const*>(entry_data(r.offset)), r.size);
            advance_head(r);
        }
        return r;
    }
    // Like dequeue, but the head stays.
    template<typename Read>
    RingResult peek(Read&& read) const
    {
        RingResult r = locate_head();
        if (r.status == ring_status::Success)
            read(static_cast<uint8_t const*>(entry_data(r.offset)), r.size);
        r.send_data_serviced = false;
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
    DataQueueHeader& header() const { return *reinterpret_cast<DataQueueHeader*>(m_memory); }
    uint8_t* area() const { return m_memory + sizeof(DataQueueHeader); }
    void* entry_data(uint32_t offset) const { return area() + offset + kDataQueueEntryHeaderSize; }
    uint32_t read_u32(uint32_t offset) const;
    void write_u32(uint32_t offset, uint32_t value);

    RingResult reserve(uint32_t size);
    void commit(RingResult& reserved);
    RingResult locate_head() const;
    RingResult locate(uint32_t head, uint32_t tail) const;
    void advance_head(RingResult const& located);

    uint8_t* m_memory;
    uint32_t m_capacity;
    // Set by reserve() for commit(): where the new tail goes, whether a wrap marker is due, and
    // the head seen then (an empty ring is told about the entry without looking again).
    uint32_t m_new_tail { 0 };
    uint32_t m_old_tail { 0 };
    uint32_t m_head_at_reserve { 0 };
    bool m_wrapped { false };
};

// Bytes rounded up to the 4-byte entry alignment; false when that overflows 32 bits.
bool data_queue_padded_size(uint32_t size, uint32_t& padded);

} // namespace dextlab::ipc
