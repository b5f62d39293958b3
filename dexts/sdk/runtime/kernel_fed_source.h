#pragma once
// What the dispatch sources whose events the kernel raises (IOTimerDispatchSource,
// IOInterruptDispatchSource) do alike: keep a handler of the right prototype, enable, cancel,
// and make the kernel forget a source released without Cancel. Each source passes its own
// method ids, and the fields its kernel side wants beyond the common ones.

#include "ivars.h"

#include <functional>
#include <string>

namespace dextlab::sdk {

using ExtraFields = std::function<void(ipc::WireWriter&)>;

// The name of the queue the source's handlers run on ("" if it has none).
std::string queue_name_of(IODispatchSource* source);

// SetHandler: `action` must be made for `class_name`::`prototype` (its TYPE(...) method, id
// `prototype_id`); the source keeps it retained in `kept`, and the kernel learns it through
// `set_handler_id` (the action, then `extra`).
kern_return_t set_source_handler(IODispatchSource* source, OSAction*& kept, OSAction* action, uint64_t prototype_id,
    char const* class_name, char const* prototype, uint64_t set_handler_id, ExtraFields const& extra = {});

// SetEnableWithCompletion: a canceled source answers `when_canceled`; the kernel gets the new
// state through `set_enable_id` (u64 enable, then `extra`); `handler` runs on the source's queue.
kern_return_t enable_source(IODispatchSource* source, bool enable, IODispatchSourceCancelHandler handler,
    kern_return_t when_canceled, uint64_t set_enable_id, ExtraFields const& extra = {});

// Cancel: once; the kept handler goes, the kernel stops the source (`cancel_id`), `handler` runs.
kern_return_t cancel_source(IODispatchSource* source, OSAction*& kept, IODispatchSourceCancelHandler handler, uint64_t cancel_id);

// From free(): a source released without Cancel is canceled in the kernel, so no callback
// outlives it.
void cancel_source_in_kernel(IODispatchSource* source, uint64_t cancel_id);

} // namespace dextlab::sdk
