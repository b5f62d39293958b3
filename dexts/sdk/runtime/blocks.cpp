// The block-taking DriverKit APIs, built on the function-pointer ones (compiled only when the
// compiler has blocks: clang with -fblocks and Debian's libBlocksRuntime). A block is copied to
// the heap when it is handed over and released after it ran, as libdispatch does.

#include <DriverKit/IODispatchQueue.h>

#include <Block.h>

#if !__BLOCKS__
#error "blocks.cpp needs a compiler with blocks (clang -fblocks); dexts/sdk/CMakeLists.txt adds it only then"
#endif

namespace {

void run_and_release(void* context)
{
    auto block = reinterpret_cast<IODispatchBlock>(context);
    block();
    Block_release(block);
}

} // namespace

void IODispatchQueue::DispatchAsync(IODispatchBlock block)
{
    if (!block)
        return;
    DispatchAsync_f(reinterpret_cast<void*>(Block_copy(block)), run_and_release);
}
