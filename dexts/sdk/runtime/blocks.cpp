// The block-taking DriverKit APIs, built on the runtime's queue machinery (compiled only when
// the compiler has blocks: clang with -fblocks and Debian's libBlocksRuntime). A block is copied
// to the heap when it is handed over and released when the work item that holds it goes — after
// it ran, or when it was dropped (a canceled queue) — as libdispatch does.

#include "blocks.h"
#include "ivars.h"

#if !__BLOCKS__
#error "blocks.cpp needs a compiler with blocks (clang -fblocks); dexts/sdk/CMakeLists.txt adds it only then"
#endif

using dextlab::sdk::DextServer;

void IODispatchQueue::DispatchAsync(IODispatchBlock block)
{
    auto* server = DextServer::of(this);
    if (!block || !server || !ivars || !ivars->state)
        return;
    server->enqueue(ivars->state, [copy = dextlab::sdk::copy_block(block), queue = dextlab::sdk::hold(this)] {
        reinterpret_cast<IODispatchBlock>(copy.get())();
    });
}

void IODispatchQueue::DispatchSync(IODispatchBlock block)
{
    auto* server = DextServer::of(this);
    if (!block || !server || !ivars || !ivars->state)
        return;
    auto queue = dextlab::sdk::hold(this);
    server->dispatch_sync(ivars->state, [block] { block(); });
}

kern_return_t IODispatchQueue::RunAction(IODispatchAction action)
{
    auto* server = DextServer::of(this);
    if (!action || !server || !ivars || !ivars->state)
        return kIOReturnBadArgument;
    auto queue = dextlab::sdk::hold(this);
    kern_return_t result = kIOReturnCannotLock;
    server->dispatch_sync(ivars->state, [&] { result = action(); });
    return result;
}

kern_return_t IODispatchQueue::Cancel(IODispatchQueueCancelHandler handler)
{
    auto* server = DextServer::of(this);
    if (!server || !ivars || !ivars->state)
        return kIOReturnBadArgument;
    dextlab::sdk::WorkItem work;
    if (handler)
        work = [copy = dextlab::sdk::copy_block(handler), queue = dextlab::sdk::hold(this)] {
            reinterpret_cast<IODispatchQueueCancelHandler>(copy.get())();
        };
    server->cancel_queue(ivars->state, std::move(work));
    return kIOReturnSuccess;
}
