#include "interrupt_model.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/pci/trace_points.h"

namespace dextlab::kernel {

namespace kr = ipc::kr;

InterruptModel::InterruptModel(Scheduler& scheduler, TraceBus& trace, Deliver deliver, Alive alive, Mask mask)
    : m_scheduler(scheduler)
    , m_trace(trace)
    , m_deliver(std::move(deliver))
    , m_alive(std::move(alive))
    , m_mask(std::move(mask))
{
}

void InterruptModel::emit(TracePoint const& point, Source const& source, uint64_t source_id, std::vector<TraceField> fields) const
{
    // Raises and deliveries are the busiest records: built only for a subscriber that wants them.
    m_trace.emit_lazily(point, [&] {
        return TraceArgs { source.owner.process, source.queue.empty() ? "interrupts" : source.queue,
            "IOInterruptDispatchSource#" + std::to_string(source_id & ~ipc::kDextObjectBit), std::move(fields) };
    });
}

InterruptModel::Source* InterruptModel::find(Caller const& caller, uint64_t source_id)
{
    auto it = m_sources.find(Key { caller.server_tag, source_id });
    return it == m_sources.end() || it->second.owner.launch != caller.launch ? nullptr : &it->second;
}

InterruptModel::Source const* InterruptModel::find(Caller const& caller, uint64_t source_id) const
{
    auto it = m_sources.find(Key { caller.server_tag, source_id });
    return it == m_sources.end() || it->second.owner.launch != caller.launch ? nullptr : &it->second;
}

bool InterruptModel::owns(uint64_t nub_id, unsigned vector) const { return m_owners.contains({ nub_id, vector }); }

void InterruptModel::sweep()
{
    for (auto it = m_sources.begin(); it != m_sources.end();) {
        auto next = std::next(it);
        if (!m_alive(it->first.first, it->second.owner.launch))
            drop(it, "its server is gone");
        it = next;
    }
}

void InterruptModel::drop(std::map<Key, Source>::iterator it, char const* reason)
{
    Source const& s = it->second;
    if (s.nub_id != 0) {
        auto owner = m_owners.find({ s.nub_id, s.vector });
        if (owner != m_owners.end() && owner->second == it->first)
            m_owners.erase(owner);
        m_mask(s.nub_id, s.vector, true);
    }
    emit(tp::interrupt_cancel, s, it->first.second, { TraceField::dec("pending", s.count), TraceField::text("reason", reason) });
    m_sources.erase(it);
}

uint32_t InterruptModel::attach(Caller const& caller, uint64_t source_id, uint64_t nub_id, unsigned vector, std::string const& queue,
    std::string const& provider)
{
    sweep();
    Source candidate;
    candidate.owner = caller;
    candidate.queue = queue;
    auto fields = [&](uint32_t status) {
        return std::vector<TraceField> { TraceField::text("provider", provider), TraceField::dec("vector", vector),
            TraceField::text("status", kr::ioreturn_name(status)) };
    };
    if (m_sources.contains(Key { caller.server_tag, source_id }))
        return kr::BadArgument; // the runtime creates each source once
    if (owns(nub_id, vector)) {
        // IOInterruptController::registerInterrupt: a vector has one handler.
        emit(tp::interrupt_register, candidate, source_id, fields(kr::NoResources));
        return kr::NoResources;
    }
    candidate.nub_id = nub_id;
    candidate.vector = vector;
    // A new source is disabled: its vector is masked until SetEnable(true).
    candidate.function_masks = m_mask(nub_id, vector, true);
    Key key { caller.server_tag, source_id };
    m_owners[{ nub_id, vector }] = key;
    emit(tp::interrupt_register, candidate, source_id, fields(kr::Success));
    m_sources.emplace(key, std::move(candidate));
    return kr::Success;
}

uint32_t InterruptModel::set_handler(Caller const& caller, uint64_t source_id, uint64_t action_id)
{
    Source* s = find(caller, source_id);
    if (!s)
        return kr::NotReady;
    if (action_id == 0)
        return kr::BadArgument;
    s->action_id = action_id;
    emit(tp::interrupt_set_handler, *s, source_id, { TraceField::hex("action", action_id & ~ipc::kDextObjectBit) });
    maybe_deliver(Key { caller.server_tag, source_id }); // interrupts counted before a handler was set
    return kr::Success;
}

uint32_t InterruptModel::set_enabled(Caller const& caller, uint64_t source_id, bool enabled)
{
    Source* s = find(caller, source_id);
    if (!s)
        return kr::Unsupported; // canceled: xnu's SetEnableWithCompletion answers kIOReturnUnsupported
    if (s->enabled == enabled)
        return kr::Success;
    s->enabled = enabled;
    if (s->nub_id != 0)
        s->function_masks = m_mask(s->nub_id, s->vector, !enabled);
    emit(tp::interrupt_enable, *s, source_id,
        { TraceField::dec("enabled", enabled ? 1 : 0), TraceField::text("masking", s->function_masks ? "function" : "controller") });
    // Unmasking may have released a pending message: it arrived through raise() already.
    return kr::Success;
}

uint32_t InterruptModel::cancel(Caller const& caller, uint64_t source_id, char const* reason)
{
    auto it = m_sources.find(Key { caller.server_tag, source_id });
    if (it == m_sources.end() || it->second.owner.launch != caller.launch)
        return kr::Success; // never registered, or by a process that is gone
    drop(it, reason);
    return kr::Success;
}

uint32_t InterruptModel::check_for_work(Caller const& caller, uint64_t source_id)
{
    Source* s = find(caller, source_id);
    if (!s)
        return kr::NotReady;
    s->in_flight = false;
    maybe_deliver(Key { caller.server_tag, source_id });
    return kr::Success;
}

std::optional<std::pair<uint64_t, VirtualTime>> InterruptModel::last_interrupt(Caller const& caller, uint64_t source_id) const
{
    Source const* s = find(caller, source_id);
    if (!s)
        return std::nullopt;
    return std::make_pair(s->count, s->time);
}

bool InterruptModel::raise(uint64_t nub_id, unsigned vector)
{
    auto owner = m_owners.find({ nub_id, vector });
    if (owner == m_owners.end())
        return false;
    Key key = owner->second;
    auto it = m_sources.find(key);
    if (it == m_sources.end())
        return false;
    if (!m_alive(key.first, it->second.owner.launch)) {
        drop(it, "its server is gone");
        return false;
    }
    Source& s = it->second;
    if (!s.enabled) {
        // Only a function that cannot mask gets here: the controller has the vector disabled.
        emit(tp::interrupt_raise, s, key.second, { TraceField::dec("count", s.count), TraceField::text("state", "dropped_disabled") });
        return true;
    }
    ++s.count;
    s.time = m_scheduler.now();
    char const* state = s.action_id == 0 ? "no_handler" : (s.in_flight || s.scheduled) ? "coalesced" : "queued";
    emit(tp::interrupt_raise, s, key.second, { TraceField::dec("count", s.count), TraceField::text("state", state) });
    maybe_deliver(key);
    return true;
}

void InterruptModel::maybe_deliver(Key key)
{
    auto it = m_sources.find(key);
    if (it == m_sources.end())
        return;
    Source& s = it->second;
    if (s.count == 0 || s.action_id == 0 || s.in_flight || s.scheduled)
        return;
    // In its own event: never while the dext waits for a reply (a raise can come from inside a
    // dext's call, when unmasking releases a pending message, and CheckForWork is a call).
    s.scheduled = true;
    int launch = s.owner.launch;
    m_scheduler.schedule_after(0, [this, key, launch] { deliver_now(key, launch); });
}

void InterruptModel::deliver_now(Key key, int launch)
{
    auto it = m_sources.find(key);
    if (it == m_sources.end() || it->second.owner.launch != launch)
        return;
    Source& s = it->second;
    s.scheduled = false;
    if (!m_alive(key.first, launch)) {
        drop(it, "its server is gone");
        return;
    }
    if (s.count == 0 || s.action_id == 0 || s.in_flight)
        return;
    uint64_t const count = s.count;
    s.count = 0;
    s.in_flight = true;
    emit(tp::interrupt_deliver, s, key.second, { TraceField::dec("count", count), TraceField::dec("time", s.time) });
    Caller const owner = s.owner; // the delivery may end the source
    m_deliver(owner, s.action_id, key.second, count, s.time);
}

void InterruptModel::forget_nub(uint64_t nub_id)
{
    for (auto it = m_owners.begin(); it != m_owners.end();) {
        if (it->first.first == nub_id) {
            if (auto s = m_sources.find(it->second); s != m_sources.end())
                s->second.nub_id = 0;
            it = m_owners.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace dextlab::kernel
