#pragma once
// What an async IOConnectCall needs from the notification side: the port its completions go to
// (named by the wake port the app passed) and the function the lab calls for each completion.

#include "io_objects.h"

#include <functional>
#include <memory>
#include <vector>

namespace dextlab::iokit {

// The live notification port behind `wake_port`; `status` says why there is none.
std::shared_ptr<NotifyPortState> wake_port_state(mach_port_t wake_port, kern_return_t& status);
// Queues each completion on `port` for the run loop, which calls the callback named in
// `reference` (kIOAsyncCalloutFuncIndex / kIOAsyncCalloutRefconIndex).
std::function<void(uint32_t, std::vector<uint64_t> const&)> async_completion(
    std::shared_ptr<NotifyPortState> const& port, std::vector<uint64_t> reference);

} // namespace dextlab::iokit
