#pragma once
// The trace points of dext dispatch queues and dispatch sources beyond dext_queue_enqueue and
// dext_queue_run (kernel_model/trace_points.h): DispatchSync, Cancel, timers and data queues.
// Declared once here; the records feed the log, scenario expectations (`event:`), the Chrome
// trace and the GUI alike.

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

// queues (lane: the queue's name)
// dext_queue_run Begin/End with sync=1 also marks a DispatchSync (fields drained, remaining).
inline constexpr TracePoint queue_cancel { "dext_queue_cancel", TraceCategory::Queue };                 // dropped
inline constexpr TracePoint queue_deadlock { "dext_queue_deadlock", TraceCategory::Lifecycle };         // queue, stack, what
inline constexpr TracePoint queue_sync_refused { "dext_queue_sync_refused", TraceCategory::Lifecycle }; // queue, why
// timers (lane: the queue the timer's handler runs on; object IOTimerDispatchSource#n)
inline constexpr TracePoint timer_handler { "timer_set_handler", TraceCategory::Queue };               // action
inline constexpr TracePoint timer_arm { "timer_arm", TraceCategory::Queue };                           // clock, deadline, leeway, in, replaced
inline constexpr TracePoint timer_fire { "timer_fire", TraceCategory::Queue };                         // deadline, delivered | held | no_handler
inline constexpr TracePoint timer_enable { "timer_enable", TraceCategory::Queue };                     // enabled
inline constexpr TracePoint timer_cancel { "timer_cancel", TraceCategory::Queue };                     // was_armed
// data queues (lane and object: dataqueue-<buffer id>); head, tail, capacity, used and entries
// are counters a GUI can plot; data is the entry's first bytes in hex.
inline constexpr TracePoint dataqueue_create { "dataqueue_create", TraceCategory::Queue };             // capacity, queue
inline constexpr TracePoint dataqueue_enqueue { "dataqueue_enqueue", TraceCategory::Queue };           // status, size, offset, head, tail, capacity, used, entries, data
inline constexpr TracePoint dataqueue_dequeue { "dataqueue_dequeue", TraceCategory::Queue };           // same fields
inline constexpr TracePoint dataqueue_notify { "dataqueue_notify", TraceCategory::Queue };             // what, delivered
inline constexpr TracePoint dataqueue_error { "dataqueue_error", TraceCategory::Lifecycle };           // what

} // namespace dextlab::kernel::tp
