#pragma once
// Messages over a stream socket (a socketpair between the lab and a dextlab-driverhost process):
// each frame is a 4-byte length and the encoded message; a shared region's file descriptor
// rides along as SCM_RIGHTS ancillary data.

#include "message.h"

#include <optional>

namespace dextlab::ipc {

struct Frame {
    Message message;
    int fd { -1 }; // a received descriptor (ShareRegion), owned by the receiver
};

enum class ReceiveError : uint8_t { Closed, Timeout, Malformed, Failed };

struct Received {
    std::optional<Frame> frame;
    ReceiveError error { ReceiveError::Failed };
    std::string detail;
};

class SocketStream {
public:
    explicit SocketStream(int fd)
        : m_fd(fd)
    {
    }
    int fd() const { return m_fd; }

    ErrorOr<void> send(Message const& message, int pass_fd = -1);
    // Waits up to timeout_ms (-1: forever) for one frame.
    Received receive(int timeout_ms);

private:
    int m_fd;
};

} // namespace dextlab::ipc
