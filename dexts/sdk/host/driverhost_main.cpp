// dextlab-driverhost: one isolated IOUserServer process. The lab starts it with the socket it
// keeps the other end of; the host loads the dext when told, runs a queue item only when told,
// and dies alone when dext code faults.
//   dextlab-driverhost --fd N --name SERVER_NAME

#include "dexts/sdk/host/dext_host.h"
#include "kernel_model/ipc/socket_channel.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

// Performs the fault a scenario's `crash` step asks for, as dext code gone wrong would.
[[noreturn]] void fail_on_purpose(std::string const& how)
{
    if (how == "segv") {
        // The default action, so the process dies by the signal even where a sanitizer or a
        // debugger installed a handler of its own.
        std::signal(SIGSEGV, SIG_DFL);
        volatile int* nowhere = nullptr;
        *nowhere = 1;
    } else if (how == "abort") {
        std::abort();
    } else if (how == "exit") {
        std::_Exit(1);
    }
    for (;;)
        ::pause(); // "hang": the kernel's watchdog ends it
}

class Host final : public dextlab::ipc::MessageHandler {
public:
    explicit Host(std::unique_ptr<dextlab::ipc::MessageHandler> server)
        : m_server(std::move(server))
    {
    }
    dextlab::ipc::Message handle(dextlab::ipc::Message const& message) override
    {
        if (message.kind() == dextlab::ipc::MessageKind::Crash) {
            dextlab::ipc::WireReader reader(message);
            auto how = reader.str();
            fail_on_purpose(how ? how.value() : "segv");
        }
        return m_server->handle(message);
    }

private:
    std::unique_ptr<dextlab::ipc::MessageHandler> m_server;
};

} // namespace

int main(int argc, char** argv)
{
    int fd = -1;
    std::string name = "dext";
    for (int i = 1; i + 1 < argc; i += 2) {
        if (std::strcmp(argv[i], "--fd") == 0)
            fd = std::atoi(argv[i + 1]);
        else if (std::strcmp(argv[i], "--name") == 0)
            name = argv[i + 1];
    }
    if (fd < 0) {
        std::fprintf(stderr, "usage: dextlab-driverhost --fd N --name SERVER_NAME (started by the lab with --isolate)\n");
        return 2;
    }
    dextlab::ipc::SocketChannel channel(fd);
    Host host(dextlab::sdk::create_dext_server(channel, name));
    channel.set_handler(&host);
    return channel.serve();
}
