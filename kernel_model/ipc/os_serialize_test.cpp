// OSSerialize's binary format: exact bytes against the kernel's layout, round trips of every
// type, references, and malformed input (each an error naming its offset, never a crash).

#include "kernel_model/ipc/os_serialize.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

using namespace dextlab;
using namespace dextlab::ipc::osser;

namespace {

// Little-endian words, the way the format is written.
std::vector<uint8_t> words(std::initializer_list<uint32_t> list)
{
    std::vector<uint8_t> out;
    for (uint32_t w : list) {
        for (int i = 0; i < 4; ++i)
            out.push_back(static_cast<uint8_t>(w >> (8 * i)));
    }
    return out;
}

std::string error_of(std::vector<uint8_t> const& bytes)
{
    auto v = unserialize(bytes);
    REQUIRE_FALSE(v.has_value());
    return v.error().message;
}

Value round_trip(Value const& v)
{
    auto bytes = try_serialize(v);
    REQUIRE(bytes.has_value());
    auto back = unserialize(bytes.value());
    REQUIRE(back.has_value());
    return back.value();
}

} // namespace

TEST_CASE("a dictionary is written exactly as the kernel writes it")
{
    Value dict = Value::make_dict({ { "idVendor", Value::make_number(0x1209, 16) }, { "ok", Value::make_bool(true) } });
    auto expected = words({
        0x000000d3,              // kOSSerializeBinarySignature "\323\0\0"
        0x81000002,              // kDictionary | 2 members, end flag: the top-level object
        0x08000009,              // kSymbol | 9: "idVendor" and its NUL ...
        0x65566469, 0x726f646e,  //   "idVe" "ndor"
        0x00000000,              //   NUL and 3 bytes of padding to 4
        0x04000010,              // kNumber | 16 bits; 8 value bytes always follow
        0x00001209, 0x00000000,  //   0x1209, low word first
        0x08000003,              // kSymbol | 3: "ok\0" ...
        0x00006b6f,              //   "ok\0" and a padding byte
        0x8b000001,              // kBoolean | true, end flag: the dictionary's last value
    });
    CHECK(serialize(dict) == expected);
    auto back = unserialize(expected);
    REQUIRE(back.has_value());
    CHECK(back.value() == dict);
}

TEST_CASE("every type round-trips")
{
    CHECK(round_trip(Value::make_bool(false)) == Value::make_bool(false));
    CHECK(round_trip(Value::make_bool(true)) == Value::make_bool(true));
    for (uint8_t bits : { 8, 16, 32, 64 }) {
        Value n = Value::make_number(0xfedcba9876543210ULL, bits);
        CHECK(round_trip(n) == n);
        CHECK(round_trip(n).bits == bits);
    }
    CHECK(Value::make_number(0x1ff, 8).number == 0xff); // kept to its width, like OSNumber
    CHECK(round_trip(Value::make_string("")) == Value::make_string(""));
    CHECK(round_trip(Value::make_string("USB Product Name")) == Value::make_string("USB Product Name"));
    CHECK(round_trip(Value::make_data({})) == Value::make_data({}));
    CHECK(round_trip(Value::make_data({ 1, 2, 3, 4, 5 })) == Value::make_data({ 1, 2, 3, 4, 5 }));
    CHECK(round_trip(Value::make_array()) == Value::make_array());
    CHECK(round_trip(Value::make_dict()) == Value::make_dict());
}

TEST_CASE("nesting: empty and full collections at every position keep their shape")
{
    Value tree = Value::make_dict({
        { "empty-first", Value::make_array() },
        { "list", Value::make_array({ Value::make_number(1, 32), Value::make_dict(), Value::make_array({ Value::make_string("deep") }) }) },
        { "inner", Value::make_dict({ { "a", Value::make_data({ 0xaa }) }, { "b", Value::make_dict() } }) },
        { "empty-last", Value::make_dict() },
    });
    CHECK(round_trip(tree) == tree);
    Value top_array = Value::make_array({ tree, Value::make_array(), tree });
    CHECK(round_trip(top_array) == top_array);
}

TEST_CASE("repeated keys and booleans are written as references and read back as values")
{
    Value rows = Value::make_array({
        Value::make_dict({ { "IOClass", Value::make_string("A") }, { "on", Value::make_bool(true) } }),
        Value::make_dict({ { "IOClass", Value::make_string("B") }, { "on", Value::make_bool(true) } }),
    });
    auto bytes = serialize(rows);
    // Objects are numbered as written: 0 array, 1 dict, 2 "IOClass", 3 "A", 4 "on", 5 true,
    // 6 dict; then the second "IOClass" is object 2 and the second true object 5.
    auto second_dict = words({ 0x81000002, 0x0c000002, 0x09000001, 0x00000042, 0x0c000004, 0x8c000005 });
    REQUIRE(bytes.size() > second_dict.size());
    CHECK(std::vector<uint8_t>(bytes.end() - static_cast<long>(second_dict.size()), bytes.end()) == second_dict);
    auto back = unserialize(bytes);
    REQUIRE(back.has_value());
    CHECK(back.value() == rows);
}

TEST_CASE("a reference to a finished collection copies it, a string key is accepted")
{
    auto bytes = words({ 0x000000d3,
        0x82000002,              // array of 2 (object 0)
        0x02000001,              //   array of 1 (object 1)
        0x84000008, 7, 0,        //     8-bit number 7, end (object 2)
        0x8c000001 });           //   reference to object 1, end
    auto v = unserialize(bytes);
    REQUIRE(v.has_value());
    Value inner = Value::make_array({ Value::make_number(7, 8) });
    CHECK(v.value() == Value::make_array({ inner, inner }));

    auto string_key = words({ 0x000000d3, 0x81000001, 0x09000001, 0x0000006b, 0x8b000000 });
    auto d = unserialize(string_key);
    REQUIRE(d.has_value());
    REQUIRE(d.value().find("k") != nullptr);
    CHECK(*d.value().find("k") == Value::make_bool(false));
}

TEST_CASE("malformed input is an error naming the offset, never a crash")
{
    auto good = serialize(Value::make_dict({ { "name", Value::make_string("value") }, { "n", Value::make_number(5, 32) } }));

    SUBCASE("every truncation of a good buffer")
    {
        for (size_t size = 0; size < good.size(); ++size) {
            auto v = unserialize(good.data(), size);
            REQUIRE_FALSE(v.has_value());
            CHECK(v.error().message.find("offset") != std::string::npos);
        }
    }
    SUBCASE("bad signature")
    {
        CHECK(error_of(words({ 0x000000d2, 0x8b000001 })).find("offset 0: bad signature 0x000000d2") != std::string::npos);
        CHECK(error_of(words({ 0x000001d4, 0x8b000001 })).find("indexed binary format") != std::string::npos);
        CHECK(error_of({}).find("shorter than the 4-byte signature") != std::string::npos);
    }
    SUBCASE("unknown type")
    {
        CHECK(error_of(words({ 0xd3, 0x85000000 })) == "OSSerialize binary data, offset 4: unknown object type 0x05000000 in key 0x85000000");
    }
    SUBCASE("non-symbol key")
    {
        CHECK(error_of(words({ 0xd3, 0x81000001, 0x04000020, 1, 0, 0x8b000001 }))
            == "OSSerialize binary data, offset 8: dictionary key is an OSNumber; keys are symbols (or strings)");
    }
    SUBCASE("symbol without its NUL, number of an odd width, key without value")
    {
        CHECK(error_of(words({ 0xd3, 0x81000001, 0x08000004, 0x6d616e65, 0x8b000001 })).find("offset 8: a symbol of 4 bytes that does not end in NUL")
            != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x84000007, 1, 0 })).find("offset 4: an OSNumber of 7 bits") != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x84000000 | 63, 1, 0 })).find("floating-point") != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x81000001, 0x88000002, 0x00000061 })).find("offset 8: dictionary ends after the key \"a\"")
            != std::string::npos);
    }
    SUBCASE("missing or misplaced end flags")
    {
        CHECK(error_of(words({ 0xd3, 0x0b000001 })).find("offset 4: the top-level object lacks the end-of-collection flag") != std::string::npos);
        // Declares 2 members, ends after 1 (trailing words, so the count looks plausible).
        CHECK(error_of(words({ 0xd3, 0x82000002, 0x8b000001, 0, 0 })).find("offset 4: OSArray declares 2 members but its end flag came after 1")
            != std::string::npos);
    }
    SUBCASE("references: forward, and to a collection still open")
    {
        CHECK(error_of(words({ 0xd3, 0x8c000000 })).find("offset 4: reference to object #0, but only 0 objects came before it") != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x82000001, 0x8c000000 })).find("offset 8: reference to object #0, a collection still being read (a cycle)")
            != std::string::npos);
    }
    SUBCASE("absurd lengths")
    {
        CHECK(error_of(words({ 0xd3, 0x8a000000 | 0xffffff })).find("offset 4: truncated OSData: 16777215 bytes declared, 0 left") != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x82ffffff, 0x8b000001 })).find("OSArray of 16777215 members, more than the 4 bytes left can hold")
            != std::string::npos);
        CHECK(error_of(words({ 0xd3, 0x89000010, 0x41414141 })).find("truncated OSString: 16 bytes declared, 4 left") != std::string::npos);
    }
    SUBCASE("deep nesting stops at the kernel's limit")
    {
        std::vector<uint32_t> deep { 0xd3 };
        for (int i = 0; i < 100; ++i)
            deep.push_back(0x82000001);
        deep.push_back(0x8b000001);
        std::vector<uint8_t> bytes;
        for (uint32_t w : deep) {
            auto b = words({ w });
            bytes.insert(bytes.end(), b.begin(), b.end());
        }
        CHECK(error_of(bytes).find("OSArray nested 64 deep; the kernel refuses more than 63") != std::string::npos);
    }
    SUBCASE("references that would expand without bound")
    {
        // An array of 31 arrays, each holding the one before it twice: 2^31 values from a few
        // hundred bytes. Member 0 is [false, true] (objects 1-3); member k is object 3 + k.
        std::vector<uint32_t> w { 0xd3, 0x82000000 | 31, 0x02000002, 0x0b000000, 0x8b000001 };
        uint32_t previous = 1;
        for (uint32_t k = 1; k <= 30; ++k) {
            w.push_back(0x02000002 | (k == 30 ? kEndCollection : 0));
            w.push_back(0x0c000000 | previous);
            w.push_back(0x8c000000 | previous);
            previous = 3 + k;
        }
        std::vector<uint8_t> bytes;
        for (uint32_t x : w) {
            auto b = words({ x });
            bytes.insert(bytes.end(), b.begin(), b.end());
        }
        CHECK(error_of(bytes).find("expands to more than 1048576 values") != std::string::npos);
    }
}

TEST_CASE("corrupted buffers never crash the reader")
{
    Value tree = Value::make_dict({ { "a", Value::make_array({ Value::make_bool(true), Value::make_string("xyz") }) },
        { "b", Value::make_dict({ { "a", Value::make_data({ 1, 2, 3 }) }, { "c", Value::make_bool(true) } }) },
        { "n", Value::make_number(42, 64) } });
    auto good = serialize(tree);
    // A fixed linear congruential sequence: the same corruptions on every run.
    uint64_t state = 12345;
    auto next = [&] { return state = state * 6364136223846793005ULL + 1442695040888963407ULL; };
    size_t failures = 0;
    for (int round = 0; round < 4000; ++round) {
        auto bytes = good;
        for (int flips = 1 + static_cast<int>(next() >> 62); flips > 0; --flips)
            bytes[(next() >> 33) % bytes.size()] ^= static_cast<uint8_t>(1u << ((next() >> 40) % 8));
        auto v = unserialize(bytes);
        if (!v) {
            ++failures;
            CHECK(v.error().message.rfind("OSSerialize binary data, offset ", 0) == 0);
        }
    }
    CHECK(failures > 1000); // most corruptions are caught; the rest read as other valid values
}

TEST_CASE("values the format cannot hold are refused by try_serialize")
{
    CHECK_FALSE(try_serialize(Value::make_number(1, 12)).has_value());
    Value deep = Value::make_array();
    for (int i = 0; i < 62; ++i)
        deep = Value::make_array({ deep });
    CHECK(round_trip(deep) == deep); // 63 nested collections: the most the kernel reads
    auto too_deep = try_serialize(Value::make_array({ deep }));
    REQUIRE_FALSE(too_deep.has_value());
    CHECK(too_deep.error().message.find("nested more than 63 deep") != std::string::npos);
    auto big = try_serialize(Value::make_data(std::vector<uint8_t>(kDataMask + 1)));
    REQUIRE_FALSE(big.has_value());
    CHECK(big.error().message.find("24 bits") != std::string::npos);
}
