#include "payload.h"

#include <doctest/doctest.h>

#include <utility>

using namespace dextlab::ipc;

namespace {

Payload filled(size_t size)
{
    Payload p;
    for (size_t i = 0; i < size; ++i)
        p.push_back(static_cast<uint8_t>(i));
    return p;
}

bool holds_sequence(Payload const& p, size_t size)
{
    if (p.size() != size)
        return false;
    for (size_t i = 0; i < size; ++i) {
        if (p.data()[i] != static_cast<uint8_t>(i))
            return false;
    }
    return true;
}

} // namespace

TEST_CASE("a payload keeps small contents inside and grows to the heap past kInline bytes")
{
    Payload small = filled(Payload::kInline);
    CHECK(small.capacity() == Payload::kInline);
    CHECK(holds_sequence(small, Payload::kInline));
    Payload large = filled(Payload::kInline + 1);
    CHECK(large.capacity() > Payload::kInline);
    CHECK(holds_sequence(large, Payload::kInline + 1));
}

TEST_CASE("payloads copy and move, inline or not, and leave a moved-from one empty")
{
    for (size_t size : { size_t { 0 }, size_t { 9 }, Payload::kInline, Payload::kInline * 3 }) {
        CAPTURE(size);
        Payload original = filled(size);
        Payload copy = original;
        CHECK(copy == original);
        Payload moved = std::move(copy);
        CHECK(holds_sequence(moved, size));
        CHECK(copy.empty());
        Payload assigned = filled(Payload::kInline * 2);
        assigned = std::move(moved);
        CHECK(holds_sequence(assigned, size));
        assigned = original;
        CHECK(assigned == original);
    }
}

TEST_CASE("resize zero-fills what it adds, as vector does, and assign replaces the contents")
{
    Payload p = filled(4);
    p.resize(8);
    CHECK(p.size() == 8);
    CHECK(p.data()[3] == 3);
    CHECK(p.data()[7] == 0);
    p.resize(2);
    CHECK(p.size() == 2);
    uint8_t const bytes[] = { 9, 8, 7 };
    p.assign(bytes, bytes + 3);
    CHECK(p.size() == 3);
    CHECK(p.data()[0] == 9);
}
