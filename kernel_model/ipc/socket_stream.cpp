#include "socket_stream.h"

#include <cerrno>
#include <cstring>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace dextlab::ipc {

namespace {

constexpr uint32_t kMaxFrame = 64 * 1024 * 1024 + sizeof(MessageHeader);

// Reads exactly `size` bytes (the frame's body follows its length at once, so no timeout here).
bool read_exact(int fd, uint8_t* out, size_t size)
{
    while (size > 0) {
        ssize_t n = ::read(fd, out, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        out += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

} // namespace

ErrorOr<void> SocketStream::send(Message const& message, int pass_fd)
{
    auto bytes = message.encode();
    uint32_t length = static_cast<uint32_t>(bytes.size());
    std::vector<uint8_t> frame(reinterpret_cast<uint8_t const*>(&length), reinterpret_cast<uint8_t const*>(&length) + sizeof length);
    frame.insert(frame.end(), bytes.begin(), bytes.end());

    size_t offset = 0;
    bool fd_sent = pass_fd < 0;
    while (offset < frame.size()) {
        iovec iov { frame.data() + offset, frame.size() - offset };
        msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        if (!fd_sent) {
            msg.msg_control = control;
            msg.msg_controllen = sizeof control;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
        }
        ssize_t n = ::sendmsg(m_fd, &msg, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return Error::with(std::string("ipc: sending a ") + to_string(message.kind()) + " failed: " + std::strerror(errno));
        fd_sent = true;
        offset += static_cast<size_t>(n);
    }
    return {};
}

Received SocketStream::receive(int timeout_ms)
{
    Received result;
    pollfd p { m_fd, POLLIN, 0 };
    int ready;
    do
        ready = ::poll(&p, 1, timeout_ms);
    while (ready < 0 && errno == EINTR);
    if (ready == 0) {
        result.error = ReceiveError::Timeout;
        return result;
    }
    if (ready < 0) {
        result.detail = std::strerror(errno);
        return result;
    }

    // The length, with any descriptor that was sent with the frame's first bytes.
    uint32_t length = 0;
    iovec iov { &length, sizeof length };
    msghdr msg {};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    ssize_t n;
    do
        n = ::recvmsg(m_fd, &msg, MSG_WAITALL | MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n == 0) {
        result.error = ReceiveError::Closed;
        return result;
    }
    if (n != static_cast<ssize_t>(sizeof length)) {
        result.error = n < 0 ? ReceiveError::Failed : ReceiveError::Malformed;
        result.detail = n < 0 ? std::strerror(errno) : "truncated frame length";
        return result;
    }
    int fd = -1;
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
            std::memcpy(&fd, CMSG_DATA(c), sizeof(int));
    }
    if (length < sizeof(MessageHeader) || length > kMaxFrame) {
        result.error = ReceiveError::Malformed;
        result.detail = "frame of " + std::to_string(length) + " bytes";
        if (fd >= 0)
            ::close(fd);
        return result;
    }
    std::vector<uint8_t> body(length);
    if (!read_exact(m_fd, body.data(), body.size())) {
        result.error = ReceiveError::Closed;
        if (fd >= 0)
            ::close(fd);
        return result;
    }
    auto decoded = Message::decode(body.data(), body.size());
    if (!decoded) {
        result.error = ReceiveError::Malformed;
        result.detail = decoded.error().message;
        if (fd >= 0)
            ::close(fd);
        return result;
    }
    result.frame = Frame { std::move(decoded).value(), fd };
    return result;
}

} // namespace dextlab::ipc
