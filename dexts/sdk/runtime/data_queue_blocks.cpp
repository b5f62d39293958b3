// IODataQueueDispatchSource's block-taking methods (clang with -fblocks only): the blocks are
// called while the ring operation runs, with the entry's bytes in the shared memory.

#include "data_queue_source.h"

#if !__BLOCKS__
#error "data_queue_blocks.cpp needs a compiler with blocks (clang -fblocks)"
#endif

namespace {

void call_enqueue_block(void* context, void* data, size_t size)
{
    reinterpret_cast<IODataQueueClientEnqueueEntryBlock>(context)(data, size);
}

void call_dequeue_block(void* context, const void* data, size_t size)
{
    reinterpret_cast<IODataQueueClientDequeueEntryBlock>(context)(data, size);
}

} // namespace

kern_return_t IODataQueueDispatchSource::EnqueueWithCoalesce(uint32_t dataSize, bool* sendDataAvailable,
    IODataQueueClientEnqueueEntryBlock callback)
{
    if (!callback)
        return kIOReturnBadArgument;
    return dextlab::sdk::data_queue_enqueue(this, dataSize, sendDataAvailable, call_enqueue_block, reinterpret_cast<void*>(callback));
}

kern_return_t IODataQueueDispatchSource::Enqueue(uint32_t dataSize, IODataQueueClientEnqueueEntryBlock callback)
{
    bool send = false;
    kern_return_t ret = EnqueueWithCoalesce(dataSize, &send, callback);
    if (send)
        SendDataAvailable();
    return ret;
}

kern_return_t IODataQueueDispatchSource::DequeueWithCoalesce(bool* sendDataServiced, IODataQueueClientDequeueEntryBlock callback)
{
    if (!callback)
        return kIOReturnBadArgument;
    return dextlab::sdk::data_queue_dequeue(this, sendDataServiced, false, call_dequeue_block, reinterpret_cast<void*>(callback));
}

kern_return_t IODataQueueDispatchSource::Dequeue(IODataQueueClientDequeueEntryBlock callback)
{
    bool send = false;
    kern_return_t ret = DequeueWithCoalesce(&send, callback);
    if (send)
        SendDataServiced();
    return ret;
}

kern_return_t IODataQueueDispatchSource::Peek(IODataQueueClientDequeueEntryBlock callback)
{
    if (!callback)
        return kIOReturnBadArgument;
    return dextlab::sdk::data_queue_dequeue(this, nullptr, true, call_dequeue_block, reinterpret_cast<void*>(callback));
}
