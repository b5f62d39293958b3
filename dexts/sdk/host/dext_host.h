#pragma once
// How the lab (or a dextlab-driverhost process) starts the dext side of an IOUserServer: it
// gets a message handler for kernel->dext traffic, speaking to the kernel through `kernel`.
// This is the only runtime entry point outside DriverKit's own API.

#include "kernel_model/ipc/transport.h"

#include <memory>
#include <string>

namespace dextlab::sdk {

// A write through a read-only IOMemoryMap faults. In a driverhost process it kills the process
// (`Crash`, as on macOS); in the lab's own process it must not, so the runtime contains it
// (read_only_view.h) and the kernel ends the server as a crash.
enum class FaultPolicy { Crash, ContainInLabProcess };

std::unique_ptr<ipc::MessageHandler> create_dext_server(ipc::Channel& kernel, std::string server_name,
    FaultPolicy faults = FaultPolicy::Crash);

} // namespace dextlab::sdk
