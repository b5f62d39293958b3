// OS containers <-> OSSerialize values. Dictionaries keep their order both ways (the runtime's
// OSDictionary iterates in insertion order), so bytes and iteration repeat exactly.

#include "container_serial.h"

#include <DriverKit/OSCollections.h>

#include <optional>
#include <string>
#include <vector>

namespace dextlab::sdk {

namespace osser = ipc::osser;

namespace {

constexpr unsigned kMaxDepth = 63; // nested collections the kernel's reader accepts

char const* class_of(OSObject const* object)
{
    auto const* meta = object->getMetaClass();
    return meta ? meta->getClassName() : "OSObject";
}

ErrorOr<osser::Value> convert(OSObject const* object, unsigned depth);

ErrorOr<osser::Value> convert_dictionary(OSDictionary const* dictionary, unsigned depth)
{
    struct Context {
        unsigned depth;
        osser::Value out;
        std::optional<Error> error;
    } context { depth, osser::Value::make_dict(), std::nullopt };
    dictionary->__dextlab_iterate_pairs(
        [](void* raw, OSObject* key, OSObject* value) {
            auto& c = *static_cast<Context*>(raw);
            auto const* name = OSDynamicCast(OSString, key);
            if (!name) {
                c.error = Error::with(std::string("a dictionary key of class ") + class_of(key) + "; property keys must be OSStrings");
                return false;
            }
            auto converted = convert(value, c.depth + 1);
            if (!converted) {
                c.error = Error::with("under key \"" + std::string(name->getLength() ? name->getCStringNoCopy() : "") + "\": "
                    + converted.error().message);
                return false;
            }
            c.out.dict.emplace_back(name->getLength() ? name->getCStringNoCopy() : "", std::move(converted.value()));
            return true;
        },
        &context);
    if (context.error)
        return *context.error;
    return std::move(context.out);
}

ErrorOr<osser::Value> convert(OSObject const* object, unsigned depth)
{
    if (!object)
        return Error::with("a NULL object");
    bool collection = OSDynamicCast(OSCollection, object) != nullptr;
    if (collection && depth >= kMaxDepth)
        return Error::with("collections nested more than " + std::to_string(kMaxDepth) + " deep (does a collection contain itself?)");
    if (auto const* boolean = OSDynamicCast(OSBoolean, object))
        return osser::Value::make_bool(boolean == kOSBooleanTrue);
    if (auto const* number = OSDynamicCast(OSNumber, object))
        return osser::Value::make_number(number->unsigned64BitValue(), static_cast<uint8_t>(number->numberOfBits()));
    if (auto const* string = OSDynamicCast(OSString, object))
        return osser::Value::make_string(string->getLength() ? string->getCStringNoCopy() : "");
    if (auto const* data = OSDynamicCast(OSData, object)) {
        auto const* bytes = static_cast<uint8_t const*>(data->getBytesNoCopy());
        return osser::Value::make_data(bytes ? std::vector<uint8_t>(bytes, bytes + data->getLength()) : std::vector<uint8_t> {});
    }
    if (auto const* array = OSDynamicCast(OSArray, object)) {
        osser::Value out = osser::Value::make_array();
        for (uint32_t i = 0; i < array->getCount(); ++i) {
            auto member = convert(array->getObject(i), depth + 1);
            if (!member)
                return Error::with("at index " + std::to_string(i) + ": " + member.error().message);
            out.array.push_back(std::move(member.value()));
        }
        return out;
    }
    if (auto const* dictionary = OSDynamicCast(OSDictionary, object))
        return convert_dictionary(dictionary, depth);
    return Error::with(std::string("a value of class ") + class_of(object)
        + "; property values are OSDictionary, OSArray, OSString, OSNumber, OSData or OSBoolean");
}

} // namespace

ErrorOr<osser::Value> to_serial_value(OSObject const* object) { return convert(object, 0); }

OSObject* from_serial_value(osser::Value const& value)
{
    switch (value.kind) {
    case osser::Value::Kind::Bool:
        return value.boolean ? kOSBooleanTrue : kOSBooleanFalse;
    case osser::Value::Kind::Number:
        return OSNumber::withNumber(value.number, value.bits);
    case osser::Value::Kind::String:
        return OSString::withCString(value.string.c_str(), value.string.size());
    case osser::Value::Kind::Data:
        return OSData::withBytes(value.data.data(), value.data.size());
    case osser::Value::Kind::Array: {
        OSArray* array = OSArray::withCapacity(static_cast<uint32_t>(value.array.size()));
        for (auto const& member : value.array) {
            OSObject* object = from_serial_value(member);
            array->setObject(object);
            OSSafeReleaseNULL(object);
        }
        return array;
    }
    case osser::Value::Kind::Dict:
        break;
    }
    OSDictionary* dictionary = OSDictionary::withCapacity(static_cast<uint32_t>(value.dict.size()));
    for (auto const& [key, member] : value.dict) {
        OSObject* object = from_serial_value(member);
        dictionary->setObject(key.c_str(), object);
        OSSafeReleaseNULL(object);
    }
    return dictionary;
}

ErrorOr<std::vector<uint8_t>> serialize_object(OSObject const* object)
{
    auto value = TRY(to_serial_value(object));
    return osser::try_serialize(value);
}

ErrorOr<OSObject*> unserialize_object(std::vector<uint8_t> const& bytes)
{
    auto value = TRY(osser::unserialize(bytes));
    return from_serial_value(value);
}

} // namespace dextlab::sdk
