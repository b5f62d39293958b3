#pragma once
// The dext's OS containers (OSDictionary, OSArray, OSString, OSNumber, OSData, OSBoolean) to and
// from OSSerialize's value tree (kernel_model/ipc/os_serialize.h), the form property values take
// between the dext and the kernel.

#include "kernel_model/ipc/os_serialize.h"

#include <DriverKit/OSObject.h>

namespace dextlab::sdk {

// Fails, naming the object, for what has no serialized form: a class other than the six, a
// dictionary key that is not an OSString, nesting deeper than the format allows (a collection
// that contains itself).
ErrorOr<ipc::osser::Value> to_serial_value(OSObject const* object);
// A new object with one reference for the caller (OSBoolean: one of the two constants).
OSObject* from_serial_value(ipc::osser::Value const& value);

// OSSerialize bytes for `object` (try_serialize's limits apply), and back: nullptr and a
// message for bytes that do not parse.
ErrorOr<std::vector<uint8_t>> serialize_object(OSObject const* object);
ErrorOr<OSObject*> unserialize_object(std::vector<uint8_t> const& bytes);

} // namespace dextlab::sdk
