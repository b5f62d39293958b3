// IODataQueueDispatchSource in the dext: a ring in a kernel buffer (a memfd region the kernel
// model also maps), worked on locally as DriverKit does (the ring methods are LOCALONLY), with
// each enqueue and dequeue published to the kernel so the trace shows head, tail and contents
// (kernel_model/dispatch/data_queue_observer.cpp). DataAvailable and DataServiced run the
// handler's method on the queue of its target method (QUEUENAME, else Default), as
// IODataQueueDispatchSource.iig says, not on the source's queue.

#include "data_queue_source.h"
#include "ivars.h"

#include "kernel_model/ipc/data_queue_ring.h"
#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace {

ipc::DataQueueRing ring_of(IODataQueueDispatchSource* source)
{
    auto* ivars = source->IODataQueueDispatchSource::ivars;
    return ipc::DataQueueRing(ivars->base, ivars->capacity);
}

bool ready(IODataQueueDispatchSource* source)
{
    auto* ivars = source ? source->IODataQueueDispatchSource::ivars : nullptr;
    return ivars && ivars->base;
}

// Tells the kernel what an operation did; it reads head, tail and the entry from the shared
// memory itself. The dext waits for it to have done so: a dext in its own process would
// otherwise go on changing the ring before the kernel looks, and the trace would depend on
// how the two processes happened to interleave.
void publish(IODataQueueDispatchSource* source, uint64_t msgid, uint64_t status, uint64_t offset, uint64_t size)
{
    auto* server = DextServer::of(source);
    auto* memory = source->IODataQueueDispatchSource::ivars->memory;
    if (!server || !memory)
        return;
    server->call_kernel(memory->__dextlab_object_id, msgid, [&](ipc::WireWriter& w) { w.u64(status).u64(offset).u64(size); });
}

// Queues `action`'s method with `invocation_of(action)` on the queue of its target method.
template<typename Invocation>
void deliver(IODataQueueDispatchSource* source, OSAction* action, uint64_t msgid)
{
    auto* server = DextServer::of(source);
    auto* base = source->IODispatchSource::ivars;
    bool delivered = false;
    if (server && action && action->ivars && !base->canceled && !base->disabled) {
        if (auto* queue = server->queue_for_method(action->ivars->target, action->ivars->targetmsgid)) {
            server->enqueue(queue, [action, held = dextlab::sdk::hold(action), source_held = dextlab::sdk::hold(source)] {
                Invocation invocation { action };
                dextlab::sdk::invoke_action_target(action, &invocation);
            });
            delivered = true;
        }
    }
    publish(source, msgid, delivered ? 1 : 0, 0, 0);
}

kern_return_t set_handler(IODataQueueDispatchSource* source, OSAction*& slot, OSAction* action, uint64_t prototype, char const* type)
{
    auto* server = DextServer::of(source);
    if (!server || !action || !action->ivars)
        return kIOReturnBadArgument;
    if (action->ivars->msgid != prototype) {
        server->log(std::string("runtime: IODataQueueDispatchSource handler needs an OSAction made for a method declared TYPE(")
            + type + ") (CreateAction<Method>); this one is for another prototype");
        return kIOReturnBadArgument;
    }
    if (source->IODispatchSource::ivars->canceled)
        return kIOReturnNotReady;
    action->retain();
    OSSafeReleaseNULL(slot);
    slot = action;
    return kIOReturnSuccess;
}

} // namespace

namespace dextlab::sdk {

kern_return_t data_queue_enqueue(IODataQueueDispatchSource* source, uint32_t size, bool* send_available,
    DataQueueWrite write, void* context)
{
    if (!ready(source) || !write)
        return kIOReturnNoMemory;
    auto ring = ring_of(source);
    auto r = ring.enqueue(size, [&](void* data, size_t length) { write(context, data, length); });
    if (r.send_data_available && send_available)
        *send_available = true;
    publish(source, ipc::ids::IODataQueueDispatchSource_Enqueue, r.status, r.offset, r.size);
    return static_cast<kern_return_t>(r.status);
}

kern_return_t data_queue_dequeue(IODataQueueDispatchSource* source, bool* send_serviced, bool peek,
    DataQueueRead read, void* context)
{
    if (!ready(source) || !read)
        return kIOReturnNoMemory;
    auto ring = ring_of(source);
    auto reader = [&](uint8_t const* data, size_t length) { read(context, data, length); };
    auto r = peek ? ring.peek(reader) : ring.dequeue(reader);
    if (peek)
        return static_cast<kern_return_t>(r.status);
    if (r.send_data_serviced && send_serviced)
        *send_serviced = true;
    publish(source, ipc::ids::IODataQueueDispatchSource_Dequeue, r.status, r.offset, r.size);
    return static_cast<kern_return_t>(r.status);
}

} // namespace dextlab::sdk

kern_return_t IODataQueueDispatchSource::Create(uint64_t queueByteCount, IODispatchQueue* queue, IODataQueueDispatchSource** source)
{
    auto* server = DextServer::current();
    if (!queue || !source || !server)
        return kIOReturnBadArgument;
    if (!ipc::DataQueueRing::valid_capacity(queueByteCount)) {
        server->log("runtime: IODataQueueDispatchSource::Create: queueByteCount must be a non-zero multiple of 4, got "
            + std::to_string(queueByteCount));
        return kIOReturnBadArgument;
    }
    auto capacity = static_cast<uint32_t>(queueByteCount);
    IOBufferMemoryDescriptor* memory = nullptr;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, ipc::DataQueueRing::memory_size(capacity), 0, &memory);
    if (ret != kIOReturnSuccess)
        return ret;
    IOAddressSegment range {};
    memory->GetAddressRange(&range);
    auto* created = new IODataQueueDispatchSource;
    if (!created->init()) {
        created->release();
        memory->release();
        return kIOReturnNoMemory;
    }
    queue->retain();
    created->IODispatchSource::ivars->queue = queue;
    created->ivars->memory = memory;
    created->ivars->base = reinterpret_cast<uint8_t*>(range.address);
    created->ivars->capacity = capacity;
    ring_of(created).reset();
    // The kernel learns that this buffer is a ring, so it can show it (dataqueue_create).
    server->call_kernel(memory->__dextlab_object_id, ipc::ids::IODataQueueDispatchSource_Create,
        [&](ipc::WireWriter& w) { w.u64(capacity).str(queue->GetName()); });
    *source = created;
    return kIOReturnSuccess;
}

size_t IODataQueueDispatchSource::GetDataQueueEntryHeaderSize() { return ipc::kDataQueueEntryHeaderSize; }

bool IODataQueueDispatchSource::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IODataQueueDispatchSource_IVars, 1);
    return ivars != nullptr;
}

void IODataQueueDispatchSource::free()
{
    if (ivars) {
        OSSafeReleaseNULL(ivars->data_available);
        OSSafeReleaseNULL(ivars->data_serviced);
        OSSafeReleaseNULL(ivars->memory); // the kernel frees the ring's buffer with its last reference
    }
    IOSafeDeleteNULL(ivars, IODataQueueDispatchSource_IVars, 1);
    super::free();
}

kern_return_t IODataQueueDispatchSource::SetDataAvailableHandler_Impl(OSAction* action)
{
    kern_return_t ret = set_handler(this, ivars->data_available, action, IODataQueueDispatchSource_DataAvailable_ID,
        "IODataQueueDispatchSource::DataAvailable");
    // A consumer that arrives late still hears about data already there.
    if (ret == kIOReturnSuccess && IsDataAvailable())
        SendDataAvailable();
    return ret;
}

kern_return_t IODataQueueDispatchSource::SetDataServicedHandler_Impl(OSAction* action)
{
    return set_handler(this, ivars->data_serviced, action, IODataQueueDispatchSource_DataServiced_ID,
        "IODataQueueDispatchSource::DataServiced");
}

// A data queue has no callbacks of its own in flight (its handlers are ordinary work on their
// target's queue), so, as in DriverKit's implementation (xnu IODataQueueDispatchSourceShared.h),
// the completion and cancel handlers run at once, on the caller's stack.
static void run_now(IODispatchSourceCancelHandler handler)
{
#if __BLOCKS__
    if (handler)
        handler();
#else
    (void)handler; // without blocks only NULL exists
#endif
}

kern_return_t IODataQueueDispatchSource::SetEnableWithCompletion_Impl(bool enable, IODispatchSourceCancelHandler handler)
{
    auto* base = IODispatchSource::ivars;
    if (base->canceled)
        return kIOReturnNotReady;
    base->disabled = !enable;
    run_now(handler);
    return kIOReturnSuccess;
}

kern_return_t IODataQueueDispatchSource::Cancel_Impl(IODispatchSourceCancelHandler handler)
{
    auto* base = IODispatchSource::ivars;
    if (base->canceled)
        return kIOReturnSuccess;
    base->canceled = true;
    OSSafeReleaseNULL(ivars->data_available);
    OSSafeReleaseNULL(ivars->data_serviced);
    run_now(handler);
    return kIOReturnSuccess;
}

bool IODataQueueDispatchSource::IsDataAvailable() { return ready(this) && ring_of(this).is_data_available(); }

kern_return_t IODataQueueDispatchSource::CanEnqueueData(uint32_t dataSize) { return CanEnqueueData(dataSize, 1); }

kern_return_t IODataQueueDispatchSource::CanEnqueueData(uint32_t dataSize, uint32_t entryCount)
{
    if (!ready(this))
        return kIOReturnNoMemory;
    return static_cast<kern_return_t>(ring_of(this).can_enqueue(dataSize, entryCount));
}

void IODataQueueDispatchSource::SendDataAvailable()
{
    if (ready(this))
        deliver<IODataQueueDispatchSource_DataAvailable_Invocation>(this, ivars->data_available,
            dextlab::ipc::ids::IODataQueueDispatchSource_DataAvailable);
}

void IODataQueueDispatchSource::SendDataServiced()
{
    if (!ready(this))
        return;
    ring_of(this).clear_need_serviced();
    deliver<IODataQueueDispatchSource_DataServiced_Invocation>(this, ivars->data_serviced,
        dextlab::ipc::ids::IODataQueueDispatchSource_DataServiced);
}
