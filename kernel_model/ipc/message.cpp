#include "message.h"

namespace dextlab::ipc {

namespace {
enum Tag : uint8_t { TagU64 = 1, TagStr = 2, TagBytes = 3, TagObject = 4 };
static_assert(TagU64 == kWireTagU64);
constexpr uint32_t kMaxPayload = 64 * 1024 * 1024;

char const* tag_name(uint8_t tag)
{
    switch (tag) {
    case TagU64: return "u64";
    case TagStr: return "string";
    case TagBytes: return "bytes";
    case TagObject: return "object";
    }
    return "unknown tag";
}
}

char const* to_string(MessageKind kind)
{
    switch (kind) {
    case MessageKind::LoadModule: return "LoadModule";
    case MessageKind::Instantiate: return "Instantiate";
    case MessageKind::Invoke: return "Invoke";
    case MessageKind::RunQueueItem: return "RunQueueItem";
    case MessageKind::ReleaseObject: return "ReleaseObject";
    case MessageKind::Census: return "Census";
    case MessageKind::Crash: return "Crash";
    case MessageKind::ShareRegion: return "ShareRegion";
    case MessageKind::Call: return "Call";
    case MessageKind::QueueWork: return "QueueWork";
    case MessageKind::Log: return "Log";
    case MessageKind::ReleaseProxy: return "ReleaseProxy";
    case MessageKind::InvokeDone: return "InvokeDone";
    case MessageKind::Reply: return "Reply";
    }
    return "Unknown";
}

Message Message::make(MessageKind kind, uint64_t target, uint64_t msgid, uint16_t flags)
{
    Message message;
    message.header.kind = static_cast<uint16_t>(kind);
    message.header.flags = flags;
    message.header.target = target;
    message.header.msgid = msgid;
    return message;
}

std::vector<uint8_t> Message::encode() const
{
    MessageHeader h = header;
    h.payload_size = static_cast<uint32_t>(payload.size());
    std::vector<uint8_t> out(sizeof h + payload.size());
    std::memcpy(out.data(), &h, sizeof h);
    if (!payload.empty())
        std::memcpy(out.data() + sizeof h, payload.data(), payload.size());
    return out;
}

ErrorOr<Message> Message::decode(uint8_t const* bytes, size_t size)
{
    if (size < sizeof(MessageHeader))
        return Error::with("ipc: message of " + std::to_string(size) + " bytes is shorter than the 40-byte header");
    Message message;
    std::memcpy(&message.header, bytes, sizeof(MessageHeader));
    if (message.header.magic != kMessageMagic)
        return Error::with("ipc: bad magic in message header (not a dextlab ipc message)");
    if (message.header.payload_size > kMaxPayload || message.header.payload_size != size - sizeof(MessageHeader))
        return Error::with("ipc: header says " + std::to_string(message.header.payload_size) + " payload bytes but "
            + std::to_string(size - sizeof(MessageHeader)) + " arrived");
    message.payload.assign(bytes + sizeof(MessageHeader), bytes + size);
    return message;
}

void WireWriter::raw(void const* data, size_t size)
{
    if (size)
        std::memcpy(m_out.grow(size), data, size);
}

WireWriter& WireWriter::str(std::string_view value)
{
    tag(TagStr);
    uint32_t size = static_cast<uint32_t>(value.size());
    raw(&size, sizeof size);
    raw(value.data(), value.size());
    return *this;
}

WireWriter& WireWriter::bytes(uint8_t const* data, size_t size)
{
    tag(TagBytes);
    uint32_t n = static_cast<uint32_t>(size);
    raw(&n, sizeof n);
    raw(data, size);
    return *this;
}

WireWriter& WireWriter::object(uint64_t id, std::string_view class_name)
{
    tag(TagObject);
    raw(&id, sizeof id);
    uint32_t size = static_cast<uint32_t>(class_name.size());
    raw(&size, sizeof size);
    raw(class_name.data(), class_name.size());
    return *this;
}

ErrorOr<void> WireReader::read_raw(void* out, size_t size)
{
    if (m_size - m_offset < size)
        return Error::with("ipc: field " + std::to_string(m_field) + " is truncated");
    std::memcpy(out, m_data + m_offset, size);
    m_offset += size;
    return {};
}

ErrorOr<void> WireReader::expect_tag(uint8_t tag, char const* what)
{
    ++m_field;
    if (m_offset >= m_size)
        return Error::with(std::string("ipc: expected ") + what + " at field " + std::to_string(m_field) + ", message ended");
    uint8_t found = m_data[m_offset];
    if (found != tag)
        return Error::with(std::string("ipc: expected ") + what + " at field " + std::to_string(m_field) + ", found "
            + tag_name(found));
    ++m_offset;
    return {};
}

ErrorOr<uint64_t> WireReader::u64_slowly()
{
    TRY(expect_tag(TagU64, "u64"));
    uint64_t value;
    TRY(read_raw(&value, sizeof value));
    return value;
}

ErrorOr<std::string> WireReader::str()
{
    TRY(expect_tag(TagStr, "string"));
    uint32_t size;
    TRY(read_raw(&size, sizeof size));
    if (m_size - m_offset < size)
        return Error::with("ipc: string at field " + std::to_string(m_field) + " is truncated");
    std::string value(reinterpret_cast<char const*>(m_data + m_offset), size);
    m_offset += size;
    return value;
}

ErrorOr<std::vector<uint8_t>> WireReader::bytes()
{
    TRY(expect_tag(TagBytes, "bytes"));
    uint32_t size;
    TRY(read_raw(&size, sizeof size));
    if (m_size - m_offset < size)
        return Error::with("ipc: bytes at field " + std::to_string(m_field) + " are truncated");
    std::vector<uint8_t> value(m_data + m_offset, m_data + m_offset + size);
    m_offset += size;
    return value;
}

ErrorOr<ObjectRef> WireReader::object()
{
    TRY(expect_tag(TagObject, "object"));
    ObjectRef ref;
    TRY(read_raw(&ref.id, sizeof ref.id));
    uint32_t size;
    TRY(read_raw(&size, sizeof size));
    if (m_size - m_offset < size)
        return Error::with("ipc: object class name at field " + std::to_string(m_field) + " is truncated");
    ref.class_name.assign(reinterpret_cast<char const*>(m_data + m_offset), size);
    m_offset += size;
    return ref;
}

Message make_reply(uint64_t status)
{
    Message reply = Message::make(MessageKind::Reply);
    WireWriter(reply).u64(status);
    return reply;
}

ErrorOr<uint64_t> reply_status(Message const& reply, WireReader& reader)
{
    if (reply.kind() != MessageKind::Reply)
        return Error::with(std::string("ipc: expected a Reply, got ") + to_string(reply.kind()));
    return reader.u64();
}

} // namespace dextlab::ipc
