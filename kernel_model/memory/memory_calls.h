#pragma once
// The kernel's end of dext memory: IOBufferMemoryDescriptor::Create and SetLength,
// IOMemoryDescriptor::CreateMapping, CreateSubMemoryDescriptor and _CopyState (what GetLength
// asks), the release of memory proxies, and the memory of USB transfers (direction and length
// checks at AsyncIO, the device's ownership until the completion, guard zones). The Kernel hands
// every message from a dext here first (handle_from_dext). Misuse is refused with the IOReturn
// macOS gives and reported as a `memory_error` driver error (trace_points.h); the lab goes on.

#include "kernel_model/ipc/message.h"
#include "kernel_model/memory/device_ownership.h"
#include "kernel_model/memory/memory_objects.h"

#include <optional>
#include <string>

namespace dextlab::kernel {

class Kernel;
class UserServer;
struct PendingTransfer;

class MemoryCalls {
public:
    explicit MemoryCalls(Kernel& kernel);

    // The reply to a memory Call, or to the release of a memory proxy; nothing for any other
    // message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);

    // A kernel buffer shared with `server` (for the dext's Create and the kernel's own use);
    // nullptr if it cannot be made.
    BufferDescriptor* create_buffer(UserServer& server, uint64_t capacity, uint64_t direction);
    BufferDescriptor* buffer(uint64_t id, uint64_t server_tag) const;

    // Around one USB transfer: `prepare_transfer` checks the descriptor against the endpoint and
    // the length, fills an OUT transfer's bytes and hands the memory to the device (kIOReturn*,
    // refusals traced); `transfer_finished` (completed or aborted) copies IN bytes back, checks
    // what the dext did meanwhile and gives the memory back.
    uint32_t prepare_transfer(PendingTransfer& transfer);
    void transfer_finished(PendingTransfer const& transfer);

    // The server exited or died: every memory object it had goes, guards checked first.
    void server_gone(UserServer& server);

    DeviceOwnership const& ownership() const { return m_owned; }

private:
    ipc::Message create(UserServer& server, ipc::Message const& message);
    ipc::Message set_length(UserServer& server, ipc::Message const& message);
    ipc::Message copy_state(UserServer& server, ipc::Message const& message);
    ipc::Message create_mapping(UserServer& server, ipc::Message const& message);
    ipc::Message create_sub(UserServer& server, ipc::Message const& message);
    ipc::Message read_only_written(UserServer& server, ipc::Message const& message);
    void dext_released(UserServer& server, MemoryObject& object);

    template<typename T>
    T* find(uint64_t id, uint64_t server_tag) const;
    std::optional<MemoryWindow> window_of(MemoryDescriptor& descriptor) const;
    // Drops one kernel reference; frees the object when nobody uses it any more.
    void drop_hold(uint64_t id);
    void free_if_unused(uint64_t id, bool deferred);
    // Reports (once per damage, then re-arms) a buffer whose guard zone was written.
    void check_guard(BufferDescriptor& buffer, char const* found_at);
    void report(std::string const& dext, MemoryObject const* object, std::string kind, uint32_t status, std::string what,
        uint8_t endpoint = 0);
    std::string dext_name(uint64_t server_tag) const;

    Kernel& m_kernel;
    DeviceOwnership m_owned;
};

} // namespace dextlab::kernel
