#pragma once
// Which bytes of which buffer a device owns right now. From AsyncIO until its completion the
// memory of a transfer belongs to the hardware, which may read or write it at any moment, so a
// second transfer over the same bytes races with the first when either of them writes memory
// (an IN transfer). Two OUT transfers of the same bytes only read them, which is fine.

#include <cstdint>
#include <optional>
#include <vector>

namespace dextlab::kernel {

struct DeviceClaim {
    uint64_t transfer_id { 0 };
    uint64_t descriptor_id { 0 }; // what the dext passed to AsyncIO
    uint64_t buffer_id { 0 };     // the buffer behind it
    uint64_t offset { 0 };        // in the buffer
    uint64_t length { 0 };
    uint8_t endpoint { 0 };
    bool device_writes { false }; // IN: the device fills the memory
};

class DeviceOwnership {
public:
    // The earliest claim still held that `claim` would race with, if any.
    std::optional<DeviceClaim> conflict(DeviceClaim const& claim) const;
    void claim(DeviceClaim const& claim);
    // The transfer finished (completed or aborted): its bytes are the dext's again.
    void release(uint64_t transfer_id);
    // The buffer went away with its server: nothing of it is owned any more.
    void release_buffer(uint64_t buffer_id);
    // Claims made through `descriptor_id`, in submission order.
    std::vector<DeviceClaim> claims_through(uint64_t descriptor_id) const;
    size_t size() const { return m_claims.size(); }

private:
    std::vector<DeviceClaim> m_claims; // in submission order
};

} // namespace dextlab::kernel
