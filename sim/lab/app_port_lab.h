#pragma once
// The lab's side of the app API (kernel_model/ipc/app_port.h): what an app's IOKit calls reach
// when it runs against a Lab, whether they come from the IOKitLib shim or from a scenario's
// `client` steps. Registry lookups and notifications read the kernel model's registry; user
// clients go to the kernel's UserClients; waiting for the dext lets virtual time run.

#include "kernel_model/ipc/app_port.h"
#include "kernel_model/kernel.h"
#include "kernel_model/user_client/user_clients.h"

#include <set>
#include <vector>

namespace dextlab::lab {

class Lab;

class LabAppPort final : public ipc::AppPort {
public:
    LabAppPort(Lab& lab, kernel::AppIdentity app);
    ~LabAppPort() override; // the app goes away: its connections close
    LabAppPort(LabAppPort const&) = delete;
    LabAppPort& operator=(LabAppPort const&) = delete;

    kernel::AppIdentity const& app() const { return m_app; }
    // Registered entries a matching dictionary selects, in registry order (IOServiceGetMatchingServices).
    std::vector<uint64_t> matching_services(kernel::PropertyDict const& matching) const;
    // Runs whatever the app has been handed (async results, notifications) without letting time pass.
    void deliver_pending();
    // An app that never leaves its run loop (a scenario's): deliveries run as they are posted.
    void set_always_in_run_loop(bool on);

    // ipc::AppPort
    ipc::AppResult<std::vector<uint64_t>> matching_services(std::vector<uint8_t> const& matching) override;
    ipc::AppResult<std::vector<uint8_t>> property(uint64_t entry, std::string const& key) override;
    ipc::AppResult<std::vector<uint8_t>> properties(uint64_t entry) override;
    ipc::AppResult<std::string> entry_name(uint64_t entry) override;
    ipc::AppResult<std::string> entry_class(uint64_t entry) override;
    ipc::AppResult<uint64_t> parent(uint64_t entry) override;
    bool entry_exists(uint64_t entry) override;
    ipc::AppResult<uint64_t> open(uint64_t service, uint32_t type) override;
    uint32_t close(uint64_t connection) override;
    ipc::MethodResult call_method(uint64_t connection, ipc::MethodCall call) override;
    ipc::AppResult<ipc::ClientMapping> map_memory(uint64_t connection, uint64_t memory_type, uint64_t options) override;
    uint32_t unmap_memory(uint64_t connection, uint64_t mapping_id) override;
    ipc::AppResult<uint64_t> add_notification(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching,
        std::function<void(uint64_t entry)> callback) override;
    void remove_notification(uint64_t id) override;
    std::vector<uint64_t> current_matches(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching) override;
    bool run_once() override;

private:
    struct Notification {
        uint64_t id;
        ipc::ServiceNotification kind;
        kernel::PropertyDict matching;
        std::function<void(uint64_t)> callback;
    };
    void registry_event(kernel::RegistryEntry const& entry, kernel::RegistryEvent event);
    bool matches(kernel::PropertyDict const& matching, kernel::RegistryEntry const& entry) const;

    Lab& m_lab;
    kernel::AppIdentity m_app;
    std::vector<Notification> m_notifications;
    uint64_t m_next_notification { 1 };
    std::set<uint64_t> m_connections;
};

} // namespace dextlab::lab
