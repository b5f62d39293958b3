#pragma once
// How the lab (or a dextlab-driverhost process) starts the dext side of an IOUserServer: it
// gets a message handler for kernel->dext traffic, speaking to the kernel through `kernel`.
// This is the only runtime entry point outside DriverKit's own API.

#include "kernel_model/ipc/transport.h"

#include <memory>
#include <string>

namespace dextlab::sdk {

std::unique_ptr<ipc::MessageHandler> create_dext_server(ipc::Channel& kernel, std::string server_name);

} // namespace dextlab::sdk
