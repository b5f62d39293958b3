// IOService in the dext: the default queue, and the base implementations that tell the kernel
// a dext's Start/Stop chain reached IOService (as Apple's runtime does).

#include "ivars.h"

#include "kernel_model/ipc/method_ids.h"

#include <DriverKit/IOUserClient.h>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace dextlab::sdk {

QueueState* default_queue_of(OSObject* object)
{
    if (!object || !dextlab::sdk::is_service(object))
        return nullptr;
    auto* service = static_cast<IOService*>(object);
    if (!service->IOService::ivars || !service->IOService::ivars->default_queue)
        return nullptr;
    return service->IOService::ivars->default_queue->IODispatchQueue::ivars->state;
}

QueueState* named_queue_of(OSObject* object, std::string const& name)
{
    if (name == kIOServiceDefaultQueueName)
        return default_queue_of(object);
    auto* server = object ? DextServer::of(object) : nullptr;
    auto* queue = server ? server->bound_queue(object, name) : nullptr;
    return queue && queue->IODispatchQueue::ivars ? queue->IODispatchQueue::ivars->state : nullptr;
}

namespace {

// IOService's LOCAL methods the kernel calls. Start and Stop answer with their status only;
// NewUserClient hands its new client to the kernel, which owns it from then on.
ErrorOr<WorkItem> decode_provider_call(OSObject* target, ipc::WireReader& args, uint64_t msgid)
{
    auto* service = OSDynamicCast(IOService, target);
    auto ref = TRY(args.object());
    auto* server = DextServer::of(target);
    if (!service || !server)
        return Error::with("not a service");
    IOService* provider = OSDynamicCast(IOService, server->object_for(ref));
    return WorkItem { [service, provider, msgid, held_provider = hold(provider)] {
        kern_return_t status = msgid == ipc::ids::IOService_Start ? service->Start(provider) : service->Stop(provider);
        DextServer::of(service)->invoke_done(service, msgid, status);
    } };
}

bool const registered = [] {
    register_method_decoder(ipc::ids::IOService_Start,
        [](OSObject* target, ipc::WireReader& args) { return decode_provider_call(target, args, ipc::ids::IOService_Start); });
    register_method_decoder(ipc::ids::IOService_Stop,
        [](OSObject* target, ipc::WireReader& args) { return decode_provider_call(target, args, ipc::ids::IOService_Stop); });
    register_method_decoder(ipc::ids::IOService_NewUserClient, [](OSObject* target, ipc::WireReader& args) -> ErrorOr<WorkItem> {
        auto* service = OSDynamicCast(IOService, target);
        auto type = TRY(args.u64());
        if (!service)
            return Error::with("not a service");
        return WorkItem { [service, type] {
            IOUserClient* client = nullptr;
            kern_return_t status = service->NewUserClient(static_cast<uint32_t>(type), &client);
            auto* server = DextServer::of(service);
            if (status == kIOReturnSuccess && !client)
                status = kIOReturnError; // success without a client: nothing the app could talk to
            server->invoke_done(service, ipc::ids::IOService_NewUserClient, status, [&](ipc::WireWriter& w) {
                server->write_object(w, status == kIOReturnSuccess ? client : nullptr);
            });
            // The reference NewUserClient returned is the kernel's now; it already holds the
            // one it took when Create instantiated the client.
            if (client)
                client->release();
        } };
    });
    return true;
}();

} // namespace

} // namespace dextlab::sdk

bool IOService::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOService_IVars, 1);
    if (!ivars)
        return false;
    __dextlab_flags |= dextlab::sdk::kObjectIsService;
    // A proxy for a kernel service runs nothing in this process, so it needs no queue.
    if (dextlab::sdk::is_proxy(this))
        return true;
    kern_return_t ret = IODispatchQueue::Create(kIOServiceDefaultQueueName, 0, 0, &ivars->default_queue);
    if (ret != kIOReturnSuccess)
        return false;
    ivars->default_queue->IODispatchQueue::ivars->state->owner = __dextlab_object_id;
    return true;
}

void IOService::free()
{
    if (ivars) {
        OSSafeReleaseNULL(ivars->default_queue);
        OSSafeReleaseNULL(ivars->provider);
        if (auto* server = DextServer::of(this))
            server->unbind_queues(this);
    }
    IOSafeDeleteNULL(ivars, IOService_IVars, 1);
    super::free();
}

kern_return_t IOService::Start_Impl(IOService* provider)
{
    if (provider) {
        provider->retain();
        OSSafeReleaseNULL(ivars->provider);
        ivars->provider = provider;
    }
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, dextlab::ipc::ids::IOService_Start,
        [&](dextlab::ipc::WireWriter& w) { server->write_object(w, provider); });
}

kern_return_t IOService::Stop_Impl(IOService* provider)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, dextlab::ipc::ids::IOService_Stop,
        [&](dextlab::ipc::WireWriter& w) { server->write_object(w, provider); });
}

kern_return_t IOService::RegisterService_Impl()
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, dextlab::ipc::ids::IOService_RegisterService, {});
}

kern_return_t IOService::Terminate_Impl(uint64_t options)
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, dextlab::ipc::ids::IOService_Terminate,
        [&](dextlab::ipc::WireWriter& w) { w.u64(options); });
}

IOService* IOService::GetProvider() const { return ivars ? ivars->provider : nullptr; }

// The queue table (IOService.iig). Default is the queue init made; any other name is a queue
// the dext made and binds here, so that methods declared QUEUENAME(name) run on it.
kern_return_t IOService::SetDispatchQueue_Impl(const IODispatchQueueName name, IODispatchQueue* queue)
{
    if (!name || !queue || !queue->IODispatchQueue::ivars || !queue->IODispatchQueue::ivars->state || !ivars)
        return kIOReturnBadArgument;
    auto* state = queue->IODispatchQueue::ivars->state;
    if (state->owner == 0)
        state->owner = __dextlab_object_id;
    queue->retain();
    if (std::string(name) == kIOServiceDefaultQueueName) {
        OSSafeReleaseNULL(ivars->default_queue);
        ivars->default_queue = queue;
        return kIOReturnSuccess;
    }
    auto* server = DextServer::of(this);
    if (!server) {
        queue->release();
        return kIOReturnNotReady;
    }
    auto& slot = server->bound_queues(this)[name];
    if (slot)
        slot->release();
    slot = queue;
    return kIOReturnSuccess;
}

kern_return_t IOService::CopyDispatchQueue_Impl(const IODispatchQueueName name, IODispatchQueue** queue)
{
    if (!name || !queue || !ivars)
        return kIOReturnBadArgument;
    *queue = nullptr;
    IODispatchQueue* found = nullptr;
    if (std::string(name) == kIOServiceDefaultQueueName) {
        found = ivars->default_queue;
    } else if (auto* server = DextServer::of(this)) {
        found = server->bound_queue(this, name);
    }
    if (!found)
        return kIOReturnNotFound;
    found->retain();
    *queue = found;
    return kIOReturnSuccess;
}

// A service that does not override NewUserClient has no user clients (IOService's default).
kern_return_t IOService::NewUserClient_Impl(uint32_t, IOUserClient** userClient)
{
    if (userClient)
        *userClient = nullptr;
    return kIOReturnError;
}

kern_return_t IOService::Create_Impl(IOService* provider, const IOPropertyName propertiesKey, IOService** result)
{
    if (!result || !propertiesKey)
        return kIOReturnBadArgument;
    *result = nullptr;
    auto* server = DextServer::of(this);
    IOService* created = nullptr;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, dextlab::ipc::ids::IOService_Create,
        [&](dextlab::ipc::WireWriter& w) {
            server->write_object(w, provider);
            w.str(propertiesKey);
        },
        [&](dextlab::ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            if (!ref)
                return kIOReturnIPCError;
            created = OSDynamicCast(IOService, server->object_for(ref.value()));
            return created ? kIOReturnSuccess : kIOReturnIPCError;
        });
    if (ret != kIOReturnSuccess)
        return ret;
    created->retain(); // the caller's reference; the kernel keeps its own until the service is released
    *result = created;
    return kIOReturnSuccess;
}
