#include "device_ownership.h"

#include <algorithm>
#include <iterator>

namespace dextlab::kernel {

namespace {

bool overlap(DeviceClaim const& a, DeviceClaim const& b)
{
    if (a.buffer_id != b.buffer_id || a.length == 0 || b.length == 0)
        return false;
    return a.offset < b.offset + b.length && b.offset < a.offset + a.length;
}

} // namespace

std::optional<DeviceClaim> DeviceOwnership::conflict(DeviceClaim const& claim) const
{
    for (auto const& held : m_claims) {
        if (overlap(held, claim) && (held.device_writes || claim.device_writes))
            return held;
    }
    return std::nullopt;
}

void DeviceOwnership::claim(DeviceClaim const& claim) { m_claims.push_back(claim); }

void DeviceOwnership::release(uint64_t transfer_id)
{
    std::erase_if(m_claims, [&](DeviceClaim const& c) { return c.transfer_id == transfer_id; });
}

void DeviceOwnership::release_buffer(uint64_t buffer_id)
{
    std::erase_if(m_claims, [&](DeviceClaim const& c) { return c.buffer_id == buffer_id; });
}

std::vector<DeviceClaim> DeviceOwnership::claims_through(uint64_t descriptor_id) const
{
    std::vector<DeviceClaim> out;
    std::copy_if(m_claims.begin(), m_claims.end(), std::back_inserter(out),
        [&](DeviceClaim const& c) { return c.descriptor_id == descriptor_id; });
    return out;
}

} // namespace dextlab::kernel
