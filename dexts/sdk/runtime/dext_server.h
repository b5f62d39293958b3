#pragma once
// The dext side of one IOUserServer: what a dext process is, minus the process. It owns the
// dext's objects (its services, OSActions, queues, and proxies for kernel objects), runs queue
// items when the kernel says so, and turns calls on kernel objects into IPC messages.
// Everything here is the runtime's own; dext code sees only DriverKit headers.

#include "kernel_model/ipc/message.h"
#include "kernel_model/ipc/transport.h"

#include <DriverKit/OSObject.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace dextlab::sdk {

// A piece of work on a dispatch queue.
using WorkItem = std::function<void()>;

// What the runtime keeps for each dispatch queue (behind IODispatchQueue's ivars).
struct QueueState {
    uint64_t id { 0 };
    std::string name;
    uint64_t owner { 0 }; // object id of the service it belongs to (0 for a free-standing queue)
    std::deque<WorkItem> items;
    bool running { false };
};

class DextServer final : public ipc::MessageHandler {
public:
    DextServer(ipc::Channel& kernel, std::string name);
    ~DextServer() override;

    // The server whose code is running on this thread (set while a kernel message is handled).
    static DextServer* current();
    static DextServer* of(OSMetaClassBase const* object) { return static_cast<DextServer*>(object->__dextlab_server); }

    ipc::Message handle(ipc::Message const& message) override;

    std::string const& name() const { return m_name; }

    // --- objects ---
    void object_created(OSMetaClassBase* object);
    void object_destroyed(OSMetaClassBase* object);
    // The proxy (or local object) for a reference that arrived in a message.
    OSObject* object_for(ipc::ObjectRef const& ref);
    // Writes an object argument, giving a dext object an id the first time it is sent.
    void write_object(ipc::WireWriter& writer, OSMetaClassBase const* object);
    OSMetaClass const* find_class(std::string const& name) const;

    // --- queues (the server owns their state, so a dying process frees it) ---
    QueueState* create_queue(std::string name);
    void destroy_queue(QueueState* queue);
    void enqueue(QueueState* queue, WorkItem item);
    QueueState* running_queue() const { return m_running_queue; }

    // --- calls into the kernel ---
    // Sends a request and returns the reply's status; `results` reads what follows it.
    kern_return_t call_kernel(uint64_t target, uint64_t msgid, std::function<void(ipc::WireWriter&)> const& args,
        std::function<kern_return_t(ipc::WireReader&)> const& results = {});
    void post_to_kernel(ipc::Message const& message);
    uint8_t* map_region(uint64_t region_id, size_t size) { return m_kernel.map_region(region_id, size); }
    void log(std::string const& text);

    // --- the process heap: what IOMalloc gave this server (freed when the process dies) ---
    // IOMalloc records an allocation for the current server; IOFree forgets it for whichever
    // server made it.
    static void heap_allocated(void* memory);
    static void heap_freed(void* memory);

private:
    ipc::Message load_module(ipc::Message const&);
    ipc::Message instantiate(ipc::Message const&);
    ipc::Message invoke(ipc::Message const&);
    ipc::Message run_queue_item(ipc::Message const&);
    ipc::Message release_object(ipc::Message const&);
    ipc::Message census(ipc::Message const&);
    ipc::Message invoke_service(OSObject* service, ipc::Message const& message);
    ipc::Message invoke_action(OSAction* action, ipc::Message const& message);

    ipc::Channel& m_kernel;
    std::string m_name;
    std::map<OSMetaClassBase*, uint64_t> m_live;           // every object of this server, with its creation number
    std::map<uint64_t, OSMetaClassBase*> m_by_id;          // objects that crossed the link
    std::set<uint64_t> m_kernel_held;                      // ids the kernel holds a reference on
    std::map<uint64_t, std::unique_ptr<QueueState>> m_queues;
    std::map<std::string, OSMetaClass const*> m_classes;   // classes of the modules this server loaded
    std::vector<void*> m_modules;
    std::set<void*> m_heap;
    QueueState* m_running_queue { nullptr };
    uint64_t m_next_dext_id { 1 };
    uint64_t m_next_sequence { 0 };
    uint64_t m_next_queue_id { 1 };
};

// Sets DextServer::current() for a scope.
class CurrentServerScope {
public:
    explicit CurrentServerScope(DextServer* server);
    ~CurrentServerScope();

private:
    DextServer* m_previous;
};

// Class registrations: SDK classes (registered when libDriverKit loads) and the classes of the
// module being loaded right now.
void register_class(OSMetaClass* meta_class);
OSMetaClass const* find_sdk_class(std::string const& name);
void begin_module_load();
std::vector<OSMetaClass*> end_module_load();

// The runtime-private state of IOService and friends (their ivars structs).
QueueState* default_queue_of(OSObject* service);

} // namespace dextlab::sdk
