#include "kernel_model/memory/guard_zone.h"

#include <doctest/doctest.h>

#include <vector>

using namespace dextlab::kernel;

TEST_CASE("a guarded region reaches the end of the page and keeps at least kMinGuardBytes of guard")
{
    struct Row {
        size_t capacity;
        size_t region;
    };
    for (auto row : { Row { 0, 4096 }, Row { 8, 4096 }, Row { 4032, 4096 }, Row { 4033, 8192 }, Row { 4096, 8192 },
             Row { 65536, 69632 } }) {
        CAPTURE(row.capacity);
        CHECK(guarded_region_size(row.capacity) == row.region);
        CHECK(guarded_region_size(row.capacity) - row.capacity >= kMinGuardBytes);
    }
}

TEST_CASE("an intact guard shows no damage, a written one names the first and last changed byte")
{
    std::vector<uint8_t> guard(128);
    fill_guard(guard.data(), guard.size());
    CHECK(guard[0] == kGuardPattern[0]);
    CHECK(guard[5] == kGuardPattern[1]);
    CHECK_FALSE(find_guard_damage(guard.data(), guard.size()));

    // A 6-byte overrun, as memcpy(buffer, source, capacity + 6) leaves it.
    for (size_t i = 0; i < 6; ++i)
        guard[i] = 0x00;
    auto damage = find_guard_damage(guard.data(), guard.size());
    REQUIRE(damage);
    CHECK(damage->first == 0);
    CHECK(damage->last == 5);

    // A stray write further out widens the range.
    guard[100] = 0x01;
    damage = find_guard_damage(guard.data(), guard.size());
    REQUIRE(damage);
    CHECK(damage->first == 0);
    CHECK(damage->last == 100);

    fill_guard(guard.data(), guard.size());
    CHECK_FALSE(find_guard_damage(guard.data(), guard.size()));
}

TEST_CASE("changed bytes between a snapshot and the memory now")
{
    std::vector<uint8_t> before { 1, 2, 3, 4, 5, 6, 7, 8 };
    std::vector<uint8_t> now = before;
    CHECK_FALSE(find_changed_bytes(before.data(), now.data(), now.size()));
    now[2] = 0x30;
    now[6] = 0x70;
    auto changed = find_changed_bytes(before.data(), now.data(), now.size());
    REQUIRE(changed);
    CHECK(changed->first == 2);
    CHECK(changed->last == 6);
    // Only the compared prefix counts.
    CHECK_FALSE(find_changed_bytes(before.data(), now.data(), 2));
}
