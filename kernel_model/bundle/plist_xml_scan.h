#pragma once
// A tag-level pass over an XML property list, run before libplist parses it.
//
// libplist 2.2 reads <integer> text with strtoull(text, nullptr, 0): "0x781" comes out right, but
// "010" becomes 8 (octal) and "12abc", "1.5" or "" quietly become 12, 1 and 0. It also drops a
// <key> that has no value and keeps only the last of two equal keys in a <dict>. CoreFoundation,
// which reads Info.plist files on macOS, reads "010" as 10 and rejects the malformed integers, so
// this pass rewrites every integer in plain decimal and turns the silent cases into errors that
// name the file, the line and the key path.

#include "sim/core/error.h"

#include <string>
#include <string_view>

namespace dextlab::kernel {

// Returns `xml` with the text of every <integer> element replaced by its decimal spelling
// (negative values keep their sign), or the first problem found. Anything this pass does not
// understand is copied unchanged and left for libplist to accept or reject.
ErrorOr<std::string> normalize_plist_xml(std::string_view xml, std::string const& name_for_errors);

// Reads the text of an <integer> element the way CoreFoundation does: optional sign, then decimal
// digits (leading zeros stay decimal) or 0x followed by hex digits, surrounded by optional
// whitespace. Returns the decimal spelling, or an error message without location (the caller adds it).
ErrorOr<std::string> canonical_plist_integer(std::string_view text);

} // namespace dextlab::kernel
