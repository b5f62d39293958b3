#pragma once
// IODataQueueDispatchSource's ring operations, by function pointer, for the block-taking
// methods (data_queue_blocks.cpp) and for tests without blocks.

#include <DriverKit/IODataQueueDispatchSource.h>

#include <cstddef>

namespace dextlab::sdk {

using DataQueueWrite = void (*)(void* context, void* data, size_t size);
using DataQueueRead = void (*)(void* context, const void* data, size_t size);

// EnqueueWithCoalesce: `*send_available` is set when DataAvailable is due (never cleared).
kern_return_t data_queue_enqueue(IODataQueueDispatchSource* source, uint32_t size, bool* send_available,
    DataQueueWrite write, void* context);
// DequeueWithCoalesce, or Peek when `peek` (the head stays, nothing is due).
kern_return_t data_queue_dequeue(IODataQueueDispatchSource* source, bool* send_serviced, bool peek,
    DataQueueRead read, void* context);

} // namespace dextlab::sdk
