#pragma once
// The kernel <-> dext message protocol: the only thing the kernel model and the dext runtime
// share. A message is a fixed 40-byte header and a payload of tagged fields. Both transports
// (in-process calls and, later, a socket to a dextlab-driverhost process) carry exactly these
// bytes, so what is traced and tested in-process is what crosses a process boundary.

#include "kernel_model/ipc/payload.h"
#include "sim/core/error.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace dextlab::ipc {

constexpr uint32_t kMessageMagic = 0x50495844; // "DXIP" little-endian

enum class MessageKind : uint16_t {
    // kernel -> dext
    LoadModule = 1,    // payload: str path of the dext's shared object
    Instantiate = 2,   // target: new object id; payload: str IOUserClass, str server name
    Invoke = 3,        // target: object (service or OSAction); msgid: method; payload: arguments
    RunQueueItem = 4,  // target: queue id; run one pending item
    ReleaseObject = 5, // target: object id; the kernel drops its reference
    Census = 6,        // reply: live objects of the server (class names)
    Crash = 7,         // payload: str how (segv|abort|exit|hang): the host process fails on purpose
    ShareRegion = 8,   // target: region id; payload: u64 size; the region's fd travels beside it
    // dext -> kernel
    Call = 32,         // target: kernel object (0 = the kernel itself); msgid: method; payload: arguments
    QueueWork = 33,    // target: queue id; payload: u64 owner object, u64 pending count, str queue name (the queue's first QueueWork only)
    Log = 34,          // payload: str text
    ReleaseProxy = 35, // target: kernel object id; the dext dropped its last reference
    InvokeDone = 36,   // target: object; msgid: the method the kernel invoked; payload: u64 status
    // either way
    Reply = 64,        // payload: u64 status, then results
};
char const* to_string(MessageKind);

enum MessageFlags : uint16_t {
    kMessageOneway = 0x1, // no reply expected
};

struct MessageHeader { // naturally aligned: no padding, no packing needed
    uint32_t magic { kMessageMagic };
    uint16_t kind { 0 };
    uint16_t flags { 0 };
    uint32_t payload_size { 0 };
    uint32_t reserved { 0 };
    uint64_t target { 0 }; // object id
    uint64_t msgid { 0 };  // DriverKit method id (Class_Method_ID) where relevant
    uint64_t now_ns { 0 }; // kernel->dext: the virtual time of the event that sent it (mach_absolute_time)
};
static_assert(sizeof(MessageHeader) == 40);

// Object ids: the kernel numbers its objects from 1; objects a dext creates and hands to the
// kernel (OSAction, its own queues) carry this bit.
constexpr uint64_t kDextObjectBit = 1ULL << 63;

// A reference to an object inside a payload: its id and the class the receiver should see
// (a proxy is created as that class, so OSDynamicCast works on it).
struct ObjectRef {
    uint64_t id { 0 };
    std::string class_name;
};

struct Message {
    MessageHeader header;
    Payload payload;

    MessageKind kind() const { return static_cast<MessageKind>(header.kind); }
    bool is_oneway() const { return header.flags & kMessageOneway; }

    static Message make(MessageKind kind, uint64_t target = 0, uint64_t msgid = 0, uint16_t flags = 0);

    // The bytes a stream transport sends, and the way back (validated).
    std::vector<uint8_t> encode() const;
    static ErrorOr<Message> decode(uint8_t const* bytes, size_t size);
};

// The tag byte before a u64 field (the writer and reader inline it; the other tags are private
// to message.cpp).
constexpr uint8_t kWireTagU64 = 1;

// Writes tagged fields into a message payload.
class WireWriter {
public:
    explicit WireWriter(Message& message)
        : m_out(message.payload)
    {
    }
    WireWriter& u64(uint64_t value)
    {
        // Tag and value in one write: most fields are u64s.
        uint8_t* field = m_out.grow(1 + sizeof value);
        field[0] = kWireTagU64;
        std::memcpy(field + 1, &value, sizeof value);
        return *this;
    }
    WireWriter& i64(int64_t value) { return u64(static_cast<uint64_t>(value)); }
    WireWriter& str(std::string_view value);
    WireWriter& bytes(uint8_t const* data, size_t size);
    WireWriter& object(uint64_t id, std::string_view class_name);
    WireWriter& null_object() { return object(0, ""); }

private:
    void tag(uint8_t t) { m_out.push_back(t); }
    void raw(void const* data, size_t size);
    Payload& m_out;
};

// Reads tagged fields back; any mismatch or truncation is an error naming the field index, so a
// malformed message from a misbehaving process is reported, never trusted.
class WireReader {
public:
    explicit WireReader(Message const& message)
        : m_data(message.payload.data())
        , m_size(message.payload.size())
    {
    }
    ErrorOr<uint64_t> u64()
    {
        // A well-formed u64 field inline; anything else reports its error out of line.
        if (m_size - m_offset >= 1 + sizeof(uint64_t) && m_data[m_offset] == kWireTagU64) [[likely]] {
            ++m_field;
            uint64_t value;
            std::memcpy(&value, m_data + m_offset + 1, sizeof value);
            m_offset += 1 + sizeof value;
            return value;
        }
        return u64_slowly();
    }
    ErrorOr<std::string> str();
    ErrorOr<std::vector<uint8_t>> bytes();
    ErrorOr<ObjectRef> object();
    bool at_end() const { return m_offset == m_size; }

private:
    ErrorOr<uint64_t> u64_slowly();
    ErrorOr<void> expect_tag(uint8_t tag, char const* what);
    ErrorOr<void> read_raw(void* out, size_t size);

    uint8_t const* m_data;
    size_t m_size;
    size_t m_offset { 0 };
    unsigned m_field { 0 };
};

// Builds a reply carrying a status (an IOReturn value) as its first field.
Message make_reply(uint64_t status);
// Reads the status of a reply; a message that is not a well-formed reply reads as an error.
ErrorOr<uint64_t> reply_status(Message const& reply, WireReader& reader);

} // namespace dextlab::ipc
