#pragma once
// A registry property value: the kernel-side equivalent of the OSObject property types
// (OSBoolean, OSNumber, OSString, OSData, OSArray, OSDictionary). Dictionaries keep keys sorted,
// so iteration order — and therefore every trace and ioreg dump — is deterministic.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::kernel {

class Property;
using PropertyArray = std::vector<Property>;
using PropertyDict = std::map<std::string, Property>;

class Property {
public:
    enum class Type : uint8_t { Bool, Number, String, Data, Array, Dict };

    Property()
        : Property(PropertyDict {})
    {
    }
    static Property boolean(bool v);
    // An OSNumber: the value and its width in bits (8, 16, 32 or 64), as ioreg shows it.
    static Property number(uint64_t v, uint8_t bits = 64);
    static Property string(std::string v);
    static Property data(std::vector<uint8_t> v);
    static Property array(PropertyArray v);
    static Property dict(PropertyDict v);
    Property(PropertyDict v);
    Property(Property const& other);
    Property(Property&& other) noexcept = default;
    Property& operator=(Property const& other);
    Property& operator=(Property&& other) noexcept = default;
    ~Property();

    Type type() const { return m_type; }
    bool is_bool() const { return m_type == Type::Bool; }
    bool is_number() const { return m_type == Type::Number; }
    bool is_string() const { return m_type == Type::String; }
    bool is_data() const { return m_type == Type::Data; }
    bool is_array() const { return m_type == Type::Array; }
    bool is_dict() const { return m_type == Type::Dict; }

    bool as_bool() const { return m_bool; }
    uint64_t as_number() const { return m_number; }
    uint8_t number_bits() const { return m_bits; }
    std::string const& as_string() const { return m_string; }
    std::vector<uint8_t> const& as_data() const { return m_data; }
    PropertyArray const& as_array() const { return *m_array; }
    PropertyArray& as_array() { return *m_array; }
    PropertyDict const& as_dict() const { return *m_dict; }
    PropertyDict& as_dict() { return *m_dict; }

    // Dictionary lookup; nullptr if this is not a dictionary or the key is absent.
    Property const* find(std::string const& key) const;

    // IOKit's notion of equality for matching: same type and value (numbers by value, not width).
    bool operator==(Property const& other) const;

    // ioreg-style text: `Yes`, `4617`, `"text"`, `<0102>`, `(a,b)`, `{"k"=v}`.
    std::string to_ioreg_text(bool hex_numbers = false) const;
    char const* type_name() const;

private:
    Type m_type { Type::Dict };
    bool m_bool { false };
    uint64_t m_number { 0 };
    uint8_t m_bits { 64 };
    std::string m_string;
    std::vector<uint8_t> m_data;
    // Containers are held by pointer because Property is incomplete here; copies are deep.
    std::unique_ptr<PropertyArray> m_array;
    std::unique_ptr<PropertyDict> m_dict;
};

} // namespace dextlab::kernel
