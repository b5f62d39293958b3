#include "kernel_model/memory/device_ownership.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {

DeviceClaim claim(uint64_t transfer, uint64_t buffer, uint64_t offset, uint64_t length, bool device_writes,
    uint64_t descriptor = 0)
{
    return DeviceClaim { transfer, descriptor ? descriptor : buffer, buffer, offset, length,
        static_cast<uint8_t>(device_writes ? 0x82 : 0x02), device_writes };
}

} // namespace

TEST_CASE("a second transfer over bytes the device owns races when either transfer writes memory")
{
    struct Row {
        char const* what;
        DeviceClaim second;
        bool races;
    };
    DeviceOwnership owned;
    owned.claim(claim(1, 10, 0, 64, /*device_writes=*/true)); // IN into bytes 0..63 of buffer 10
    owned.claim(claim(2, 20, 0, 64, /*device_writes=*/false)); // OUT from bytes 0..63 of buffer 20
    Row const rows[] = {
        { "IN into the same bytes", claim(3, 10, 0, 64, true), true },
        { "OUT of bytes an IN fills", claim(3, 10, 32, 8, false), true },
        { "IN into the last byte only", claim(3, 10, 63, 1, true), true },
        { "IN right after the owned bytes", claim(3, 10, 64, 64, true), false },
        { "another buffer", claim(3, 11, 0, 64, true), false },
        { "a second OUT of the same bytes (both only read)", claim(3, 20, 0, 64, false), false },
        { "IN into bytes an OUT reads", claim(3, 20, 16, 16, true), true },
        { "zero bytes", claim(3, 10, 0, 0, true), false },
    };
    for (auto const& row : rows) {
        CAPTURE(row.what);
        auto held = owned.conflict(row.second);
        CHECK(held.has_value() == row.races);
    }
}

TEST_CASE("claims end with their transfer, or with their buffer's server")
{
    DeviceOwnership owned;
    owned.claim(claim(1, 10, 0, 64, true, /*descriptor=*/15));
    owned.claim(claim(2, 10, 64, 64, true, /*descriptor=*/16));
    owned.claim(claim(3, 30, 0, 8, false));
    CHECK(owned.claims_through(15).size() == 1);
    CHECK(owned.conflict(claim(4, 10, 0, 8, true))->transfer_id == 1);

    owned.release(1);
    CHECK(owned.claims_through(15).empty());
    CHECK_FALSE(owned.conflict(claim(4, 10, 0, 8, true)));
    CHECK(owned.conflict(claim(4, 10, 64, 8, true))->transfer_id == 2);

    owned.release_buffer(10);
    CHECK(owned.size() == 1);
    CHECK_FALSE(owned.conflict(claim(4, 10, 64, 8, true)));
}
