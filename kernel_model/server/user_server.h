#pragma once
// The kernel's side of one IOUserServer (one dext process): its connection, its services, its
// dispatch queues as the kernel schedules them, its launch and crash counts. The connection is
// in-process or a dextlab-driverhost child, as the kernel's launcher decides.

#include "kernel_model/bundle/dext_bundle.h"
#include "kernel_model/ipc/connection.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace dextlab::kernel {

class Kernel;


struct QueueSchedule {
    std::string name;
    uint64_t owner { 0 };
    uint64_t pending { 0 };
    bool scheduled { false };
    bool running { false };
};

class UserServer final : public ipc::MessageHandler {
public:
    UserServer(Kernel& kernel, DextBundle const& bundle, uint64_t tag);
    ~UserServer() override;

    uint64_t tag() const { return m_tag; }
    DextBundle const& bundle() const { return m_bundle; }
    std::string const& name() const { return m_name; }           // IOUserServerName
    std::string const& display_name() const { return m_bundle.name; }

    bool running() const { return m_connection && m_connection->death().empty(); }
    bool isolated() const { return m_connection && m_connection->isolated(); }
    int launches() const { return m_launches; }
    int crashes() const { return m_crashes; }
    // The dext side died (a fault, the watchdog, or `crash`): why, or empty.
    std::string death() const { return m_connection ? m_connection->death() : std::string(); }
    // Makes the dext side fail on purpose (the scenario `crash` step).
    void inject_fault(std::string const& how);
    // After a death: drop the dead connection and what the server held.
    void forget_dead_process();
    // Starts the dext side (the process) and loads the dext's shared object into it.
    ErrorOr<void> launch();
    // Ends the dext side: the census of what it left alive, then the process goes away.
    std::vector<std::string> exit();

    // kernel -> dext (traced). An error means the dext is gone or broke the protocol.
    ErrorOr<ipc::Message> send(ipc::Message const& message);
    // The same, stamping the message in place instead of copying it (callbacks take this path).
    ErrorOr<ipc::Message> send(ipc::Message&& message);
    // dext -> kernel: handed to the kernel.
    ipc::Message handle(ipc::Message const& message) override;

    void share_region(std::shared_ptr<ipc::SharedRegion> region)
    {
        if (m_connection)
            m_connection->share_region(std::move(region));
    }
    void unshare_region(uint64_t id)
    {
        if (m_connection)
            m_connection->unshare_region(id);
    }

    std::set<uint64_t>& services() { return m_services; }
    std::map<uint64_t, QueueSchedule>& queues() { return m_queues; }
    std::vector<std::string> const& last_leaks() const { return m_last_leaks; }
    bool has_exited_once() const { return m_exits > 0; }

private:
    Kernel& m_kernel;
    DextBundle m_bundle;
    std::string m_name;
    uint64_t m_tag;
    std::unique_ptr<ipc::DextConnection> m_connection;
    std::set<uint64_t> m_services;
    std::map<uint64_t, QueueSchedule> m_queues;
    std::vector<std::string> m_last_leaks;
    int m_launches { 0 };
    int m_exits { 0 };
    int m_crashes { 0 };
};

} // namespace dextlab::kernel
