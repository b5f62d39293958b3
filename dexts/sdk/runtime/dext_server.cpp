#include "dext_server.h"

#include "clock.h"
#include "ivars.h"
#include "dexts/sdk/host/dext_host.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/ipc/memory_reports.h"

#include <algorithm>
#include <cstdio>
#include <dlfcn.h>
#include <link.h>

namespace dextlab::sdk {

namespace {
// initial-exec: libDriverKit is loaded with the program (the lab, the driverhost, an app), so its
// thread-locals sit in static TLS and are read without a __tls_get_addr call, which the
// general-dynamic model makes on every access (several per callback).
[[gnu::tls_model("initial-exec")]] thread_local DextServer* t_current = nullptr;

// Classes per loaded module handle: dlopen of an already-loaded module runs no constructors, so
// a second server loading the same dext finds its classes here.
std::map<void*, std::vector<OSMetaClass*>>& module_classes()
{
    static std::map<void*, std::vector<OSMetaClass*>> classes;
    return classes;
}

// Which server each IOMalloc'd block belongs to.
std::map<void*, DextServer*>& heap_owners()
{
    static std::map<void*, DextServer*> owners;
    return owners;
}

struct RegisteredDecoder {
    CallbackDecoder decode;
    bool kernel_holds_reference { true };
};

std::map<uint64_t, RegisteredDecoder>& callback_decoders()
{
    static std::map<uint64_t, RegisteredDecoder> decoders;
    return decoders;
}

std::map<uint64_t, MethodDecoder>& method_decoders()
{
    static std::map<uint64_t, MethodDecoder> decoders;
    return decoders;
}

RegisteredDecoder const* find_callback_decoder(uint64_t prototype_msgid)
{
    auto it = callback_decoders().find(prototype_msgid);
    return it == callback_decoders().end() ? nullptr : &it->second;
}

[[gnu::tls_model("initial-exec")]] thread_local bool t_process_dying = false;

char const* class_name_of(OSMetaClassBase const* object)
{
    auto const* meta = object->getMetaClass();
    return meta ? meta->getClassName() : "OSObject";
}
} // namespace

void register_callback_decoder(uint64_t prototype_msgid, CallbackDecoder decoder, bool kernel_holds_reference)
{
    callback_decoders()[prototype_msgid] = RegisteredDecoder { std::move(decoder), kernel_holds_reference };
}

void register_method_decoder(uint64_t msgid, MethodDecoder decoder) { method_decoders()[msgid] = std::move(decoder); }

void set_process_dying(bool dying) { t_process_dying = dying; }

Hold adopt(OSMetaClassBase const* object) { return Hold(object); }

Hold::~Hold()
{
    if (m_object && !t_process_dying)
        m_object->release();
}

Hold hold(OSMetaClassBase const* object)
{
    if (object)
        object->retain();
    return adopt(object);
}

CurrentServerScope::CurrentServerScope(DextServer* server)
    : m_previous(t_current)
{
    t_current = server;
}

CurrentServerScope::~CurrentServerScope() { t_current = m_previous; }

DextServer* DextServer::current() { return t_current; }

void DextServer::heap_allocated(void* memory)
{
    if (auto* server = current()) {
        server->m_heap.insert(memory);
        heap_owners()[memory] = server;
    }
}

void DextServer::heap_freed(void* memory)
{
    auto it = heap_owners().find(memory);
    if (it == heap_owners().end())
        return;
    it->second->m_heap.erase(memory);
    heap_owners().erase(it);
}

DextServer::DextServer(ipc::Channel& kernel, std::string name)
    : m_kernel(kernel)
    , m_name(std::move(name))
{
}

DextServer::~DextServer()
{
    // The process is going away: objects still alive vanish without free(), as they would when a
    // dext process exits. The kernel asked for the census before this, so leaks were reported.
    // Queued work goes first, releasing nothing (its references die with the process).
    set_process_dying(true);
    for (auto const& view : m_views)
        unmap_read_only_view(view);
    m_views.clear();
    {
        auto queues = std::move(m_queues);
        m_queues.clear();
        m_queue_by_serial.clear();
    }
    auto live = m_live;
    m_live.clear();
    for (auto const& [object, record] : live) {
        object->__dextlab_server = nullptr;
        object->__dextlab_destroy();
    }
    // So does its heap: whatever IOMalloc handed out and nobody freed.
    for (void* memory : m_heap) {
        heap_owners().erase(memory);
        std::free(memory);
    }
    m_heap.clear();
    set_process_dying(false);
    for (void* module : m_modules)
        dlclose(module);
}

ipc::Message DextServer::handle(ipc::Message const& message)
{
    CurrentServerScope scope(this);
    set_virtual_now_ns(message.header.now_ns);
    ipc::Message reply = [&] {
        switch (message.kind()) {
        case ipc::MessageKind::LoadModule: return load_module(message);
        case ipc::MessageKind::Instantiate: return instantiate(message);
        case ipc::MessageKind::Invoke: return invoke(message);
        case ipc::MessageKind::RunQueueItem: return run_queue_item(message);
        case ipc::MessageKind::ReleaseObject: return release_object(message);
        case ipc::MessageKind::Census: return census(message);
        default: return ipc::make_reply(kIOReturnBadMessageID);
        }
    }();
    report_read_only_write(); // a flag read when nothing happened
    return reply;
}

void DextServer::forget_view(ReadOnlyView const& view)
{
    std::erase_if(m_views, [&](ReadOnlyView const& v) { return v.pages == view.pages; });
}

void DextServer::report_read_only_write()
{
    auto violation = take_read_only_violation();
    if (!violation)
        return;
    auto report = ipc::Message::make(ipc::MessageKind::Call, violation->map_id, ipc::kReadOnlyMapWritten);
    ipc::WireWriter(report).u64(violation->offset);
    (void)m_kernel.call(report);
}

ipc::Message DextServer::load_module(ipc::Message const& message)
{
    ipc::WireReader reader(message);
    auto path = reader.str();
    if (!path)
        return ipc::make_reply(kIOReturnBadArgument);
    begin_module_load();
    void* handle = dlopen(path.value().c_str(), RTLD_NOW | RTLD_LOCAL);
    auto classes = end_module_load();
    if (!handle) {
        auto reply = ipc::make_reply(kIOReturnError);
        char const* why = dlerror();
        ipc::WireWriter(reply).str(why ? why : "dlopen failed");
        return reply;
    }
    if (!classes.empty())
        module_classes()[handle] = classes;
    for (auto* meta : module_classes()[handle])
        m_classes[meta->getClassName()] = meta;
    m_declared_queues.clear(); // superclass names may resolve differently now
    m_modules.push_back(handle);
    link_map* loaded = nullptr;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &loaded) == 0 && loaded && loaded->l_name)
        m_module_files.emplace_back(loaded->l_name);
    return ipc::make_reply(kIOReturnSuccess);
}

OSMetaClass const* DextServer::find_class(std::string const& name) const
{
    auto it = m_classes.find(name);
    if (it != m_classes.end())
        return it->second;
    return find_sdk_class(name);
}

ipc::Message DextServer::instantiate(ipc::Message const& message)
{
    ipc::WireReader reader(message);
    auto class_name = reader.str();
    if (!class_name)
        return ipc::make_reply(kIOReturnBadArgument);
    auto const* meta = find_class(class_name.value());
    if (!meta || meta->isAbstract()) {
        auto reply = ipc::make_reply(kIOReturnNotFound);
        ipc::WireWriter(reply).str(meta ? "class " + class_name.value() + " is abstract"
                                        : "no class " + class_name.value() + " in the dext; IOUserClass must name a class declared in one of its .iig files");
        return reply;
    }
    OSObject* object = meta->alloc();
    uint64_t id = message.header.target;
    object->__dextlab_object_id = id;
    m_by_id[id] = object;
    m_kernel_held.insert(id); // the creation reference is the kernel's
    if (!object->init()) {
        m_kernel_held.erase(id);
        object->release();
        auto reply = ipc::make_reply(kIOReturnNoResources);
        ipc::WireWriter(reply).str(class_name.value() + "::init() returned false");
        return reply;
    }
    return ipc::make_reply(kIOReturnSuccess);
}

OSObject* DextServer::object_for(ipc::ObjectRef const& ref)
{
    if (ref.id == 0)
        return nullptr;
    auto it = m_by_id.find(ref.id);
    if (it != m_by_id.end())
        return dynamic_cast<OSObject*>(it->second);
    if (ref.id & ipc::kDextObjectBit)
        return nullptr; // a dext object we no longer have
    // A kernel object seen for the first time: make a proxy of the most derived class we know.
    OSMetaClass const* meta = nullptr;
    size_t start = 0;
    while (!meta && start <= ref.class_name.size()) {
        size_t end = ref.class_name.find(':', start);
        if (end == std::string::npos)
            end = ref.class_name.size();
        meta = find_sdk_class(ref.class_name.substr(start, end - start));
        start = end + 1;
    }
    if (!meta || meta->isAbstract())
        return nullptr;
    OSObject* proxy = meta->alloc();
    proxy->__dextlab_flags |= kObjectIsProxy;
    proxy->__dextlab_object_id = ref.id;
    m_by_id[ref.id] = proxy;
    m_kernel_held.insert(ref.id);
    proxy->init();
    return proxy;
}

OSObject* DextServer::adopt_created(ipc::ObjectRef const& ref)
{
    bool const seen = m_by_id.contains(ref.id);
    OSObject* object = object_for(ref);
    if (!object)
        return nullptr;
    if (seen)
        object->retain(); // an object we already had: the kernel keeps its own reference
    else
        m_kernel_held.erase(ref.id);
    return object;
}

void DextServer::write_object(ipc::WireWriter& writer, OSMetaClassBase const* object)
{
    if (!object) {
        writer.null_object();
        return;
    }
    writer.object(id_of(object), class_name_of(object));
}

uint64_t DextServer::id_of(OSMetaClassBase const* object)
{
    auto* mutable_object = const_cast<OSMetaClassBase*>(object);
    if (mutable_object->__dextlab_object_id == 0) {
        mutable_object->__dextlab_object_id = ipc::kDextObjectBit | m_next_dext_id++;
        m_by_id[mutable_object->__dextlab_object_id] = mutable_object;
    }
    return mutable_object->__dextlab_object_id;
}

void DextServer::object_created(OSMetaClassBase* object)
{
    m_live.emplace(object, LiveObject { m_next_sequence++, CreationSite::capture() });
}

void DextServer::object_destroyed(OSMetaClassBase* object)
{
    m_live.erase(object);
    if (object->__dextlab_object_id) {
        auto it = m_by_id.find(object->__dextlab_object_id);
        if (it != m_by_id.end() && it->second == object)
            m_by_id.erase(it);
        // A proxy's last reference is gone: the kernel may drop what it kept for this server.
        if (is_proxy(object))
            post_to_kernel(ipc::Message::make(ipc::MessageKind::ReleaseProxy, object->__dextlab_object_id, 0, ipc::kMessageOneway));
    }
}

ipc::Message DextServer::invoke(ipc::Message const& message)
{
    auto it = m_by_id.find(message.header.target);
    if (it == m_by_id.end())
        return ipc::make_reply(kIOReturnNotFound);
    if (is_action(it->second))
        return invoke_action(static_cast<OSAction*>(it->second), message);
    if (auto* object = dynamic_cast<OSObject*>(it->second))
        return invoke_service(object, message);
    return ipc::make_reply(kIOReturnBadArgument);
}

ipc::Message DextServer::invoke_service(OSObject* object, ipc::Message const& message)
{
    uint64_t msgid = message.header.msgid;
    auto it = method_decoders().find(msgid);
    if (it == method_decoders().end())
        return ipc::make_reply(kIOReturnUnsupported);
    ipc::WireReader reader(message);
    auto decoded = it->second(object, reader);
    if (!decoded)
        return ipc::make_reply(kIOReturnBadArgument);
    QueueState* queue = queue_for_method(object, msgid);
    if (!queue)
        return ipc::make_reply(kIOReturnNotReady);
    enqueue(queue, std::move(decoded.value()), false, [held = hold(object)] {});
    return ipc::make_reply(kIOReturnSuccess);
}

void DextServer::invoke_done(OSMetaClassBase const* target, uint64_t msgid, kern_return_t status,
    std::function<void(ipc::WireWriter&)> const& results)
{
    auto done = ipc::Message::make(ipc::MessageKind::InvokeDone, target->__dextlab_object_id, msgid, ipc::kMessageOneway);
    ipc::WireWriter writer(done);
    writer.u64(static_cast<uint32_t>(status));
    if (results)
        results(writer);
    post_to_kernel(done);
}

ipc::Message DextServer::invoke_action(OSAction* action, ipc::Message const& message)
{
    auto const* decoder = find_callback_decoder(message.header.msgid);
    // For most callbacks the kernel's reference on the action (taken when the request was
    // submitted) travels with this message; timers hold none, so the callback takes its own.
    // Either way the work item keeps it until it has run, or until it is dropped.
    Hold held = decoder && !decoder->kernel_holds_reference ? hold(action) : adopt(action);
    auto* ivars = action->ivars;
    if (!decoder || !ivars || ivars->msgid != message.header.msgid)
        return ipc::make_reply(kIOReturnUnsupported);
    ipc::WireReader reader(message);
    auto decoded = decoder->decode(action, reader);
    if (!decoded)
        return ipc::make_reply(kIOReturnBadArgument);
    QueueState* queue = decoded.value().queue ? decoded.value().queue : queue_for_method(ivars->target, ivars->targetmsgid);
    if (!queue)
        return ipc::make_reply(kIOReturnNotReady);
    enqueue(queue, std::move(decoded.value().work), false, [held] {});
    return ipc::make_reply(kIOReturnSuccess);
}

ipc::Message DextServer::run_queue_item(ipc::Message const& message)
{
    uint64_t id = message.header.target;
    if (!find_queue(id))
        return ipc::make_reply(kIOReturnNotFound);
    run_front_item(id);
    QueueState const* still = find_queue(id);
    auto reply = ipc::make_reply(kIOReturnSuccess);
    ipc::WireWriter(reply).u64(still ? still->items.size() : 0);
    return reply;
}

bool DextServer::run_front_item(uint64_t queue_id)
{
    QueueState* queue = find_queue(queue_id);
    if (!queue || queue->items.empty())
        return false;
    QueuedWork item = std::move(queue->items.front());
    queue->items.pop_front();
    m_queue_stack.push_back(queue_id);
    queue->running = true;
    item.work();
    // What the item held is given back while it still counts as running on the queue. That
    // may free the queue itself (a service's last reference dropped inside it).
    item.keep = nullptr;
    item.work = nullptr;
    m_queue_stack.pop_back();
    QueueState* still = find_queue(queue_id);
    if (!still)
        return false;
    still->running = on_stack(still);
    return true;
}

ipc::Message DextServer::release_object(ipc::Message const& message)
{
    uint64_t id = message.header.target;
    auto held = m_kernel_held.find(id);
    auto it = m_by_id.find(id);
    if (held == m_kernel_held.end() || it == m_by_id.end())
        return ipc::make_reply(kIOReturnNotFound);
    m_kernel_held.erase(held);
    it->second->release();
    return ipc::make_reply(kIOReturnSuccess);
}

ipc::Message DextServer::census(ipc::Message const&)
{
    // The process is about to exit: the kernel's references go first (proxies it handed out,
    // services it created), so what is left is exactly what the dext itself still holds.
    auto held = m_kernel_held;
    m_kernel_held.clear();
    for (uint64_t id : held) {
        auto it = m_by_id.find(id);
        if (it != m_by_id.end())
            it->second->release();
    }
    // Objects in creation order, so the report reads the same on every run.
    std::vector<std::pair<uint64_t, OSMetaClassBase*>> ordered;
    for (auto const& [object, record] : m_live)
        ordered.emplace_back(record.sequence, object);
    std::sort(ordered.begin(), ordered.end());
    auto reply = ipc::make_reply(kIOReturnSuccess);
    ipc::WireWriter writer(reply);
    writer.u64(ordered.size());
    for (auto const& [sequence, object] : ordered) {
        std::string what = class_name_of(object);
        if (is_proxy(object))
            what += " (proxy)";
        what += " retain=" + std::to_string(object->getRetainCount());
        // Symbolized here, in the process that loaded the dext, and never from addresses alone.
        std::string site = describe_creation_site(m_live.at(object).site, m_module_files);
        writer.str(site.empty() ? what : what + " created in " + site);
    }
    return reply;
}

QueueState* DextServer::create_queue(std::string name)
{
    auto queue = std::make_unique<QueueState>();
    queue->id = ipc::kDextObjectBit | (m_next_queue_id++ << 32);
    queue->name = std::move(name);
    QueueState* raw = queue.get();
    m_queues[raw->id] = std::move(queue);
    uint64_t const serial = (raw->id >> 32) & 0x7fffffff;
    if (m_queue_by_serial.size() <= serial)
        m_queue_by_serial.resize(serial + 1, nullptr);
    m_queue_by_serial[serial] = raw;
    return raw;
}

void DextServer::destroy_queue(QueueState* queue)
{
    // Out of the table first: dropping its items may release objects whose free() touches
    // other queues.
    auto it = m_queues.find(queue->id);
    if (it == m_queues.end())
        return;
    std::unique_ptr<QueueState> doomed = std::move(it->second);
    m_queues.erase(it);
    m_queue_by_serial[(queue->id >> 32) & 0x7fffffff] = nullptr;
}

void DextServer::enqueue(QueueState* queue, WorkItem item, bool even_if_canceled, WorkItem keep)
{
    if (queue->canceled && !even_if_canceled) {
        if (!queue->drop_reported) {
            queue->drop_reported = true;
            log("runtime: work sent to canceled queue " + queue->name
                + " is dropped (IODispatchQueue::Cancel stops a queue for good; create a new queue instead)");
        }
        // The item goes, giving back what it held (what came with it first).
        keep = nullptr;
        item = nullptr;
        return;
    }
    queue->items.push_back(QueuedWork { std::move(item), std::move(keep) });
    auto work = ipc::Message::make(ipc::MessageKind::QueueWork, queue->id, 0, ipc::kMessageOneway);
    ipc::WireWriter writer(work);
    writer.u64(queue->owner).u64(queue->items.size());
    if (!queue->named_to_kernel) {
        writer.str(queue->name);
        queue->named_to_kernel = true;
    }
    post_to_kernel(work);
}

QueueState* DextServer::running_queue() const
{
    if (m_queue_stack.empty())
        return nullptr;
    return find_queue(m_queue_stack.back());
}

bool DextServer::on_stack(QueueState const* queue) const
{
    return queue && std::find(m_queue_stack.begin(), m_queue_stack.end(), queue->id) != m_queue_stack.end();
}

bool DextServer::dispatch_sync(QueueState* queue, WorkItem const& work)
{
    if (queue->canceled) {
        report_sync_refused(queue, "the queue was canceled, so the work can never run; on macOS the caller waits forever");
        return false;
    }
    if (on_stack(queue)) {
        std::string stack;
        for (uint64_t id : m_queue_stack) {
            auto it = m_queues.find(id);
            stack += (stack.empty() ? "" : " > ") + (it == m_queues.end() ? std::string("?") : it->second->name);
        }
        log("runtime: deadlock: DispatchSync onto queue " + queue->name + ", which this code is already running on ("
            + stack + " > " + queue->name + "); on macOS the call never returns. The lab skips the work and goes on.");
        tell_kernel_about_queue(queue, kQueueDeadlock, 0, stack + " > " + queue->name);
        return false;
    }
    // GCD: work queued before this call runs first, then ours; the caller waits for both. With
    // one thread, "waiting" is running them here, on the caller's stack, as the idle-queue fast
    // path does. Work queued meanwhile stays for the queue's next turn.
    uint64_t id = queue->id;
    size_t before = queue->items.size();
    tell_kernel_about_queue(queue, kQueueSyncBegin, before);
    for (size_t i = 0; i < before && run_front_item(id); ++i) {
    }
    auto it = m_queues.find(id);
    if (it == m_queues.end())
        return false;
    if (it->second->canceled) {
        tell_kernel_about_queue(it->second.get(), kQueueSyncEnd, it->second->items.size());
        report_sync_refused(it->second.get(), "the queue was canceled by work that ran before it; on macOS the caller waits forever");
        return false;
    }
    m_queue_stack.push_back(id);
    it->second->running = true;
    work();
    m_queue_stack.pop_back();
    it = m_queues.find(id);
    if (it != m_queues.end()) {
        it->second->running = on_stack(it->second.get());
        tell_kernel_about_queue(it->second.get(), kQueueSyncEnd, it->second->items.size());
    }
    return true;
}

void DextServer::report_sync_refused(QueueState* queue, char const* why)
{
    log("runtime: DispatchSync onto queue " + queue->name + " not run: " + why);
    tell_kernel_about_queue(queue, kQueueSyncRefused, 0, why);
}

void DextServer::cancel_queue(QueueState* queue, WorkItem handler)
{
    queue->canceled = true;
    std::deque<QueuedWork> dropped = std::move(queue->items);
    queue->items.clear();
    tell_kernel_about_queue(queue, kQueueCanceled, dropped.size());
    if (handler)
        enqueue(queue, std::move(handler), /*even_if_canceled=*/true);
    // `dropped` goes here, giving back what its items held.
}

void DextServer::tell_kernel_about_queue(QueueState* queue, uint64_t phase, uint64_t count, std::string const& text)
{
    auto report = ipc::Message::make(ipc::MessageKind::Call, queue->id, ipc::ids::IODispatchQueue_DispatchSync, ipc::kMessageOneway);
    ipc::WireWriter(report).str(queue->name).u64(queue->owner).u64(phase).u64(count).str(text);
    post_to_kernel(report);
}

IODispatchQueue* DextServer::bound_queue(OSMetaClassBase const* object, std::string const& name) const
{
    auto it = m_bound_queues.find(object);
    if (it == m_bound_queues.end())
        return nullptr;
    auto named = it->second.find(name);
    return named == it->second.end() ? nullptr : named->second;
}

void DextServer::unbind_queues(OSMetaClassBase const* object)
{
    auto it = m_bound_queues.find(object);
    if (it == m_bound_queues.end())
        return;
    auto bound = std::move(it->second);
    m_bound_queues.erase(it);
    for (auto& [name, queue] : bound)
        queue->release();
}

QueueState* DextServer::queue_for_method(OSObject* target, uint64_t msgid)
{
    if (!target)
        return nullptr;
    // Every callback asks. Walking the class chain looks each superclass up by name, and the
    // answer for a class and a method stays the same once its module is loaded: keep it.
    auto key = std::make_pair(target->getMetaClass(), msgid);
    auto declared = m_declared_queues.find(key);
    if (declared == m_declared_queues.end()) {
        DeclaredQueue found {};
        for (auto const* meta = key.first; meta && !found.name; meta = meta->getSuperClass())
            found = DeclaredQueue { meta, meta->getMethodQueueName(msgid) };
        declared = m_declared_queues.emplace(key, found).first;
    }
    auto const [meta, name] = declared->second;
    if (!name)
        return default_queue_of(target);
    if (auto* queue = named_queue_of(target, name))
        return queue;
    // The SDK's own queue names (IOUserClient's kIOUserClientQueueNameExternalMethod) are an
    // option a dext may take up; only a dext's own QUEUENAME without a queue is a mistake.
    if (find_sdk_class(meta->getClassName()) == meta)
        return default_queue_of(target);
    warn_once(std::string(meta->getClassName()) + "/" + name,
        std::string("runtime: a method of ") + meta->getClassName() + " is declared QUEUENAME(" + name
            + ") but no queue was set under that name; it runs on the default queue. Set one with SetDispatchQueue in Start, under the name "
            + name + ".");
    return default_queue_of(target);
}

kern_return_t DextServer::call_kernel(uint64_t target, uint64_t msgid, std::function<void(ipc::WireWriter&)> const& args,
    std::function<kern_return_t(ipc::WireReader&)> const& results)
{
    auto request = ipc::Message::make(ipc::MessageKind::Call, target, msgid);
    ipc::WireWriter writer(request);
    if (args)
        args(writer);
    auto reply = m_kernel.call(request);
    if (!reply)
        return kIOReturnIPCError;
    ipc::WireReader reader(reply.value());
    auto status = ipc::reply_status(reply.value(), reader);
    if (!status)
        return kIOReturnIPCError;
    auto code = static_cast<kern_return_t>(status.value());
    if (code != kIOReturnSuccess || !results)
        return code;
    return results(reader);
}

void DextServer::post_to_kernel(ipc::Message const& message)
{
    auto posted = m_kernel.post(message);
    if (!posted)
        std::fprintf(stderr, "dextlab runtime (%s): %s\n", m_name.c_str(), posted.error().message.c_str());
}

void DextServer::warn_once(std::string const& key, std::string const& text)
{
    if (m_reported.insert(key).second)
        log(text);
}

void DextServer::log(std::string const& text)
{
    auto message = ipc::Message::make(ipc::MessageKind::Log, 0, 0, ipc::kMessageOneway);
    ipc::WireWriter(message).str(text);
    post_to_kernel(message);
}

std::unique_ptr<ipc::MessageHandler> create_dext_server(ipc::Channel& kernel, std::string server_name, FaultPolicy faults)
{
    if (faults == FaultPolicy::ContainInLabProcess)
        contain_read_only_faults();
    return std::make_unique<DextServer>(kernel, std::move(server_name));
}

} // namespace dextlab::sdk
