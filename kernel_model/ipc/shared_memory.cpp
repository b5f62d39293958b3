#include "shared_memory.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace dextlab::ipc {

ErrorOr<std::shared_ptr<SharedRegion>> SharedRegion::create(uint64_t id, size_t size, char const* debug_name)
{
    // mmap of zero bytes fails; a zero-capacity buffer still needs an address, so round up.
    size_t mapped = size == 0 ? 1 : size;
    int fd = memfd_create(debug_name, MFD_CLOEXEC);
    if (fd < 0)
        return Error::with(std::string("shared memory: memfd_create failed: ") + std::strerror(errno));
    if (ftruncate(fd, static_cast<off_t>(mapped)) != 0) {
        int saved = errno;
        close(fd);
        return Error::with(std::string("shared memory: cannot size region to ") + std::to_string(mapped)
            + " bytes: " + std::strerror(saved));
    }
    void* data = mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (data == MAP_FAILED) {
        int saved = errno;
        close(fd);
        return Error::with(std::string("shared memory: mmap failed: ") + std::strerror(saved));
    }
    return std::shared_ptr<SharedRegion>(new SharedRegion(id, fd, static_cast<uint8_t*>(data), size));
}

SharedRegion::~SharedRegion()
{
    munmap(m_data, m_size == 0 ? 1 : m_size);
    close(m_fd);
}

} // namespace dextlab::ipc
