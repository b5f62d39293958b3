// Memory descriptors: kernel-allocated shared regions mapped into the dext.

#include "ivars.h"

#include <DriverKit/IOBufferMemoryDescriptor.h>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;

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
    *returnLength = ivars->length;
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
    kern_return_t ret = server->call_kernel(0, dextlab::ipc::ids::IOBufferMemoryDescriptor_Create,
        [&](dextlab::ipc::WireWriter& w) { w.u64(options).u64(capacity).u64(alignment); },
        [&](dextlab::ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            auto region = r.u64();
            if (!ref || !region)
                return kIOReturnIPCError;
            created = OSDynamicCast(IOBufferMemoryDescriptor, server->object_for(ref.value()));
            if (!created)
                return kIOReturnIPCError;
            auto* base = created->IOMemoryDescriptor::ivars;
            base->address = server->map_region(region.value(), capacity);
            base->region_id = region.value();
            base->capacity = capacity;
            base->length = capacity; // as the kernel initialises it (see the .iig)
            return base->address || capacity == 0 ? kIOReturnSuccess : kIOReturnVMError;
        });
    if (ret != kIOReturnSuccess)
        return ret;
    created->retain(); // the caller's reference; the server's table keeps the kernel's
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

kern_return_t IOBufferMemoryDescriptor::SetLength(uint64_t length)
{
    auto* base = IOMemoryDescriptor::ivars;
    if (!base || length > base->capacity)
        return kIOReturnBadArgument;
    base->length = length;
    return kIOReturnSuccess;
}
