// USBDriverKit's IOUSBHostDevice in the dext: a proxy for the kernel's device nub. Its message
// methods are calls to the kernel's USB host (kernel_model/usb_host/usb_device_calls.cpp); the
// LOCALONLY descriptor helpers fetch a descriptor through the kernel's cache and hand the
// caller a malloc'd copy, which IOUSBHostFreeDescriptor frees. AsyncDeviceRequest completions
// come back as Invokes of CompleteAsyncDeviceRequest on the dext's OSAction.

#include "ivars.h"

#include <USBDriverKit/IOUSBHostDevice.h>
#include <USBDriverKit/IOUSBHostInterface.h>

#include "kernel_model/ipc/method_ids.h"

#include <cstdlib>
#include <cstring>
#include <vector>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace {

bool const registered = [] {
    dextlab::sdk::register_callback_decoder(IOUSBHostDevice_CompleteAsyncDeviceRequest_ID,
        [](OSAction* action, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::DecodedCallback> {
            auto status = TRY(args.u64());
            auto transferred = TRY(args.u64());
            return dextlab::sdk::DecodedCallback { [action, status, transferred] {
                IOUSBHostDevice_CompleteAsyncDeviceRequest_Invocation invocation { action, static_cast<IOReturn>(status),
                    static_cast<uint32_t>(transferred) };
                dextlab::sdk::invoke_action_target(action, &invocation);
            } };
        });
    return true;
}();

// The descriptor the kernel answers for GET_DESCRIPTOR(type, index, languageID), at most
// `room` bytes; empty when the device has none (it stalled) or the call failed.
std::vector<uint8_t> fetch_descriptor(IOUSBHostDevice const* device, uint8_t type, uint8_t index, uint16_t languageID,
    uint8_t requestType, uint8_t requestRecipient, uint16_t room)
{
    std::vector<uint8_t> bytes;
    auto* server = DextServer::of(device);
    server->call_kernel(device->__dextlab_object_id, ipc::ids::IOUSBHostDevice_GetDescriptor,
        [&](ipc::WireWriter& w) { w.u64(type).u64(index).u64(languageID).u64(requestType).u64(requestRecipient).u64(room); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto data = r.bytes();
            if (!data)
                return kIOReturnIPCError;
            bytes = std::move(data).value();
            return kIOReturnSuccess;
        });
    return bytes;
}

template<typename Descriptor>
Descriptor const* malloc_copy(std::vector<uint8_t> const& bytes, size_t minimum)
{
    if (bytes.size() < minimum)
        return nullptr;
    void* copy = std::malloc(bytes.size());
    if (!copy)
        return nullptr;
    std::memcpy(copy, bytes.data(), bytes.size());
    return static_cast<Descriptor const*>(copy);
}

// A configuration descriptor is read twice, as hosts do: its 9 bytes, then wTotalLength.
IOUSBConfigurationDescriptor const* copy_configuration(IOUSBHostDevice const* device, uint8_t index)
{
    auto head = fetch_descriptor(device, kIOUSBDescriptorTypeConfiguration, index, 0, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, sizeof(IOUSBConfigurationDescriptor));
    if (head.size() < sizeof(IOUSBConfigurationDescriptor))
        return nullptr;
    uint16_t total = static_cast<uint16_t>(head[2] | (head[3] << 8));
    auto whole = fetch_descriptor(device, kIOUSBDescriptorTypeConfiguration, index, 0, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, total);
    return malloc_copy<IOUSBConfigurationDescriptor>(whole, sizeof(IOUSBConfigurationDescriptor));
}

} // namespace

// ---- sessions ----

kern_return_t IOUSBHostDevice::Open_Impl(IOService* forClient, IOOptionBits options, uintptr_t arg)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_Open, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(options).u64(arg);
    });
}

kern_return_t IOUSBHostDevice::Close_Impl(IOService* forClient, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_Close, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(options);
    });
}

// ---- descriptors ----

kern_return_t IOUSBHostDevice::CopyDescriptor(uint8_t type, uint16_t* length, uint8_t index, uint16_t languageID,
    uint8_t requestType, uint8_t requestRecipient, uint8_t* descriptor)
{
    if (!length || !descriptor)
        return kIOReturnBadArgument;
    auto bytes = fetch_descriptor(this, type, index, languageID, requestType, requestRecipient, *length);
    if (bytes.empty())
        return kIOReturnNotFound;
    size_t count = std::min<size_t>(bytes.size(), *length);
    std::memcpy(descriptor, bytes.data(), count);
    *length = static_cast<uint16_t>(count);
    return kIOReturnSuccess;
}

const IOUSBDeviceDescriptor* IOUSBHostDevice::CopyDeviceDescriptor(void)
{
    auto bytes = fetch_descriptor(this, kIOUSBDescriptorTypeDevice, 0, 0, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, sizeof(IOUSBDeviceDescriptor));
    return malloc_copy<IOUSBDeviceDescriptor>(bytes, sizeof(IOUSBDeviceDescriptor));
}

const IOUSBConfigurationDescriptor* IOUSBHostDevice::CopyConfigurationDescriptor(uint8_t index)
{
    return copy_configuration(this, index);
}

const IOUSBConfigurationDescriptor* IOUSBHostDevice::CopyConfigurationDescriptorWithValue(uint8_t bConfigurationValue)
{
    const IOUSBDeviceDescriptor* device = CopyDeviceDescriptor();
    if (!device)
        return nullptr;
    uint8_t count = device->bNumConfigurations;
    IOUSBHostFreeDescriptor(device);
    for (uint8_t index = 0; index < count; ++index) {
        const IOUSBConfigurationDescriptor* configuration = copy_configuration(this, index);
        if (configuration && configuration->bConfigurationValue == bConfigurationValue)
            return configuration;
        IOUSBHostFreeDescriptor(configuration);
    }
    return nullptr;
}

const IOUSBConfigurationDescriptor* IOUSBHostDevice::CopyConfigurationDescriptor(IOService* forClient)
{
    (void)forClient;
    uint64_t value = 0;
    auto* server = DextServer::of(this);
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_CurrentConfiguration, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto v = r.u64();
            if (!v)
                return kIOReturnIPCError;
            value = v.value();
            return kIOReturnSuccess;
        });
    if (ret != kIOReturnSuccess || value == 0)
        return nullptr;
    return CopyConfigurationDescriptorWithValue(static_cast<uint8_t>(value));
}

const IOUSBBOSDescriptor* IOUSBHostDevice::CopyCapabilityDescriptors(void)
{
    auto head = fetch_descriptor(this, kIOUSBDescriptorTypeBOS, 0, 0, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, kIOUSBDescriptorSizeBOS);
    if (head.size() < kIOUSBDescriptorSizeBOS)
        return nullptr;
    uint16_t total = static_cast<uint16_t>(head[2] | (head[3] << 8));
    auto whole = fetch_descriptor(this, kIOUSBDescriptorTypeBOS, 0, 0, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, total);
    return malloc_copy<IOUSBBOSDescriptor>(whole, kIOUSBDescriptorSizeBOS);
}

const IOUSBStringDescriptor* IOUSBHostDevice::CopyStringDescriptor(uint8_t index, uint16_t languageID)
{
    auto bytes = fetch_descriptor(this, kIOUSBDescriptorTypeString, index, languageID, kIOUSBDeviceRequestTypeValueStandard,
        kIOUSBDeviceRequestRecipientValueDevice, kIOUSBDescriptorSizeStringMaximum);
    return malloc_copy<IOUSBStringDescriptor>(bytes, kIOUSBDescriptorSizeStringMinimum);
}

const IOUSBStringDescriptor* IOUSBHostDevice::CopyStringDescriptor(uint8_t index)
{
    return CopyStringDescriptor(index, kIOUSBLanguageIDEnglishUS);
}

kern_return_t IOUSBHostDevice::CreateIOBuffer_Impl(IOOptionBits options, uint64_t capacity, IOBufferMemoryDescriptor** buffer)
{
    return IOBufferMemoryDescriptor::Create(options, capacity, 0, buffer);
}

// ---- control requests ----

kern_return_t IOUSBHostDevice::AsyncDeviceRequest_Impl(IOService* forClient, uint8_t bmRequestType, uint8_t bRequest,
    uint16_t wValue, uint16_t wIndex, uint16_t wLength, IOMemoryDescriptor* dataBuffer, OSAction* completion,
    uint32_t completionTimeoutMs)
{
    if (!completion)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    // The kernel keeps a reference on the action until the completion is delivered.
    completion->retain();
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_AsyncDeviceRequest,
        [&](ipc::WireWriter& w) {
            server->write_object(w, forClient);
            w.u64(bmRequestType).u64(bRequest).u64(wValue).u64(wIndex).u64(wLength);
            server->write_object(w, dataBuffer);
            server->write_object(w, completion);
            w.u64(completionTimeoutMs);
        });
    if (ret != kIOReturnSuccess)
        completion->release();
    return ret;
}

kern_return_t IOUSBHostDevice::DeviceRequest_Impl(IOService* forClient, uint8_t bmRequestType, uint8_t bRequest,
    uint16_t wValue, uint16_t wIndex, uint16_t wLength, IOMemoryDescriptor* dataBuffer, uint16_t* bytesTransferred,
    uint32_t completionTimeoutMs)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_DeviceRequest,
        [&](ipc::WireWriter& w) {
            server->write_object(w, forClient);
            w.u64(bmRequestType).u64(bRequest).u64(wValue).u64(wIndex).u64(wLength);
            server->write_object(w, dataBuffer);
            w.u64(completionTimeoutMs);
        },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto transferred = r.u64();
            if (!transferred)
                return kIOReturnIPCError;
            if (bytesTransferred)
                *bytesTransferred = static_cast<uint16_t>(transferred.value());
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostDevice::AbortDeviceRequests_Impl(IOService* forClient, IOOptionBits options, IOReturn withError)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_AbortDeviceRequests, [&](ipc::WireWriter& w) {
        server->write_object(w, forClient);
        w.u64(options).u64(static_cast<uint32_t>(withError));
    });
}

// ---- configuration and state ----

kern_return_t IOUSBHostDevice::SetConfiguration_Impl(uint8_t bConfigurationValue, bool matchInterfaces)
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_SetConfiguration,
        [&](ipc::WireWriter& w) { w.u64(bConfigurationValue).u64(matchInterfaces ? 1 : 0); });
}

namespace {
kern_return_t read_u8(IOUSBHostDevice const* device, uint64_t msgid, uint8_t* out)
{
    if (!out)
        return kIOReturnBadArgument;
    return DextServer::of(device)->call_kernel(device->__dextlab_object_id, msgid, {}, [&](ipc::WireReader& r) -> kern_return_t {
        auto v = r.u64();
        if (!v)
            return kIOReturnIPCError;
        *out = static_cast<uint8_t>(v.value());
        return kIOReturnSuccess;
    });
}
} // namespace

kern_return_t IOUSBHostDevice::GetAddress_Impl(uint8_t* address) const
{
    return read_u8(this, ipc::ids::IOUSBHostDevice_GetAddress, address);
}

kern_return_t IOUSBHostDevice::GetSpeed_Impl(uint8_t* speed) const { return read_u8(this, ipc::ids::IOUSBHostDevice_GetSpeed, speed); }

kern_return_t IOUSBHostDevice::GetFrameNumber_Impl(uint64_t* frameNumber, uint64_t* theTime)
{
    if (!frameNumber)
        return kIOReturnBadArgument;
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_GetFrameNumber, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto frame = r.u64();
            auto time = r.u64();
            if (!frame || !time)
                return kIOReturnIPCError;
            *frameNumber = frame.value();
            if (theTime)
                *theTime = time.value();
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostDevice::Reset_Impl()
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_Reset, {});
}

// ---- interfaces ----

kern_return_t IOUSBHostDevice::CreateInterfaceIterator_Impl(uintptr_t* ref)
{
    if (!ref)
        return kIOReturnBadArgument;
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_CreateInterfaceIterator, {},
        [&](ipc::WireReader& r) -> kern_return_t {
            auto v = r.u64();
            if (!v)
                return kIOReturnIPCError;
            *ref = static_cast<uintptr_t>(v.value());
            return kIOReturnSuccess;
        });
}

kern_return_t IOUSBHostDevice::DestroyInterfaceIterator_Impl(uintptr_t ref)
{
    return DextServer::of(this)->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_DestroyInterfaceIterator,
        [&](ipc::WireWriter& w) { w.u64(ref); });
}

kern_return_t IOUSBHostDevice::CopyInterface_Impl(uintptr_t ref, IOUSBHostInterface** interface)
{
    if (!interface)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ipc::ids::IOUSBHostDevice_CopyInterface,
        [&](ipc::WireWriter& w) { w.u64(ref); },
        [&](ipc::WireReader& r) -> kern_return_t {
            auto next = r.object();
            if (!next)
                return kIOReturnIPCError;
            *interface = nullptr;
            if (next.value().id == 0)
                return kIOReturnSuccess; // the end of the walk
            auto* copied = OSDynamicCast(IOUSBHostInterface, server->object_for(next.value()));
            if (!copied)
                return kIOReturnIPCError;
            copied->retain(); // Copy: the caller owns a reference
            *interface = copied;
            return kIOReturnSuccess;
        });
}
