#pragma once
// Property lists (Info.plist, entitlements) read into registry property values with libplist 2.2,
// and registry values written back as XML (the form `ioreg -a` prints).
//
// Types map as IOKit's own unserializer maps them: boolean → OSBoolean, integer → OSNumber,
// string → OSString, data → OSData, array → OSArray, dict → OSDictionary. IOKit has no
// floating-point or date property, so <real> and <date> are errors rather than lossy conversions.

#include "kernel_model/registry/property.h"
#include "sim/core/error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace dextlab::kernel {

// Reads an XML or binary ("bplist00") property list. Errors name the file and say how to fix it.
ErrorOr<Property> read_plist_file(std::string const& path);

// The same for bytes already in memory; `name_for_errors` stands in for the file name in messages.
ErrorOr<Property> read_plist_bytes(std::vector<uint8_t> const& bytes, std::string const& name_for_errors);

// The OSNumber width a plist integer gets: 32 bits when the value fits in 32 bits unsigned,
// else 64 (negative values are stored as 64-bit two's complement).
uint8_t plist_integer_bits(uint64_t value);

// An XML property list (Apple's DOCTYPE, tab indentation, keys in sorted order). libplist writes
// numbers above INT64_MAX as their signed 64-bit value; reading the text back gives the same bits.
std::string write_plist_xml(Property const& value);

} // namespace dextlab::kernel
