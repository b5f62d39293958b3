#pragma once
// DriverKit method ids: the 64-bit `Class_Method_ID` constants that name a method in a message.
// Where Apple's SDK headers publish a value we use it verbatim (so traces and dumps match what a
// Mac developer sees); their derivation is not public. Every other method gets FNV-1a-64 of
// "Class::Method". dextlab-iig computes ids with this same header, so the kernel model and the
// generated dext code always agree.

#include <cstdint>
#include <string_view>

namespace dextlab::ipc {

constexpr uint64_t fnv1a64(std::string_view text)
{
    uint64_t hash = 0xcbf29ce484222325ULL;
    for (char c : text) {
        hash ^= static_cast<uint8_t>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

struct KnownMethodId {
    std::string_view qualified_name; // "Class::Method"
    uint64_t id;
};

// Values as published in Apple's generated SDK headers (see shared/reference/driverkit-api.md §2.5).
inline constexpr KnownMethodId kKnownMethodIds[] = {
    { "IOService::Start", 0xab6f76dde6d693f2ULL },
    { "IOService::Stop", 0x98e715041c459fa5ULL },
    { "IOService::NewUserClient", 0xf669efffcb89ed9cULL },
    { "IOService::Create", 0xe1a46dbd68bbe09cULL },
    { "IOService::Terminate", 0xf7a595d9927810c8ULL },
    { "IOService::SetPowerState", 0xd200fde7d57ecca6ULL },
    { "IOService::RegisterService", 0xe9722c2bb1347c28ULL },
    { "OSObject::SetDispatchQueue", 0xe608ae8273dae1bcULL },
    { "OSObject::CopyDispatchQueue", 0x95115b48fd29f7c9ULL },
    { "OSAction::Create", 0xaa1fc3ce85ce5497ULL },
    { "OSAction::CreateWithTypeName", 0xa0c5b3ed5a8ea283ULL },
    { "OSAction::Aborted", 0xbfb95094c657d68fULL },
    { "IODataQueueDispatchSource::DataAvailable", 0xf799c876baf566f3ULL },
    { "IODataQueueDispatchSource::DataServiced", 0x8daa79f78047d8d8ULL },
    { "IOTimerDispatchSource::TimerOccurred", 0x0f4ab1c3cbb5ae47ULL },
    { "IOTimerDispatchSource::WakeAtTime", 0x1da868f27d5d7d37ULL },
    // [SDK] MacOSX11.3.sdk DriverKit.framework IOTimerDispatchSource.h, IODispatchSource.h
    { "IOTimerDispatchSource::Create", 0x5703101ba090eaf0ULL },
    { "IOTimerDispatchSource::SetHandler", 0x487f4f13f1a0a074ULL },
    { "IODispatchSource::Cancel", 0xd963bb196f70bb93ULL },
    { "IODispatchSource::SetEnableWithCompletion", 0xbb42c489fe4dee8eULL },
    { "IODispatchSource::CheckForWork", 0xef19d38d4f945fd0ULL },
    { "IODispatchSource::SetEnable", 0xbbc036b4c2a26c45ULL },
    { "IOUserClient::AsyncCompletion", 0xdbc5b2e5d2b446f4ULL },
    { "IOUserClient::KernelCompletion", 0xf609f134c9046444ULL },
    // [SDK] DriverKit.framework IOUserClient.h (generated)
    { "IOUserClient::CopyClientMemoryForType", 0x8399bdb3d0b4f474ULL },
    { "IOUserClient::_ExternalMethod", 0xcfe0c99e739d92f9ULL },
    // [RE] iig output for IOMemoryDescriptor.iig, IOBufferMemoryDescriptor.iig, IOMemoryMap.iig
    { "IOMemoryDescriptor::_CopyState", 0xa2c0861d4118ce5eULL },
    { "IOMemoryDescriptor::CreateMapping", 0xc5e69b0414ff6ee5ULL },
    { "IOMemoryDescriptor::CreateSubMemoryDescriptor", 0xb085b5ee60ac732fULL },
    { "IOMemoryDescriptor::CreateWithMemoryDescriptors", 0xba1530c996c4febcULL },
    { "IOBufferMemoryDescriptor::Create", 0xb78de684e17d5a4bULL },
    { "IOBufferMemoryDescriptor::SetLength", 0xc115230c191a6a9aULL },
    { "IOMemoryMap::_CopyState", 0xfc92b3d7f2d48ec7ULL },
    { "IOUSBHostDevice::CompleteAsyncDeviceRequest", 0xc489759689d7d751ULL },
    { "IOUSBHostPipe::CompleteAsyncIO", 0xc320a3eea932c04aULL },
    { "IOUSBHostPipe::AsyncIO", 0xe566bead3d13d7e0ULL },
    { "IOUSBHostPipe::IO", 0x825d3f5b7ac4351eULL },
    { "IOUSBHostPipe::CompleteAsyncIOBundled", 0xdd0623caa00a3c04ULL },
    { "IOUSBHostPipe::CompleteAsyncIsochIO", 0xd6c5e31fcec49c24ULL },
};

constexpr uint64_t method_id(std::string_view qualified_name)
{
    for (auto const& known : kKnownMethodIds) {
        if (known.qualified_name == qualified_name)
            return known.id;
    }
    return fnv1a64(qualified_name);
}

// The methods the kernel model serves or sends, by name, for readable kernel code.
namespace ids {
inline constexpr uint64_t IOService_Start = method_id("IOService::Start");
inline constexpr uint64_t IOService_Stop = method_id("IOService::Stop");
inline constexpr uint64_t IOService_RegisterService = method_id("IOService::RegisterService");
inline constexpr uint64_t IOService_Terminate = method_id("IOService::Terminate");
inline constexpr uint64_t IOService_Create = method_id("IOService::Create");
inline constexpr uint64_t IOService_NewUserClient = method_id("IOService::NewUserClient");
inline constexpr uint64_t IOUserClient_ExternalMethod = method_id("IOUserClient::_ExternalMethod");
inline constexpr uint64_t IOUserClient_AsyncCompletion = method_id("IOUserClient::AsyncCompletion");
inline constexpr uint64_t IOUserClient_CopyClientMemoryForType = method_id("IOUserClient::CopyClientMemoryForType");
inline constexpr uint64_t IOBufferMemoryDescriptor_Create = method_id("IOBufferMemoryDescriptor::Create");
inline constexpr uint64_t IOBufferMemoryDescriptor_SetLength = method_id("IOBufferMemoryDescriptor::SetLength");
inline constexpr uint64_t IOMemoryDescriptor_CopyState = method_id("IOMemoryDescriptor::_CopyState");
inline constexpr uint64_t IOMemoryDescriptor_CreateMapping = method_id("IOMemoryDescriptor::CreateMapping");
inline constexpr uint64_t IOMemoryDescriptor_CreateSubMemoryDescriptor = method_id("IOMemoryDescriptor::CreateSubMemoryDescriptor");
inline constexpr uint64_t IOUSBHostInterface_Open = method_id("IOUSBHostInterface::Open");
inline constexpr uint64_t IOUSBHostInterface_Close = method_id("IOUSBHostInterface::Close");
inline constexpr uint64_t IOUSBHostInterface_CopyPipe = method_id("IOUSBHostInterface::CopyPipe");
inline constexpr uint64_t IOUSBHostInterface_CopyConfigurationDescriptor = method_id("IOUSBHostInterface::CopyConfigurationDescriptor");
inline constexpr uint64_t IOUSBHostPipe_AsyncIO = method_id("IOUSBHostPipe::AsyncIO");
inline constexpr uint64_t IOUSBHostPipe_Abort = method_id("IOUSBHostPipe::Abort");
inline constexpr uint64_t IOUSBHostPipe_GetDescriptors = method_id("IOUSBHostPipe::GetDescriptors");
inline constexpr uint64_t IOUSBHostPipe_ClearStall = method_id("IOUSBHostPipe::ClearStall");
inline constexpr uint64_t IOUSBHostPipe_CompleteAsyncIO = method_id("IOUSBHostPipe::CompleteAsyncIO");
// Dispatch queues and sources (kernel_model/dispatch, kernel_model/timers): the runtime reports
// queue events, arms timers and publishes data-queue operations with these.
inline constexpr uint64_t IODispatchQueue_DispatchSync = method_id("IODispatchQueue::DispatchSync");
inline constexpr uint64_t IODispatchSource_Cancel = method_id("IODispatchSource::Cancel");
inline constexpr uint64_t IODispatchSource_SetEnableWithCompletion = method_id("IODispatchSource::SetEnableWithCompletion");
inline constexpr uint64_t IOTimerDispatchSource_SetHandler = method_id("IOTimerDispatchSource::SetHandler");
inline constexpr uint64_t IOTimerDispatchSource_WakeAtTime = method_id("IOTimerDispatchSource::WakeAtTime");
inline constexpr uint64_t IOTimerDispatchSource_TimerOccurred = method_id("IOTimerDispatchSource::TimerOccurred");
inline constexpr uint64_t IODataQueueDispatchSource_Create = method_id("IODataQueueDispatchSource::Create");
inline constexpr uint64_t IODataQueueDispatchSource_Enqueue = method_id("IODataQueueDispatchSource::Enqueue");
inline constexpr uint64_t IODataQueueDispatchSource_Dequeue = method_id("IODataQueueDispatchSource::Dequeue");
inline constexpr uint64_t IODataQueueDispatchSource_DataAvailable = method_id("IODataQueueDispatchSource::DataAvailable");
inline constexpr uint64_t IODataQueueDispatchSource_DataServiced = method_id("IODataQueueDispatchSource::DataServiced");
} // namespace ids

} // namespace dextlab::ipc
