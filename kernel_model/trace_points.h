#pragma once
// Every trace point the kernel model emits, declared once (name and category). The fields each
// carries are documented beside it; docs/ARCHITECTURE.md shows them in the path of a completion.

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

// registry
inline constexpr TracePoint registry_publish { "registry_publish", TraceCategory::Registry };       // id, class
inline constexpr TracePoint registry_terminate { "registry_terminate", TraceCategory::Registry };   // id, class
// matching
inline constexpr TracePoint match_candidate { "match_candidate", TraceCategory::Matching };         // personality, score | failed key
inline constexpr TracePoint match_winner { "match_winner", TraceCategory::Matching };               // personality, score, category
// entitlements (kernel_model/entitlements): a matched personality refused at start, or let
// through with a warning in development mode. Lifecycle, so `dextlab run` shows them.
inline constexpr TracePoint entitlement_refused { "entitlement_refused", TraceCategory::Lifecycle };   // personality, dext, missing, why
inline constexpr TracePoint entitlement_warning { "entitlement_warning", TraceCategory::Lifecycle };   // personality, dext, missing, why
// servers and services
inline constexpr TracePoint server_launch { "dext_server_launch", TraceCategory::Lifecycle };       // server, launch
inline constexpr TracePoint server_exit { "dext_server_exit", TraceCategory::Lifecycle };           // server, leaked
inline constexpr TracePoint server_leak { "dext_object_leaked", TraceCategory::Lifecycle };         // class
inline constexpr TracePoint server_error { "dext_server_error", TraceCategory::Lifecycle };         // what
inline constexpr TracePoint server_crash { "dext_server_crash", TraceCategory::Lifecycle };         // reason, crashes
inline constexpr TracePoint server_rematch { "dext_server_rematch", TraceCategory::Lifecycle };     // nub, after
inline constexpr TracePoint kernel_driver_start { "kernel_driver_start", TraceCategory::Lifecycle }; // personality, dext (codeless)
inline constexpr TracePoint service_init { "service_init", TraceCategory::Lifecycle };              // class
inline constexpr TracePoint service_start { "service_start", TraceCategory::Lifecycle };            // provider
inline constexpr TracePoint service_started { "service_started", TraceCategory::Lifecycle };        // status
inline constexpr TracePoint service_stop { "service_stop", TraceCategory::Lifecycle };              // provider
inline constexpr TracePoint service_stopped { "service_stopped", TraceCategory::Lifecycle };        // status
inline constexpr TracePoint service_stop_pending { "service_stop_pending", TraceCategory::Lifecycle }; // why
inline constexpr TracePoint service_free { "service_free", TraceCategory::Lifecycle };
inline constexpr TracePoint service_warning { "service_warning", TraceCategory::Lifecycle };        // what
// ipc
inline constexpr TracePoint ipc_to_dext { "ipc_to_dext", TraceCategory::Ipc };                     // kind, method, target
inline constexpr TracePoint ipc_to_kernel { "ipc_to_kernel", TraceCategory::Ipc };                 // kind, method, target, status
// dispatch queues
inline constexpr TracePoint queue_enqueue { "dext_queue_enqueue", TraceCategory::Queue };           // queue, pending
inline constexpr TracePoint queue_run { "dext_queue_run", TraceCategory::Queue };                   // queue, remaining (Begin/End)
// usb
inline constexpr TracePoint usb_attach { "usb_attach", TraceCategory::Usb };                        // port, address, vid, pid
inline constexpr TracePoint usb_detach { "usb_detach", TraceCategory::Usb };
inline constexpr TracePoint usb_control { "usb_control", TraceCategory::Usb };                      // request, value, index, length, status, client (a dext's request)
inline constexpr TracePoint usb_transfer_submit { "usb_transfer_submit", TraceCategory::Usb };      // ep, length (AsyncBegin)
inline constexpr TracePoint usb_transfer_complete { "usb_transfer_complete", TraceCategory::Usb };  // ep, status, ioreturn, actual (AsyncEnd)
// dext log lines
inline constexpr TracePoint dext_log { "dext_log", TraceCategory::Log };                            // text

} // namespace dextlab::kernel::tp
