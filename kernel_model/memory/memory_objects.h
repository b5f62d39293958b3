#pragma once
// The memory a dext works with, as the kernel keeps it: buffers the kernel allocated for it
// (IOBufferMemoryDescriptor::Create, IOUSBHostInterface::CreateIOBuffer), windows onto them
// (IOMemoryDescriptor::CreateSubMemoryDescriptor) and mappings (IOMemoryDescriptor::CreateMapping).
//
// An object lives while the dext holds its proxy or something in the kernel holds it: a
// transfer in flight holds its descriptor, a sub-descriptor its parent, a mapping what it maps —
// the references IOKit's own objects would take.

#include "kernel_model/ipc/shared_memory.h"
#include "kernel_model/registry/registry.h"

#include <cstdint>
#include <memory>

namespace dextlab::kernel {

// IOMemoryDescriptor.iig: the direction options of Create and CreateSubMemoryDescriptor.
inline constexpr uint64_t kMemoryDirectionIn = 0x1;  // kIOMemoryDirectionIn: the device writes it
inline constexpr uint64_t kMemoryDirectionOut = 0x2; // kIOMemoryDirectionOut: the device reads it
inline constexpr uint64_t kMemoryDirectionOutIn = kMemoryDirectionIn | kMemoryDirectionOut;

// "kIOMemoryDirectionIn" and friends, for messages.
char const* memory_direction_name(uint64_t direction);

class MemoryObject : public KernelObject {
public:
    uint64_t server_tag { 0 };      // the IOUserServer it belongs to
    bool released_by_dext { false }; // the dext's proxy is gone
    int kernel_holds { 0 };          // transfers, sub-descriptors and mappings using it

    bool in_use() const { return !released_by_dext || kernel_holds > 0; }
    // "IOBufferMemoryDescriptor#12", as traces and messages name it.
    std::string label() const { return class_name() + "#" + std::to_string(id()); }
};

class MemoryDescriptor : public MemoryObject {
public:
    uint64_t direction { 0 }; // kIOMemoryDirection* bits
    uint64_t length { 0 };    // what GetLength answers
};

// Kernel memory shared with one server: `capacity` usable bytes, then a guard zone the dext
// must never write (guard_zone.h).
class BufferDescriptor final : public MemoryDescriptor {
public:
    std::vector<std::string> class_chain() const override
    {
        return { "IOBufferMemoryDescriptor", "IOMemoryDescriptor", "OSObject" };
    }
    std::shared_ptr<ipc::SharedRegion> region; // capacity + guard bytes
    uint64_t capacity { 0 };
    bool created_by_dext { false }; // by its Create (xnu records the creating task), not by the kernel

    uint8_t* guard() const { return region->data() + capacity; }
    size_t guard_size() const { return region->size() - capacity; }
};

// A range of another descriptor (which it holds).
class SubMemoryDescriptor final : public MemoryDescriptor {
public:
    std::vector<std::string> class_chain() const override { return { "IOMemoryDescriptor", "OSObject" }; }
    uint64_t parent_id { 0 };
    uint64_t offset { 0 }; // within the parent
};

// A mapping of a descriptor into the dext (which it holds).
class MemoryMap final : public MemoryObject {
public:
    std::vector<std::string> class_chain() const override { return { "IOMemoryMap", "OSObject" }; }
    uint64_t descriptor_id { 0 };
    uint64_t offset { 0 }; // within the descriptor, as CreateMapping was given it
    uint64_t length { 0 };
    uint64_t options { 0 };
    bool read_only { false };
};

// Where a descriptor's bytes are: a range of one buffer.
struct MemoryWindow {
    BufferDescriptor* buffer { nullptr };
    uint64_t offset { 0 }; // from the buffer's start
    uint64_t length { 0 };

    uint8_t* data() const { return buffer->region->data() + offset; }
};

} // namespace dextlab::kernel
