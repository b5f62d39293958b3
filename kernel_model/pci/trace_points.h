#pragma once
// The trace points of the PCI family and of IOInterruptDispatchSource. Declared once here; they
// feed the log, scenario expectations (`event:`), the Chrome trace and the GUI alike.
//
// PCI (process kernel, lane "pci", object the scenario's device id):
//   pci_attach        function enumerated and its nub published (shown by `dextlab run`)
//   pci_detach        unplugged (shown)
//   pci_bar           a BAR sized and placed: index, memory_index, type, size, address
//   pci_msi           MSI vectors allocated and programmed: vectors, address, data
//   pci_session       IOPCIDevice Open / Close by a client (-v)
//   pci_config        a driver's configuration access: op, offset, size, value (-v)
//   pci_mmio          a driver's memory access: op, memory_index, offset, size, value, claimed (-v)
//   pci_error         a driver's misuse, refused or answered with all-ones; what to do instead (shown)
//   pci_withheld      the function had an interrupt it could not signal, and why (-v)
// Interrupt sources (process the dext, lane the source's queue, object IOInterruptDispatchSource#n):
//   interrupt_register  Create on a provider's index: provider, index, vector, status
//   interrupt_set_handler  action
//   interrupt_enable    enabled, masking (function: the MSI mask bit; controller: dropped)
//   interrupt_raise     a message for the source's vector: count (undelivered now), state
//                       (queued | coalesced | no_handler | dropped_disabled)
//   interrupt_deliver   InterruptOccurred sent: count, time
//   interrupt_cancel    pending (counted, never delivered), reason
//   interrupt_error     Create, GetInterruptType or ConfigureInterrupts refused: what (shown)

#include "sim/core/trace.h"

namespace dextlab::kernel::tp {

inline constexpr TracePoint pci_attach { "pci_attach", TraceCategory::Lifecycle };
inline constexpr TracePoint pci_detach { "pci_detach", TraceCategory::Lifecycle };
inline constexpr TracePoint pci_bar { "pci_bar", TraceCategory::Registry };
inline constexpr TracePoint pci_msi { "pci_msi", TraceCategory::Registry };
inline constexpr TracePoint pci_session { "pci_session", TraceCategory::Ipc };
inline constexpr TracePoint pci_config { "pci_config", TraceCategory::Ipc };
inline constexpr TracePoint pci_mmio { "pci_mmio", TraceCategory::Ipc };
inline constexpr TracePoint pci_error { "pci_error", TraceCategory::Lifecycle };
inline constexpr TracePoint pci_withheld { "pci_withheld", TraceCategory::Queue };

inline constexpr TracePoint interrupt_register { "interrupt_register", TraceCategory::Queue };
inline constexpr TracePoint interrupt_set_handler { "interrupt_set_handler", TraceCategory::Queue };
inline constexpr TracePoint interrupt_enable { "interrupt_enable", TraceCategory::Queue };
inline constexpr TracePoint interrupt_raise { "interrupt_raise", TraceCategory::Queue };
inline constexpr TracePoint interrupt_deliver { "interrupt_deliver", TraceCategory::Queue };
inline constexpr TracePoint interrupt_cancel { "interrupt_cancel", TraceCategory::Queue };
inline constexpr TracePoint interrupt_error { "interrupt_error", TraceCategory::Lifecycle };

} // namespace dextlab::kernel::tp
