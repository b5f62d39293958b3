#pragma once
// Writes a run's trace records as Chrome trace-event JSON (opens in Perfetto and
// chrome://tracing): one process per lab process (the kernel, each dext server), one thread per
// lane (a dispatch queue, a USB endpoint), queue items as slices, URBs as async spans, the rest
// as instants. Timestamps are virtual microseconds, so the file is identical on every run.

#include "sim/core/trace.h"

#include <string>
#include <vector>

namespace dextlab::lab {

std::string to_chrome_trace_json(std::vector<TraceRecord> const& records);

} // namespace dextlab::lab
