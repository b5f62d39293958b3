#pragma once
// What a dext's runtime reports about its dispatch queues: a one-way Call to the kernel with
// msgid ids::IODispatchQueue_DispatchSync, target the queue's id, and the fields
// str queue name, u64 owner object, u64 phase (below), u64 count, str text.

#include <cstdint>

namespace dextlab::ipc {

enum QueueReport : uint64_t {
    kQueueSyncBegin = 0,   // a DispatchSync starts; count: items drained before its work
    kQueueSyncEnd = 1,     // it ended; count: items still queued
    kQueueDeadlock = 2,    // a DispatchSync onto a queue on the stack; text: the queues on it
    kQueueCanceled = 3,    // IODispatchQueue::Cancel; count: items dropped
    kQueueSyncRefused = 4, // a DispatchSync that can never run (canceled queue); text: why
};

} // namespace dextlab::ipc
