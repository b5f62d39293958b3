#pragma once
// Trace points of the kernel's user-client machinery (kernel_model/user_client).

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

inline constexpr TracePoint service_create { "service_create", TraceCategory::Lifecycle };        // key, class, status
inline constexpr TracePoint userclient_open { "userclient_open", TraceCategory::Lifecycle };      // app, type, connection, status
inline constexpr TracePoint userclient_refused { "userclient_refused", TraceCategory::Lifecycle }; // app, missing, why
inline constexpr TracePoint userclient_warning { "userclient_warning", TraceCategory::Lifecycle }; // what
inline constexpr TracePoint userclient_close { "userclient_close", TraceCategory::Lifecycle };    // connection
inline constexpr TracePoint userclient_call { "userclient_call", TraceCategory::Ipc };            // selector, scalars, struct, status
inline constexpr TracePoint userclient_async { "userclient_async", TraceCategory::Ipc };          // status, args
inline constexpr TracePoint userclient_map { "userclient_map", TraceCategory::Ipc };              // type, size, status

} // namespace dextlab::kernel::tp
