// IOInterruptDispatchSource in the dext. The source is registered with the kernel's PCI host
// (kernel_model/pci/interrupt_model): Create, SetHandler, SetEnableWithCompletion, Cancel and
// GetLastInterrupt are messages to it. When interrupts are counted the kernel invokes the
// handler's OSAction with InterruptOccurred(count, time), as a USB completion or a timer comes
// back; the callback runs on the source's queue, and afterwards the runtime calls CheckForWork,
// as libDriverKit's loop does once a handler returns, so the kernel sends what accumulated
// meanwhile as the next callback. A callback that finds its source canceled is dropped.

#include "blocks.h"
#include "ivars.h"
#include "kernel_fed_source.h"

#include <DriverKit/IOInterruptDispatchSource.h>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

struct IOInterruptDispatchSource_IVars {
    OSAction* handler; // retained until SetHandler again or Cancel
};

namespace {

bool const registered = [] {
    dextlab::sdk::register_callback_decoder(
        IOInterruptDispatchSource_InterruptOccurred_ID,
        [](OSAction* action, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::DecodedCallback> {
            auto count = TRY(args.u64());
            auto time = TRY(args.u64());
            auto ref = TRY(args.object());
            auto* server = DextServer::current();
            auto* source = server ? OSDynamicCast(IOInterruptDispatchSource, server->object_for(ref)) : nullptr;
            auto* queue = dextlab::sdk::source_queue_of(source);
            if (!queue)
                return dextlab::Error::with("InterruptOccurred for an interrupt source this server no longer has");
            return dextlab::sdk::DecodedCallback { [action, count, time, source, held = dextlab::sdk::hold(source)] {
                                                      if (source->IODispatchSource::ivars->canceled)
                                                          return;
                                                      IOInterruptDispatchSource_InterruptOccurred_Invocation invocation { action, count, time };
                                                      dextlab::sdk::invoke_action_target(action, &invocation);
                                                      // The handler may have canceled the source.
                                                      if (!source->IODispatchSource::ivars->canceled)
                                                          source->CheckForWork(false);
                                                  },
                queue };
        },
        /*kernel_holds_reference=*/false);
    return true;
}();

} // namespace

kern_return_t IOInterruptDispatchSource::Create(IOService* provider, uint32_t index, IODispatchQueue* queue, IOInterruptDispatchSource** source)
{
    auto* server = DextServer::current();
    if (!provider || !queue || !source || !server)
        return kIOReturnBadArgument;
    auto* created = new IOInterruptDispatchSource;
    if (!created->init()) {
        created->release();
        return kIOReturnNoMemory;
    }
    queue->retain();
    created->IODispatchSource::ivars->queue = queue;
    created->IODispatchSource::ivars->disabled = true; // a new interrupt source is disabled
    kern_return_t ret = server->call_kernel(server->id_of(created), ipc::ids::IOInterruptDispatchSource_Create, [&](ipc::WireWriter& w) {
        server->write_object(w, provider);
        w.u64(index).str(dextlab::sdk::queue_name_of(created));
    });
    if (ret != kIOReturnSuccess) {
        created->IODispatchSource::ivars->canceled = true; // the kernel has nothing to forget
        created->release();
        return ret;
    }
    *source = created;
    return kIOReturnSuccess;
}

kern_return_t IOInterruptDispatchSource::GetInterruptType(IOService* provider, uint32_t index, uint64_t* interruptType)
{
    auto* server = DextServer::current();
    if (interruptType)
        *interruptType = 0;
    if (!provider || !server)
        return kIOReturnBadArgument;
    return server->call_kernel(server->id_of(provider), ipc::ids::IOInterruptDispatchSource_GetInterruptType,
        [&](ipc::WireWriter& w) { w.u64(index); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto type = r.u64();
            if (!type)
                return kIOReturnIPCError;
            if (interruptType)
                *interruptType = type.value();
            return kIOReturnSuccess;
        });
}

bool IOInterruptDispatchSource::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOInterruptDispatchSource_IVars, 1);
    return ivars != nullptr;
}

void IOInterruptDispatchSource::free()
{
    dextlab::sdk::cancel_source_in_kernel(this, ipc::ids::IOInterruptDispatchSource_Cancel);
    if (ivars)
        OSSafeReleaseNULL(ivars->handler);
    IOSafeDeleteNULL(ivars, IOInterruptDispatchSource_IVars, 1);
    super::free();
}

kern_return_t IOInterruptDispatchSource::SetHandler_Impl(OSAction* action)
{
    return dextlab::sdk::set_source_handler(this, ivars->handler, action, IOInterruptDispatchSource_InterruptOccurred_ID,
        "IOInterruptDispatchSource", "InterruptOccurred", ipc::ids::IOInterruptDispatchSource_SetHandler);
}

kern_return_t IOInterruptDispatchSource::SetEnableWithCompletion_Impl(bool enable, IODispatchSourceCancelHandler handler)
{
    // xnu: a canceled interrupt source cannot be enabled again.
    return dextlab::sdk::enable_source(this, enable, handler, kIOReturnUnsupported, ipc::ids::IOInterruptDispatchSource_SetEnableWithCompletion);
}

kern_return_t IOInterruptDispatchSource::Cancel_Impl(IODispatchSourceCancelHandler handler)
{
    return dextlab::sdk::cancel_source(this, ivars->handler, handler, ipc::ids::IOInterruptDispatchSource_Cancel);
}

kern_return_t IOInterruptDispatchSource::GetLastInterrupt(uint64_t* count, uint64_t* time)
{
    auto* server = DextServer::of(this);
    if (!server)
        return kIOReturnBadArgument;
    return server->call_kernel(server->id_of(this), ipc::ids::IOInterruptDispatchSource_GetLastInterrupt, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto c = r.u64();
            auto t = r.u64();
            if (!c || !t)
                return kIOReturnIPCError;
            if (count)
                *count = c.value();
            if (time)
                *time = t.value();
            return kIOReturnSuccess;
        });
}

kern_return_t IOInterruptDispatchSource::CheckForWork(bool)
{
    auto* server = DextServer::of(this);
    if (!server || IODispatchSource::ivars->canceled)
        return kIOReturnNotReady;
    return server->call_kernel(server->id_of(this), ipc::ids::IOInterruptDispatchSource_CheckForWork, {});
}
