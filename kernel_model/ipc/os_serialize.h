#pragma once
// OSSerialize's binary format: how IOKit moves property values (OSDictionary, OSArray, OSString,
// OSNumber, OSData, OSBoolean) between the kernel, a dext and an app. Each end converts its own
// types to and from the neutral `Value` tree here: the kernel's registry Property, the dext
// runtime's OS containers, the app shim's CoreFoundation subset.
//
// Layout (xnu libkern/c++/OSSerializeBinary.cpp): a 32-bit signature, then one 32-bit key per
// object — type | length, with kEndCollection on the last object of each collection (and on the
// top-level object) — followed by the object's bytes padded to 4. Dictionaries alternate a
// Symbol key and a value; `length` is the element count of a collection, the bit width of a
// Number (8 bytes follow), the byte count of Symbol (with its NUL), String (without) and Data,
// and the value of a Boolean (nothing follows). kObject refers back to the n-th object.

#include "sim/core/error.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dextlab::ipc::osser {

inline constexpr uint32_t kSignature = 0x000000d3; // kOSSerializeBinarySignature "\323\0\0"
inline constexpr uint32_t kDictionary = 0x01000000;
inline constexpr uint32_t kArray = 0x02000000;
inline constexpr uint32_t kSet = 0x03000000;
inline constexpr uint32_t kNumber = 0x04000000;
inline constexpr uint32_t kSymbol = 0x08000000;
inline constexpr uint32_t kString = 0x09000000;
inline constexpr uint32_t kData = 0x0a000000;
inline constexpr uint32_t kBoolean = 0x0b000000;
inline constexpr uint32_t kObject = 0x0c000000;
inline constexpr uint32_t kTypeMask = 0x7f000000;
inline constexpr uint32_t kDataMask = 0x00ffffff;
inline constexpr uint32_t kEndCollection = 0x80000000;

// The neutral value tree. Dictionary entries keep the order they were written in.
struct Value {
    enum class Kind : uint8_t { Bool, Number, String, Data, Array, Dict };
    Kind kind { Kind::Dict };
    bool boolean { false };
    uint64_t number { 0 };
    uint8_t bits { 64 }; // an OSNumber's width: 8, 16, 32 or 64
    std::string string;
    std::vector<uint8_t> data;
    std::vector<Value> array;
    std::vector<std::pair<std::string, Value>> dict;

    static Value make_bool(bool v);
    static Value make_number(uint64_t v, uint8_t bits = 64);
    static Value make_string(std::string v);
    static Value make_data(std::vector<uint8_t> v);
    static Value make_array(std::vector<Value> v = {});
    static Value make_dict(std::vector<std::pair<std::string, Value>> v = {});
    // Dictionary lookup; nullptr if this is not a dictionary or the key is absent.
    Value const* find(std::string const& key) const;
    // Same kind and value; numbers must have the same width too, so a round trip is exact.
    bool operator==(Value const& other) const;
};

// "OSDictionary", "OSNumber", ...: the DriverKit class a kind stands for, for messages.
char const* kind_name(Value::Kind kind);

// The kernel's byte layout for `value`: dictionary keys written as symbols, a key or a boolean
// seen before written as a reference (OSSymbols and the two OSBooleans are single objects in
// the kernel, so its writer does the same). Fails for what the format cannot hold: a length or
// count over 24 bits, a number width other than 8, 16, 32 or 64.
ErrorOr<std::vector<uint8_t>> try_serialize(Value const& value);
// try_serialize for values known to fit (asserts otherwise).
std::vector<uint8_t> serialize(Value const& value);
// Errors name the byte offset and what was wrong there (a truncated object, an unknown type,
// a back-reference to an object not yet seen, a non-symbol dictionary key, nesting too deep).
// An OSSet is read as an array (the lab's property model has no sets); a string key is
// accepted as the kernel accepts it; bytes after the top-level object are ignored, as there.
ErrorOr<Value> unserialize(uint8_t const* bytes, size_t size);
inline ErrorOr<Value> unserialize(std::vector<uint8_t> const& bytes) { return unserialize(bytes.data(), bytes.size()); }

} // namespace dextlab::ipc::osser
