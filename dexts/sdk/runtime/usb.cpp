// USBDriverKit in the dext: IOUSBHostInterface and IOUSBHostPipe are proxies for the kernel's
// USB host model; their methods are messages to it. Completions come back as Invokes on the
// dext's OSAction and are decoded here into IOUSBHostPipe::CompleteAsyncIO calls.

#include "ivars.h"

#include <USBDriverKit/IOUSBHostDevice.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "kernel_model/ipc/method_ids.h"

#include <cstdlib>
#include <cstring>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace {

// The USB callback prototypes this runtime can deliver, registered when libDriverKit loads.
bool const registered = [] {
    dextlab::sdk::register_callback_decoder(IOUSBHostPipe_CompleteAsyncIO_ID,
        [](OSAction* action, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::DecodedCallback> {
            auto status = TRY(args.u64());
            auto actual = TRY(args.u64());
            auto timestamp = TRY(args.u64());
            return dextlab::sdk::DecodedCallback { [action, status, actual, timestamp] {
                IOUSBHostPipe_CompleteAsyncIO_Invocation invocation { action, static_cast<IOReturn>(status),
                    static_cast<uint32_t>(actual), timestamp };
                dextlab::sdk::invoke_action_target(action, &invocation);
            } };
        });
    return true;
}();

} // namespace

kern_return_t IOUSBHostInterface::Open_Impl(IOService* forClient, IOOptionBits options, uint8_t* arg)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_Open, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(options).u64(arg ? *arg : 0);
    });
}

kern_return_t IOUSBHostInterface::Close_Impl(IOService* forClient, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_Close, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(options);
    });
}

kern_return_t IOUSBHostInterface::CopyPipe_Impl(uint8_t address, IOUSBHostPipe** pipe)
{
    if (!pipe)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_CopyPipe,
        [&](ipc::WireWriter& w) { w.u64(address); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            if (!ref)
                return kIOReturnIPCError;
            auto* copied = OSDynamicCast(IOUSBHostPipe, server->object_for(ref.value()));
            if (!copied)
                return kIOReturnIPCError;
            copied->retain(); // Copy: the caller owns a reference
            *pipe = copied;
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostInterface::CopyDevice_Impl(IOUSBHostDevice** device)
{
    if (!device)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_CopyDevice, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto ref = r.object();
            if (!ref)
                return kIOReturnIPCError;
            auto* copied = OSDynamicCast(IOUSBHostDevice, server->object_for(ref.value()));
            if (!copied)
                return kIOReturnIPCError;
            copied->retain(); // Copy: the caller owns a reference
            *device = copied;
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostInterface::CreateIOBuffer(IOOptionBits options, uint64_t capacity, IOBufferMemoryDescriptor** buffer)
{
    return IOBufferMemoryDescriptor::Create(options, capacity, 0, buffer);
}

const IOUSBConfigurationDescriptor* IOUSBHostInterface::CopyConfigurationDescriptor()
{
    auto* server = DextServer::of(this);
    IOUSBConfigurationDescriptor* copy = nullptr;
    server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_CopyConfigurationDescriptor, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto bytes = r.bytes();
            if (!bytes || bytes.value().size() < sizeof(IOUSBConfigurationDescriptor))
                return kIOReturnIPCError;
            copy = static_cast<IOUSBConfigurationDescriptor*>(std::malloc(bytes.value().size()));
            std::memcpy(copy, bytes.value().data(), bytes.value().size());
            return kIOReturnSuccess;
        });
    return copy;
}

const IOUSBInterfaceDescriptor* IOUSBHostInterface::GetInterfaceDescriptor(const IOUSBConfigurationDescriptor* configurationDescriptor)
{
    // The interface number and alternate setting are properties of this nub; the kernel
    // publishes them, and the descriptor is the matching one inside the configuration.
    auto* server = DextServer::of(this);
    uint64_t number = 0, alternate = 0;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostInterface_CopyConfigurationDescriptor, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            if (!r.bytes())
                return kIOReturnIPCError;
            auto n = r.u64();
            auto a = r.u64();
            if (!n || !a)
                return kIOReturnIPCError;
            number = n.value();
            alternate = a.value();
            return kIOReturnSuccess;
        });
    if (ret != kIOReturnSuccess)
        return nullptr;
    const IOUSBInterfaceDescriptor* d = nullptr;
    while ((d = IOUSBGetNextInterfaceDescriptor(configurationDescriptor, reinterpret_cast<const IOUSBDescriptorHeader*>(d)))) {
        if (d->bInterfaceNumber == number && d->bAlternateSetting == alternate)
            return d;
    }
    return nullptr;
}

kern_return_t IOUSBHostPipe::Abort_Impl(IOOptionBits options, kern_return_t withError, IOService* forClient)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostPipe_Abort, [&](ipc::WireWriter& w) {
        w.u64(options).u64(static_cast<uint32_t>(withError));
        server->write_object(w, forClient);
    });
}

kern_return_t IOUSBHostPipe::AsyncIO_Impl(IOMemoryDescriptor* dataBuffer, uint32_t dataBufferLength, OSAction* completion,
    uint32_t completionTimeoutMs)
{
    auto* server = DextServer::of(this);
    if (!completion)
        return kIOReturnBadArgument;
    // The kernel keeps a reference on the action until the completion is delivered.
    completion->retain();
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostPipe_AsyncIO, [&](ipc::WireWriter& w) {
        server->write_object(w, dataBuffer);
        w.u64(dataBufferLength);
        server->write_object(w, completion);
        w.u64(completionTimeoutMs);
    });
    if (ret != kIOReturnSuccess)
        completion->release();
    return ret;
}

kern_return_t IOUSBHostPipe::GetDescriptors_Impl(IOUSBStandardEndpointDescriptors* descriptors, IOUSBGetEndpointDescriptorOptions options)
{
    if (!descriptors)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostPipe_GetDescriptors,
        [&](ipc::WireWriter& w) { w.u64(options); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto bytes = r.bytes();
            if (!bytes || bytes.value().size() != sizeof(IOUSBEndpointDescriptor))
                return kIOReturnIPCError;
            std::memset(descriptors, 0, sizeof *descriptors);
            std::memcpy(&descriptors->descriptor, bytes.value().data(), sizeof(IOUSBEndpointDescriptor));
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostPipe::ClearStall_Impl(bool withRequest)
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostPipe_ClearStall,
        [&](ipc::WireWriter& w) { w.u64(withRequest ? 1 : 0); });
}

extern "C" void IOUSBHostFreeDescriptor(const void* descriptor) { std::free(const_cast<void*>(descriptor)); }
