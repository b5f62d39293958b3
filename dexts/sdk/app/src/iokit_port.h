#pragma once
// How the IOKitLib shim reaches the kernel model: the AppPort (kernel_model/ipc/app_port.h) the
// app is attached to, and the run loop's way of letting the lab's time pass.

#include "kernel_model/ipc/app_port.h"

#include <IOKit/IOKitLib.h>

#include <string>

namespace dextlab::iokit {

// The attached port, or nullptr after saying once on stderr why the app has none.
ipc::AppPort* port();
// Lets the next call without a port say so again (tests).
void forget_missing_lab_notice();
// How many times the run loop has let the lab run (AppPort::run_once).
uint64_t run_count();

inline IOReturn to_ioreturn(uint32_t status) { return static_cast<IOReturn>(status); }

} // namespace dextlab::iokit
