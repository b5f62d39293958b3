#pragma once
// Trace points of the kernel's HID family (kernel_model/hid): AppleUserHIDDevice starting on a
// dext's description, the reports that cross it, and what was wrong with them. Lane "hid",
// object: the device's registry name.

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

inline constexpr TracePoint hid_device_start { "hid_device_start", TraceCategory::Lifecycle };         // status, ids, max_input, max_output, max_feature, reports
inline constexpr TracePoint hid_descriptor_error { "hid_descriptor_error", TraceCategory::Lifecycle }; // offset, why
inline constexpr TracePoint hid_report { "hid_report", TraceCategory::Ipc };                           // type, id, length, data (handleReport)
inline constexpr TracePoint hid_set_report { "hid_set_report", TraceCategory::Ipc };                   // type, id, length, data, status[, why]
inline constexpr TracePoint hid_get_report { "hid_get_report", TraceCategory::Ipc };                   // type, id, length, status, actual, data[, why]
inline constexpr TracePoint hid_report_mismatch { "hid_report_mismatch", TraceCategory::Lifecycle };   // type, id, length, expected, what
inline constexpr TracePoint hid_warning { "hid_warning", TraceCategory::Lifecycle };                   // what

} // namespace dextlab::kernel::tp
