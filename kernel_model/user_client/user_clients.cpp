#include "user_clients.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/user_client/trace_points.h"
#include "kernel_model/user_client/user_client_access.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <sys/mman.h>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;

namespace {

constexpr char const* kProcess = "kernel";
// Structures up to this size travel inside the message (as OSData); larger ones as a memory
// descriptor (IOConnectCallMethod's rule, reference 5.7).
constexpr size_t kInlineStructureMax = 4096;
constexpr uint64_t kScalarMax = 16;

// The completion an async IOConnectCall* hands the dext (arguments->completion): an OSAction of
// the kernel's whose results go to the app.
class AsyncCompletionAction final : public KernelObject {
public:
    std::vector<std::string> class_chain() const override { return { "OSAction", "OSObject" }; }
    uint64_t connection { 0 };
    uint64_t server_tag { 0 };
    uint64_t selector { 0 };
    std::function<void(uint32_t, std::vector<uint64_t> const&)> callback;
};

std::string status_text(uint32_t status) { return kr::ioreturn_name(status); }

} // namespace

UserClients::UserClients(Kernel& kernel)
    : m_kernel(kernel)
{
}

UserClients::~UserClients()
{
    for (auto& [id, connection] : m_connections)
        unmap_all(connection);
}

void UserClients::warn(std::string const& object, std::string const& what)
{
    m_kernel.trace().emit(tp::userclient_warning, kProcess, "user_client", object, { TraceField::text("what", what) });
}

// ---- messages from dexts ----

std::optional<ipc::Message> UserClients::handle(UserServer& server, ipc::Message const& message)
{
    if (message.kind() != ipc::MessageKind::Call)
        return std::nullopt;
    if (message.header.msgid == ids::IOService_Create)
        return create_service(server, message);
    if (message.header.msgid == ids::IOUserClient_AsyncCompletion)
        return async_completion(server, message);
    return std::nullopt;
}

ipc::Message UserClients::create_service(UserServer& server, ipc::Message const& message)
{
    auto* caller = m_kernel.m_objects.find_as<UserService>(message.header.target);
    if (!caller || caller->server != &server)
        return ipc::make_reply(kr::NotPermitted);
    ipc::WireReader args(message);
    auto provider = args.object();
    auto key = args.str();
    if (!provider || !key)
        return ipc::make_reply(kr::BadArgument);
    auto refuse = [&](uint32_t status, std::string const& why) {
        m_kernel.trace().emit(tp::service_create, server.display_name(), "lifecycle", caller->name,
            { TraceField::text("key", key.value()), TraceField::text("status", status_text(status)), TraceField::text("why", why) });
        return ipc::make_reply(status);
    };
    // xnu's IOService::Create_Impl: the new service hangs below the caller, nowhere else.
    if (provider.value().id != caller->id())
        return refuse(kr::BadArgument, "Create's provider must be the calling service itself (pass `this`)");
    // In Start (the usual place) or once started; not while stopping.
    if (!caller->active || (caller->state != ServiceState::Started && caller->state != ServiceState::Starting))
        return refuse(kr::NotReady, "the calling service is terminating");
    Property const* dict = caller->property(key.value());
    if (!dict || !dict->is_dict())
        return refuse(kr::BadArgument, "the caller's properties have no dictionary named " + key.value()
                + "; put it in the personality (Info.plist) or set it with SetProperties first");
    Property const* user_class = dict->find("IOUserClass");
    if (!user_class || !user_class->is_string())
        return refuse(kr::BadArgument, "the dictionary " + key.value() + " has no IOUserClass string naming the dext class to create");

    auto& child = m_kernel.m_objects.create<UserService>();
    Property const* ioclass = dict->find("IOClass");
    child.ioclass = ioclass && ioclass->is_string() ? ioclass->as_string() : "IOUserService";
    child.user_class = user_class->as_string();
    child.name = child.user_class;
    child.personality = caller->personality;
    child.properties = dict->as_dict();
    for (char const* inherited : { "CFBundleIdentifier", "IOUserServerName" }) {
        if (auto const* value = caller->property(inherited))
            child.properties[inherited] = *value;
    }
    child.provider = caller;
    child.server = &server;
    m_kernel.attach(child, *caller);
    server.services().insert(child.id());
    uint64_t child_id = child.id();
    m_kernel.trace().emit(tp::service_create, server.display_name(), "lifecycle", caller->name,
        { TraceField::text("key", key.value()), TraceField::text("class", child.user_class), TraceField::dec("id", child_id) });
    if (!m_kernel.instantiate(child))
        return ipc::make_reply(kr::NoResources);
    m_kernel.deliver_start(child);
    // Create returns the service started: its Start runs now, on its own queue, while the
    // caller waits (on macOS the caller's thread blocks; here its queue item is on the stack).
    m_kernel.run_service_queues(server, child_id, [&] {
        auto* s = m_kernel.m_objects.find_as<UserService>(child_id);
        return !s || s->state != ServiceState::Starting;
    });
    auto* started = m_kernel.m_objects.find_as<UserService>(child_id);
    if (!started || started->state != ServiceState::Started)
        return ipc::make_reply(started ? kr::NotReady : kr::Error);
    auto reply = ipc::make_reply(kr::Success);
    ipc::WireWriter(reply).object(child_id, started->class_chain_text());
    return reply;
}

ipc::Message UserClients::async_completion(UserServer& server, ipc::Message const& message)
{
    auto* client = m_kernel.m_objects.find_as<UserService>(message.header.target);
    ipc::WireReader args(message);
    auto action_ref = args.object();
    auto status = args.u64();
    auto count = args.u64();
    if (!client || client->server != &server || !action_ref || !status || !count || count.value() > kScalarMax)
        return ipc::make_reply(kr::BadArgument);
    std::vector<uint64_t> values;
    for (uint64_t i = 0; i < count.value(); ++i) {
        auto v = args.u64();
        if (!v)
            return ipc::make_reply(kr::BadArgument);
        values.push_back(v.value());
    }
    auto* action = m_kernel.m_objects.find_as<AsyncCompletionAction>(action_ref.value().id);
    if (!action || action->server_tag != server.tag()) {
        warn(client->name, "AsyncCompletion with an action that is not an app's async reference (pass the retained "
                           "arguments->completion of an async ExternalMethod call); nothing is delivered");
        return ipc::make_reply(kr::BadArgument);
    }
    auto it = m_connections.find(action->connection);
    if (it == m_connections.end() || !it->second.open || it->second.client != client->id()) {
        warn(client->name, "AsyncCompletion for selector " + std::to_string(action->selector)
                + " after the app closed its connection; the result is dropped (release the completion in Stop or when the app closes)");
        return ipc::make_reply(kr::NotOpen);
    }
    m_kernel.trace().emit(tp::userclient_async, server.display_name(), "user_client", client->name,
        { TraceField::dec("connection", action->connection), TraceField::dec("selector", action->selector),
            TraceField::text("status", status_text(static_cast<uint32_t>(status.value()))), TraceField::dec("args", values.size()) });
    if (action->callback) {
        auto callback = action->callback;
        uint32_t code = static_cast<uint32_t>(status.value());
        post_to_app([callback, code, values] { callback(code, values); });
    }
    return ipc::make_reply(kr::Success);
}

void UserClients::post_to_app(std::function<void()> delivery)
{
    m_deliveries.push_back(std::move(delivery));
    if (m_delivery_hook)
        m_delivery_hook();
}

bool UserClients::invoke_done(UserServer& server, ipc::Message const& message)
{
    uint64_t msgid = message.header.msgid;
    if (msgid != ids::IOService_NewUserClient && msgid != ids::IOUserClient_ExternalMethod
        && msgid != ids::IOUserClient_CopyClientMemoryForType)
        return false;
    auto* target = m_kernel.m_objects.find_as<UserService>(message.header.target);
    if (target && target->server == &server)
        m_answers[{ message.header.target, msgid }] = message;
    return true;
}

bool UserClients::release_proxy(UserServer& server, uint64_t id)
{
    auto* action = m_kernel.m_objects.find_as<AsyncCompletionAction>(id);
    if (!action || action->server_tag != server.tag())
        return false;
    m_kernel.m_objects.destroy(id);
    return true;
}

void UserClients::release_in_dext(UserServer& server, uint64_t object_id)
{
    if (server.running())
        (void)server.send(ipc::Message::make(ipc::MessageKind::ReleaseObject, object_id));
}

std::optional<ipc::Message> UserClients::invoke_and_wait(UserServer& server, ipc::Message const& invoke, std::string& why)
{
    auto key = std::make_pair(invoke.header.target, invoke.header.msgid);
    m_answers.erase(key);
    auto sent = server.send(invoke);
    if (!sent) {
        why = "the dext's server is gone: " + sent.error().message;
        return std::nullopt;
    }
    ipc::WireReader reader(sent.value());
    auto accepted = ipc::reply_status(sent.value(), reader);
    if (!accepted || accepted.value() != kr::Success) {
        why = "the dext refused the call: " + status_text(accepted ? static_cast<uint32_t>(accepted.value()) : kr::IPCError);
        return std::nullopt;
    }
    uint64_t tag = server.tag();
    bool answered = m_kernel.scheduler().run_until(
        [&] {
            auto* s = m_kernel.server_by_tag(tag);
            return m_answers.contains(key) || !s || !s->running();
        },
        m_kernel.scheduler().now() + kAppCallLimit);
    auto it = m_answers.find(key);
    if (it == m_answers.end()) {
        why = answered ? "the dext's server died before answering"
                       : "the dext did not answer within 5 s of virtual time (is its queue blocked?)";
        return std::nullopt;
    }
    ipc::Message answer = std::move(it->second);
    m_answers.erase(it);
    return answer;
}

// ---- the app side ----

ipc::AppResult<uint64_t> UserClients::open(AppIdentity const& app, uint64_t service_id, uint32_t type)
{
    ipc::AppResult<uint64_t> result;
    auto fail = [&](uint32_t status, std::string const& why, std::string const& object) {
        result.status = status;
        result.message = why;
        m_kernel.trace().emit(tp::userclient_open, app.name, "user_client", object,
            { TraceField::dec("type", type), TraceField::text("status", status_text(status)), TraceField::text("why", why) });
        return result;
    };
    auto* entry = m_kernel.m_objects.find_as<RegistryEntry>(service_id);
    if (!entry || !entry->active)
        return fail(kr::NoDevice, "no such service (it was terminated?)", "-");
    auto* service = dynamic_cast<UserService*>(entry);
    if (!service)
        return fail(kr::Unsupported, entry->name + " is a kernel service; only dext services have user clients in the lab", entry->name);
    if (service->state != ServiceState::Started || !service->server || !service->server->running())
        return fail(kr::NotReady, service->name + " is not started", service->name);
    UserServer& server = *service->server;
    DextBundle const& bundle = server.bundle();
    auto verdict = check_user_client_access(app.entitlements, bundle.entitlements, bundle.bundle_identifier, app.name);
    if (!verdict.allowed) {
        if (!m_kernel.development_mode()) {
            m_kernel.trace().emit(tp::userclient_refused, app.name, "user_client", service->name,
                { TraceField::text("missing", verdict.missing), TraceField::text("why", verdict.reason) });
            return fail(kr::NotPermitted, verdict.reason, service->name);
        }
        warn(service->name, "development mode lets this through: " + verdict.reason);
    }

    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, service_id, ids::IOService_NewUserClient);
    ipc::WireWriter(invoke).u64(type);
    std::string why;
    auto answer = invoke_and_wait(server, invoke, why);
    if (!answer)
        return fail(kr::NotResponding, why, service->name);
    ipc::WireReader reader(*answer);
    auto status = reader.u64();
    auto client_ref = reader.object();
    if (!status || !client_ref)
        return fail(kr::IPCError, "malformed NewUserClient answer", service->name);
    if (status.value() != kr::Success)
        return fail(static_cast<uint32_t>(status.value()), "NewUserClient returned " + status_text(static_cast<uint32_t>(status.value())),
            service->name);
    auto* client = m_kernel.m_objects.find_as<UserService>(client_ref.value().id);
    if (!client || client->server != &server || client->provider != service)
        return fail(kr::Error, "NewUserClient returned an object that is not a user client it created with Create(this, …)",
            service->name);
    auto client_verdict = check_client_entitlements(app.entitlements, client->properties, app.name);
    if (!client_verdict.allowed && !m_kernel.development_mode()) {
        m_kernel.trace().emit(tp::userclient_refused, app.name, "user_client", client->name,
            { TraceField::text("missing", client_verdict.missing), TraceField::text("why", client_verdict.reason) });
        m_kernel.terminate(*client);
        return fail(kr::NotPermitted, client_verdict.reason, client->name);
    }
    uint64_t id = m_next_connection++;
    m_connections[id] = Connection { client->id(), service_id, server.tag(), app.name, true, {} };
    m_kernel.trace().emit(tp::userclient_open, app.name, "user_client", client->name,
        { TraceField::dec("type", type), TraceField::dec("connection", id), TraceField::text("status", "kIOReturnSuccess") });
    result.value = id;
    return result;
}

UserClients::Connection* UserClients::live_connection(uint64_t id, uint32_t& status)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end() || !it->second.open) {
        status = kr::BadArgument;
        return nullptr;
    }
    auto* client = client_of(it->second);
    if (!client || !client->active || client->state != ServiceState::Started) {
        status = kr::NoDevice; // the service went away under the connection
        return nullptr;
    }
    status = kr::Success;
    return &it->second;
}

UserService* UserClients::client_of(Connection const& connection) const
{
    return m_kernel.m_objects.find_as<UserService>(connection.client);
}

uint32_t UserClients::close(uint64_t id)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end() || !it->second.open)
        return kr::BadArgument;
    Connection& connection = it->second;
    connection.open = false;
    unmap_all(connection);
    auto* client = client_of(connection);
    m_kernel.trace().emit(tp::userclient_close, connection.app, "user_client", client ? client->name : "-",
        { TraceField::dec("connection", id) });
    // IOServiceClose: the client terminates (Stop, then release), as its last app is gone.
    if (client && client->active)
        m_kernel.terminate(*client);
    return kr::Success;
}

ipc::MethodResult UserClients::call(uint64_t id, ipc::MethodCall call)
{
    ipc::MethodResult result;
    Connection* connection = live_connection(id, result.status);
    if (!connection)
        return result;
    UserService* client = client_of(*connection);
    UserServer& server = *client->server;
    auto trace_call = [&](std::string const& why = {}) {
        std::vector<TraceField> fields { TraceField::dec("connection", id), TraceField::dec("selector", call.selector),
            TraceField::dec("scalars_in", call.scalar_input.size()), TraceField::dec("struct_in", call.structure_input.size()),
            TraceField::text("status", status_text(result.status)) };
        if (call.async)
            fields.push_back(TraceField::text("async", "yes"));
        if (!why.empty())
            fields.push_back(TraceField::text("why", why));
        m_kernel.trace().emit(tp::userclient_call, connection->app, "user_client", client->name, std::move(fields));
    };
    if (call.scalar_input.size() > kScalarMax || call.scalar_output_capacity > kScalarMax) {
        result.status = kr::BadArgument;
        trace_call("at most 16 scalars travel each way");
        return result;
    }

    // Large structures travel as memory descriptors the dext reaches through shared memory.
    uint64_t input_descriptor = 0, output_descriptor = 0;
    BufferDescriptor* input_buffer = nullptr;
    BufferDescriptor* output_buffer = nullptr;
    bool inline_input = call.structure_input.size() <= kInlineStructureMax;
    if (!inline_input) {
        input_buffer = m_kernel.new_buffer(server, call.structure_input.size(), 2 /* kIOMemoryDirectionOut */);
        if (!input_buffer) {
            result.status = kr::NoMemory;
            trace_call();
            return result;
        }
        std::copy(call.structure_input.begin(), call.structure_input.end(), input_buffer->region->data());
        input_descriptor = input_buffer->id();
    }
    if (call.structure_output_capacity > kInlineStructureMax) {
        output_buffer = m_kernel.new_buffer(server, call.structure_output_capacity, 1 /* kIOMemoryDirectionIn */);
        if (!output_buffer) {
            result.status = kr::NoMemory;
            trace_call();
            return result;
        }
        output_descriptor = output_buffer->id();
    }
    uint64_t completion = 0;
    if (call.async) {
        auto& action = m_kernel.m_objects.create<AsyncCompletionAction>();
        action.connection = id;
        action.server_tag = server.tag();
        action.selector = call.selector;
        action.callback = std::move(call.on_async_completion);
        completion = action.id();
    }

    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, client->id(), ids::IOUserClient_ExternalMethod);
    ipc::WireWriter w(invoke);
    w.u64(call.selector).u64(call.scalar_input.size());
    for (uint64_t v : call.scalar_input)
        w.u64(v);
    bool has_inline = inline_input && !call.structure_input.empty();
    w.u64(has_inline ? 1 : 0).bytes(call.structure_input.data(), has_inline ? call.structure_input.size() : 0);
    auto write_descriptor = [&](BufferDescriptor* buffer) {
        if (!buffer) {
            w.null_object().u64(0).u64(0);
            return;
        }
        w.object(buffer->id(), buffer->class_chain_text()).u64(buffer->id()).u64(buffer->capacity);
    };
    write_descriptor(input_buffer);
    w.u64(call.scalar_output_capacity).u64(call.structure_output_capacity);
    write_descriptor(output_buffer);
    if (completion)
        w.object(completion, "OSAction:OSObject");
    else
        w.null_object();

    std::string why;
    auto answer = invoke_and_wait(server, invoke, why);
    if (!answer) {
        result.status = kr::NotResponding;
        trace_call(why);
        return result;
    }
    ipc::WireReader r(*answer);
    auto status = r.u64();
    auto count = r.u64();
    result.status = status ? static_cast<uint32_t>(status.value()) : kr::IPCError;
    if (count) {
        for (uint64_t i = 0; i < count.value() && i < kScalarMax; ++i) {
            auto v = r.u64();
            if (v)
                result.scalar_output.push_back(v.value());
        }
    }
    auto has_output = r.u64();
    auto output = r.bytes();
    if (has_output && has_output.value() && output)
        result.structure_output = std::move(output).value();
    else if (output_buffer && result.status == kr::Success && output_buffer->region)
        result.structure_output.assign(output_buffer->region->data(), output_buffer->region->data() + output_buffer->capacity);
    // The kernel's references on what it lent the call go now; what the dext retained stays.
    if (input_descriptor)
        release_in_dext(server, input_descriptor);
    if (output_descriptor)
        release_in_dext(server, output_descriptor);
    if (completion) {
        if (result.status != kr::Success) {
            // A failed async call never completes: the app's callback is forgotten.
            if (auto* action = m_kernel.m_objects.find_as<AsyncCompletionAction>(completion))
                action->callback = nullptr;
        }
        release_in_dext(server, completion);
    }
    trace_call();
    return result;
}

ipc::AppResult<ipc::ClientMapping> UserClients::map(uint64_t id, uint64_t memory_type, uint64_t options)
{
    ipc::AppResult<ipc::ClientMapping> result;
    Connection* connection = live_connection(id, result.status);
    if (!connection)
        return result;
    UserService* client = client_of(*connection);
    UserServer& server = *client->server;
    auto trace_map = [&](std::string const& why = {}) {
        std::vector<TraceField> fields { TraceField::dec("connection", id), TraceField::dec("type", memory_type),
            TraceField::dec("size", result.value.size), TraceField::text("status", status_text(result.status)) };
        if (!why.empty())
            fields.push_back(TraceField::text("why", why));
        m_kernel.trace().emit(tp::userclient_map, connection->app, "user_client", client->name, std::move(fields));
    };
    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, client->id(), ids::IOUserClient_CopyClientMemoryForType);
    ipc::WireWriter(invoke).u64(memory_type);
    std::string why;
    auto answer = invoke_and_wait(server, invoke, why);
    if (!answer) {
        result.status = kr::NotResponding;
        trace_map(why);
        return result;
    }
    ipc::WireReader r(*answer);
    auto status = r.u64();
    auto dext_options = r.u64();
    auto memory = r.object();
    result.status = status ? static_cast<uint32_t>(status.value()) : kr::IPCError;
    if (result.status != kr::Success || !memory || !dext_options) {
        if (result.status == kr::Success)
            result.status = kr::IPCError;
        trace_map("CopyClientMemoryForType returned " + status_text(result.status));
        return result;
    }
    auto* buffer = m_kernel.buffer_for(memory.value().id, server.tag());
    if (!buffer || !buffer->region) {
        result.status = kr::BadArgument;
        trace_map("CopyClientMemoryForType returned memory that is not a buffer of this dext");
        return result;
    }
    // The app gets its own mapping of the pages, read-only when the dext said so
    // (kIOUserClientMemoryReadOnly); `options` are the app's kIOMap* flags, all of which place
    // the mapping anywhere here.
    (void)options;
    bool read_only = dext_options.value() & 0x1;
    size_t size = buffer->capacity;
    void* address = ::mmap(nullptr, size == 0 ? 1 : size, PROT_READ | (read_only ? 0 : PROT_WRITE), MAP_SHARED, buffer->region->fd(), 0);
    if (address == MAP_FAILED) {
        result.status = kr::VMError;
        trace_map("mmap failed");
        return result;
    }
    uint64_t mapping_id = m_next_mapping++;
    connection->mappings[mapping_id] = Mapping { static_cast<uint8_t*>(address), size, buffer->region };
    result.value = ipc::ClientMapping { mapping_id, static_cast<uint8_t*>(address), size };
    trace_map();
    return result;
}

uint32_t UserClients::unmap(uint64_t id, uint64_t mapping_id)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return kr::BadArgument;
    auto mapping = it->second.mappings.find(mapping_id);
    if (mapping == it->second.mappings.end())
        return kr::BadArgument;
    ::munmap(mapping->second.address, mapping->second.size == 0 ? 1 : mapping->second.size);
    it->second.mappings.erase(mapping);
    return kr::Success;
}

void UserClients::unmap_all(Connection& connection)
{
    for (auto& [mapping_id, mapping] : connection.mappings)
        ::munmap(mapping.address, mapping.size == 0 ? 1 : mapping.size);
    connection.mappings.clear();
}

} // namespace dextlab::kernel
