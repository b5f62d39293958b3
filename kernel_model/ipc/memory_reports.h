#pragma once
// What a dext's runtime reports about its memory that no DriverKit call carries: a Call to the
// kernel with msgid kReadOnlyMapWritten, target the IOMemoryMap's id, and the field u64 offset
// (of the written byte from the map's first byte). The runtime sends it after the dext code
// that wrote through a read-only mapping returned (dexts/sdk/runtime/read_only_view.h).

#include "method_ids.h"

#include <cstdint>

namespace dextlab::ipc {

// Not a DriverKit method: a name no class declares, hashed as the others are.
inline constexpr uint64_t kReadOnlyMapWritten = method_id("dextlab::ReadOnlyMapWritten");

} // namespace dextlab::ipc
