// OSAction and IODispatchQueue: the dext's callbacks and the serial queues they run on. The
// queue machinery itself (ordering, DispatchSync, Cancel) is DextServer's (dext_server.cpp).

#include "ivars.h"

using dextlab::sdk::DextServer;

namespace dextlab::sdk {

kern_return_t invoke_action_target(OSAction* action, void* invocation)
{
    auto* ivars = action->ivars;
    if (!ivars || !ivars->target)
        return kIOReturnNotReady;
    return ivars->target->Invoke(IORPC { ivars->targetmsgid, invocation });
}

} // namespace dextlab::sdk

bool OSAction::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(OSAction_IVars, 1);
    if (ivars)
        __dextlab_flags |= dextlab::sdk::kObjectIsAction;
    return ivars != nullptr;
}

void OSAction::free()
{
    if (ivars) {
        OSSafeReleaseNULL(ivars->target);
        if (ivars->reference)
            IOFree(ivars->reference, ivars->reference_size);
    }
    IOSafeDeleteNULL(ivars, OSAction_IVars, 1);
    super::free();
}

kern_return_t OSAction::Create(OSObject* target, uint64_t targetmsgid, uint64_t msgid, size_t referenceSize, OSAction** action)
{
    if (!target || !action)
        return kIOReturnBadArgument;
    auto* created = new OSAction;
    if (!created->init()) {
        created->release();
        return kIOReturnNoMemory;
    }
    target->retain();
    created->ivars->target = target;
    created->ivars->targetmsgid = targetmsgid;
    created->ivars->msgid = msgid;
    if (referenceSize) {
        created->ivars->reference = IOMallocZero(referenceSize);
        created->ivars->reference_size = referenceSize;
    }
    *action = created;
    return kIOReturnSuccess;
}

void* OSAction::GetReference() { return ivars ? ivars->reference : nullptr; }

bool IODispatchQueue::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IODispatchQueue_IVars, 1);
    return ivars != nullptr;
}

void IODispatchQueue::free()
{
    if (ivars && ivars->state) {
        if (auto* server = DextServer::of(this))
            server->destroy_queue(ivars->state);
    }
    IOSafeDeleteNULL(ivars, IODispatchQueue_IVars, 1);
    super::free();
}

kern_return_t IODispatchQueue::Create(const IODispatchQueueName name, uint64_t options, uint64_t priority, IODispatchQueue** queue)
{
    (void)options;
    (void)priority;
    auto* server = DextServer::current();
    if (!queue || !server)
        return kIOReturnBadArgument;
    auto* created = new IODispatchQueue;
    if (!created->init()) {
        created->release();
        return kIOReturnNoMemory;
    }
    created->ivars->state = server->create_queue(name ? name : "");
    *queue = created;
    return kIOReturnSuccess;
}

const char* IODispatchQueue::GetName() { return ivars && ivars->state ? ivars->state->name.c_str() : ""; }

bool IODispatchQueue::OnQueue()
{
    auto* server = DextServer::of(this);
    return server && ivars && server->on_stack(ivars->state);
}

// The queue stays retained until the work has run (IODispatchQueue.iig, DispatchAsync).
void IODispatchQueue::DispatchAsync_f(void* context, IODispatchFunction function)
{
    if (auto* server = DextServer::of(this); server && ivars && ivars->state && function)
        server->enqueue(ivars->state, [context, function, queue = dextlab::sdk::hold(this)] { function(context); });
}

void IODispatchQueue::DispatchSync_f(void* context, IODispatchFunction function)
{
    if (auto* server = DextServer::of(this); server && ivars && ivars->state && function) {
        auto queue = dextlab::sdk::hold(this);
        server->dispatch_sync(ivars->state, [context, function] { function(context); });
    }
}
