#include "inline_function.h"

#include <doctest/doctest.h>

#include <array>
#include <memory>

using namespace dextlab;

namespace {

// Counts its live copies, so a test sees when the stored callable is destroyed.
struct Counted {
    explicit Counted(int& live)
        : live(&live)
    {
        ++*this->live;
    }
    Counted(Counted&& other) noexcept
        : live(other.live)
    {
        ++*live;
    }
    Counted(Counted const&) = delete;
    ~Counted() { --*live; }
    int* live;
};

} // namespace

TEST_CASE("small captures run from inside the function and are destroyed with it")
{
    int live = 0;
    int calls = 0;
    {
        InlineFunction<void(), 48> f = [counted = Counted(live), &calls] { ++calls; };
        CHECK(live == 1);
        InlineFunction<void(), 48> g = std::move(f);
        CHECK_FALSE(f);
        CHECK(live == 1);
        g();
        CHECK(calls == 1);
        g = nullptr;
        CHECK_FALSE(g);
        CHECK(live == 0);
    }
    CHECK(live == 0);
}

TEST_CASE("captures larger than the inline room go to the heap and still move and run")
{
    std::array<int, 32> big {};
    big[31] = 7;
    InlineFunction<int(int), 16> f = [big](int add) { return big[31] + add; };
    InlineFunction<int(int), 16> g = std::move(f);
    CHECK(g(1) == 8);
}

TEST_CASE("move-only captures are accepted and an empty std::function stays empty")
{
    auto owned = std::make_unique<int>(5);
    InlineFunction<int()> f = [owned = std::move(owned)] { return *owned; };
    CHECK(f() == 5);
    std::function<void()> nothing;
    InlineFunction<void()> empty = nothing;
    CHECK_FALSE(empty);
    CHECK_THROWS_AS(empty(), std::bad_function_call);
}
