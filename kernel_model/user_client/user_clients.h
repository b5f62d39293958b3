#pragma once
// The kernel's user-client machinery. IOService::Create: a dext makes a service of its own from
// a dictionary in its properties (a user client, or a nested service) and gets it back started.
// An app's connections: IOServiceOpen runs the service's NewUserClient, each IOConnectCall* runs
// the client's ExternalMethod (structures over 4096 bytes travel as memory descriptors), async
// results come back through AsyncCompletion, and IOConnectMapMemory64 maps what
// CopyClientMemoryForType hands out. The Kernel routes dext messages here; the lab's AppPort
// calls the app-side operations, which let virtual time run until the dext has answered.

#include "kernel_model/ipc/app_port.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/registry/property.h"
#include "sim/core/time.h"

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

namespace dextlab::ipc {
class SharedRegion;
}

namespace dextlab::kernel {

class Kernel;
class UserServer;
class UserService;

// The app on the other end: a name for traces and the entitlements its code signature carries.
struct AppIdentity {
    std::string name { "app" };
    PropertyDict entitlements;
};

class UserClients {
public:
    explicit UserClients(Kernel& kernel);
    ~UserClients();

    // Calls a dext makes that are served here (IOService::Create, IOUserClient::AsyncCompletion);
    // nothing for any other message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);
    // InvokeDone of NewUserClient, _ExternalMethod and CopyClientMemoryForType; false if not one.
    bool invoke_done(UserServer& server, ipc::Message const& message);
    // The dext dropped its last reference to a kernel object; true if it was one of ours.
    bool release_proxy(UserServer& server, uint64_t id);

    // --- the app side (ids are registry entry ids and connection ids) ---
    ipc::AppResult<uint64_t> open(AppIdentity const& app, uint64_t service, uint32_t type);
    uint32_t close(uint64_t connection);
    ipc::MethodResult call(uint64_t connection, ipc::MethodCall call);
    ipc::AppResult<ipc::ClientMapping> map(uint64_t connection, uint64_t memory_type, uint64_t options);
    uint32_t unmap(uint64_t connection, uint64_t mapping);
    // Async results and notifications wait here until the app's run loop takes them
    // (AppPort::run_once). `hook`, if set, hears of each one as it is posted (an app that is
    // always in its run loop, like a scenario's, takes them at once).
    void post_to_app(std::function<void()> delivery);
    std::deque<std::function<void()>>& app_deliveries() { return m_deliveries; }
    void set_delivery_hook(std::function<void()> hook) { m_delivery_hook = std::move(hook); }
    // How long an app call waits for its dext before failing with kIOReturnTimeout.
    static constexpr Duration kAppCallLimit = 5'000'000'000; // 5 s of virtual time

private:
    struct Mapping {
        uint8_t* address { nullptr };
        uint64_t size { 0 };
        std::shared_ptr<ipc::SharedRegion> region; // the app's mapping keeps the pages alive
    };
    struct Connection {
        uint64_t client { 0 };  // the user client's registry id
        uint64_t service { 0 }; // the service the app opened
        uint64_t server_tag { 0 };
        std::string app;
        bool open { true };
        std::map<uint64_t, Mapping> mappings;
    };

    ipc::Message create_service(UserServer& server, ipc::Message const& message);
    ipc::Message async_completion(UserServer& server, ipc::Message const& message);
    // Sends `invoke` to the server of `target` and lets time run until its InvokeDone arrives.
    std::optional<ipc::Message> invoke_and_wait(UserServer& server, ipc::Message const& invoke, std::string& why);
    Connection* live_connection(uint64_t id, uint32_t& status);
    UserService* client_of(Connection const& connection) const;
    void release_in_dext(UserServer& server, uint64_t object_id);
    void unmap_all(Connection& connection);
    void warn(std::string const& object, std::string const& what);

    Kernel& m_kernel;
    std::map<uint64_t, Connection> m_connections;
    uint64_t m_next_connection { 1 };
    uint64_t m_next_mapping { 1 };
    // InvokeDone messages an app call is waiting for, by (target, msgid).
    std::map<std::pair<uint64_t, uint64_t>, ipc::Message> m_answers;
    std::deque<std::function<void()>> m_deliveries;
    std::function<void()> m_delivery_hook;
};

} // namespace dextlab::kernel
