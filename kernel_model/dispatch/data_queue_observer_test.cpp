#include "data_queue_observer.h"

#include "kernel_model/ipc/ioreturn.h"

#include <doctest/doctest.h>

#include <cstring>
#include <vector>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

struct Fixture {
    static constexpr uint32_t kCapacity = 32;
    static constexpr uint64_t kTag = 3;
    static constexpr uint64_t kBuffer = 17;
    VirtualTime now { 0 };
    TraceBus trace { [this] { return now; } };
    std::vector<TraceRecord> records;
    std::vector<uint8_t> memory = std::vector<uint8_t>(ipc::DataQueueRing::memory_size(kCapacity));
    bool buffer_alive { true };
    DataQueueObserver observer { trace, [this](uint64_t tag, uint64_t id, size_t size) -> uint8_t* {
                                    return buffer_alive && tag == kTag && id == kBuffer && size <= memory.size() ? memory.data() : nullptr;
                                } };
    ipc::DataQueueRing ring { memory.data(), kCapacity };

    Fixture()
    {
        trace.subscribe([this](TraceRecord const& r) { records.push_back(r); });
        ring.reset();
    }
    std::string field(char const* key) const
    {
        auto const* f = records.back().field(key);
        return f ? f->value_text() : "(none)";
    }
    ipc::RingResult put(char const* text)
    {
        auto r = ring.enqueue(static_cast<uint32_t>(std::strlen(text)), [&](void* d, size_t n) { std::memcpy(d, text, n); });
        observer.operation("RingDriver", kTag, kBuffer, false, r.status, r.offset, r.size);
        return r;
    }
};

} // namespace

TEST_CASE("a ring is announced with its capacity, then every enqueue shows head, tail and the bytes")
{
    Fixture f;
    REQUIRE(f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, Fixture::kCapacity, "Default") == ipc::kr::Success);
    CHECK(f.records.back().point == "dataqueue_create");
    CHECK(f.records.back().object == "dataqueue-17");
    CHECK(f.field("capacity") == "32");
    f.put("hi!");
    CHECK(f.records.back().point == "dataqueue_enqueue");
    CHECK(f.field("status") == "kIOReturnSuccess");
    CHECK(f.field("head") == "0");
    CHECK(f.field("tail") == "8");
    CHECK(f.field("used") == "8");
    CHECK(f.field("entries") == "1");
    CHECK(f.field("data") == "686921"); // read from the shared memory, not from the message
}

TEST_CASE("a full ring's refused enqueue is shown with its status and no data")
{
    Fixture f;
    f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, Fixture::kCapacity, "Default");
    f.put("0123456789ab"); // 16 bytes
    f.put("0123456789ab"); // 32: full
    f.put("x");
    CHECK(f.field("status") == "kIOReturnOverrun");
    CHECK(f.field("data") == "(none)");
    CHECK(f.field("entries") == "2");
}

TEST_CASE("a dequeue reports the entry it took and the head that moved")
{
    Fixture f;
    f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, Fixture::kCapacity, "Default");
    f.put("abcd");
    auto r = f.ring.dequeue([](uint8_t const*, size_t) {});
    f.observer.operation("RingDriver", Fixture::kTag, Fixture::kBuffer, true, r.status, r.offset, r.size);
    CHECK(f.records.back().point == "dataqueue_dequeue");
    CHECK(f.field("head") == "8");
    CHECK(f.field("entries") == "0");
    CHECK(f.field("data") == "61626364");
    auto snapshot = f.observer.snapshot(Fixture::kTag, Fixture::kBuffer);
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->head == 8);
}

TEST_CASE("reports about a buffer that is no ring, or no longer exists, are errors, not trusted")
{
    Fixture f;
    f.observer.operation("RingDriver", Fixture::kTag, Fixture::kBuffer, false, 0, 0, 4);
    CHECK(f.records.back().point == "dataqueue_error");
    f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, Fixture::kCapacity, "Default");
    f.buffer_alive = false;
    f.observer.operation("RingDriver", Fixture::kTag, Fixture::kBuffer, false, 0, 0, 4);
    CHECK(f.records.back().point == "dataqueue_error");
    CHECK_FALSE(f.observer.snapshot(Fixture::kTag, Fixture::kBuffer).has_value());
    CHECK(f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, 30, "Default") == ipc::kr::BadArgument);
}

TEST_CASE("an entry the dext places outside the ring shows no data")
{
    Fixture f;
    f.observer.created("RingDriver", Fixture::kTag, Fixture::kBuffer, Fixture::kCapacity, "Default");
    f.observer.operation("RingDriver", Fixture::kTag, Fixture::kBuffer, false, 0, 28, 64);
    CHECK(f.records.back().point == "dataqueue_enqueue");
    CHECK(f.field("data") == "(none)");
}
