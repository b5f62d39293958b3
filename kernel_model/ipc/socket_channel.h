#pragma once
// The dext side of the isolated transport, as a dextlab-driverhost process uses it: a Channel to
// the kernel over the socket, and the loop that serves the kernel's requests. The host is
// passive: it runs dext code only inside a request the kernel sent.

#include "socket_stream.h"
#include "transport.h"

#include <map>

namespace dextlab::ipc {

class SocketChannel final : public Channel {
public:
    explicit SocketChannel(int fd)
        : m_stream(fd)
    {
    }
    ~SocketChannel() override;
    void set_handler(MessageHandler* handler) { m_handler = handler; }

    ErrorOr<Message> call(Message const& request) override;
    ErrorOr<void> post(Message const& message) override;
    uint8_t* map_region(uint64_t region_id, size_t size) override;

    // Serves requests until the kernel closes the socket (returns 0) or the stream breaks (1).
    int serve();

private:
    // Handles one frame that is not the reply being waited for.
    ErrorOr<void> dispatch(Frame& frame);

    struct Mapping {
        uint8_t* data;
        size_t size;
    };
    SocketStream m_stream;
    MessageHandler* m_handler { nullptr };
    std::map<uint64_t, Mapping> m_regions;
};

} // namespace dextlab::ipc
