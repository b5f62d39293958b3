#pragma once
// The dext side of one IOUserServer: what a dext process is, minus the process. It owns the
// dext's objects (its services, OSActions, queues, and proxies for kernel objects), runs queue
// items when the kernel says so, and turns calls on kernel objects into IPC messages.
// Everything here is the runtime's own; dext code sees only DriverKit headers.

#include "creation_site.h"
#include "read_only_view.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/ipc/queue_reports.h"
#include "kernel_model/ipc/transport.h"
#include "sim/core/inline_function.h"

#include <DriverKit/OSObject.h>

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>
#include <string>
#include <vector>

namespace dextlab::sdk {

// A piece of work on a dispatch queue. What it holds (object references, a copied block) it
// holds through RAII captures (see Hold in ivars.h), so an item dropped without running — its
// queue canceled or freed — still gives everything back.
// Room for the captures of the runtime's callbacks (a few pointers, ids and a Hold) without a
// heap block; std::function keeps only 16 bytes inline.
using WorkItem = InlineFunction<void(), 64>;

// A queued item and, apart from it, what the kernel's callback handed over with it (the Hold on
// the action or service, see DextServer::invoke): the same as capturing it in a wrapper around
// the item, released first, without allocating a wrapper for every callback.
struct QueuedWork {
    WorkItem work;
    WorkItem keep;
};

// What the runtime keeps for each dispatch queue (behind IODispatchQueue's ivars).
struct QueueState {
    uint64_t id { 0 };
    std::string name;
    uint64_t owner { 0 }; // object id of the service it belongs to (0 for a free-standing queue)
    std::deque<QueuedWork> items;
    bool running { false };
    bool canceled { false };      // IODispatchQueue::Cancel: no more work is taken
    bool drop_reported { false }; // work sent after Cancel was reported once
    bool named_to_kernel { false }; // the kernel has its name (sent with the first QueueWork)
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
    // The proxy for a kernel object just created for the caller (Create, CreateMapping, ...):
    // its first reference is the caller's, so the caller's release frees the kernel object.
    OSObject* adopt_created(ipc::ObjectRef const& ref);
    // Writes an object argument, giving a dext object an id the first time it is sent.
    void write_object(ipc::WireWriter& writer, OSMetaClassBase const* object);
    OSMetaClass const* find_class(std::string const& name) const;

    // Gives a dext object its id on the link (the first time it needs one) and returns it.
    uint64_t id_of(OSMetaClassBase const* object);

    // --- queues (the server owns their state, so a dying process frees it) ---
    QueueState* create_queue(std::string name);
    void destroy_queue(QueueState* queue);
    // Queues `item`; on a canceled queue the item is dropped (and that reported once) unless
    // `even_if_canceled` (the cancel handler itself).
    void enqueue(QueueState* queue, WorkItem item, bool even_if_canceled = false, WorkItem keep = {});
    // The queue running the innermost item on this stack, or nullptr.
    QueueState* running_queue() const;
    // Whether `queue` runs an item anywhere on this stack (IODispatchQueue::OnQueue).
    bool on_stack(QueueState const* queue) const;
    // IODispatchQueue::DispatchSync: GCD's semantics on the lab's one thread (see the .iig).
    // False when the work did not run (a deadlock or a canceled queue, both reported).
    bool dispatch_sync(QueueState* queue, WorkItem const& work);
    // IODispatchQueue::Cancel: drops what is queued, then `handler` (may be empty) runs on the
    // queue after the item running now.
    void cancel_queue(QueueState* queue, WorkItem handler);
    // SetDispatchQueue bindings other than Default, per object; the queues are retained.
    std::map<std::string, IODispatchQueue*>& bound_queues(OSMetaClassBase const* object) { return m_bound_queues[object]; }
    IODispatchQueue* bound_queue(OSMetaClassBase const* object, std::string const& name) const;
    // Releases what `object` bound (its free()).
    void unbind_queues(OSMetaClassBase const* object);
    // The queue an invocation of `msgid` on `target` runs on: its QUEUENAME queue if the class
    // declares one and the object has it set, else the object's default queue.
    QueueState* queue_for_method(OSObject* target, uint64_t msgid);

    // Tells the kernel a LOCAL method it invoked has returned, with its results (InvokeDone).
    void invoke_done(OSMetaClassBase const* target, uint64_t msgid, kern_return_t status,
        std::function<void(ipc::WireWriter&)> const& results = {});

    // --- calls into the kernel ---
    // Sends a request and returns the reply's status; `results` reads what follows it.
    kern_return_t call_kernel(uint64_t target, uint64_t msgid, std::function<void(ipc::WireWriter&)> const& args,
        std::function<kern_return_t(ipc::WireReader&)> const& results = {});
    void post_to_kernel(ipc::Message const& message);
    uint8_t* map_region(uint64_t region_id, size_t size) { return m_kernel.map_region(region_id, size); }
    void log(std::string const& text);
    // Logs `text` the first time `key` is seen in this server.
    void warn_once(std::string const& key, std::string const& text);

    // --- read-only IOMemoryMaps' own pages (read_only_view.h): unmapped when the process dies ---
    void remember_view(ReadOnlyView const& view) { m_views.push_back(view); }
    void forget_view(ReadOnlyView const& view);

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
    // Runs the front item of `queue` on this stack; false if the queue went away meanwhile.
    bool run_front_item(uint64_t queue_id);
    void report_sync_refused(QueueState* queue, char const* why);
    // A write through a read-only mapping happened while this server's code ran (contained in
    // the lab's process): tell the kernel, which ends the server as the fault would.
    void report_read_only_write();
    void tell_kernel_about_queue(QueueState* queue, uint64_t phase, uint64_t count, std::string const& text = {});

    ipc::Channel& m_kernel;
    std::string m_name;
    struct LiveObject {
        uint64_t sequence;  // creation order, so the census reads the same on every run
        CreationSite site;  // where the dext made it, symbolized only if it leaks
    };
    std::map<OSMetaClassBase*, LiveObject> m_live;         // every object of this server
    std::unordered_map<uint64_t, OSMetaClassBase*> m_by_id; // objects that crossed the link
    std::set<uint64_t> m_kernel_held;                      // ids the kernel holds a reference on
    std::map<uint64_t, std::unique_ptr<QueueState>> m_queues;
    // m_queues by the serial number in each id's upper half (create_queue): every callback
    // looks its queue up several times.
    std::vector<QueueState*> m_queue_by_serial;
    QueueState* find_queue(uint64_t id) const
    {
        uint64_t const serial = (id >> 32) & 0x7fffffff;
        QueueState* queue = serial < m_queue_by_serial.size() ? m_queue_by_serial[serial] : nullptr;
        return queue && queue->id == id ? queue : nullptr;
    }
    std::map<std::string, OSMetaClass const*> m_classes;   // classes of the modules this server loaded
    std::vector<void*> m_modules;
    std::vector<std::string> m_module_files; // as the loader names them, for creation sites
    std::set<void*> m_heap;
    std::vector<ReadOnlyView> m_views;
    std::vector<uint64_t> m_queue_stack; // ids of the queues running items on this stack, innermost last
    std::set<std::string> m_reported;    // one-time runtime warnings already given
    std::map<OSMetaClassBase const*, std::map<std::string, IODispatchQueue*>> m_bound_queues;
    // queue_for_method's answers: per class and method, the class declaring a QUEUENAME for it
    // (walking up from the class) and that name, or no name.
    struct DeclaredQueue {
        OSMetaClass const* declared_by;
        char const* name;
    };
    std::map<std::pair<OSMetaClass const*, uint64_t>, DeclaredQueue> m_declared_queues;
    uint64_t m_next_dext_id { 1 };
    uint64_t m_next_sequence { 0 };
    uint64_t m_next_queue_id { 1 };
};

// Kernel calls into a dext object's LOCAL methods (Start, Stop, NewUserClient, _ExternalMethod,
// CopyClientMemoryForType): a decoder reads the message's arguments and returns the work that
// runs the method on its queue and answers with DextServer::invoke_done. Registered by the
// runtime file of each class when libDriverKit loads.
using MethodDecoder = std::function<ErrorOr<WorkItem>(OSObject* target, ipc::WireReader& args)>;
void register_method_decoder(uint64_t msgid, MethodDecoder decoder);

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
// The queue `service` has bound to `name` (SetDispatchQueue), or nullptr.
QueueState* named_queue_of(OSObject* service, std::string const& name);

// The queue reports a server sends the kernel (kernel_model/ipc/queue_reports.h).
using ipc::QueueReport;
using ipc::kQueueSyncBegin;
using ipc::kQueueSyncEnd;
using ipc::kQueueDeadlock;
using ipc::kQueueCanceled;
using ipc::kQueueSyncRefused;

} // namespace dextlab::sdk
