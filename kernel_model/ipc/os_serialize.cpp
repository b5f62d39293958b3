// OSSerialize's binary format, both ways. The layout is xnu's (libkern/c++/OSSerializeBinary.cpp,
// libkern/libkern/OSSerializeBinary.h); see os_serialize.h for a summary. The reader is as strict
// as the kernel's OSUnserializeBinary and stricter where the kernel would leak or loop: every
// failure is an error naming the byte offset, never a crash, whatever the bytes.

#include "os_serialize.h"

#include <algorithm>
#include <cassert>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>

namespace dextlab::ipc::osser {

// ---- Value ----

Value Value::make_bool(bool v)
{
    Value value;
    value.kind = Kind::Bool;
    value.boolean = v;
    return value;
}

Value Value::make_number(uint64_t v, uint8_t bits)
{
    Value value;
    value.kind = Kind::Number;
    value.bits = bits;
    value.number = bits >= 64 ? v : v & ((1ULL << bits) - 1);
    return value;
}

Value Value::make_string(std::string v)
{
    Value value;
    value.kind = Kind::String;
    value.string = std::move(v);
    return value;
}

Value Value::make_data(std::vector<uint8_t> v)
{
    Value value;
    value.kind = Kind::Data;
    value.data = std::move(v);
    return value;
}

Value Value::make_array(std::vector<Value> v)
{
    Value value;
    value.kind = Kind::Array;
    value.array = std::move(v);
    return value;
}

Value Value::make_dict(std::vector<std::pair<std::string, Value>> v)
{
    Value value;
    value.kind = Kind::Dict;
    value.dict = std::move(v);
    return value;
}

Value const* Value::find(std::string const& key) const
{
    if (kind != Kind::Dict)
        return nullptr;
    for (auto const& [k, v] : dict) {
        if (k == key)
            return &v;
    }
    return nullptr;
}

bool Value::operator==(Value const& other) const
{
    if (kind != other.kind)
        return false;
    switch (kind) {
    case Kind::Bool: return boolean == other.boolean;
    case Kind::Number: return number == other.number && bits == other.bits;
    case Kind::String: return string == other.string;
    case Kind::Data: return data == other.data;
    case Kind::Array: return array == other.array;
    case Kind::Dict: return dict == other.dict;
    }
    return false;
}

char const* kind_name(Value::Kind kind)
{
    switch (kind) {
    case Value::Kind::Bool: return "OSBoolean";
    case Value::Kind::Number: return "OSNumber";
    case Value::Kind::String: return "OSString";
    case Value::Kind::Data: return "OSData";
    case Value::Kind::Array: return "OSArray";
    case Value::Kind::Dict: return "OSDictionary";
    }
    return "?";
}

// ---- writing ----

namespace {

constexpr unsigned kMaxDepth = 63; // nested collections: the kernel's reader keeps a 64-entry stack

class Writer {
public:
    Writer() { word(kSignature); }

    ErrorOr<void> object(Value const& value, bool last, unsigned depth = 0)
    {
        uint32_t end = last ? kEndCollection : 0;
        bool collection = value.kind == Value::Kind::Array || value.kind == Value::Kind::Dict;
        if (collection && depth >= kMaxDepth)
            return Error::with("collections nested more than " + std::to_string(kMaxDepth) + " deep (the kernel's reader refuses them)");
        switch (value.kind) {
        case Value::Kind::Bool:
            // kOSBooleanTrue and kOSBooleanFalse are single objects, so the kernel writes
            // every occurrence after the first as a reference to it.
            if (auto& seen = value.boolean ? m_true : m_false) {
                word(kObject | *seen | end);
            } else {
                seen = m_objects++;
                word(kBoolean | (value.boolean ? 1u : 0u) | end);
            }
            return {};
        case Value::Kind::Number: {
            if (value.bits != 8 && value.bits != 16 && value.bits != 32 && value.bits != 64)
                return Error::with("an OSNumber of " + std::to_string(value.bits) + " bits (OSSerialize writes 8, 16, 32 or 64)");
            ++m_objects;
            word(kNumber | value.bits | end);
            word(static_cast<uint32_t>(value.number));
            word(static_cast<uint32_t>(value.number >> 32));
            return {};
        }
        case Value::Kind::String:
            TRY(check_length(value.string.size(), "an OSString"));
            ++m_objects;
            word(kString | static_cast<uint32_t>(value.string.size()) | end);
            padded(value.string.data(), value.string.size());
            return {};
        case Value::Kind::Data:
            TRY(check_length(value.data.size(), "an OSData"));
            ++m_objects;
            word(kData | static_cast<uint32_t>(value.data.size()) | end);
            padded(value.data.data(), value.data.size());
            return {};
        case Value::Kind::Array:
            TRY(check_length(value.array.size(), "an OSArray"));
            ++m_objects;
            word(kArray | static_cast<uint32_t>(value.array.size()) | end);
            for (size_t i = 0; i < value.array.size(); ++i)
                TRY(object(value.array[i], i + 1 == value.array.size(), depth + 1));
            return {};
        case Value::Kind::Dict:
            TRY(check_length(value.dict.size(), "an OSDictionary"));
            ++m_objects;
            word(kDictionary | static_cast<uint32_t>(value.dict.size()) | end);
            for (size_t i = 0; i < value.dict.size(); ++i) {
                TRY(symbol(value.dict[i].first));
                // The end flag goes on the last value, never on a key.
                TRY(object(value.dict[i].second, i + 1 == value.dict.size(), depth + 1));
            }
            return {};
        }
        return {};
    }

    std::vector<uint8_t> take() { return std::move(m_out); }

private:
    // Keys are OSSymbols, interned by the kernel: a key seen before is written as a reference.
    ErrorOr<void> symbol(std::string const& key)
    {
        auto it = m_symbols.find(key);
        if (it != m_symbols.end()) {
            word(kObject | it->second);
            return {};
        }
        size_t length = std::strlen(key.c_str()) + 1; // with its NUL, as OSSymbol's length + 1
        TRY(check_length(length, "a dictionary key"));
        m_symbols.emplace(key, m_objects++);
        word(kSymbol | static_cast<uint32_t>(length));
        padded(key.c_str(), length);
        return {};
    }

    ErrorOr<void> check_length(size_t length, char const* what)
    {
        if (length > kDataMask)
            return Error::with(std::string(what) + " of " + std::to_string(length) + " (OSSerialize lengths are 24 bits: at most "
                + std::to_string(kDataMask) + ")");
        if (m_objects >= kDataMask)
            return Error::with("more than " + std::to_string(kDataMask) + " objects (OSSerialize references are 24 bits)");
        return {};
    }

    void word(uint32_t value)
    {
        uint8_t bytes[4] = { static_cast<uint8_t>(value), static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value >> 16),
            static_cast<uint8_t>(value >> 24) };
        m_out.insert(m_out.end(), bytes, bytes + 4);
    }

    void padded(void const* data, size_t size)
    {
        auto const* bytes = static_cast<uint8_t const*>(data);
        m_out.insert(m_out.end(), bytes, bytes + size);
        m_out.resize(m_out.size() + (4 - size % 4) % 4, 0);
    }

    std::vector<uint8_t> m_out;
    uint32_t m_objects { 0 }; // index the next object gets, as references count them
    std::map<std::string, uint32_t> m_symbols;
    std::optional<uint32_t> m_true;
    std::optional<uint32_t> m_false;
};

} // namespace

ErrorOr<std::vector<uint8_t>> try_serialize(Value const& value)
{
    Writer writer;
    // The top-level object carries the end flag too (the kernel's writer starts with it set).
    if (auto written = writer.object(value, true); !written)
        return Error::with("cannot serialize " + std::string(kind_name(value.kind)) + ": " + written.error().message);
    return writer.take();
}

std::vector<uint8_t> serialize(Value const& value)
{
    auto bytes = try_serialize(value);
    assert(bytes.has_value() && "serialize() takes values within OSSerialize's limits; use try_serialize for others");
    return bytes ? std::move(bytes).value() : std::vector<uint8_t> {};
}

// ---- reading ----

namespace {

class Reader {
public:
    Reader(uint8_t const* bytes, size_t size)
        : m_bytes(bytes)
        , m_size(size)
    {
    }

    ErrorOr<Value> read()
    {
        if (m_size < 4)
            return fail(0, "truncated: " + std::to_string(m_size) + " bytes, shorter than the 4-byte signature");
        uint32_t signature = word_at(0);
        if ((signature & 0xff) == 0xd4)
            return fail(0, "the indexed binary format (signature 0xd4) is not supported; expected 0x000000d3");
        if (signature != kSignature)
            return fail(0, "bad signature " + hex(signature) + "; expected 0x000000d3 (kOSSerializeBinarySignature)");
        m_offset = 4;
        Item top = TRY(item(0));
        if (!top.end)
            return fail(top.offset, "the top-level object lacks the end-of-collection flag (0x80000000)");
        return std::move(top.value);
    }

private:
    // One object as read: its value, whether it ended its collection, where it started.
    struct Item {
        Value value;
        bool end { false };
        size_t offset { 0 };
    };
    // Every object that is not itself a reference gets the next index; a collection's slot is
    // filled when it is complete, so a reference to an unfinished one (a cycle) is caught.
    struct Slot {
        std::optional<Value> value;
    };

    static constexpr size_t kMaxValues = 1u << 20; // what references may expand to, in all

    ErrorOr<Item> item(unsigned depth)
    {
        size_t at = m_offset;
        if (m_size - m_offset < 4)
            return fail(at, "truncated: expected an object's 4-byte key, " + std::to_string(m_size - m_offset) + " bytes left");
        uint32_t key = word_at(m_offset);
        m_offset += 4;
        uint32_t length = key & kDataMask;
        Item out { {}, (key & kEndCollection) != 0, at };
        TRY(count_values(at, 1));
        switch (key & kTypeMask) {
        case kDictionary:
        case kArray:
        case kSet:
            out.value = TRY(collection(key, at, depth));
            return out;
        case kObject: {
            if (length >= m_slots.size())
                return fail(at, "reference to object #" + std::to_string(length) + ", but only " + std::to_string(m_slots.size())
                    + " objects came before it");
            Slot const& slot = m_slots[length];
            if (!slot.value)
                return fail(at, "reference to object #" + std::to_string(length) + ", a collection still being read (a cycle)");
            TRY(count_values(at, node_count(*slot.value)));
            out.value = *slot.value;
            return out;
        }
        case kNumber: {
            auto bytes = TRY(take(at, 8, "OSNumber"));
            uint64_t value = static_cast<uint64_t>(word_at(bytes)) | static_cast<uint64_t>(word_at(bytes + 4)) << 32;
            if (length == 31 || length == 63)
                return fail(at, "a floating-point OSNumber (" + std::to_string(length) + "); DriverKit's OSNumber holds integers only");
            if (length != 8 && length != 16 && length != 32 && length != 64)
                return fail(at, "an OSNumber of " + std::to_string(length) + " bits; expected 8, 16, 32 or 64");
            out.value = Value::make_number(value, static_cast<uint8_t>(length));
            return remember(std::move(out));
        }
        case kSymbol: {
            auto bytes = TRY(take(at, length, "symbol"));
            if (length == 0 || m_bytes[bytes + length - 1] != 0)
                return fail(at, "a symbol of " + std::to_string(length) + " bytes that does not end in NUL (a symbol's length counts its NUL)");
            out.value = Value::make_string(reinterpret_cast<char const*>(m_bytes + bytes));
            return remember(std::move(out));
        }
        case kString: {
            auto bytes = TRY(take(at, length, "OSString"));
            auto const* text = reinterpret_cast<char const*>(m_bytes + bytes);
            out.value = Value::make_string(std::string(text, strnlen(text, length)));
            return remember(std::move(out));
        }
        case kData: {
            auto bytes = TRY(take(at, length, "OSData"));
            out.value = Value::make_data(std::vector<uint8_t>(m_bytes + bytes, m_bytes + bytes + length));
            return remember(std::move(out));
        }
        case kBoolean:
            out.value = Value::make_bool(length != 0);
            return remember(std::move(out));
        default:
            return fail(at, "unknown object type " + hex(key & kTypeMask) + " in key " + hex(key));
        }
    }

    // Dictionaries alternate a key and a value until an object carries the end flag; a set is
    // read as an array (the lab's property model has no sets).
    ErrorOr<Value> collection(uint32_t key, size_t at, unsigned depth)
    {
        uint32_t type = key & kTypeMask;
        uint32_t count = key & kDataMask;
        bool dict = type == kDictionary;
        char const* name = dict ? "OSDictionary" : type == kArray ? "OSArray" : "OSSet";
        if (depth + 1 > kMaxDepth)
            return fail(at, std::string(name) + " nested " + std::to_string(depth + 1) + " deep; the kernel refuses more than "
                + std::to_string(kMaxDepth));
        // Each member takes at least one 4-byte key (a dictionary entry two).
        if (count > (m_size - m_offset) / (dict ? 8 : 4))
            return fail(at, std::string(name) + " of " + std::to_string(count) + " members, more than the "
                + std::to_string(m_size - m_offset) + " bytes left can hold");
        size_t index = m_slots.size();
        m_slots.push_back({});
        Value value = dict ? Value::make_dict() : Value::make_array();
        bool end = count == 0; // an empty collection has no members to carry the flag
        uint32_t members = 0;
        while (!end) {
            if (dict) {
                Item name_item = TRY(item(depth + 1));
                if (name_item.value.kind != Value::Kind::String)
                    return fail(name_item.offset, std::string("dictionary key is an ") + kind_name(name_item.value.kind)
                        + "; keys are symbols (or strings)");
                if (name_item.end)
                    return fail(name_item.offset, "dictionary ends after the key \"" + name_item.value.string + "\", without its value");
                Item member = TRY(item(depth + 1));
                end = member.end;
                // setObject on an existing key replaces its value, as OSDictionary does.
                auto& entries = value.dict;
                auto it = std::find_if(entries.begin(), entries.end(), [&](auto const& e) { return e.first == name_item.value.string; });
                if (it != entries.end())
                    it->second = std::move(member.value);
                else
                    entries.emplace_back(std::move(name_item.value.string), std::move(member.value));
            } else {
                Item member = TRY(item(depth + 1));
                end = member.end;
                value.array.push_back(std::move(member.value));
            }
            ++members;
        }
        if (members != count)
            return fail(at, std::string(name) + " declares " + std::to_string(count) + " members but its end flag came after "
                + std::to_string(members));
        m_slots[index].value = value;
        return value;
    }

    Item remember(Item out)
    {
        m_slots.push_back({ out.value });
        return out;
    }

    // The offset of `length` payload bytes (padded to 4) after the key, or a truncation error.
    ErrorOr<size_t> take(size_t at, uint32_t length, char const* what)
    {
        size_t padded = (static_cast<size_t>(length) + 3) & ~size_t(3);
        if (padded > m_size - m_offset)
            return fail(at, std::string("truncated ") + what + ": " + std::to_string(length) + " bytes declared, "
                + std::to_string(m_size - m_offset) + " left");
        size_t start = m_offset;
        m_offset += padded;
        return start;
    }

    ErrorOr<void> count_values(size_t at, size_t n)
    {
        m_values += n;
        if (m_values > kMaxValues)
            return fail(at, "the data expands to more than " + std::to_string(kMaxValues) + " values (references to large collections)");
        return {};
    }

    static size_t node_count(Value const& v)
    {
        size_t n = 1;
        for (auto const& member : v.array)
            n += node_count(member);
        for (auto const& [key, member] : v.dict)
            n += 1 + node_count(member);
        return n;
    }

    uint32_t word_at(size_t offset) const
    {
        return static_cast<uint32_t>(m_bytes[offset]) | static_cast<uint32_t>(m_bytes[offset + 1]) << 8
            | static_cast<uint32_t>(m_bytes[offset + 2]) << 16 | static_cast<uint32_t>(m_bytes[offset + 3]) << 24;
    }

    static std::string hex(uint32_t value)
    {
        char text[16];
        std::snprintf(text, sizeof text, "0x%08x", value);
        return text;
    }

    static Error fail(size_t offset, std::string const& what)
    {
        return Error::with("OSSerialize binary data, offset " + std::to_string(offset) + ": " + what);
    }

    uint8_t const* m_bytes;
    size_t m_size;
    size_t m_offset { 0 };
    size_t m_values { 0 };
    std::vector<Slot> m_slots;
};

} // namespace

ErrorOr<Value> unserialize(uint8_t const* bytes, size_t size)
{
    if (!bytes && size)
        return Error::with("OSSerialize binary data: no buffer for " + std::to_string(size) + " bytes");
    return Reader(bytes, size).read();
}

} // namespace dextlab::ipc::osser
