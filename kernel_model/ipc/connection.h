#pragma once
// The kernel's handle on the dext side of one IOUserServer. Two transports implement it: the
// in-process one (the DriverKit runtime lives in the lab process; deterministic and cheap) and
// the isolated one (a dextlab-driverhost child process per server; a crash kills only it).
// Both carry the same messages, and in both the dext runs only inside a kernel request.

#include "transport.h"

#include <functional>
#include <memory>
#include <string>

namespace dextlab::ipc {

class DextConnection {
public:
    virtual ~DextConnection() = default;

    // Sends a request to the dext and returns its reply. While waiting, requests the dext makes
    // of the kernel are served by the kernel-side handler given at launch. An error means the
    // dext side is gone: death() then says why.
    virtual ErrorOr<Message> call(Message const& request) = 0;
    virtual void share_region(std::shared_ptr<SharedRegion> region) = 0;
    virtual void unshare_region(uint64_t region_id) = 0;
    // Makes the dext side fail on purpose (scenario `crash`): "segv", "abort", "exit" or "hang".
    virtual void inject_fault(std::string const& how) = 0;
    // Empty while the dext side lives; else what ended it ("killed by SIGSEGV"). Not virtual:
    // the kernel asks before every message it sends.
    std::string const& death() const { return m_death; }
    virtual bool isolated() const = 0;

protected:
    std::string m_death; // set by the transport when the dext side ends
};

// Starts the dext side of a server named `server_name`; `kernel_side` serves its requests.
using DextLauncher = std::function<ErrorOr<std::unique_ptr<DextConnection>>(MessageHandler& kernel_side, std::string const& server_name)>;

// The in-process transport. `make_dext_side` creates the runtime's handler (the lab passes the
// DriverKit runtime's factory; the kernel model never links it).
using DextSideFactory = std::function<std::unique_ptr<MessageHandler>(Channel& to_kernel, std::string const& server_name)>;
DextLauncher in_process_launcher(DextSideFactory make_dext_side);

// The isolated transport: each server is `driverhost_path --fd N --name NAME`, a child process.
// A request that gets no reply within `watchdog_ms` of wall time means the dext hung: the child
// is killed.
DextLauncher isolated_launcher(std::string driverhost_path, int watchdog_ms);

} // namespace dextlab::ipc
