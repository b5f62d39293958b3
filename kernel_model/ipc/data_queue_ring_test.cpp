#include "data_queue_ring.h"

#include <doctest/doctest.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace dextlab::ipc;

namespace {

struct Ring {
    explicit Ring(uint32_t capacity)
        : memory(DataQueueRing::memory_size(capacity), 0xAA)
        , ring(memory.data(), capacity)
    {
        ring.reset();
    }
    RingResult put(std::string const& text)
    {
        return ring.enqueue(static_cast<uint32_t>(text.size()),
            [&](void* data, size_t size) { std::memcpy(data, text.data(), size); });
    }
    std::string got;
    RingResult take()
    {
        got.clear();
        return ring.dequeue([&](uint8_t const* data, size_t size) { got.assign(reinterpret_cast<char const*>(data), size); });
    }
    DataQueueHeader& header() { return *reinterpret_cast<DataQueueHeader*>(memory.data()); }
    std::vector<uint8_t> memory;
    DataQueueRing ring;
};

} // namespace

TEST_CASE("an entry is a 4-byte size word and its data padded to 4 bytes")
{
    Ring r(64);
    auto put = r.put("abcde"); // 5 bytes -> 4 + 8
    CHECK(put.status == ring_status::Success);
    CHECK(put.offset == 0);
    CHECK(r.header().tail == 12);
    CHECK(r.header().head == 0);
    CHECK(r.ring.is_data_available());
    CHECK(r.take().status == ring_status::Success);
    CHECK(r.got == "abcde");
    CHECK(r.header().head == 12);
    CHECK_FALSE(r.ring.is_data_available());
}

TEST_CASE("entries come out in the order they went in")
{
    Ring r(64);
    for (char const* word : { "one", "two", "three" })
        REQUIRE(r.put(word).status == ring_status::Success);
    std::vector<std::string> out;
    while (r.take().status == ring_status::Success)
        out.push_back(r.got);
    CHECK(out == std::vector<std::string> { "one", "two", "three" });
}

TEST_CASE("an empty ring underruns, and only the first entry into it asks for DataAvailable")
{
    Ring r(64);
    CHECK(r.take().status == ring_status::Underrun);
    CHECK(r.put("a").send_data_available);
    CHECK_FALSE(r.put("b").send_data_available);
    r.take();
    r.take();
    CHECK(r.put("c").send_data_available);
}

TEST_CASE("a full ring overruns, nudges the consumer and owes the producer a DataServiced")
{
    Ring r(24); // two 8-byte entries (12 bytes each) fill it exactly
    CHECK(r.put("12345678").status == ring_status::Success); // tail 12
    CHECK(r.put("12345678").status == ring_status::Success); // tail 24 == capacity, head 0
    auto full = r.put("x");
    CHECK(full.status == ring_status::Overrun);
    CHECK(full.send_data_available);
    CHECK(r.header().need_serviced_callback == 1);
    auto first = r.take();
    CHECK(first.status == ring_status::Success);
    CHECK(first.send_data_serviced);
    r.ring.clear_need_serviced();
    CHECK_FALSE(r.take().send_data_serviced);
}

TEST_CASE("an entry that does not fit before the end wraps to the start and leaves a marker")
{
    Ring r(32);
    REQUIRE(r.put("aaaaaaaa").status == ring_status::Success); // 0..12
    REQUIRE(r.put("bbbbbbbb").status == ring_status::Success); // 12..24
    REQUIRE(r.take().status == ring_status::Success);          // head 12
    auto wrapped = r.put("cccccccc");                          // 24 + 12 > 32: wraps, needs head > 12
    CHECK(wrapped.status == ring_status::Overrun);             // head == 12 is not > 12: the tail may not reach it
    REQUIRE(r.take().status == ring_status::Success);          // head 24 == tail: empty
    auto again = r.put("dddddddd");
    CHECK(again.status == ring_status::Success);
    CHECK(again.offset == 0);
    CHECK(r.header().tail == 12);
    uint32_t marker;
    std::memcpy(&marker, r.memory.data() + sizeof(DataQueueHeader) + 24, 4);
    CHECK(marker == 8); // the reader at 24 sees a size that cannot fit and wraps
    CHECK(r.take().status == ring_status::Success);
    CHECK(r.got == "dddddddd");
}

TEST_CASE("a wrap with no room left for a size word still reads back")
{
    Ring r(24);
    REQUIRE(r.put("aaaaaaaaaaaaaaaaaaaa").status == ring_status::Success); // 4 + 20 = 24: the tail is at the end
    REQUIRE(r.take().status == ring_status::Success);                      // head = tail = 24
    REQUIRE(r.put("bbbb").status == ring_status::Success);                 // no room even for a marker: wraps to 0
    CHECK(r.header().tail == 8);
    CHECK(r.take().status == ring_status::Success);
    CHECK(r.got == "bbbb");
}

TEST_CASE("peek reads the head entry without moving it")
{
    Ring r(64);
    r.put("first");
    r.put("second");
    std::string seen;
    auto peeked = r.ring.peek([&](uint8_t const* data, size_t size) { seen.assign(reinterpret_cast<char const*>(data), size); });
    CHECK(peeked.status == ring_status::Success);
    CHECK(seen == "first");
    CHECK(r.header().head == 0);
    r.take();
    CHECK(r.got == "first");
}

TEST_CASE("CanEnqueueData counts what fits at the end and, after a wrap, before the head")
{
    Ring r(48);
    CHECK(r.ring.can_enqueue(8, 4) == ring_status::Success); // 4 x 12 = 48
    CHECK(r.ring.can_enqueue(8, 5) == ring_status::Overrun);
    r.put("12345678");
    r.put("12345678");
    r.take(); // head 12, tail 24: 2 at the end, none before the head (12 - 1 < 12)
    CHECK(r.ring.can_enqueue(8, 2) == ring_status::Success);
    CHECK(r.ring.can_enqueue(8, 3) == ring_status::Overrun);
    CHECK(r.ring.can_enqueue(UINT32_MAX, 1) == ring_status::Overrun);
}

TEST_CASE("a head or tail outside the ring is corruption, reported and left alone")
{
    Ring r(32);
    r.put("abc");
    r.header().head = 40;
    CHECK(r.take().status == ring_status::Error);
    CHECK(r.put("x").status == ring_status::Error);
    CHECK(r.ring.can_enqueue(1, 1) == ring_status::Error);
    CHECK(r.ring.snapshot().corrupt);
    CHECK(r.header().head == 40);
}

TEST_CASE("an entry size that runs past the tail is corruption")
{
    Ring r(64);
    r.put("abcd");
    uint32_t lie = 40; // the entry claims 40 bytes; only 4 were written before the tail (8)
    std::memcpy(r.memory.data() + sizeof(DataQueueHeader), &lie, 4);
    CHECK(r.take().status == ring_status::Error);
}

TEST_CASE("a snapshot lists the entries between head and tail, across a wrap")
{
    Ring r(32);
    r.put("aaaaaaaa");
    r.put("bbbbbbbb");
    r.take();
    r.take();          // head = tail = 24
    r.put("cc");       // 24..32
    r.put("dddddddd"); // wraps: 0..12
    auto s = r.ring.snapshot();
    CHECK_FALSE(s.corrupt);
    CHECK(s.head == 24);
    CHECK(s.tail == 12);
    CHECK(s.used_bytes == 20);
    REQUIRE(s.entries.size() == 2);
    CHECK(s.entries[0] == std::pair<uint32_t, uint32_t> { 24, 2 });
    CHECK(s.entries[1] == std::pair<uint32_t, uint32_t> { 0, 8 });
}

TEST_CASE("queue byte counts must be a non-zero multiple of 4")
{
    CHECK(DataQueueRing::valid_capacity(4096));
    CHECK_FALSE(DataQueueRing::valid_capacity(0));
    CHECK_FALSE(DataQueueRing::valid_capacity(4097));
    CHECK_FALSE(DataQueueRing::valid_capacity(1ull << 33));
    CHECK(kDataQueueEntryHeaderSize == 4);
}

TEST_CASE("an entry enqueued while the consumer empties the ring is seen by its next dequeue")
{
    // The consumer decides whether its dequeue emptied the ring from the tail it loaded, and the
    // producer, seeing the ring not yet empty, announces nothing: the entry must still be there.
    Ring r(64);
    r.put("a");
    RingResult during;
    auto taken = r.ring.dequeue([&](uint8_t const*, size_t) { during = r.put("b"); });
    CHECK(taken.status == ring_status::Success);
    CHECK(during.status == ring_status::Success);
    CHECK_FALSE(during.send_data_available);
    CHECK(r.ring.is_data_available());
    CHECK(r.take().status == ring_status::Success);
    CHECK(r.got == "b");
    CHECK(r.take().status == ring_status::Underrun);
}

namespace {

// DataAvailable as a counting wake-up between two threads, as the kernel's notification is
// between a producer and a sleeping consumer in two processes.
struct WakeUps {
    std::mutex mutex;
    std::condition_variable changed;
    uint64_t pending { 0 };
    uint64_t consumed { 0 };
    void post()
    {
        std::lock_guard lock(mutex);
        ++pending;
        changed.notify_all();
    }
    // False when nothing came: with no other wake-up in the protocol, a lost one is a hang.
    bool wait()
    {
        std::unique_lock lock(mutex);
        if (!changed.wait_for(lock, std::chrono::seconds(10), [&] { return pending > 0; }))
            return false;
        --pending;
        return true;
    }
    void count_consumed()
    {
        std::lock_guard lock(mutex);
        ++consumed;
        changed.notify_all();
    }
    bool wait_consumed(uint64_t total)
    {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::seconds(10), [&] { return consumed >= total; });
    }
};

} // namespace

TEST_CASE("a consumer that sleeps on an empty ring is always woken for the next entry")
{
    // Bursts of entries from one thread to a consumer on another that drains the ring and then
    // sleeps until DataAvailable. The producer waits for each burst to be consumed, so the ring
    // never fills and no Overrun nudge can hide a lost wake-up: losing one hangs the burst.
    Ring shared(256);
    DataQueueRing producer(shared.memory.data(), 256);
    DataQueueRing consumer(shared.memory.data(), 256);
    constexpr uint32_t kBursts = 4000;
    uint64_t const total = uint64_t { kBursts } * 2 + kBursts / 3;
    WakeUps wake;
    bool in_order = true;
    bool consumer_woken = true;
    std::thread reader([&] {
        uint32_t expected = 0;
        for (uint64_t got = 0; got < total;) {
            uint32_t value = 0;
            auto r = consumer.dequeue([&](uint8_t const* data, size_t) { std::memcpy(&value, data, sizeof value); });
            if (r.status == ring_status::Success) {
                in_order &= value == expected++;
                ++got;
                wake.count_consumed();
            } else if (!wake.wait()) {
                consumer_woken = false;
                return;
            }
        }
    });
    uint32_t next = 0;
    bool all_consumed = true;
    for (uint32_t burst = 0; burst < kBursts && all_consumed; ++burst) {
        for (uint32_t i = 0; i < 2 + (burst % 3 == 1 ? 1 : 0); ++i, ++next) {
            auto r = producer.enqueue(sizeof next, [&](void* data, size_t) { std::memcpy(data, &next, sizeof next); });
            REQUIRE(r.status == ring_status::Success);
            if (r.send_data_available)
                wake.post();
        }
        all_consumed = wake.wait_consumed(next);
    }
    if (!all_consumed)
        wake.post(); // let a consumer that slept through an entry see it and finish
    reader.join();
    CHECK(all_consumed);
    CHECK(consumer_woken);
    CHECK(in_order);
    CHECK(next == total);
}
