#pragma once
// The discrete-event scheduler that drives the whole lab. Events are ordered by
// (time, sequence number); the sequence number is the order in which they were scheduled, so
// two events at the same instant always run in the same order and a seeded run repeats exactly.

#include "inline_function.h"
#include "time.h"

#include <cstdint>
#include <functional>
#include <unordered_set>
#include <vector>

namespace dextlab {

using EventId = uint64_t;

class Scheduler {
public:
    // Room for the captures of the lab's events (an object, an id or two) without a heap block.
    using Action = InlineFunction<void(), 48>;

    VirtualTime now() const { return m_now; }

    // Schedules `action` to run at `when` (never earlier than now()).
    EventId schedule_at(VirtualTime when, Action action);
    EventId schedule_after(Duration delay, Action action) { return schedule_at(m_now + delay, std::move(action)); }
    // Cancels a pending event. Cancelling one that already ran or was cancelled does nothing.
    void cancel(EventId id);

    bool has_pending() { return next_event_time() != UINT64_MAX; }
    // Time of the next pending event, or UINT64_MAX when there is none.
    VirtualTime next_event_time();

    // Runs exactly one event (advancing the clock to it). Returns false if there was none.
    bool step();
    // Runs every event scheduled at or before `deadline`, then sets the clock to `deadline`.
    void run_until(VirtualTime deadline);
    // Runs events until `done()` holds or the clock would pass `deadline`.
    // Returns whether `done()` held.
    bool run_until(std::function<bool()> const& done, VirtualTime deadline);

    uint64_t events_run() const { return m_events_run; }

private:
    // The heap orders small plain entries; each action stays in its slot until it runs. Moving an
    // action costs an indirect call, and a heap sift moves entries several times per event.
    struct Entry {
        VirtualTime when;
        uint64_t sequence; // also the EventId
        uint32_t slot;
    };
    struct Later {
        bool operator()(Entry const& a, Entry const& b) const
        {
            return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
        }
    };
    // Runs twice per event; most of the time nothing is cancelled and there is nothing to do.
    void drop_cancelled_head()
    {
        if (!m_cancelled.empty())
            drop_cancelled_heads();
    }
    void drop_cancelled_heads();
    void pop_head();

    std::vector<Entry> m_heap;
    std::vector<Action> m_slots;
    std::vector<uint32_t> m_free_slots;
    std::unordered_set<EventId> m_cancelled;
    VirtualTime m_now { 0 };
    uint64_t m_next_sequence { 0 };
    uint64_t m_events_run { 0 };
};

} // namespace dextlab
