#include "guard_zone.h"

namespace dextlab::kernel {

size_t guarded_region_size(size_t capacity)
{
    size_t const wanted = capacity + kMinGuardBytes;
    return (wanted + kGuardPageSize - 1) / kGuardPageSize * kGuardPageSize;
}

void fill_guard(uint8_t* guard, size_t size)
{
    for (size_t i = 0; i < size; ++i)
        guard[i] = kGuardPattern[i % sizeof kGuardPattern];
}

std::optional<ByteRange> find_guard_damage(uint8_t const* guard, size_t size)
{
    std::optional<ByteRange> changed;
    for (size_t i = 0; i < size; ++i) {
        if (guard[i] == kGuardPattern[i % sizeof kGuardPattern])
            continue;
        if (!changed)
            changed = ByteRange { i, i };
        changed->last = i;
    }
    return changed;
}

std::optional<ByteRange> find_changed_bytes(uint8_t const* before, uint8_t const* now, size_t size)
{
    std::optional<ByteRange> changed;
    for (size_t i = 0; i < size; ++i) {
        if (before[i] == now[i])
            continue;
        if (!changed)
            changed = ByteRange { i, i };
        changed->last = i;
    }
    return changed;
}

} // namespace dextlab::kernel
