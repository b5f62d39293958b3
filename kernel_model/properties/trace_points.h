#pragma once
// The trace points of registry properties a dext sets, removes and searches
// (kernel_model/properties). Declared once here; they feed the log, scenario expectations
// (`event:`), the Chrome trace and the GUI alike. Object: the registry entry's name.

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

inline constexpr TracePoint property_set { "property_set", TraceCategory::Registry };         // key, value (ioreg text)
inline constexpr TracePoint property_remove { "property_remove", TraceCategory::Registry };   // key, status
inline constexpr TracePoint property_search { "property_search", TraceCategory::Registry };   // key, plane, options, found_in | status
// What a dext did that IOKit turns away or quietly reinterprets, and the fix. Lifecycle, so
// `dextlab run` shows them.
inline constexpr TracePoint property_refused { "property_refused", TraceCategory::Lifecycle };   // method, status, what
inline constexpr TracePoint property_shadowed { "property_shadowed", TraceCategory::Lifecycle }; // key, kernel, dext, what

} // namespace dextlab::kernel::tp
