#include "dispatch_calls.h"

#include "kernel_model/dispatch/trace_points.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/ipc/queue_reports.h"
#include "kernel_model/kernel.h"
#include "kernel_model/trace_points.h"

namespace dextlab::kernel {

namespace ids = ipc::ids;
namespace kr = ipc::kr;

namespace {

TimerModel::Caller caller_of(UserServer& server) { return { server.tag(), server.launches(), server.display_name() }; }

} // namespace

DispatchCalls::DispatchCalls(Kernel& kernel)
    : m_kernel(kernel)
    , m_timers(
          kernel.scheduler(), kernel.trace(),
          [this](TimerModel::Caller const& caller, uint64_t action, uint64_t source, VirtualTime time) {
              deliver_timer(caller, action, source, time);
          },
          [this](uint64_t tag, int launch) {
              auto* server = m_kernel.server_by_tag(tag);
              return server && server->running() && server->launches() == launch;
          })
    , m_rings(kernel.trace(), [this](uint64_t tag, uint64_t id, size_t size) -> uint8_t* {
        auto* buffer = m_kernel.buffer_for(id, tag);
        return buffer && buffer->region && buffer->region->size() >= size ? buffer->region->data() : nullptr;
    })
{
}

std::optional<ipc::Message> DispatchCalls::handle(UserServer& server, ipc::Message const& message)
{
    if (message.kind() != ipc::MessageKind::Call)
        return std::nullopt;
    switch (message.header.msgid) {
    case ids::IODispatchQueue_DispatchSync:
        return queue_report(server, message);
    case ids::IOTimerDispatchSource_SetHandler:
    case ids::IOTimerDispatchSource_WakeAtTime:
    case ids::IODispatchSource_SetEnableWithCompletion:
    case ids::IODispatchSource_Cancel:
        return timer_call(server, message);
    case ids::IODataQueueDispatchSource_Create:
    case ids::IODataQueueDispatchSource_Enqueue:
    case ids::IODataQueueDispatchSource_Dequeue:
    case ids::IODataQueueDispatchSource_DataAvailable:
    case ids::IODataQueueDispatchSource_DataServiced:
        return data_queue_call(server, message);
    default:
        return std::nullopt;
    }
}

ipc::Message DispatchCalls::malformed(UserServer& server, ipc::Message const& message, std::string const& why)
{
    m_kernel.trace().emit(tp::server_error, server.display_name(), "ipc", server.name(),
        { TraceField::text("what", "malformed " + m_kernel.method_name(message.header.msgid) + " message: " + why) });
    return ipc::make_reply(kr::BadArgument);
}

// ---- queues: DispatchSync, Cancel, deadlocks ----

ipc::Message DispatchCalls::queue_report(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto name = args.str();
    auto owner = args.u64();
    auto phase = args.u64();
    auto count = args.u64();
    auto text = args.str();
    if (!name || !owner || !phase || !count || !text)
        return malformed(server, message, "expected queue name, owner, phase, count, text");
    auto& queue = server.queues()[message.header.target];
    queue.name = name.value();
    queue.owner = owner.value();
    auto& trace = m_kernel.trace();
    std::string const& process = server.display_name();
    switch (phase.value()) {
    case ipc::kQueueSyncBegin:
        // The work runs now, on the caller's stack, after what was queued (GCD's DispatchSync).
        trace.emit(tp::queue_run, process, queue.name, queue.name,
            { TraceField::dec("sync", 1), TraceField::dec("drained", count.value()) }, TracePhase::Begin);
        break;
    case ipc::kQueueSyncEnd:
        queue.pending = count.value();
        trace.emit(tp::queue_run, process, queue.name, queue.name, { TraceField::dec("remaining", count.value()) }, TracePhase::End);
        break;
    case ipc::kQueueDeadlock:
        trace.emit(tp::queue_deadlock, process, queue.name, queue.name,
            { TraceField::text("stack", text.value()),
                TraceField::text("what", "DispatchSync onto a queue this code is already running on: a deadlock on macOS; skipped") });
        break;
    case ipc::kQueueCanceled:
        queue.pending = 0;
        trace.emit(tp::queue_cancel, process, queue.name, queue.name, { TraceField::dec("dropped", count.value()) });
        break;
    case ipc::kQueueSyncRefused:
        trace.emit(tp::queue_sync_refused, process, queue.name, queue.name, { TraceField::text("why", text.value()) });
        break;
    default:
        return malformed(server, message, "unknown queue report " + std::to_string(phase.value()));
    }
    return ipc::make_reply(kr::Success);
}

// ---- IOTimerDispatchSource ----

ipc::Message DispatchCalls::timer_call(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    uint64_t source = message.header.target;
    auto caller = caller_of(server);
    uint32_t status = kr::Success;
    switch (message.header.msgid) {
    case ids::IOTimerDispatchSource_SetHandler: {
        auto action = args.object();
        auto queue = args.str();
        if (!action || !queue)
            return malformed(server, message, "expected the handler OSAction and the queue name");
        status = m_timers.set_handler(caller, source, action.value().id, queue.value());
        break;
    }
    case ids::IOTimerDispatchSource_WakeAtTime: {
        auto clock = args.u64();
        auto deadline = args.u64();
        auto leeway = args.u64();
        auto queue = args.str();
        if (!clock || !deadline || !leeway || !queue)
            return malformed(server, message, "expected options, deadline, leeway and the queue name");
        status = m_timers.wake_at(caller, source, clock.value(), deadline.value(), leeway.value(), queue.value());
        break;
    }
    case ids::IODispatchSource_SetEnableWithCompletion: {
        auto enable = args.u64();
        auto queue = args.str();
        if (!enable || !queue)
            return malformed(server, message, "expected enable and the queue name");
        status = m_timers.set_enabled(caller, source, enable.value() != 0, queue.value());
        break;
    }
    default:
        status = m_timers.cancel(caller, source);
        break;
    }
    return ipc::make_reply(status);
}

void DispatchCalls::deliver_timer(TimerModel::Caller const& caller, uint64_t action_id, uint64_t source_id, VirtualTime time)
{
    auto* server = m_kernel.server_by_tag(caller.server_tag);
    if (!server || !server->running())
        return;
    // TimerOccurred(action, time) through the OSAction, as a USB completion travels; the source
    // tells the runtime which queue runs it. A timer fires in its own scheduler event, never
    // while the dext waits for a reply.
    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, action_id, ids::IOTimerDispatchSource_TimerOccurred);
    ipc::WireWriter(invoke).u64(time).object(source_id, "IOTimerDispatchSource");
    auto delivered = server->send(std::move(invoke));
    if (!delivered)
        m_kernel.trace().emit(tp::server_error, server->display_name(), "ipc", server->name(),
            { TraceField::text("what", "TimerOccurred not delivered: " + delivered.error().message) });
}

// ---- IODataQueueDispatchSource ----

ipc::Message DispatchCalls::data_queue_call(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    uint64_t buffer = message.header.target;
    std::string const& process = server.display_name();
    switch (message.header.msgid) {
    case ids::IODataQueueDispatchSource_Create: {
        auto capacity = args.u64();
        auto queue = args.str();
        if (!capacity || !queue)
            return malformed(server, message, "expected the ring's capacity and the queue name");
        return ipc::make_reply(m_rings.created(process, server.tag(), buffer, capacity.value(), queue.value()));
    }
    case ids::IODataQueueDispatchSource_Enqueue:
    case ids::IODataQueueDispatchSource_Dequeue: {
        auto status = args.u64();
        auto offset = args.u64();
        auto size = args.u64();
        if (!status || !offset || !size || offset.value() > UINT32_MAX || size.value() > UINT32_MAX)
            return malformed(server, message, "expected status, entry offset and entry size");
        m_rings.operation(process, server.tag(), buffer, message.header.msgid == ids::IODataQueueDispatchSource_Dequeue,
            static_cast<uint32_t>(status.value()), static_cast<uint32_t>(offset.value()), static_cast<uint32_t>(size.value()));
        return ipc::make_reply(kr::Success);
    }
    default: {
        auto delivered = args.u64();
        if (!delivered)
            return malformed(server, message, "expected whether a handler was queued");
        bool available = message.header.msgid == ids::IODataQueueDispatchSource_DataAvailable;
        m_rings.notified(process, server.tag(), buffer, available ? "DataAvailable" : "DataServiced", delivered.value() != 0);
        return ipc::make_reply(kr::Success);
    }
    }
}

} // namespace dextlab::kernel
