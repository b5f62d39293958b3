// Memory descriptors and maps in the runtime: what they ask the kernel, what they answer from the
// kernel's replies, and who owns a created object.

#include "runtime_test_support.h"

#include <DriverKit/IOMemoryMap.h>

#include <doctest/doctest.h>

#include <vector>

using namespace dextlab;
using namespace dextlab::sdk;
using namespace dextlab::sdk::testing;

namespace {

constexpr uint64_t kFirstBuffer = 100; // FakeKernel::serve_buffers numbers regions from here

std::vector<uint64_t> u64_args(ipc::Message const& request, int count)
{
    ipc::WireReader args(request);
    std::vector<uint64_t> out;
    for (int i = 0; i < count; ++i)
        out.push_back(args.u64().value());
    return out;
}

// Serves Create as FakeKernel does and answers `msgid` with `reply`.
void also_answer(FakeKernel& kernel, uint64_t msgid, std::function<ipc::Message(ipc::Message const&)> reply)
{
    kernel.serve_buffers();
    auto buffers = kernel.answer;
    kernel.answer = [msgid, reply, buffers](ipc::Message const& request) {
        return request.header.msgid == msgid ? reply(request) : buffers(request);
    };
}

IOBufferMemoryDescriptor* make_buffer(uint64_t capacity, uint64_t options = kIOMemoryDirectionInOut)
{
    IOBufferMemoryDescriptor* buffer = nullptr;
    REQUIRE(IOBufferMemoryDescriptor::Create(options, capacity, 0, &buffer) == kIOReturnSuccess);
    REQUIRE(buffer != nullptr);
    return buffer;
}

} // namespace

TEST_CASE("a created buffer is its caller's: length = capacity, and releasing it tells the kernel")
{
    Runtime rt;
    rt.kernel.serve_buffers();
    auto* buffer = make_buffer(32);
    uint64_t length = 0;
    CHECK(buffer->GetLength(&length) == kIOReturnSuccess);
    CHECK(length == 32);
    IOAddressSegment range {};
    CHECK(buffer->GetAddressRange(&range) == kIOReturnSuccess);
    CHECK(range.address == reinterpret_cast<uint64_t>(rt.kernel.regions[kFirstBuffer].data()));
    CHECK(range.length == 32);
    CHECK(rt.kernel.count(ipc::MessageKind::ReleaseProxy) == 0);
    buffer->release();
    CHECK(rt.kernel.count(ipc::MessageKind::ReleaseProxy) == 1);
}

TEST_CASE("SetLength is a kernel call and keeps the length the kernel answers")
{
    Runtime rt;
    uint64_t kept = 8;
    also_answer(rt.kernel, ipc::ids::IOBufferMemoryDescriptor_SetLength, [&](ipc::Message const&) {
        auto reply = ipc::make_reply(kIOReturnSuccess);
        ipc::WireWriter(reply).u64(kept);
        return reply;
    });
    auto* buffer = make_buffer(64);
    CHECK(buffer->SetLength(8) == kIOReturnSuccess);
    CHECK(u64_args(rt.kernel.calls.back(), 1) == std::vector<uint64_t> { 8 });
    CHECK(rt.kernel.calls.back().header.target == kFirstBuffer);
    uint64_t length = 0;
    buffer->GetLength(&length);
    CHECK(length == 8);
    IOAddressSegment range {};
    buffer->GetAddressRange(&range);
    CHECK(range.length == 8);

    // Past the capacity the kernel keeps the old length, and so does the runtime.
    CHECK(buffer->SetLength(128) == kIOReturnSuccess);
    buffer->GetLength(&length);
    CHECK(length == 8);
    buffer->release();
}

TEST_CASE("CreateMapping sends its five arguments and maps at the offset the kernel answers")
{
    Runtime rt;
    also_answer(rt.kernel, ipc::ids::IOMemoryDescriptor_CreateMapping, [](ipc::Message const&) {
        auto reply = ipc::make_reply(kIOReturnSuccess);
        ipc::WireWriter(reply).object(500, "IOMemoryMap:OSObject").u64(kFirstBuffer).u64(24).u64(16);
        return reply;
    });
    auto* buffer = make_buffer(64);
    IOMemoryMap* map = nullptr;
    REQUIRE(buffer->CreateMapping(kIOMemoryMapReadOnly, 0, 8, 16, 0, &map) == kIOReturnSuccess);
    REQUIRE(map != nullptr);
    CHECK(u64_args(rt.kernel.calls.back(), 5) == std::vector<uint64_t> { kIOMemoryMapReadOnly, 0, 8, 16, 0 });
    CHECK(map->GetAddress() == reinterpret_cast<uint64_t>(rt.kernel.regions[kFirstBuffer].data()) + 24);
    CHECK(map->GetLength() == 16);
    CHECK(map->GetOffset() == 8);
    map->release();
    CHECK(rt.kernel.count(ipc::MessageKind::ReleaseProxy) == 1);
    buffer->release();
}

TEST_CASE("a refused CreateMapping leaves *map alone and creates nothing")
{
    Runtime rt;
    also_answer(rt.kernel, ipc::ids::IOMemoryDescriptor_CreateMapping,
        [](ipc::Message const&) { return ipc::make_reply(kIOReturnError); });
    auto* buffer = make_buffer(64);
    IOMemoryMap* map = nullptr;
    CHECK(buffer->CreateMapping(0, 0, 60, 8, 0, &map) == kIOReturnError);
    CHECK(map == nullptr);
    CHECK(buffer->CreateMapping(0, 0, 0, 0, 0, nullptr) == kIOReturnBadArgument);
    buffer->release();
}

TEST_CASE("CreateSubMemoryDescriptor names its parent and knows its own length")
{
    Runtime rt;
    also_answer(rt.kernel, ipc::ids::IOMemoryDescriptor_CreateSubMemoryDescriptor, [](ipc::Message const&) {
        auto reply = ipc::make_reply(kIOReturnSuccess);
        ipc::WireWriter(reply).object(700, "IOMemoryDescriptor:OSObject").u64(kFirstBuffer);
        return reply;
    });
    auto* buffer = make_buffer(64);
    IOMemoryDescriptor* part = nullptr;
    REQUIRE(IOMemoryDescriptor::CreateSubMemoryDescriptor(kIOMemoryDirectionIn, 32, 16, buffer, &part) == kIOReturnSuccess);
    REQUIRE(part != nullptr);
    ipc::WireReader args(rt.kernel.calls.back());
    CHECK(args.u64().value() == kIOMemoryDirectionIn);
    CHECK(args.u64().value() == 32);
    CHECK(args.u64().value() == 16);
    CHECK(args.object().value().id == kFirstBuffer);
    size_t calls = rt.kernel.calls.size();
    uint64_t length = 0;
    CHECK(part->GetLength(&length) == kIOReturnSuccess);
    CHECK(length == 16);
    CHECK(rt.kernel.calls.size() == calls); // known here: no round trip
    part->release();
    buffer->release();
    CHECK(rt.kernel.count(ipc::MessageKind::ReleaseProxy) == 2);
}

TEST_CASE("GetLength of a descriptor the kernel handed over asks the kernel (_CopyState)")
{
    Runtime rt;
    rt.kernel.answer = [](ipc::Message const& request) {
        if (request.header.msgid != ipc::ids::IOMemoryDescriptor_CopyState)
            return ipc::make_reply(kIOReturnUnsupported);
        auto reply = ipc::make_reply(kIOReturnSuccess);
        ipc::WireWriter(reply).u64(48).u64(kIOMemoryDirectionOut);
        return reply;
    };
    auto* descriptor = OSDynamicCast(IOMemoryDescriptor, rt.server->object_for(ipc::ObjectRef { 900, "IOMemoryDescriptor:OSObject" }));
    REQUIRE(descriptor != nullptr);
    uint64_t length = 0;
    CHECK(descriptor->GetLength(&length) == kIOReturnSuccess);
    CHECK(length == 48);
    CHECK(rt.kernel.calls.back().header.target == 900);
}
