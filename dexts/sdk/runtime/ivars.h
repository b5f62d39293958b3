#pragma once
// The runtime's private state behind the SDK classes' `ivars` pointers. Dext code never sees
// these structs; generated headers only forward-declare them.

#include "dext_server.h"

#include <DriverKit/IOLib.h>
#include <DriverKit/IOService.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOMemoryDescriptor.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/IODispatchSource.h>
#include <DriverKit/IOUserClient.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

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
    // Queues bound under other names than Default live in the server (DextServer::bound_queues),
    // so a process that dies without free() leaves nothing behind.
};

struct IODispatchSource_IVars {
    IODispatchQueue* queue; // retained: where the source's handlers and completions run
    bool canceled;
    bool disabled;          // sources start enabled
};

struct IOTimerDispatchSource_IVars {
    OSAction* handler; // retained until SetHandler again or Cancel
};

struct IODataQueueDispatchSource_IVars {
    IOBufferMemoryDescriptor* memory; // the ring's memory: a kernel buffer (memfd), retained
    uint8_t* base;                    // where the dext sees it
    uint32_t capacity;                // the ring's byte count (memory = header + capacity)
    OSAction* data_available;         // retained handlers
    OSAction* data_serviced;
};

struct IOMemoryDescriptor_IVars {
    uint8_t* address;   // where the dext sees the memory
    uint64_t length;
    uint64_t capacity;
    uint64_t region_id; // the shared region behind it
};

struct IOUserClient_IVars {
    uint64_t calls; // ExternalMethod calls served, for the runtime's messages
};

namespace dextlab::sdk {

constexpr uint32_t kObjectIsProxy = 0x100;
// Set by OSAction::init and IOService::init: every callback asks "is this an action?" and
// "which service's queue?", and dynamic_cast across the dext's shared objects compares type
// names as strings at each step of the class chain.
constexpr uint32_t kObjectIsAction = 0x200;
constexpr uint32_t kObjectIsService = 0x400;

inline bool is_proxy(OSMetaClassBase const* object) { return object->__dextlab_flags & kObjectIsProxy; }
inline bool is_action(OSMetaClassBase const* object) { return object->__dextlab_flags & kObjectIsAction; }
inline bool is_service(OSMetaClassBase const* object) { return object->__dextlab_flags & kObjectIsService; }

// A reference held by a work item or a pending callback: released when the holder goes,
// whether the item ran or was dropped. While a dext process dies nothing is released (its
// objects vanish without free(), as a killed process's do). Each copy holds a reference of its
// own (the object's count, not a shared_ptr's: every callback makes one, so no allocation).
class Hold {
public:
    Hold() = default;
    Hold(Hold const& other)
        : m_object(other.m_object)
    {
        if (m_object)
            m_object->retain();
    }
    Hold(Hold&& other) noexcept
        : m_object(std::exchange(other.m_object, nullptr))
    {
    }
    Hold& operator=(Hold other) noexcept
    {
        std::swap(m_object, other.m_object);
        return *this;
    }
    ~Hold();
    explicit operator bool() const { return m_object != nullptr; }

private:
    explicit Hold(OSMetaClassBase const* adopted)
        : m_object(adopted)
    {
    }
    friend Hold adopt(OSMetaClassBase const* object);

    OSMetaClassBase const* m_object { nullptr };
};
Hold hold(OSMetaClassBase const* object); // retains
Hold adopt(OSMetaClassBase const* object); // takes over a reference the caller already has
void set_process_dying(bool dying);

// Memory the kernel lends a call (a user client's large structure, a HID report buffer): the
// message carries the buffer object, its region and its length, so the dext reaches the bytes
// (GetAddressRange, CreateMapping) without another round trip. nullptr when none was sent.
IOMemoryDescriptor* read_lent_memory(DextServer& server, ipc::WireReader& args);

// Runs an OSAction's target method with `invocation` (the prototype's Invocation struct).
kern_return_t invoke_action_target(OSAction* action, void* invocation);

// The queue state behind a dispatch source's queue (nullptr if it has none).
QueueState* source_queue_of(IODispatchSource* source);
// Runs a source's Cancel / SetEnableWithCompletion handler on its queue, after what is queued
// there now (NULL: nothing).
void queue_source_handler(IODispatchSource* source, IODispatchSourceCancelHandler handler);

// Decodes a kernel->dext callback (an Invoke on an OSAction) into a work item. `queue` is where
// it runs: left null, the queue of the action's target method (QUEUENAME, else Default).
struct DecodedCallback {
    WorkItem work;
    QueueState* queue { nullptr };
};
using CallbackDecoder = std::function<ErrorOr<DecodedCallback>(OSAction* action, ipc::WireReader& args)>;
// `kernel_holds_reference`: the kernel took a reference on the action when it was handed over
// (AsyncIO) and gives it back with the callback; else (timers) the runtime takes one itself.
void register_callback_decoder(uint64_t prototype_msgid, CallbackDecoder decoder, bool kernel_holds_reference = true);

} // namespace dextlab::sdk
