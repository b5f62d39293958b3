// IOService in the dext: the default queue, and the base implementations that tell the kernel
// a dext's Start/Stop chain reached IOService (as Apple's runtime does).

#include "ivars.h"

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;

namespace dextlab::sdk {

QueueState* default_queue_of(OSObject* object)
{
    auto* service = OSDynamicCast(IOService, object);
    if (!service || !service->IOService::ivars || !service->IOService::ivars->default_queue)
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

} // namespace dextlab::sdk

bool IOService::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOService_IVars, 1);
    if (!ivars)
        return false;
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
