#pragma once
// Turns a parsed .iig file into the C++ a dext compiles: a header with the method ids, argument
// macros, invocation structs and the class declaration, and an implementation file with the
// stubs, the `_Dispatch` switch, `CreateAction…` factories and the class registration.

#include "iig_model.h"
#include "sim/core/error.h"

#include <map>
#include <string>

namespace dextlab::iig {

// Every class known while generating: the file's own and those of the .iig files it includes.
using ClassIndex = std::map<std::string, Class const*>;

struct Output {
    std::string header;
    std::string implementation;
};

// `header_include` is how the implementation includes the header: "\"MyDriver.h\"" or "<DriverKit/X.h>".
ErrorOr<Output> generate(File const& file, ClassIndex const& index, std::string const& header_include);

} // namespace dextlab::iig
