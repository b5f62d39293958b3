#include "kernel_fed_source.h"

namespace dextlab::sdk {

std::string queue_name_of(IODispatchSource* source)
{
    auto* queue = source_queue_of(source);
    return queue ? queue->name : std::string();
}

kern_return_t set_source_handler(IODispatchSource* source, OSAction*& kept, OSAction* action, uint64_t prototype_id,
    char const* class_name, char const* prototype, uint64_t set_handler_id, ExtraFields const& extra)
{
    auto* server = DextServer::of(source);
    if (!action || !action->ivars || !server)
        return kIOReturnBadArgument;
    if (action->ivars->msgid != prototype_id) {
        server->log(std::string("runtime: ") + class_name + "::SetHandler needs an OSAction made for a method declared TYPE("
            + class_name + "::" + prototype + ") (CreateAction<Method>); this one is for another prototype");
        return kIOReturnBadArgument;
    }
    if (source->IODispatchSource::ivars->canceled)
        return kIOReturnNotReady;
    action->retain();
    OSSafeReleaseNULL(kept);
    kept = action;
    return server->call_kernel(server->id_of(source), set_handler_id, [&](ipc::WireWriter& w) {
        server->write_object(w, action);
        if (extra)
            extra(w);
    });
}

kern_return_t enable_source(IODispatchSource* source, bool enable, IODispatchSourceCancelHandler handler,
    kern_return_t when_canceled, uint64_t set_enable_id, ExtraFields const& extra)
{
    auto* server = DextServer::of(source);
    auto* base = source->IODispatchSource::ivars;
    if (!server || !base)
        return kIOReturnBadArgument;
    if (base->canceled)
        return when_canceled;
    base->disabled = !enable;
    kern_return_t ret = server->call_kernel(server->id_of(source), set_enable_id, [&](ipc::WireWriter& w) {
        w.u64(enable ? 1 : 0);
        if (extra)
            extra(w);
    });
    queue_source_handler(source, handler);
    return ret;
}

kern_return_t cancel_source(IODispatchSource* source, OSAction*& kept, IODispatchSourceCancelHandler handler, uint64_t cancel_id)
{
    auto* server = DextServer::of(source);
    auto* base = source->IODispatchSource::ivars;
    if (!server || !base)
        return kIOReturnBadArgument;
    if (base->canceled)
        return kIOReturnSuccess;
    base->canceled = true;
    kern_return_t ret = server->call_kernel(server->id_of(source), cancel_id, {});
    OSSafeReleaseNULL(kept);
    queue_source_handler(source, handler);
    return ret;
}

void cancel_source_in_kernel(IODispatchSource* source, uint64_t cancel_id)
{
    auto* base = source->IODispatchSource::ivars;
    if (base && !base->canceled && source->__dextlab_object_id)
        if (auto* server = DextServer::of(source))
            server->call_kernel(source->__dextlab_object_id, cancel_id, {});
}

} // namespace dextlab::sdk
