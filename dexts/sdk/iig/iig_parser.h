#pragma once
// Reads an .iig interface file. Text outside classes is kept verbatim (with `#include <X.iig>`
// rewritten to `<X.h>`); class definitions are parsed into methods and annotations.
// Errors read "file:line: message" and say what is supported instead.

#include "iig_model.h"
#include "sim/core/error.h"

namespace dextlab::iig {

ErrorOr<File> parse_iig(std::string const& text, std::string const& path);
ErrorOr<File> parse_iig_file(std::string const& path);

} // namespace dextlab::iig
