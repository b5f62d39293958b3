// Memory descriptors: kernel buffers (shared regions the dext maps) and descriptors made from
// them. The kernel keeps the truth (length, direction, who is using the memory: see
// kernel_model/memory); the runtime keeps what GetLength and GetAddressRange answer without a
// round trip.

#include "ivars.h"

#include <DriverKit/IOBufferMemoryDescriptor.h>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

bool IOMemoryDescriptor::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOMemoryDescriptor_IVars, 1);
    return ivars != nullptr;
}

void IOMemoryDescriptor::free()
{
    IOSafeDeleteNULL(ivars, IOMemoryDescriptor_IVars, 1);
    super::free();
}

kern_return_t IOMemoryDescriptor::GetLength(uint64_t* returnLength)
{
    if (!returnLength || !ivars)
        return kIOReturnBadArgument;
    // A descriptor this runtime made knows its length; one the kernel handed over asks, as
    // DriverKit's GetLength does (_CopyState).
    if (ivars->region_id == 0 && dextlab::sdk::is_proxy(this)) {
        return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOMemoryDescriptor_CopyState, {},
            [&](ipc::WireReader& r) -> kern_return_t {
                auto length = r.u64();
                if (!length)
                    return kIOReturnIPCError;
                *returnLength = length.value();
                return kIOReturnSuccess;
            });
    }
    *returnLength = ivars->length;
    return kIOReturnSuccess;
}

kern_return_t IOMemoryDescriptor::CreateSubMemoryDescriptor(uint64_t memoryDescriptorCreateOptions, uint64_t offset,
    uint64_t length, IOMemoryDescriptor* ofDescriptor, IOMemoryDescriptor** memory)
{
    auto* server = ofDescriptor ? DextServer::of(ofDescriptor) : nullptr;
    if (!memory || !server)
        return kIOReturnBadArgument;
    IOMemoryDescriptor* created = nullptr;
    kern_return_t ret = server->call_kernel(0, ipc::ids::IOMemoryDescriptor_CreateSubMemoryDescriptor,
        [&](ipc::WireWriter& w) {
            w.u64(memoryDescriptorCreateOptions).u64(offset).u64(length);
            server->write_object(w, ofDescriptor);
        },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            auto region = r.u64();
            if (!ref || !region)
                return kIOReturnIPCError;
            created = OSDynamicCast(IOMemoryDescriptor, server->adopt_created(ref.value()));
            if (!created)
                return kIOReturnIPCError;
            created->ivars->length = length;
            created->ivars->region_id = region.value();
            return kIOReturnSuccess;
        });
    if (ret != kIOReturnSuccess)
        return ret;
    *memory = created;
    return kIOReturnSuccess;
}

bool IOBufferMemoryDescriptor::init() { return super::init(); }

void IOBufferMemoryDescriptor::free() { super::free(); }

kern_return_t IOBufferMemoryDescriptor::Create(uint64_t options, uint64_t capacity, uint64_t alignment, IOBufferMemoryDescriptor** memory)
{
    auto* server = DextServer::current();
    if (!memory || !server)
        return kIOReturnBadArgument;
    IOBufferMemoryDescriptor* created = nullptr;
    kern_return_t ret = server->call_kernel(0, ipc::ids::IOBufferMemoryDescriptor_Create,
        [&](ipc::WireWriter& w) { w.u64(options).u64(capacity).u64(alignment); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            auto region = r.u64();
            if (!ref || !region)
                return kIOReturnIPCError;
            created = OSDynamicCast(IOBufferMemoryDescriptor, server->adopt_created(ref.value()));
            if (!created)
                return kIOReturnIPCError;
            auto* base = created->IOMemoryDescriptor::ivars;
            // The region is larger than the capacity (the kernel's guard zone follows it), so a
            // write past the end lands there and is reported, rather than faulting the process.
            base->address = server->map_region(region.value(), capacity);
            base->region_id = region.value();
            base->capacity = capacity;
            base->length = capacity; // as the kernel initialises it (see the .iig)
            return base->address ? kIOReturnSuccess : kIOReturnVMError;
        });
    if (ret != kIOReturnSuccess) {
        if (created)
            created->release();
        return ret;
    }
    *memory = created;
    return kIOReturnSuccess;
}

kern_return_t IOBufferMemoryDescriptor::GetAddressRange(IOAddressSegment* range)
{
    auto* base = IOMemoryDescriptor::ivars;
    if (!range || !base)
        return kIOReturnBadArgument;
    range->address = reinterpret_cast<uint64_t>(base->address);
    range->length = base->length;
    return kIOReturnSuccess;
}

kern_return_t IOBufferMemoryDescriptor::SetLength_Impl(uint64_t length)
{
    auto* base = IOMemoryDescriptor::ivars;
    auto* server = DextServer::of(this);
    if (!base || !server)
        return kIOReturnBadArgument;
    // The kernel answers with the length it kept (it ignores one past the capacity).
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOBufferMemoryDescriptor_SetLength,
        [&](ipc::WireWriter& w) { w.u64(length); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto kept = r.u64();
            if (!kept)
                return kIOReturnIPCError;
            base->length = kept.value();
            return kIOReturnSuccess;
        });
}

namespace dextlab::sdk {

IOMemoryDescriptor* read_lent_memory(DextServer& server, ipc::WireReader& args)
{
    auto ref = args.object();
    auto region = args.u64();
    auto length = args.u64();
    if (!ref || !region || !length || ref.value().id == 0)
        return nullptr;
    auto* memory = OSDynamicCast(IOMemoryDescriptor, server.object_for(ref.value()));
    if (memory && memory->IOMemoryDescriptor::ivars && !memory->IOMemoryDescriptor::ivars->address) {
        auto* base = memory->IOMemoryDescriptor::ivars;
        base->address = server.map_region(region.value(), length.value());
        base->region_id = region.value();
        base->capacity = length.value();
        base->length = length.value();
    }
    return memory;
}

} // namespace dextlab::sdk
