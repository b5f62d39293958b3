#include "sim/core/rng.h"

#include <doctest/doctest.h>
#include <set>

using namespace dextlab;

TEST_CASE("the same seed gives the same sequence, another seed does not")
{
    Rng a(7), b(7), c(8);
    bool all_equal_ab = true, all_equal_ac = true;
    for (int i = 0; i < 100; ++i) {
        auto x = a.next_u64(), y = b.next_u64(), z = c.next_u64();
        all_equal_ab &= x == y;
        all_equal_ac &= x == z;
    }
    CHECK(all_equal_ab);
    CHECK_FALSE(all_equal_ac);
}

TEST_CASE("forked streams are stable and independent of each other")
{
    Rng root(42);
    Rng dev0 = root.fork("dev0"), dev0_again = root.fork("dev0"), dev1 = root.fork("dev1");
    CHECK(dev0.next_u64() == dev0_again.next_u64());
    CHECK(dev0.next_u64() != dev1.next_u64());
}

TEST_CASE("below() stays in range and covers it")
{
    Rng rng(1);
    std::set<uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        auto v = rng.below(6);
        REQUIRE(v < 6);
        seen.insert(v);
    }
    CHECK(seen.size() == 6);
}
