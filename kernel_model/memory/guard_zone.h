#pragma once
// The guard zone after each buffer's capacity. A dext that writes past the end of its buffer on
// macOS silently corrupts whatever follows (or, past the page, faults); here the bytes after the
// capacity, up to the end of the last page and at least kMinGuardBytes, hold a known pattern the
// kernel checks whenever it touches the buffer, so the overrun becomes a report naming the bytes.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace dextlab::kernel {

inline constexpr size_t kMinGuardBytes = 64;
inline constexpr size_t kGuardPageSize = 4096;
// Repeated over the zone; a dext that copies a neighbour's bytes is unlikely to write it back.
inline constexpr uint8_t kGuardPattern[4] = { 0xFE, 0xED, 0xFA, 0xCE };

// The region a buffer of `capacity` bytes gets: the capacity, then the guard to the page's end.
size_t guarded_region_size(size_t capacity);

void fill_guard(uint8_t* guard, size_t size);

// Bytes first..last, both included.
struct ByteRange {
    size_t first;
    size_t last;
};

// The bytes of a guard that no longer hold the pattern, counted from the guard's start, or
// nothing when it is intact.
std::optional<ByteRange> find_guard_damage(uint8_t const* guard, size_t size);

// The first and last bytes where `now` differs from `before` (both `size` bytes), if any.
std::optional<ByteRange> find_changed_bytes(uint8_t const* before, uint8_t const* now, size_t size);

} // namespace dextlab::kernel
