#pragma once
// What an app process asks of the kernel: the user side of IOKit, as the Mach traps behind
// IOKit.framework carry it (io_service_t lookups, io_connect_t method calls, memory mapping,
// matching notifications). The IOKitLib shim (dexts/sdk/app) calls only this; the lab implements
// it over its kernel model (sim/lab). Registry values cross it in OSSerialize's binary format
// (kernel_model/ipc/os_serialize.h), as io_registry_entry_get_property_bin returns them.
//
// Everything is single-threaded and runs on virtual time: a call that needs the dext to answer
// (open, a method call) lets the lab run until the answer arrives; `run_once` is the app's
// run loop turning once.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::ipc {

// A result the app sees as an IOReturn (status 0 = kIOReturnSuccess) and, on success, a value.
// `message` says why a call failed, for traces and tests.
template<typename T>
struct AppResult {
    uint32_t status { 0 };
    T value {};
    std::string message;
    bool ok() const { return status == 0; }
};

// io_connect_t method-call arguments (IOConnectCallMethod and friends).
struct MethodCall {
    uint32_t selector { 0 };
    std::vector<uint64_t> scalar_input;          // at most 16
    std::vector<uint8_t> structure_input;        // > 4096 bytes travels as a memory descriptor
    uint32_t scalar_output_capacity { 0 };       // how many scalars the caller can take (<= 16)
    size_t structure_output_capacity { 0 };      // bytes the caller can take
    // IOConnectCallAsync*: non-zero marks an async call; completions come back through
    // `on_async_completion` (once per AsyncCompletion the dext sends).
    bool async { false };
    std::vector<uint64_t> async_reference;       // the app's reference words (kOSAsyncRefCount = 8)
    std::function<void(uint32_t status, std::vector<uint64_t> const& args)> on_async_completion;
};

struct MethodResult {
    uint32_t status { 0 };                       // what ExternalMethod returned
    std::vector<uint64_t> scalar_output;
    std::vector<uint8_t> structure_output;
};

// IOConnectMapMemory64: memory the dext handed out through CopyClientMemoryForType, mapped into
// the app. The mapping stays valid until unmapped or the connection closes.
struct ClientMapping {
    uint64_t id { 0 };
    uint8_t* address { nullptr };
    uint64_t size { 0 };
};

// Notification kinds, as IOKit names them (kIOFirstMatchNotification, …).
enum class ServiceNotification : uint8_t {
    FirstMatch,  // "IOServiceFirstMatch": registered (and already present, on arming)
    Matched,     // "IOServiceMatched"
    Published,   // "IOServicePublish"
    Terminated,  // "IOServiceTerminate"
};

class AppPort {
public:
    virtual ~AppPort() = default;

    // --- the registry (io_registry_entry_t as its registry entry id) ---
    // Registered entries matching an IOKit matching dictionary (IOProviderClass, IONameMatch,
    // IOPropertyMatch, …; given in OSSerialize binary form), in registry order.
    virtual AppResult<std::vector<uint64_t>> matching_services(std::vector<uint8_t> const& matching) = 0;
    // A property of an entry in OSSerialize binary form; status kIOReturnNotFound if absent.
    virtual AppResult<std::vector<uint8_t>> property(uint64_t entry, std::string const& key) = 0;
    // Every property of an entry (a dictionary, OSSerialize binary form).
    virtual AppResult<std::vector<uint8_t>> properties(uint64_t entry) = 0;
    virtual AppResult<std::string> entry_name(uint64_t entry) = 0;  // IORegistryEntryGetName
    virtual AppResult<std::string> entry_class(uint64_t entry) = 0; // IOObjectGetClass
    virtual AppResult<uint64_t> parent(uint64_t entry) = 0;         // IORegistryEntryGetParentEntry
    virtual bool entry_exists(uint64_t entry) = 0;

    // --- user clients (io_connect_t as a connection id) ---
    // IOServiceOpen: the service's NewUserClient(type) runs in its dext; access is checked
    // against the app's and the dext's entitlements.
    virtual AppResult<uint64_t> open(uint64_t service, uint32_t type) = 0;
    virtual uint32_t close(uint64_t connection) = 0;
    virtual MethodResult call_method(uint64_t connection, MethodCall call) = 0;
    virtual AppResult<ClientMapping> map_memory(uint64_t connection, uint64_t memory_type, uint64_t options) = 0;
    virtual uint32_t unmap_memory(uint64_t connection, uint64_t mapping_id) = 0;

    // --- notifications ---
    // Calls `callback` with each entry that matches `matching` as `kind` happens from now on.
    // Entries present already are not reported through it: IOKit hands them back as the
    // notification's iterator, which the shim fills from current_matches.
    virtual AppResult<uint64_t> add_notification(ServiceNotification kind, std::vector<uint8_t> const& matching,
        std::function<void(uint64_t entry)> callback) = 0;
    virtual void remove_notification(uint64_t id) = 0;
    // Entries that currently match (to arm a notification the way IOKit returns an iterator).
    virtual std::vector<uint64_t> current_matches(ServiceNotification kind, std::vector<uint8_t> const& matching) = 0;

    // --- time ---
    // Lets the lab run until something is delivered to the app (a notification, an async
    // completion) or nothing is left to happen. False when the lab is idle.
    virtual bool run_once() = 0;
};

// The port the IOKitLib shim uses. An app either attaches one (the lab does, for scenario
// `client:` steps) or gets the one `dextlab_default_app_port()` builds on first use (the
// embedded lab, sim/lab/app_lab.cpp: it reads DEXTLAB_SCENARIO).
void set_app_port(AppPort* port);
AppPort* app_port();

} // namespace dextlab::ipc
