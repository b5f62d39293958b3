#pragma once
// The runtime's private state behind the SDK classes' `ivars` pointers. Dext code never sees
// these structs; generated headers only forward-declare them.

#include "dext_server.h"

#include <DriverKit/IOLib.h>
#include <DriverKit/IOService.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOMemoryDescriptor.h>

struct OSAction_IVars {
    OSObject* target;      // retained
    uint64_t targetmsgid;  // the target's method (e.g. MyDriver_ReadComplete_ID)
    uint64_t msgid;        // the callback prototype (e.g. IOUSBHostPipe_CompleteAsyncIO_ID)
    void* reference;       // GetReference() storage
    size_t reference_size;
};

struct IODispatchQueue_IVars {
    dextlab::sdk::QueueState* state; // owned by the server
};

struct IOService_IVars {
    IODispatchQueue* default_queue;
    IOService* provider; // retained from Start until free
};

struct IOMemoryDescriptor_IVars {
    uint8_t* address;   // where the dext sees the memory
    uint64_t length;
    uint64_t capacity;
    uint64_t region_id; // the shared region behind it
};

namespace dextlab::sdk {

constexpr uint32_t kObjectIsProxy = 0x100;

inline bool is_proxy(OSMetaClassBase const* object) { return object->__dextlab_flags & kObjectIsProxy; }

// Runs an OSAction's target method with `invocation` (the prototype's Invocation struct).
kern_return_t invoke_action_target(OSAction* action, void* invocation);

// Decodes a kernel->dext callback (an Invoke on an OSAction) into a work item for its queue.
using CallbackDecoder = std::function<ErrorOr<WorkItem>(OSAction* action, ipc::WireReader& args)>;
void register_callback_decoder(uint64_t prototype_msgid, CallbackDecoder decoder);
CallbackDecoder const* find_callback_decoder(uint64_t prototype_msgid);

} // namespace dextlab::sdk
