#pragma once
// The trace points of device-level USB (lane "usb", object the scenario's device id). Declared
// once here; they feed the log, scenario expectations (`event:`), the Chrome trace and the GUI.
// Enumeration and transfers use usb_attach, usb_control, usb_transfer_* (kernel_model/trace_points.h).

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

// IOUSBHostDevice::Open / Close (shown with -v).
inline constexpr TracePoint usb_device_open { "usb_device_open", TraceCategory::Usb };   // client
inline constexpr TracePoint usb_device_close { "usb_device_close", TraceCategory::Usb }; // client, aborted, interfaces
// A configuration selected, by the composite driver or a device-level driver (shown by
// `dextlab run`): which one, who chose it, whether its interfaces are registered for matching.
inline constexpr TracePoint usb_set_configuration { "usb_set_configuration", TraceCategory::Lifecycle }; // value, by, match_interfaces, interfaces
// IOUSBHostDevice::Reset: the device is enumerated again under a new nub.
inline constexpr TracePoint usb_reset { "usb_reset", TraceCategory::Lifecycle }; // by
// A dext's misuse of a USB call, refused with the IOReturn macOS gives (shown by `dextlab run`).
inline constexpr TracePoint usb_error { "usb_error", TraceCategory::Lifecycle }; // method, status, what

} // namespace dextlab::kernel::tp
