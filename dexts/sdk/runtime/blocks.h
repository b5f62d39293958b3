#pragma once
// Blocks handed to the runtime: a heap copy owned like any other thing a work item holds.

#include <memory>

#if __BLOCKS__
#include <Block.h>

namespace dextlab::sdk {

// Block_copy now, Block_release when the last owner goes. Call the block through
// reinterpret_cast<TheBlockType>(copy.get()).
template<typename Block>
std::shared_ptr<void> copy_block(Block block)
{
    return std::shared_ptr<void>(reinterpret_cast<void*>(Block_copy(block)), [](void* copy) { Block_release(copy); });
}

} // namespace dextlab::sdk
#endif
