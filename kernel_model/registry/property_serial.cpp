#include "property_serial.h"

namespace dextlab::kernel {

namespace osser = ipc::osser;

osser::Value to_serial_value(Property const& property)
{
    switch (property.type()) {
    case Property::Type::Bool: return osser::Value::make_bool(property.as_bool());
    case Property::Type::Number: return osser::Value::make_number(property.as_number(), property.number_bits());
    case Property::Type::String: return osser::Value::make_string(property.as_string());
    case Property::Type::Data: return osser::Value::make_data(property.as_data());
    case Property::Type::Array: {
        std::vector<osser::Value> items;
        for (auto const& item : property.as_array())
            items.push_back(to_serial_value(item));
        return osser::Value::make_array(std::move(items));
    }
    case Property::Type::Dict: break;
    }
    std::vector<std::pair<std::string, osser::Value>> entries;
    for (auto const& [key, value] : property.as_dict())
        entries.emplace_back(key, to_serial_value(value));
    return osser::Value::make_dict(std::move(entries));
}

Property from_serial_value(osser::Value const& value)
{
    switch (value.kind) {
    case osser::Value::Kind::Bool: return Property::boolean(value.boolean);
    case osser::Value::Kind::Number: return Property::number(value.number, value.bits);
    case osser::Value::Kind::String: return Property::string(value.string);
    case osser::Value::Kind::Data: return Property::data(value.data);
    case osser::Value::Kind::Array: {
        PropertyArray items;
        for (auto const& item : value.array)
            items.push_back(from_serial_value(item));
        return Property::array(std::move(items));
    }
    case osser::Value::Kind::Dict: break;
    }
    // Registry dictionaries keep their keys sorted; a key written twice keeps its last value,
    // as OSDictionary::setObject does.
    PropertyDict dict;
    for (auto const& [key, item] : value.dict)
        dict[key] = from_serial_value(item);
    return Property::dict(std::move(dict));
}

std::vector<uint8_t> property_to_bytes(Property const& property) { return osser::serialize(to_serial_value(property)); }

ErrorOr<Property> property_from_bytes(std::vector<uint8_t> const& bytes)
{
    auto value = osser::unserialize(bytes);
    if (!value)
        return value.release_error();
    return from_serial_value(value.value());
}

} // namespace dextlab::kernel
