// PCIDriverKit in the dext: IOPCIDevice is a proxy for the kernel's PCI host
// (kernel_model/pci). Open and Close are IOPCIFamily's private _ManageSession; every
// configuration and memory accessor is one _MemoryAccess call with PCIDriverKit's operation
// word (PCIDriverKitPrivate.h), exactly as Apple's libPCIDriverKit does for a client with
// IOPCIKernelMemoryAccess — the lab never maps BAR memory into the dext.

#include "ivars.h"

#include <PCIDriverKit/IOPCIDevice.h>

#include "kernel_model/ipc/method_ids.h"

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;
namespace op = dextlab::ipc::ids::pci_access;

struct IOPCIDevice_IVars {
    IOService* client; // retained from Open until Close (or free)
};

namespace {

// One _MemoryAccess; the status, and *read filled when the call succeeded.
kern_return_t memory_access(IOPCIDevice* device, uint64_t operation, uint64_t offset, uint64_t data, uint64_t* read,
    IOOptionBits options)
{
    auto* server = DextServer::of(device);
    IOService* client = device->ivars ? device->ivars->client : nullptr;
    return server->call_kernel(device->__dextlab_object_id, ipc::ids::IOPCIDevice_MemoryAccess,
        [&](ipc::WireWriter& w) {
            w.u64(operation).u64(offset).u64(data);
            server->write_object(w, client);
            w.u64(options);
        },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto value = r.u64();
            if (value && read)
                *read = value.value();
            return kIOReturnSuccess;
        });
}

template<typename T>
void read_into(IOPCIDevice* device, uint64_t operation, uint64_t offset, T* readData, IOOptionBits options = 0)
{
    if (!readData)
        return;
    uint64_t value = ~uint64_t { 0 };
    if (memory_access(device, operation, offset, 0, &value, options) != kIOReturnSuccess)
        value = ~uint64_t { 0 }; // "-1 is written to readData on error"
    *readData = static_cast<T>(value);
}

} // namespace

bool IOPCIDevice::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOPCIDevice_IVars, 1);
    return ivars != nullptr;
}

void IOPCIDevice::free()
{
    if (ivars)
        OSSafeReleaseNULL(ivars->client);
    IOSafeDeleteNULL(ivars, IOPCIDevice_IVars, 1);
    super::free();
}

// ---- the session ----

kern_return_t IOPCIDevice::Open(IOService* forClient, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    if (!forClient || !server)
        return kIOReturnBadArgument;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_ManageSession, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(1).u64(options);
    });
    if (ret != kIOReturnSuccess)
        return ret;
    if (ivars->client != forClient) {
        forClient->retain();
        OSSafeReleaseNULL(ivars->client);
        ivars->client = forClient;
    }
    return kIOReturnSuccess;
}

void IOPCIDevice::Close(IOService* forClient, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    if (!server || !forClient || ivars->client != forClient)
        return;
    server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_ManageSession, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(0).u64(options);
    });
    OSSafeReleaseNULL(ivars->client);
}

// ---- configuration space ----

void IOPCIDevice::ConfigurationRead32(uint64_t offset, uint32_t* readData) { read_into(this, op::ConfigurationRead | op::Size32, offset, readData); }
void IOPCIDevice::ConfigurationRead16(uint64_t offset, uint16_t* readData) { read_into(this, op::ConfigurationRead | op::Size16, offset, readData); }
void IOPCIDevice::ConfigurationRead8(uint64_t offset, uint8_t* readData) { read_into(this, op::ConfigurationRead | op::Size8, offset, readData); }

void IOPCIDevice::ConfigurationWrite32(uint64_t offset, uint32_t data)
{
    memory_access(this, op::ConfigurationWrite | op::Size32, offset, data, nullptr, 0);
}

void IOPCIDevice::ConfigurationWrite16(uint64_t offset, uint16_t data)
{
    memory_access(this, op::ConfigurationWrite | op::Size16, offset, data, nullptr, 0);
}

void IOPCIDevice::ConfigurationWrite8(uint64_t offset, uint8_t data)
{
    memory_access(this, op::ConfigurationWrite | op::Size8, offset, data, nullptr, 0);
}

// ---- device memory ----

void IOPCIDevice::MemoryRead64(uint8_t memoryIndex, uint64_t offset, uint64_t* readData, IOOptionBits options)
{
    read_into(this, op::DeviceRead | op::Size64 | memoryIndex, offset, readData, options);
}
void IOPCIDevice::MemoryRead64(uint8_t memoryIndex, uint64_t offset, uint64_t* readData) { MemoryRead64(memoryIndex, offset, readData, 0); }

void IOPCIDevice::MemoryRead32(uint8_t memoryIndex, uint64_t offset, uint32_t* readData, IOOptionBits options)
{
    read_into(this, op::DeviceRead | op::Size32 | memoryIndex, offset, readData, options);
}
void IOPCIDevice::MemoryRead32(uint8_t memoryIndex, uint64_t offset, uint32_t* readData) { MemoryRead32(memoryIndex, offset, readData, 0); }

void IOPCIDevice::MemoryRead16(uint8_t memoryIndex, uint64_t offset, uint16_t* readData, IOOptionBits options)
{
    read_into(this, op::DeviceRead | op::Size16 | memoryIndex, offset, readData, options);
}
void IOPCIDevice::MemoryRead16(uint8_t memoryIndex, uint64_t offset, uint16_t* readData) { MemoryRead16(memoryIndex, offset, readData, 0); }

void IOPCIDevice::MemoryRead8(uint8_t memoryIndex, uint64_t offset, uint8_t* readData, IOOptionBits options)
{
    read_into(this, op::DeviceRead | op::Size8 | memoryIndex, offset, readData, options);
}
void IOPCIDevice::MemoryRead8(uint8_t memoryIndex, uint64_t offset, uint8_t* readData) { MemoryRead8(memoryIndex, offset, readData, 0); }

void IOPCIDevice::MemoryWrite64(uint8_t memoryIndex, uint64_t offset, uint64_t data, IOOptionBits options)
{
    memory_access(this, op::DeviceWrite | op::Size64 | memoryIndex, offset, data, nullptr, options);
}
void IOPCIDevice::MemoryWrite64(uint8_t memoryIndex, uint64_t offset, uint64_t data) { MemoryWrite64(memoryIndex, offset, data, 0); }

void IOPCIDevice::MemoryWrite32(uint8_t memoryIndex, uint64_t offset, uint32_t data, IOOptionBits options)
{
    memory_access(this, op::DeviceWrite | op::Size32 | memoryIndex, offset, data, nullptr, options);
}
void IOPCIDevice::MemoryWrite32(uint8_t memoryIndex, uint64_t offset, uint32_t data) { MemoryWrite32(memoryIndex, offset, data, 0); }

void IOPCIDevice::MemoryWrite16(uint8_t memoryIndex, uint64_t offset, uint16_t data, IOOptionBits options)
{
    memory_access(this, op::DeviceWrite | op::Size16 | memoryIndex, offset, data, nullptr, options);
}
void IOPCIDevice::MemoryWrite16(uint8_t memoryIndex, uint64_t offset, uint16_t data) { MemoryWrite16(memoryIndex, offset, data, 0); }

void IOPCIDevice::MemoryWrite8(uint8_t memoryIndex, uint64_t offset, uint8_t data, IOOptionBits options)
{
    memory_access(this, op::DeviceWrite | op::Size8 | memoryIndex, offset, data, nullptr, options);
}
void IOPCIDevice::MemoryWrite8(uint8_t memoryIndex, uint64_t offset, uint8_t data) { MemoryWrite8(memoryIndex, offset, data, 0); }

// ---- kernel methods ----

kern_return_t IOPCIDevice::FindPCICapability_Impl(uint32_t capabilityID, uint64_t searchOffset, uint64_t* foundCapabilityOffset)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_FindPCICapability,
        [&](ipc::WireWriter& w) { w.u64(capabilityID).u64(searchOffset); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto found = r.u64();
            if (!found)
                return kIOReturnIPCError;
            if (foundCapabilityOffset)
                *foundCapabilityOffset = found.value();
            return kIOReturnSuccess;
        });
}

kern_return_t IOPCIDevice::GetBusDeviceFunction_Impl(uint8_t* returnBusNumber, uint8_t* returnDeviceNumber, uint8_t* returnFunctionNumber)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_GetBusDeviceFunction, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto bus = r.u64();
            auto device = r.u64();
            auto function = r.u64();
            if (!bus || !device || !function)
                return kIOReturnIPCError;
            if (returnBusNumber)
                *returnBusNumber = static_cast<uint8_t>(bus.value());
            if (returnDeviceNumber)
                *returnDeviceNumber = static_cast<uint8_t>(device.value());
            if (returnFunctionNumber)
                *returnFunctionNumber = static_cast<uint8_t>(function.value());
            return kIOReturnSuccess;
        });
}

kern_return_t IOPCIDevice::GetBARInfo_Impl(uint8_t barIndex, uint8_t* memoryIndex, uint64_t* barSize, uint8_t* barType)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_GetBARInfo, [&](ipc::WireWriter& w) { w.u64(barIndex); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto index = r.u64();
            auto size = r.u64();
            auto type = r.u64();
            if (!index || !size || !type)
                return kIOReturnIPCError;
            if (memoryIndex)
                *memoryIndex = static_cast<uint8_t>(index.value());
            if (barSize)
                *barSize = size.value();
            if (barType)
                *barType = static_cast<uint8_t>(type.value());
            return kIOReturnSuccess;
        });
}

kern_return_t IOPCIDevice::ConfigureInterrupts_Impl(uint32_t interruptType, uint32_t numRequired, uint32_t numRequested, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_ConfigureInterrupts,
        [&](ipc::WireWriter& w) { w.u64(interruptType).u64(numRequired).u64(numRequested).u64(options); });
}

kern_return_t IOPCIDevice::_CopyDeviceMemoryWithIndex_Impl(uint64_t memoryIndex, IOMemoryDescriptor** returnMemory, IOService* forClient)
{
    if (returnMemory)
        *returnMemory = nullptr;
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOPCIDevice_CopyDeviceMemoryWithIndex, [&](ipc::WireWriter& w) {
        w.u64(memoryIndex);
        server->write_object(w, forClient);
    });
}
