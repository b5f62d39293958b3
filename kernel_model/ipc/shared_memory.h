#pragma once
// Memory both sides of the IPC protocol can touch: buffers behind IOBufferMemoryDescriptor and
// the data-queue ring buffers. Backed by memfd so that an isolated dext process can map the same
// pages (the fd travels over the socket); the in-process transport simply shares the mapping.

#include "sim/core/error.h"

#include <cstddef>
#include <cstdint>
#include <memory>

namespace dextlab::ipc {

class SharedRegion {
public:
    static ErrorOr<std::shared_ptr<SharedRegion>> create(uint64_t id, size_t size, char const* debug_name);
    ~SharedRegion();
    SharedRegion(SharedRegion const&) = delete;
    SharedRegion& operator=(SharedRegion const&) = delete;

    uint64_t id() const { return m_id; }
    size_t size() const { return m_size; }
    uint8_t* data() const { return m_data; }
    int fd() const { return m_fd; }

private:
    SharedRegion(uint64_t id, int fd, uint8_t* data, size_t size)
        : m_id(id)
        , m_fd(fd)
        , m_data(data)
        , m_size(size)
    {
    }
    uint64_t m_id;
    int m_fd;
    uint8_t* m_data;
    size_t m_size;
};

} // namespace dextlab::ipc
