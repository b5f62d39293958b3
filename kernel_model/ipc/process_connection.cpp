// The isolated transport: one dextlab-driverhost child process per IOUserServer, spoken to over
// a socketpair. A fault in dext code kills only the child; the kernel learns it when the socket
// closes (or the watchdog fires) and reads the cause from waitpid.

#include "connection.h"
#include "socket_stream.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace dextlab::ipc {

namespace {

std::string describe_status(int status)
{
    if (WIFSIGNALED(status)) {
        char const* name = sigabbrev_np(WTERMSIG(status));
        return std::string("killed by SIG") + (name ? name : std::to_string(WTERMSIG(status)).c_str());
    }
    if (WIFEXITED(status))
        return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended";
}

class ProcessConnection final : public DextConnection {
public:
    ProcessConnection(MessageHandler& kernel_side, int fd, pid_t pid, int watchdog_ms)
        : m_kernel_side(kernel_side)
        , m_stream(fd)
        , m_pid(pid)
        , m_watchdog_ms(watchdog_ms)
    {
    }

    ~ProcessConnection() override
    {
        if (m_pid > 0) {
            ::close(m_stream.fd()); // the host sees end-of-file and exits
            reap(/*wait_ms=*/1000);
        } else {
            ::close(m_stream.fd());
        }
    }

    ErrorOr<Message> call(Message const& request) override
    {
        if (m_pid <= 0)
            return Error::with("ipc: the dext process is gone (" + m_death + ")");
        if (auto sent = m_stream.send(request); !sent) {
            reap(1000);
            return Error::with("ipc: the dext process is gone (" + m_death + ")");
        }
        for (;;) {
            auto received = m_stream.receive(m_watchdog_ms);
            if (!received.frame) {
                if (received.error == ReceiveError::Timeout) {
                    ::kill(m_pid, SIGKILL);
                    reap(-1);
                    m_death = "hung: no reply to " + std::string(to_string(request.kind())) + " within "
                        + std::to_string(m_watchdog_ms) + " ms, killed by the watchdog";
                } else if (received.error == ReceiveError::Malformed) {
                    ::kill(m_pid, SIGKILL);
                    reap(-1);
                    m_death = "broke the protocol (" + received.detail + "), killed";
                } else {
                    reap(-1);
                }
                return Error::with("ipc: the dext process is gone (" + m_death + ")");
            }
            Message message = std::move(received.frame->message);
            if (received.frame->fd >= 0)
                ::close(received.frame->fd); // a dext never sends descriptors to the kernel
            if (message.kind() == MessageKind::Reply)
                return message;
            Message reply = m_kernel_side.handle(message);
            if (!message.is_oneway()) {
                if (auto sent = m_stream.send(reply); !sent) {
                    reap(1000);
                    return Error::with("ipc: the dext process is gone (" + m_death + ")");
                }
            }
        }
    }

    void share_region(std::shared_ptr<SharedRegion> region) override
    {
        if (m_pid <= 0)
            return;
        auto message = Message::make(MessageKind::ShareRegion, region->id(), 0, kMessageOneway);
        WireWriter(message).u64(region->size());
        (void)m_stream.send(message, region->fd()); // a failure shows at the next call
    }

    // The host keeps a region mapped until it exits; a freed buffer's pages go with the process.
    void unshare_region(uint64_t) override { }

    void inject_fault(std::string const& how) override
    {
        auto crash = Message::make(MessageKind::Crash);
        WireWriter(crash).str(how);
        (void)call(crash); // answered by the process dying (or hanging until the watchdog)
    }

    bool isolated() const override { return true; }

private:
    // Collects the child's exit status; wait_ms < 0 waits for good.
    void reap(int wait_ms)
    {
        if (m_pid <= 0)
            return;
        int status = 0;
        pid_t done = 0;
        for (int waited = 0;; waited += 10) {
            done = ::waitpid(m_pid, &status, wait_ms < 0 ? 0 : WNOHANG);
            if (done != 0 || (wait_ms >= 0 && waited >= wait_ms))
                break;
            ::usleep(10 * 1000);
        }
        if (done == 0) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, &status, 0);
        }
        if (m_death.empty())
            m_death = describe_status(status);
        m_pid = -1;
    }

    MessageHandler& m_kernel_side;
    SocketStream m_stream;
    pid_t m_pid;
    int m_watchdog_ms;
};

} // namespace

DextLauncher isolated_launcher(std::string driverhost_path, int watchdog_ms)
{
    return [driverhost_path = std::move(driverhost_path), watchdog_ms](MessageHandler& kernel_side, std::string const& name)
               -> ErrorOr<std::unique_ptr<DextConnection>> {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0)
            return Error::with(std::string("isolated server: socketpair failed: ") + std::strerror(errno));
        // The child gets its end as fd 3 (dup2 clears close-on-exec); everything else closes.
        constexpr int kChildFd = 3;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, fds[1], kChildFd);
        std::string fd_text = std::to_string(kChildFd);
        char const* argv[] = { driverhost_path.c_str(), "--fd", fd_text.c_str(), "--name", name.c_str(), nullptr };
        pid_t pid = 0;
        int spawned = ::posix_spawn(&pid, driverhost_path.c_str(), &actions, nullptr, const_cast<char**>(argv), environ);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[1]);
        if (spawned != 0) {
            ::close(fds[0]);
            return Error::with("isolated server: cannot start " + driverhost_path + ": " + std::strerror(spawned)
                + " (build the dextlab-driverhost target, or run without --isolate)");
        }
        return std::unique_ptr<DextConnection>(std::make_unique<ProcessConnection>(kernel_side, fds[0], pid, watchdog_ms));
    };
}

} // namespace dextlab::ipc
