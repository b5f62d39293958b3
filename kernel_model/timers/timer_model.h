#pragma once
// The kernel's half of IOTimerDispatchSource: one-shot wake-ups on the lab's scheduler. A dext's
// timer source sends SetHandler, WakeAtTime, SetEnableWithCompletion and Cancel here; when a
// deadline is reached the model asks its owner to deliver TimerOccurred through the handler's
// OSAction (Kernel: an Invoke to the dext, as a USB completion travels).
//
// Semantics (IOTimerDispatchSource.iig): a new source is enabled; WakeAtTime replaces a deadline
// not yet reached; the wake-up is one-shot; leeway is accepted and not used (the lab fires at
// the deadline, so runs repeat exactly); every clock id reads the virtual nanosecond clock, as
// mach_absolute_time() does in the lab. A deadline reached while the source is disabled is
// held and delivered when it is enabled again (a dispatch source resumed after a suspension
// delivers what it missed). Each timer belongs to one launch of its server: a relaunched
// process never gets a callback armed by the one that died.

#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

namespace dextlab::kernel {

class TimerModel {
public:
    // Who a call comes from: the server (tag), which launch of it, and its name for traces.
    struct Caller {
        uint64_t server_tag { 0 };
        int launch { 0 };
        std::string process;
    };
    // Delivers TimerOccurred(action, time) to `source`'s server.
    using Deliver = std::function<void(Caller const& caller, uint64_t action_id, uint64_t source_id, VirtualTime time)>;
    // Whether that launch of that server still runs.
    using Alive = std::function<bool(uint64_t server_tag, int launch)>;

    TimerModel(Scheduler& scheduler, TraceBus& trace, Deliver deliver, Alive alive);

    // Each returns an IOReturn for the dext.
    uint32_t set_handler(Caller const& caller, uint64_t source_id, uint64_t action_id, std::string const& queue);
    uint32_t wake_at(Caller const& caller, uint64_t source_id, uint64_t clock, uint64_t deadline, uint64_t leeway, std::string const& queue);
    uint32_t set_enabled(Caller const& caller, uint64_t source_id, bool enabled, std::string const& queue);
    uint32_t cancel(Caller const& caller, uint64_t source_id);

    // Wake-ups scheduled and not yet reached (for tests and the GUI).
    size_t armed() const;
    static char const* clock_name(uint64_t clock); // nullptr for an unknown clock id

private:
    struct Timer {
        Caller owner;
        uint64_t action_id { 0 };
        std::string queue;
        bool enabled { true };
        bool armed { false };
        bool held { false }; // the deadline passed while disabled
        uint64_t clock { 0 };
        VirtualTime deadline { 0 };
        uint64_t leeway { 0 };
        EventId event { 0 };
    };
    using Key = std::pair<uint64_t, uint64_t>; // server tag, source id

    // The timer of `source`, made afresh for a new launch of its server.
    Timer& timer_for(Caller const& caller, uint64_t source_id, std::string const& queue);
    void fire(Key key, int launch);
    void deliver(Key key, Timer& timer);
    void emit(TracePoint const& point, Timer const& timer, uint64_t source_id, std::vector<TraceField> fields);

    Scheduler& m_scheduler;
    TraceBus& m_trace;
    Deliver m_deliver;
    Alive m_alive;
    std::map<Key, Timer> m_timers;
};

} // namespace dextlab::kernel
