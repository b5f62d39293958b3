#include "property.h"

#include <cstdio>

namespace dextlab::kernel {

Property Property::boolean(bool v)
{
    Property p;
    p.m_type = Type::Bool;
    p.m_bool = v;
    p.m_dict.reset();
    return p;
}

Property Property::number(uint64_t v, uint8_t bits)
{
    Property p;
    p.m_type = Type::Number;
    p.m_number = bits >= 64 ? v : (v & ((1ULL << bits) - 1));
    p.m_bits = bits;
    p.m_dict.reset();
    return p;
}

Property Property::string(std::string v)
{
    Property p;
    p.m_type = Type::String;
    p.m_string = std::move(v);
    p.m_dict.reset();
    return p;
}

Property Property::data(std::vector<uint8_t> v)
{
    Property p;
    p.m_type = Type::Data;
    p.m_data = std::move(v);
    p.m_dict.reset();
    return p;
}

Property Property::array(PropertyArray v)
{
    Property p;
    p.m_type = Type::Array;
    p.m_array = std::make_unique<PropertyArray>(std::move(v));
    p.m_dict.reset();
    return p;
}

Property Property::dict(PropertyDict v) { return Property(std::move(v)); }

Property::Property(PropertyDict v)
    : m_type(Type::Dict)
    , m_dict(std::make_unique<PropertyDict>(std::move(v)))
{
}

Property::Property(Property const& other)
    : m_type(other.m_type)
    , m_bool(other.m_bool)
    , m_number(other.m_number)
    , m_bits(other.m_bits)
    , m_string(other.m_string)
    , m_data(other.m_data)
    , m_array(other.m_array ? std::make_unique<PropertyArray>(*other.m_array) : nullptr)
    , m_dict(other.m_dict ? std::make_unique<PropertyDict>(*other.m_dict) : nullptr)
{
}

Property& Property::operator=(Property const& other)
{
    if (this != &other) {
        Property copy(other);
        *this = std::move(copy);
    }
    return *this;
}

Property::~Property() = default;

Property const* Property::find(std::string const& key) const
{
    if (m_type != Type::Dict)
        return nullptr;
    auto it = m_dict->find(key);
    return it == m_dict->end() ? nullptr : &it->second;
}

bool Property::operator==(Property const& other) const
{
    if (m_type != other.m_type)
        return false;
    switch (m_type) {
    case Type::Bool: return m_bool == other.m_bool;
    case Type::Number: return m_number == other.m_number;
    case Type::String: return m_string == other.m_string;
    case Type::Data: return m_data == other.m_data;
    case Type::Array: return *m_array == *other.m_array;
    case Type::Dict: return *m_dict == *other.m_dict;
    }
    return false;
}

char const* Property::type_name() const
{
    switch (m_type) {
    case Type::Bool: return "OSBoolean";
    case Type::Number: return "OSNumber";
    case Type::String: return "OSString";
    case Type::Data: return "OSData";
    case Type::Array: return "OSArray";
    case Type::Dict: return "OSDictionary";
    }
    return "?";
}

std::string Property::to_ioreg_text(bool hex_numbers) const
{
    switch (m_type) {
    case Type::Bool: return m_bool ? "Yes" : "No";
    case Type::Number: {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, hex_numbers ? "0x%llx" : "%llu", static_cast<unsigned long long>(m_number));
        return buffer;
    }
    case Type::String: return "\"" + m_string + "\"";
    case Type::Data: {
        std::string text = "<";
        char buffer[4];
        for (uint8_t byte : m_data) {
            std::snprintf(buffer, sizeof buffer, "%02x", byte);
            text += buffer;
        }
        return text + ">";
    }
    case Type::Array: {
        std::string text = "(";
        for (size_t i = 0; i < m_array->size(); ++i) {
            if (i)
                text += ",";
            text += (*m_array)[i].to_ioreg_text(hex_numbers);
        }
        return text + ")";
    }
    case Type::Dict: {
        std::string text = "{";
        bool first = true;
        for (auto const& [key, value] : *m_dict) {
            if (!first)
                text += ",";
            first = false;
            text += "\"" + key + "\"=" + value.to_ioreg_text(hex_numbers);
        }
        return text + "}";
    }
    }
    return "";
}

} // namespace dextlab::kernel
