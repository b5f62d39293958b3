// IOMemoryMap and IOMemoryDescriptor::CreateMapping. A mapping is a kernel object (it keeps the
// memory it maps alive); the dext sees it inside the shared region it already maps.

#include "ivars.h"
#include "read_only_view.h"

#include <DriverKit/IOMemoryMap.h>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

struct IOMemoryMap_IVars {
    uint64_t address; // where the dext sees the first mapped byte
    uint64_t length;
    uint64_t offset; // within the descriptor, as CreateMapping was given it
    dextlab::sdk::ReadOnlyView view; // a read-only mapping's own pages (none for a writable one)
};

bool IOMemoryMap::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOMemoryMap_IVars, 1);
    return ivars != nullptr;
}

void IOMemoryMap::free()
{
    if (ivars && ivars->view.pages) {
        if (auto* server = DextServer::of(this))
            server->forget_view(ivars->view);
        dextlab::sdk::unmap_read_only_view(ivars->view);
    }
    IOSafeDeleteNULL(ivars, IOMemoryMap_IVars, 1);
    super::free();
}

uint64_t IOMemoryMap::GetAddress() { return ivars ? ivars->address : 0; }

uint64_t IOMemoryMap::GetLength() { return ivars ? ivars->length : 0; }

uint64_t IOMemoryMap::GetOffset() { return ivars ? ivars->offset : 0; }

kern_return_t IOMemoryDescriptor::CreateMapping_Impl(uint64_t options, uint64_t address, uint64_t offset, uint64_t length,
    uint64_t alignment, IOMemoryMap** map)
{
    auto* server = DextServer::of(this);
    if (!map || !server)
        return kIOReturnBadArgument;
    IOMemoryMap* created = nullptr;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOMemoryDescriptor_CreateMapping,
        [&](ipc::WireWriter& w) { w.u64(options).u64(address).u64(offset).u64(length).u64(alignment); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            auto region = r.u64();
            auto region_offset = r.u64(); // of the first mapped byte, in the buffer behind the descriptor
            auto mapped = r.u64();
            if (!ref || !region || !region_offset || !mapped)
                return kIOReturnIPCError;
            bool read_only = false;
            if (!r.at_end()) {
                auto flag = r.u64();
                read_only = flag && flag.value() != 0;
            }
            created = OSDynamicCast(IOMemoryMap, server->adopt_created(ref.value()));
            if (!created)
                return kIOReturnIPCError;
            uint8_t* base = server->map_region(region.value(), region_offset.value() + mapped.value());
            if (!base)
                return kIOReturnVMError;
            created->ivars->address = reinterpret_cast<uint64_t>(base + region_offset.value());
            if (read_only) {
                // Its own read-only pages: a write through them faults, as on macOS.
                auto view = dextlab::sdk::map_read_only_view(base + region_offset.value(), mapped.value(), ref.value().id);
                if (!view)
                    return kIOReturnVMError;
                created->ivars->view = *view;
                created->ivars->address = reinterpret_cast<uint64_t>(view->first);
                server->remember_view(*view);
            }
            created->ivars->length = mapped.value();
            created->ivars->offset = offset;
            return kIOReturnSuccess;
        });
    if (ret != kIOReturnSuccess) {
        if (created)
            created->release();
        return ret;
    }
    *map = created;
    return kIOReturnSuccess;
}
