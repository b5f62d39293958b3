#pragma once
// Read-only IOMemoryMaps (kIOMemoryMapReadOnly, or a mapping of an OUT-only descriptor the dext
// did not create): the dext sees the bytes through a second mapping of the same shared pages,
// made read-only, so a write through it faults as it does on macOS.
//
// In a dextlab-driverhost process the fault is real: the process dies by SIGSEGV and the kernel
// handles the crash. In the lab's own process a fault must not take the lab down, so the lab asks
// for containment: the fault handler gives the written page a private copy (the write lands
// there, never in the shared memory the kernel and the device see), records the violation, and
// lets the dext run on until its work item returns; the runtime then reports it and the kernel
// ends the server as a crash.

#include <cstddef>
#include <cstdint>
#include <optional>

namespace dextlab::sdk {

struct ReadOnlyView {
    uint8_t* pages { nullptr }; // the read-only mapping, page-aligned
    size_t length { 0 };        // its length, whole pages
    uint8_t* first { nullptr }; // where the dext's first mapped byte is
};

// Maps [data, data + length) of a shared mapping a second time, read-only. nullopt if the system
// refuses (the caller then fails CreateMapping with kIOReturnVMError).
std::optional<ReadOnlyView> map_read_only_view(uint8_t* data, size_t length, uint64_t map_id);
void unmap_read_only_view(ReadOnlyView const& view);

// Installs the fault handler for views (once per process); the lab calls it, a driverhost does not.
void contain_read_only_faults();

struct ReadOnlyViolation {
    uint64_t map_id;
    uint64_t offset; // of the faulting byte from the map's first byte
};
// The first write through a view since the last call, if any.
std::optional<ReadOnlyViolation> take_read_only_violation();

} // namespace dextlab::sdk
