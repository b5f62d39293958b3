#pragma once
// What the kernel model sees of IODataQueueDispatchSource rings. The ring lives in a kernel
// buffer (a memfd region the dext maps); the dext works on it locally and tells the kernel
// after each enqueue and dequeue. The observer then reads head, tail and the entry from the
// shared memory itself — never trusting the message for more than where to look — and publishes
// them as trace records a GUI can plot (dataqueue_enqueue, dataqueue_dequeue).

#include "kernel_model/ipc/data_queue_ring.h"
#include "sim/core/trace.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>

namespace dextlab::kernel {

class DataQueueObserver {
public:
    // The mapped memory of buffer `buffer_id` of server `server_tag`, if it has at least `size`
    // bytes; nullptr otherwise.
    using FindMemory = std::function<uint8_t*(uint64_t server_tag, uint64_t buffer_id, size_t size)>;

    DataQueueObserver(TraceBus& trace, FindMemory find_memory);

    // IODataQueueDispatchSource::Create made a ring of `capacity` bytes in that buffer.
    uint32_t created(std::string const& process, uint64_t server_tag, uint64_t buffer_id, uint64_t capacity, std::string const& queue);
    // An Enqueue or Dequeue (`dequeue`) ran with this result; `offset` and `size` say which entry.
    void operation(std::string const& process, uint64_t server_tag, uint64_t buffer_id, bool dequeue, uint32_t status,
        uint32_t offset, uint32_t size);
    // SendDataAvailable / SendDataServiced: whether a handler was queued.
    void notified(std::string const& process, uint64_t server_tag, uint64_t buffer_id, char const* what, bool delivered);

    // The ring as it is now (for the GUI and tests); nothing once its buffer is gone.
    std::optional<ipc::RingSnapshot> snapshot(uint64_t server_tag, uint64_t buffer_id) const;
    static std::string name_of(uint64_t buffer_id) { return "dataqueue-" + std::to_string(buffer_id); }

private:
    struct Ring {
        uint32_t capacity { 0 };
        std::string queue;
    };
    using Key = std::pair<uint64_t, uint64_t>; // server tag, buffer id

    Ring const* ring(std::string const& process, Key key, char const* doing);

    TraceBus& m_trace;
    FindMemory m_find_memory;
    std::map<Key, Ring> m_rings;
};

} // namespace dextlab::kernel
