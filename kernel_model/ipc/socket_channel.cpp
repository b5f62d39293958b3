#include "socket_channel.h"

#include <sys/mman.h>
#include <unistd.h>

namespace dextlab::ipc {

SocketChannel::~SocketChannel()
{
    for (auto const& [id, mapping] : m_regions)
        ::munmap(mapping.data, mapping.size == 0 ? 1 : mapping.size);
}

ErrorOr<void> SocketChannel::dispatch(Frame& frame)
{
    Message const& message = frame.message;
    if (message.kind() == MessageKind::ShareRegion) {
        WireReader reader(message);
        auto size = TRY(reader.u64());
        if (frame.fd < 0)
            return Error::with("ipc: ShareRegion arrived without its descriptor");
        size_t mapped = size == 0 ? 1 : size;
        void* data = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, frame.fd, 0);
        ::close(frame.fd);
        frame.fd = -1;
        if (data == MAP_FAILED)
            return Error::with("ipc: cannot map shared region " + std::to_string(message.header.target));
        m_regions[message.header.target] = Mapping { static_cast<uint8_t*>(data), size };
        return {};
    }
    if (frame.fd >= 0) {
        ::close(frame.fd);
        frame.fd = -1;
    }
    if (!m_handler)
        return Error::with("ipc: no handler for a request");
    Message reply = m_handler->handle(message);
    if (!message.is_oneway())
        TRY(m_stream.send(reply));
    return {};
}

ErrorOr<Message> SocketChannel::call(Message const& request)
{
    TRY(m_stream.send(request));
    for (;;) {
        auto received = m_stream.receive(-1);
        if (!received.frame)
            return Error::with("ipc: the kernel closed the connection");
        if (received.frame->message.kind() == MessageKind::Reply)
            return std::move(received.frame->message);
        TRY(dispatch(*received.frame));
    }
}

ErrorOr<void> SocketChannel::post(Message const& message) { return m_stream.send(message); }

uint8_t* SocketChannel::map_region(uint64_t region_id, size_t size)
{
    auto it = m_regions.find(region_id);
    if (it == m_regions.end() || it->second.size < size)
        return nullptr;
    return it->second.data;
}

int SocketChannel::serve()
{
    for (;;) {
        auto received = m_stream.receive(-1);
        if (!received.frame)
            return received.error == ReceiveError::Closed ? 0 : 1;
        if (!dispatch(*received.frame))
            return 1;
    }
}

} // namespace dextlab::ipc
