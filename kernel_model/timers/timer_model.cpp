#include "timer_model.h"

#include "kernel_model/dispatch/trace_points.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/message.h"

#include <algorithm>

namespace dextlab::kernel {

TimerModel::TimerModel(Scheduler& scheduler, TraceBus& trace, Deliver deliver, Alive alive)
    : m_scheduler(scheduler)
    , m_trace(trace)
    , m_deliver(std::move(deliver))
    , m_alive(std::move(alive))
{
}

char const* TimerModel::clock_name(uint64_t clock)
{
    // IOTimerDispatchSource.h: the values WakeAtTime's `options` takes (RealTime and WallTime
    // are one clock).
    switch (clock) {
    case 0x88: return "UptimeRaw";
    case 0x84: return "MonotonicRaw";
    case 0x80: return "RealTime";
    case 0xC8: return "MachAbsoluteTime";
    case 0xC4: return "MachContinuousTime";
    default: return nullptr;
    }
}

size_t TimerModel::armed() const
{
    return static_cast<size_t>(std::count_if(m_timers.begin(), m_timers.end(), [](auto const& entry) { return entry.second.armed; }));
}

TimerModel::Timer& TimerModel::timer_for(Caller const& caller, uint64_t source_id, std::string const& queue)
{
    Timer& timer = m_timers[Key { caller.server_tag, source_id }];
    if (timer.owner.server_tag == 0 || timer.owner.launch != caller.launch) {
        if (timer.armed)
            m_scheduler.cancel(timer.event);
        timer = Timer {};
        timer.owner = caller;
    }
    if (!queue.empty())
        timer.queue = queue;
    return timer;
}

void TimerModel::emit(TracePoint const& point, Timer const& timer, uint64_t source_id, std::vector<TraceField> fields)
{
    // Every arming and firing passes here: the record's strings are made only if it is wanted.
    m_trace.emit_lazily(point, [&] {
        return TraceArgs { timer.owner.process, timer.queue.empty() ? "timers" : timer.queue,
            "IOTimerDispatchSource#" + std::to_string(source_id & ~ipc::kDextObjectBit), std::move(fields) };
    });
}

uint32_t TimerModel::set_handler(Caller const& caller, uint64_t source_id, uint64_t action_id, std::string const& queue)
{
    if (action_id == 0)
        return ipc::kr::BadArgument;
    Timer& timer = timer_for(caller, source_id, queue);
    timer.action_id = action_id;
    emit(tp::timer_handler, timer, source_id, { TraceField::hex("action", action_id & ~ipc::kDextObjectBit) });
    return ipc::kr::Success;
}

uint32_t TimerModel::wake_at(Caller const& caller, uint64_t source_id, uint64_t clock, uint64_t deadline, uint64_t leeway,
    std::string const& queue)
{
    char const* clock_text = clock_name(clock);
    if (!clock_text)
        return ipc::kr::BadArgument;
    Timer& timer = timer_for(caller, source_id, queue);
    bool replaced = timer.armed;
    if (timer.armed)
        m_scheduler.cancel(timer.event); // "a timer already scheduled but not fired will not fire"
    timer.armed = true;
    timer.held = false;
    timer.clock = clock;
    timer.deadline = deadline;
    timer.leeway = leeway;
    // A deadline already past fires at once, in its own event (never inside the dext's call).
    VirtualTime when = std::max<VirtualTime>(deadline, m_scheduler.now());
    Key key { caller.server_tag, source_id };
    int launch = caller.launch;
    timer.event = m_scheduler.schedule_at(when, [this, key, launch] { fire(key, launch); });
    emit(tp::timer_arm, timer, source_id,
        { TraceField::text("clock", clock_text), TraceField::dec("deadline", deadline), TraceField::dec("leeway", leeway),
            TraceField::dec("in", when - m_scheduler.now()), TraceField::dec("replaced", replaced ? 1 : 0) });
    return ipc::kr::Success;
}

void TimerModel::fire(Key key, int launch)
{
    auto it = m_timers.find(key);
    if (it == m_timers.end() || it->second.owner.launch != launch || !it->second.armed)
        return;
    Timer& timer = it->second;
    timer.armed = false;
    if (!m_alive(key.first, launch)) {
        m_timers.erase(it); // the process that armed it is gone
        return;
    }
    if (!timer.enabled) {
        timer.held = true;
        emit(tp::timer_fire, timer, key.second, { TraceField::dec("deadline", timer.deadline), TraceField::dec("held", 1) });
        return;
    }
    deliver(key, timer);
}

void TimerModel::deliver(Key key, Timer& timer)
{
    if (timer.action_id == 0) {
        emit(tp::timer_fire, timer, key.second, { TraceField::dec("deadline", timer.deadline), TraceField::dec("no_handler", 1) });
        return;
    }
    emit(tp::timer_fire, timer, key.second, { TraceField::dec("deadline", timer.deadline), TraceField::dec("delivered", 1) });
    m_deliver(timer.owner, timer.action_id, key.second, m_scheduler.now());
}

uint32_t TimerModel::set_enabled(Caller const& caller, uint64_t source_id, bool enabled, std::string const& queue)
{
    Timer& timer = timer_for(caller, source_id, queue);
    timer.enabled = enabled;
    emit(tp::timer_enable, timer, source_id, { TraceField::dec("enabled", enabled ? 1 : 0) });
    if (enabled && timer.held) {
        // What the source missed while disabled, in its own event.
        timer.held = false;
        Key key { caller.server_tag, source_id };
        int launch = caller.launch;
        m_scheduler.schedule_after(0, [this, key, launch] {
            auto it = m_timers.find(key);
            if (it != m_timers.end() && it->second.owner.launch == launch && it->second.enabled && m_alive(key.first, launch))
                deliver(key, it->second);
        });
    }
    return ipc::kr::Success;
}

uint32_t TimerModel::cancel(Caller const& caller, uint64_t source_id)
{
    auto it = m_timers.find(Key { caller.server_tag, source_id });
    if (it == m_timers.end() || it->second.owner.launch != caller.launch)
        return ipc::kr::Success; // never armed, or armed by a process that is gone
    Timer timer = it->second;
    if (timer.armed)
        m_scheduler.cancel(timer.event);
    m_timers.erase(it);
    emit(tp::timer_cancel, timer, source_id, { TraceField::dec("was_armed", timer.armed ? 1 : 0) });
    return ipc::kr::Success;
}

} // namespace dextlab::kernel
