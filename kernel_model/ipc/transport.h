#pragma once
// How messages move. Each side of a link implements MessageHandler for what arrives, and talks
// through a Channel. Calls are synchronous: a dext's call into the kernel waits for the reply,
// and a kernel message to a dext returns once the dext has accepted it. The kernel never runs
// dext code spontaneously: dext work runs only inside a RunQueueItem the lab sends, which keeps
// both transports deterministic.

#include "message.h"
#include "shared_memory.h"

#include <functional>
#include <map>
#include <memory>

namespace dextlab::ipc {

class MessageHandler {
public:
    virtual ~MessageHandler() = default;
    // Handles one message. For a request, returns the reply; for a one-way message the return
    // value is ignored (return make_reply(0)).
    virtual Message handle(Message const& message) = 0;
};

class Channel {
public:
    virtual ~Channel() = default;
    // Sends a request and returns the peer's reply. An error means the peer is gone or broke
    // the protocol: the caller treats the peer as crashed.
    virtual ErrorOr<Message> call(Message const& request) = 0;
    // Sends a one-way message.
    virtual ErrorOr<void> post(Message const& message) = 0;
    // The dext side maps a region the kernel shared (by id); nullptr if unknown.
    virtual uint8_t* map_region(uint64_t region_id, size_t size) = 0;
};

// The in-process transport: both sides live in the lab process and a message is a direct
// function call carrying the encoded payload. Regions are shared by pointer.
class InProcessLink {
public:
    InProcessLink();
    ~InProcessLink();

    void set_kernel_handler(MessageHandler* handler) { m_kernel_handler = handler; }
    void set_dext_handler(MessageHandler* handler) { m_dext_handler = handler; }
    // Makes a region visible to the dext side under its id.
    void share_region(std::shared_ptr<SharedRegion> region);
    void unshare_region(uint64_t region_id);

    Channel& kernel_side(); // the kernel's channel to the dext
    Channel& dext_side();   // the dext's channel to the kernel

    // Counts for benchmarks and traces.
    uint64_t messages_carried() const { return m_messages; }

private:
    class Side;
    friend class Side;
    MessageHandler* m_kernel_handler { nullptr };
    MessageHandler* m_dext_handler { nullptr };
    std::map<uint64_t, std::shared_ptr<SharedRegion>> m_regions;
    std::unique_ptr<Side> m_kernel_side;
    std::unique_ptr<Side> m_dext_side;
    uint64_t m_messages { 0 };
};

} // namespace dextlab::ipc
