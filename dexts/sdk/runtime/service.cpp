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
