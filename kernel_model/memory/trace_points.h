#pragma once
// The trace points of dext memory (lane "memory", object the descriptor or mapping, e.g.
// IOBufferMemoryDescriptor#12). Declared once here; they feed the log, scenario expectations
// (`event:`), the Chrome trace and the GUI alike.

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

// What the dext made and what became of it (shown with -v).
inline constexpr TracePoint memory_create { "memory_create", TraceCategory::Ipc };       // capacity, direction, guard
inline constexpr TracePoint memory_sub { "memory_sub", TraceCategory::Ipc };             // of, offset, length, direction
inline constexpr TracePoint memory_map { "memory_map", TraceCategory::Ipc };             // descriptor, offset, length, read_only
inline constexpr TracePoint memory_set_length { "memory_set_length", TraceCategory::Ipc }; // length
// The dext released its last reference while the kernel still uses the memory (a transfer in
// flight, a sub-descriptor, a mapping): it stays alive until that ends, as IOKit's retains do.
inline constexpr TracePoint memory_kept { "memory_kept", TraceCategory::Ipc };           // held_by
inline constexpr TracePoint memory_free { "memory_free", TraceCategory::Ipc };           // why, deferred
// A dext's misuse of memory, reported as a driver error (shown by `dextlab run`): kind is one of
// options, capacity, set_length, sub_range, mapping, unsupported, descriptor, direction, length,
// guard, busy, changed; what says what happened and how to fix it.
inline constexpr TracePoint memory_error { "memory_error", TraceCategory::Lifecycle };   // kind, descriptor, ep, status, what

} // namespace dextlab::kernel::tp
