// CoreFoundation <-> OSSerialize values (cf_osserialize.h).

#include "cf_osserialize.h"

#include "cf_object.h"

namespace dextlab::iokit {

using ipc::osser::Value;

namespace {

std::string cf_text(CFStringRef string) { return std::string(static_cast<__CFString const*>(string)->text()); }

ErrorOr<Value> number_value(CFNumberRef number)
{
    int64_t value = 0;
    CFNumberGetValue(number, kCFNumberSInt64Type, &value);
    if (CFNumberIsFloatType(number))
        return Value::make_number(static_cast<uint64_t>(value), 64);
    auto bits = static_cast<uint8_t>(CFNumberGetByteSize(number) * 8);
    uint64_t mask = bits == 64 ? ~0ull : (1ull << bits) - 1;
    return Value::make_number(static_cast<uint64_t>(value) & mask, bits);
}

ErrorOr<Value> array_value(CFArrayRef array)
{
    std::vector<Value> items;
    for (CFIndex i = 0; i < CFArrayGetCount(array); ++i) {
        auto item = value_from_cf(CFArrayGetValueAtIndex(array, i));
        if (!item)
            return item.release_error();
        items.push_back(std::move(item.value()));
    }
    return Value::make_array(std::move(items));
}

ErrorOr<Value> dictionary_value(CFDictionaryRef dict)
{
    CFIndex count = CFDictionaryGetCount(dict);
    std::vector<const void*> keys(static_cast<size_t>(count)), values(static_cast<size_t>(count));
    CFDictionaryGetKeysAndValues(dict, keys.data(), values.data());
    std::vector<std::pair<std::string, Value>> entries;
    for (size_t i = 0; i < keys.size(); ++i) {
        if (!keys[i] || CFGetTypeID(keys[i]) != CFStringGetTypeID())
            return Error::with("a dictionary key is not a CFString (IOKit dictionaries have string keys)");
        auto value = value_from_cf(values[i]);
        if (!value)
            return value.release_error();
        entries.emplace_back(cf_text(static_cast<CFStringRef>(keys[i])), std::move(value.value()));
    }
    return Value::make_dict(std::move(entries));
}

CFTypeRef number_from_value(Value const& value)
{
    if (value.bits <= 32) {
        auto narrow = static_cast<int32_t>(static_cast<uint32_t>(value.number));
        return CFNumberCreate(nullptr, kCFNumberSInt32Type, &narrow);
    }
    auto wide = static_cast<int64_t>(value.number);
    return CFNumberCreate(nullptr, kCFNumberSInt64Type, &wide);
}

CFTypeRef array_from_value(Value const& value)
{
    auto array = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    for (auto const& item : value.array) {
        CFTypeRef converted = cf_from_value(item);
        if (!converted) {
            CFRelease(array);
            return nullptr;
        }
        CFArrayAppendValue(array, converted);
        CFRelease(converted);
    }
    return array;
}

CFTypeRef dictionary_from_value(Value const& value)
{
    auto dict = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    for (auto const& [key, item] : value.dict) {
        CFStringRef cf_key = CFStringCreateWithBytes(nullptr, reinterpret_cast<UInt8 const*>(key.data()),
            static_cast<CFIndex>(key.size()), kCFStringEncodingUTF8, false);
        CFTypeRef converted = cf_key ? cf_from_value(item) : nullptr;
        if (!converted) {
            if (cf_key)
                CFRelease(cf_key);
            CFRelease(dict);
            return nullptr;
        }
        CFDictionarySetValue(dict, cf_key, converted);
        CFRelease(cf_key);
        CFRelease(converted);
    }
    return dict;
}

} // namespace

ErrorOr<Value> value_from_cf(CFTypeRef ref)
{
    if (!ref)
        return Error::with("a NULL value cannot be serialized");
    CFTypeID type = CFGetTypeID(ref);
    if (type == CFStringGetTypeID())
        return Value::make_string(cf_text(static_cast<CFStringRef>(ref)));
    if (type == CFNumberGetTypeID())
        return number_value(static_cast<CFNumberRef>(ref));
    if (type == CFBooleanGetTypeID())
        return Value::make_bool(CFBooleanGetValue(static_cast<CFBooleanRef>(ref)));
    if (type == CFDataGetTypeID()) {
        auto const* bytes = CFDataGetBytePtr(static_cast<CFDataRef>(ref));
        return Value::make_data(std::vector<uint8_t>(bytes, bytes + CFDataGetLength(static_cast<CFDataRef>(ref))));
    }
    if (type == CFArrayGetTypeID())
        return array_value(static_cast<CFArrayRef>(ref));
    if (type == CFDictionaryGetTypeID())
        return dictionary_value(static_cast<CFDictionaryRef>(ref));
    return Error::with("a value of CF type " + std::to_string(type) + " has no OSSerialize form");
}

CFTypeRef cf_from_value(Value const& value)
{
    switch (value.kind) {
    case Value::Kind::Bool: return CFRetain(value.boolean ? kCFBooleanTrue : kCFBooleanFalse);
    case Value::Kind::Number: return number_from_value(value);
    case Value::Kind::String:
        return CFStringCreateWithBytes(nullptr, reinterpret_cast<UInt8 const*>(value.string.data()),
            static_cast<CFIndex>(value.string.size()), kCFStringEncodingUTF8, false);
    case Value::Kind::Data:
        return CFDataCreate(nullptr, value.data.data(), static_cast<CFIndex>(value.data.size()));
    case Value::Kind::Array: return array_from_value(value);
    case Value::Kind::Dict: return dictionary_from_value(value);
    }
    return nullptr;
}

ErrorOr<std::vector<uint8_t>> serialize_cf(CFTypeRef ref)
{
    auto value = value_from_cf(ref);
    if (!value)
        return value.release_error();
    return ipc::osser::serialize(value.value());
}

} // namespace dextlab::iokit
