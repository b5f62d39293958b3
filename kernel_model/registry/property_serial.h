#pragma once
// Registry properties in OSSerialize's binary format (kernel_model/ipc/os_serialize.h): how the
// kernel hands property values to a dext (CopyProperties, SearchProperty) and to an app
// (IORegistryEntryCreateCFProperty), and takes them back (SetProperties, matching dictionaries).

#include "kernel_model/ipc/os_serialize.h"
#include "kernel_model/registry/property.h"
#include "sim/core/error.h"

#include <vector>

namespace dextlab::kernel {

ipc::osser::Value to_serial_value(Property const& property);
Property from_serial_value(ipc::osser::Value const& value);

std::vector<uint8_t> property_to_bytes(Property const& property);
// Errors say where the bytes were malformed.
ErrorOr<Property> property_from_bytes(std::vector<uint8_t> const& bytes);

} // namespace dextlab::kernel
