// IODispatchSource and IOTimerDispatchSource in the dext. The timer itself lives in the kernel
// model (kernel_model/timers): WakeAtTime, SetHandler, SetEnable and Cancel are messages to it;
// when a deadline is reached the kernel invokes the handler's OSAction with TimerOccurred, as a
// USB completion comes back, and the callback runs on the queue the source was created with
// (IOTimerDispatchSource.iig: "queue Target queue to run the handler block").

#include "blocks.h"
#include "ivars.h"
#include "kernel_fed_source.h"

#include <DriverKit/IOTimerDispatchSource.h>

#include <cstdio>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace dextlab::sdk {

QueueState* source_queue_of(IODispatchSource* source)
{
    auto* base = source ? source->IODispatchSource::ivars : nullptr;
    if (!base || !base->queue || !base->queue->IODispatchQueue::ivars)
        return nullptr;
    return base->queue->IODispatchQueue::ivars->state;
}

void queue_source_handler(IODispatchSource* source, IODispatchSourceCancelHandler handler)
{
#if __BLOCKS__
    auto* queue = source_queue_of(source);
    auto* server = DextServer::of(source);
    if (!handler || !queue || !server)
        return;
    server->enqueue(
        queue,
        [copy = copy_block(handler), held = hold(source)] {
            reinterpret_cast<IODispatchSourceCancelHandler>(copy.get())();
        });
#else
    (void)source;
    (void)handler; // without blocks only NULL exists
#endif
}

} // namespace dextlab::sdk

namespace {

// The deliveries the kernel's timers make. The kernel holds no reference on the action (the
// source does), so the callback takes its own; one for a source already canceled is dropped.
bool const registered = [] {
    dextlab::sdk::register_callback_decoder(
        IOTimerDispatchSource_TimerOccurred_ID,
        [](OSAction* action, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::DecodedCallback> {
            auto time = TRY(args.u64());
            auto ref = TRY(args.object());
            auto* server = DextServer::current();
            auto* source = server ? OSDynamicCast(IOTimerDispatchSource, server->object_for(ref)) : nullptr;
            auto* queue = dextlab::sdk::source_queue_of(source);
            if (!queue)
                return dextlab::Error::with("TimerOccurred for a timer source this server no longer has");
            return dextlab::sdk::DecodedCallback { [action, time, source, held = dextlab::sdk::hold(source)] {
                                                      if (source->IODispatchSource::ivars->canceled)
                                                          return;
                                                      IOTimerDispatchSource_TimerOccurred_Invocation invocation { action, time };
                                                      dextlab::sdk::invoke_action_target(action, &invocation);
                                                  },
                queue };
        },
        /*kernel_holds_reference=*/false);
    return true;
}();

bool known_clock(uint64_t options)
{
    switch (options) {
    case kIOTimerClockUptimeRaw:
    case kIOTimerClockMonotonicRaw:
    case kIOTimerClockRealTime:
    case kIOTimerClockMachAbsoluteTime:
    case kIOTimerClockMachContinuousTime:
        return true;
    default:
        return false;
    }
}

} // namespace

using dextlab::sdk::queue_name_of;

// ---- IODispatchSource ----

bool IODispatchSource::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IODispatchSource_IVars, 1);
    return ivars != nullptr;
}

void IODispatchSource::free()
{
    if (ivars)
        OSSafeReleaseNULL(ivars->queue);
    IOSafeDeleteNULL(ivars, IODispatchSource_IVars, 1);
    super::free();
}

kern_return_t IODispatchSource::SetEnable_Impl(bool enable) { return SetEnableWithCompletion(enable, nullptr); }

// ---- IOTimerDispatchSource ----

kern_return_t IOTimerDispatchSource::Create(IODispatchQueue* queue, IOTimerDispatchSource** source)
{
    if (!queue || !source || !DextServer::current())
        return kIOReturnBadArgument;
    auto* created = new IOTimerDispatchSource;
    if (!created->init()) {
        created->release();
        return kIOReturnNoMemory;
    }
    queue->retain();
    created->IODispatchSource::ivars->queue = queue;
    *source = created;
    return kIOReturnSuccess;
}

bool IOTimerDispatchSource::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOTimerDispatchSource_IVars, 1);
    return ivars != nullptr;
}

void IOTimerDispatchSource::free()
{
    dextlab::sdk::cancel_source_in_kernel(this, ipc::ids::IODispatchSource_Cancel);
    if (ivars)
        OSSafeReleaseNULL(ivars->handler);
    IOSafeDeleteNULL(ivars, IOTimerDispatchSource_IVars, 1);
    super::free();
}

kern_return_t IOTimerDispatchSource::SetHandler_Impl(OSAction* action)
{
    return dextlab::sdk::set_source_handler(this, ivars->handler, action, IOTimerDispatchSource_TimerOccurred_ID,
        "IOTimerDispatchSource", "TimerOccurred", ipc::ids::IOTimerDispatchSource_SetHandler,
        [&](ipc::WireWriter& w) { w.str(queue_name_of(this)); });
}

kern_return_t IOTimerDispatchSource::WakeAtTime_Impl(uint64_t options, uint64_t deadline, uint64_t leeway)
{
    auto* server = DextServer::of(this);
    if (!server)
        return kIOReturnBadArgument;
    if (!known_clock(options)) {
        char got[24];
        std::snprintf(got, sizeof got, "0x%llx", static_cast<unsigned long long>(options));
        server->log(std::string("runtime: IOTimerDispatchSource::WakeAtTime: options must name a clock (kIOTimerClockMachAbsoluteTime, "
                                "kIOTimerClockUptimeRaw, ...), got ")
            + got);
        return kIOReturnBadArgument;
    }
    if (IODispatchSource::ivars->canceled)
        return kIOReturnNotReady;
    return server->call_kernel(server->id_of(this), ipc::ids::IOTimerDispatchSource_WakeAtTime, [&](ipc::WireWriter& w) {
        w.u64(options).u64(deadline).u64(leeway).str(queue_name_of(this));
    });
}

kern_return_t IOTimerDispatchSource::SetEnableWithCompletion_Impl(bool enable, IODispatchSourceCancelHandler handler)
{
    return dextlab::sdk::enable_source(this, enable, handler, kIOReturnNotReady, ipc::ids::IODispatchSource_SetEnableWithCompletion,
        [&](ipc::WireWriter& w) { w.str(queue_name_of(this)); });
}

kern_return_t IOTimerDispatchSource::Cancel_Impl(IODispatchSourceCancelHandler handler)
{
    return dextlab::sdk::cancel_source(this, ivars->handler, handler, ipc::ids::IODispatchSource_Cancel);
}
