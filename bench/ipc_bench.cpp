// IPC round trips (issue 3, item 7): the in-process transport, the isolated transport (a real
// dextlab-driverhost process), and a raw socketpair round trip to a child process measured in
// the same run as the baseline the isolated figure is judged against.
//   build/bench/ipc_bench --benchmark_min_time=0.2

#include "kernel_model/ipc/connection.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/ipc/transport.h"

#include <benchmark/benchmark.h>

#include <csignal>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace dextlab;
using namespace dextlab::ipc;

namespace {

// A peer that answers every request with a one-field reply, as cheaply as a handler can.
struct Echo final : MessageHandler {
    Message handle(Message const&) override { return make_reply(0); }
};

Message small_request()
{
    // The shape of a typical call: a method id, an object and two scalars.
    auto m = Message::make(MessageKind::Call, 4, 0xe566bead3d13d7e0ULL);
    WireWriter(m).object(7, "IOBufferMemoryDescriptor").u64(8).u64(0);
    return m;
}

void BM_InProcessRoundTrip(benchmark::State& state)
{
    InProcessLink link;
    Echo kernel, dext;
    link.set_kernel_handler(&kernel);
    link.set_dext_handler(&dext);
    Message request = small_request();
    for (auto _ : state) {
        auto reply = link.kernel_side().call(request);
        benchmark::DoNotOptimize(reply);
    }
}
BENCHMARK(BM_InProcessRoundTrip);

// The isolated transport end to end: framing, the socket, the host's decode and dispatch, and
// back. The host answers RunQueueItem for an unknown queue at once, so this is pure transport.
void BM_IsolatedRoundTrip(benchmark::State& state)
{
    Echo kernel_side;
    auto launched = isolated_launcher(DEXTLAB_DRIVERHOST_PATH, 5000)(kernel_side, "bench");
    if (!launched) {
        state.SkipWithError(launched.error().message.c_str());
        return;
    }
    auto connection = std::move(launched).value();
    Message request = Message::make(MessageKind::RunQueueItem, 12345);
    for (auto _ : state) {
        auto reply = connection->call(request);
        if (!reply) {
            state.SkipWithError(reply.error().message.c_str());
            break;
        }
        benchmark::DoNotOptimize(reply);
    }
}
BENCHMARK(BM_IsolatedRoundTrip);

// The baseline: the same number of bytes each way over a socketpair to a child process that
// only reads and writes them back.
void BM_RawSocketpairRoundTrip(benchmark::State& state)
{
    int fds[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) {
        state.SkipWithError("socketpair failed");
        return;
    }
    auto frame = small_request().encode();
    size_t const size = frame.size() + 4;
    pid_t child = ::fork();
    if (child == 0) {
        ::close(fds[0]);
        std::vector<uint8_t> buffer(size);
        for (;;) {
            size_t got = 0;
            while (got < size) {
                ssize_t n = ::read(fds[1], buffer.data() + got, size - got);
                if (n <= 0)
                    ::_exit(0);
                got += static_cast<size_t>(n);
            }
            if (::write(fds[1], buffer.data(), size) != static_cast<ssize_t>(size))
                ::_exit(1);
        }
    }
    ::close(fds[1]);
    std::vector<uint8_t> out(size, 0x5a), in(size);
    for (auto _ : state) {
        if (::write(fds[0], out.data(), size) != static_cast<ssize_t>(size))
            break;
        size_t got = 0;
        while (got < size) {
            ssize_t n = ::read(fds[0], in.data() + got, size - got);
            if (n <= 0)
                break;
            got += static_cast<size_t>(n);
        }
        benchmark::DoNotOptimize(in);
    }
    ::close(fds[0]);
    ::waitpid(child, nullptr, 0);
}
BENCHMARK(BM_RawSocketpairRoundTrip);

} // namespace

BENCHMARK_MAIN();
