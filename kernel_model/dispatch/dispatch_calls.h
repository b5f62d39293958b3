#pragma once
// The kernel's end of dext dispatch queues and dispatch sources: the messages a dext's runtime
// sends about them (DispatchSync, queue Cancel and deadlocks; IOTimerDispatchSource calls;
// IODataQueueDispatchSource operations), routed to the timer model and the data-queue
// observer, and traced. The Kernel hands every Call here first (handle_from_dext).

#include "kernel_model/dispatch/data_queue_observer.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/timers/timer_model.h"

#include <optional>

namespace dextlab::kernel {

class Kernel;
class UserServer;

class DispatchCalls {
public:
    explicit DispatchCalls(Kernel& kernel);

    // The reply to a Call this part of the kernel serves; nothing for any other message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);

    TimerModel const& timers() const { return m_timers; }
    DataQueueObserver const& data_queues() const { return m_rings; }

private:
    ipc::Message queue_report(UserServer& server, ipc::Message const& message);
    ipc::Message timer_call(UserServer& server, ipc::Message const& message);
    ipc::Message data_queue_call(UserServer& server, ipc::Message const& message);
    ipc::Message malformed(UserServer& server, ipc::Message const& message, std::string const& why);
    void deliver_timer(TimerModel::Caller const& caller, uint64_t action_id, uint64_t source_id, VirtualTime time);

    Kernel& m_kernel;
    TimerModel m_timers;
    DataQueueObserver m_rings;
};

} // namespace dextlab::kernel
