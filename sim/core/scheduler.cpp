#include "scheduler.h"

#include <cassert>

namespace dextlab {

EventId Scheduler::schedule_at(VirtualTime when, Action action)
{
    if (when < m_now)
        when = m_now;
    EventId id = ++m_next_sequence;
    m_queue.push(Event { when, id, id, std::move(action) });
    return id;
}

void Scheduler::cancel(EventId id)
{
    if (id == 0 || id > m_next_sequence)
        return;
    // The heap cannot remove from the middle; the event is skipped when it reaches the top.
    m_cancelled.insert(id);
}

void Scheduler::drop_cancelled_head()
{
    // Runs twice per event; most of the time nothing is cancelled and there is nothing to look up.
    while (!m_cancelled.empty() && !m_queue.empty()) {
        auto it = m_cancelled.find(m_queue.top().id);
        if (it == m_cancelled.end())
            return;
        m_cancelled.erase(it);
        m_queue.pop();
    }
}

VirtualTime Scheduler::next_event_time()
{
    drop_cancelled_head();
    return m_queue.empty() ? UINT64_MAX : m_queue.top().when;
}

bool Scheduler::step()
{
    drop_cancelled_head();
    if (m_queue.empty())
        return false;
    // Move the event out before running it: the action may schedule more events.
    Event event = std::move(const_cast<Event&>(m_queue.top()));
    m_queue.pop();
    assert(event.when >= m_now);
    m_now = event.when;
    ++m_events_run;
    event.action();
    return true;
}

void Scheduler::run_until(VirtualTime deadline)
{
    while (next_event_time() <= deadline)
        step();
    if (deadline > m_now)
        m_now = deadline;
}

bool Scheduler::run_until(std::function<bool()> const& done, VirtualTime deadline)
{
    while (!done()) {
        if (next_event_time() > deadline) {
            if (deadline > m_now)
                m_now = deadline;
            return false;
        }
        step();
    }
    return true;
}

} // namespace dextlab
