#include "kernel_model/ipc/message.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/ipc/transport.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::ipc;

TEST_CASE("fields round-trip through a message and its encoded bytes")
{
    Message m = Message::make(MessageKind::Call, 42, ids::IOUSBHostPipe_AsyncIO);
    uint8_t raw[3] = { 1, 2, 3 };
    WireWriter(m).u64(7).str("Default").bytes(raw, 3).object(9, "IOUSBHostPipe");
    auto bytes = m.encode();
    REQUIRE(bytes.size() == 40 + m.payload.size());

    auto decoded = Message::decode(bytes.data(), bytes.size());
    REQUIRE(decoded.has_value());
    CHECK(decoded.value().kind() == MessageKind::Call);
    CHECK(decoded.value().header.target == 42);
    CHECK(decoded.value().header.msgid == 0xe566bead3d13d7e0ULL);
    WireReader r(decoded.value());
    CHECK(r.u64().value() == 7);
    CHECK(r.str().value() == "Default");
    CHECK(r.bytes().value() == std::vector<uint8_t> { 1, 2, 3 });
    auto obj = r.object();
    REQUIRE(obj.has_value());
    CHECK(obj.value().id == 9);
    CHECK(obj.value().class_name == "IOUSBHostPipe");
    CHECK(r.at_end());
}

TEST_CASE("malformed traffic is an error naming the problem, never a crash")
{
    SUBCASE("short header")
    {
        uint8_t junk[10] = {};
        auto d = Message::decode(junk, sizeof junk);
        REQUIRE_FALSE(d.has_value());
        CHECK(d.error().message.find("shorter than the 40-byte header") != std::string::npos);
    }
    SUBCASE("bad magic")
    {
        std::vector<uint8_t> bytes(40, 0xff);
        auto d = Message::decode(bytes.data(), bytes.size());
        REQUIRE_FALSE(d.has_value());
        CHECK(d.error().message.find("bad magic") != std::string::npos);
    }
    SUBCASE("payload size lies")
    {
        Message m = Message::make(MessageKind::Log);
        WireWriter(m).str("hello");
        auto bytes = m.encode();
        bytes.pop_back();
        auto d = Message::decode(bytes.data(), bytes.size());
        REQUIRE_FALSE(d.has_value());
        CHECK(d.error().message.find("payload bytes") != std::string::npos);
    }
    SUBCASE("wrong field type and truncation")
    {
        Message m = Message::make(MessageKind::Log);
        WireWriter(m).str("hello");
        WireReader r(m);
        auto wrong = r.u64();
        REQUIRE_FALSE(wrong.has_value());
        CHECK(wrong.error().message == "ipc: expected u64 at field 1, found string");

        m.payload.resize(m.payload.size() - 2);
        WireReader r2(m);
        auto truncated = r2.str();
        REQUIRE_FALSE(truncated.has_value());
        CHECK(truncated.error().message == "ipc: string at field 1 is truncated");
        WireReader r3(Message::make(MessageKind::Log));
        CHECK(r3.u64().error().message == "ipc: expected u64 at field 1, message ended");
    }
}

TEST_CASE("method ids: Apple's published values, FNV-1a for the rest")
{
    CHECK(method_id("IOService::Start") == 0xab6f76dde6d693f2ULL);
    CHECK(method_id("IOUSBHostPipe::CompleteAsyncIO") == 0xc320a3eea932c04aULL);
    CHECK(method_id("MyDriver::ReadComplete") == fnv1a64("MyDriver::ReadComplete"));
    CHECK(fnv1a64("") == 0xcbf29ce484222325ULL);
    CHECK(fnv1a64("a") == 0xaf63dc4c8601ec8cULL); // the published FNV-1a test vector
}

namespace {
struct Echo final : MessageHandler {
    int seen = 0;
    Message handle(Message const& message) override
    {
        ++seen;
        WireReader r(message);
        return make_reply(r.u64().value() + 1);
    }
};
}

TEST_CASE("the in-process link carries calls both ways and shares regions by id")
{
    InProcessLink link;
    Echo kernel, dext;
    link.set_kernel_handler(&kernel);
    link.set_dext_handler(&dext);

    Message request = Message::make(MessageKind::Invoke, 1);
    WireWriter(request).u64(41);
    auto reply = link.kernel_side().call(request);
    REQUIRE(reply.has_value());
    WireReader rr(reply.value());
    CHECK(reply_status(reply.value(), rr).value() == 42);
    CHECK(dext.seen == 1);
    CHECK(link.dext_side().post(request).has_value());
    CHECK(kernel.seen == 1);

    auto region = SharedRegion::create(5, 64, "test");
    REQUIRE(region.has_value());
    region.value()->data()[3] = 0xab;
    link.share_region(region.value());
    uint8_t* mapped = link.dext_side().map_region(5, 64);
    REQUIRE(mapped != nullptr);
    CHECK(mapped[3] == 0xab);
    CHECK(link.dext_side().map_region(5, 65) == nullptr); // larger than the region
    link.unshare_region(5);
    CHECK(link.dext_side().map_region(5, 64) == nullptr);

    link.set_dext_handler(nullptr);
    CHECK_FALSE(link.kernel_side().call(request).has_value());
}
