#include "scheduler.h"

#include <algorithm>
#include <cassert>

namespace dextlab {

EventId Scheduler::schedule_at(VirtualTime when, Action action)
{
    if (when < m_now)
        when = m_now;
    EventId id = ++m_next_sequence;
    uint32_t slot;
    if (!m_free_slots.empty()) {
        slot = m_free_slots.back();
        m_free_slots.pop_back();
        m_slots[slot] = std::move(action);
    } else {
        slot = static_cast<uint32_t>(m_slots.size());
        m_slots.push_back(std::move(action));
    }
    m_heap.push_back(Entry { when, id, slot });
    std::push_heap(m_heap.begin(), m_heap.end(), Later {});
    return id;
}

void Scheduler::cancel(EventId id)
{
    if (id == 0 || id > m_next_sequence)
        return;
    // The heap cannot remove from the middle; the event is skipped when it reaches the top.
    m_cancelled.insert(id);
}

void Scheduler::pop_head()
{
    std::pop_heap(m_heap.begin(), m_heap.end(), Later {});
    m_heap.pop_back();
}

void Scheduler::drop_cancelled_heads()
{
    while (!m_cancelled.empty() && !m_heap.empty()) {
        auto it = m_cancelled.find(m_heap.front().sequence);
        if (it == m_cancelled.end())
            return;
        m_cancelled.erase(it);
        uint32_t slot = m_heap.front().slot;
        pop_head();
        // Whatever the action captured is released now, as when it was a cancelled event.
        Action dropped = std::move(m_slots[slot]);
        m_free_slots.push_back(slot);
    }
}

VirtualTime Scheduler::next_event_time()
{
    drop_cancelled_head();
    return m_heap.empty() ? UINT64_MAX : m_heap.front().when;
}

bool Scheduler::step()
{
    drop_cancelled_head();
    if (m_heap.empty())
        return false;
    Entry const head = m_heap.front();
    pop_head();
    // Move the action out of its slot before running it: it may schedule more events, which
    // may reuse the slot or grow the slot table.
    Action action = std::move(m_slots[head.slot]);
    m_free_slots.push_back(head.slot);
    assert(head.when >= m_now);
    m_now = head.when;
    ++m_events_run;
    action();
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
