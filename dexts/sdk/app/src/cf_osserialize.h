#pragma once
// Property values between CoreFoundation and OSSerialize's binary format, both ways, as
// IOKitLib's IOCFSerialize/IOCFUnserializeBinary convert them: CFString <-> OSString/OSSymbol,
// CFNumber <-> OSNumber (an OSNumber of up to 32 bits becomes kCFNumberSInt32Type, wider ones
// kCFNumberSInt64Type; a CFNumber keeps its byte width), CFBoolean, CFData, CFArray and
// CFDictionary (string keys only).

#include "kernel_model/ipc/os_serialize.h"

#include <CoreFoundation/CoreFoundation.h>

namespace dextlab::iokit {

ErrorOr<ipc::osser::Value> value_from_cf(CFTypeRef ref);
// A new CF object (the caller releases it), or nullptr if a string is not valid UTF-8.
CFTypeRef cf_from_value(ipc::osser::Value const& value);
// Serializes a CF property list; errors name what could not be converted.
ErrorOr<std::vector<uint8_t>> serialize_cf(CFTypeRef ref);

} // namespace dextlab::iokit
