#pragma once
// The one interface every PCI function implements — the emulated models of this folder — and
// that every PCI host consumes: the kernel model's PCI host (kernel_model/pci), unit tests. It
// knows nothing of the kernel model or DriverKit.
//
// Lifecycle, in order: attach(host) → reset() → any number of configuration and memory accesses
// → detach(). The host reads and writes configuration space (enumeration, BAR sizing, MSI
// set-up, a driver's ConfigurationRead/Write) and the registers behind the memory BARs (a
// driver's MemoryRead/Write); the function answers at once. The function raises interrupts as
// PCI does: an MSI is a memory write it masters to the address the host programmed
// (message_signalled), which it may send only with Bus Master enabled, MSI enabled and the
// vector unmasked. What the function cannot send it reports through interrupt_withheld, which
// no real bus has: it is there so the lab can say why a driver saw nothing.

#include "devices/common/device_params.h"
#include "devices/common/model_registry.h"
#include "sim/core/error.h"
#include "sim/core/scheduler.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::pci {

using DeviceParams = ::dextlab::devices::DeviceParams;

// What a function sees of the bus it is plugged into.
class PciHostPort {
public:
    virtual ~PciHostPort() = default;
    virtual Scheduler& scheduler() = 0;
    // A message-signalled interrupt: the function wrote `data` to `address` (PCI 3.0 §6.8.1).
    // May be called from inside a configuration or memory access (unmasking a pending vector).
    virtual void message_signalled(uint64_t address, uint32_t data) = 0;
    // The function had an interrupt for `vector` and could not signal it; `why` says what held
    // it back ("bus mastering is disabled", "masked; held as pending"). Observability only.
    virtual void interrupt_withheld(unsigned vector, char const* why) = 0;
};

class PciDevice {
public:
    virtual ~PciDevice() = default;

    // A short name for traces (e.g. "PCI Interval Timer").
    virtual std::string product_name() const = 0;

    virtual void attach(PciHostPort& host) = 0;
    // Conventional reset (PCI 3.0 §4.3.2): configuration space and registers back to power-on.
    virtual void reset() = 0;
    // `size` is 1, 2 or 4 bytes and the access is naturally aligned within the 256 bytes of
    // conventional configuration space; a function returns all-ones for what it does not decode.
    virtual uint32_t config_read(uint16_t offset, unsigned size) = 0;
    virtual void config_write(uint16_t offset, unsigned size, uint32_t value) = 0;
    // An access to the memory behind BAR `bar` (0..5), `size` 1, 2, 4 or 8 bytes at `offset`
    // from the BAR's base. Without Memory Space enabled, or outside the BAR, the function does
    // not claim it: reads give all-ones (a master abort), writes are lost.
    virtual uint64_t memory_read(unsigned bar, uint64_t offset, unsigned size) = 0;
    virtual void memory_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value) = 0;
    virtual void detach() = 0;
};

// A registered PCI device model: its name, the parameters it accepts, and a factory.
struct PciDeviceModel {
    std::string name;
    std::string description;
    std::vector<std::string> number_params; // keys accepted in DeviceParams::numbers (and durations)
    std::vector<std::string> string_params; // keys accepted in DeviceParams::strings
    std::function<ErrorOr<std::unique_ptr<PciDevice>>(DeviceParams const&)> create;
};

// The registry of PCI device models, filled by DEXTLAB_PCI_DEVICE_MODEL at static-init time.
// A scenario's `plug:` names a model; the registry that holds the name decides the bus.
using PciDeviceModels = devices::ModelRegistry<PciDeviceModel>;

} // namespace dextlab::pci

// One macro registers one device model, at the end of its file.
#define DEXTLAB_PCI_DEVICE_MODEL(identifier, ...)                                              \
    static bool const dextlab_pci_model_registered_##identifier = [] {                         \
        ::dextlab::pci::PciDeviceModels::add(__VA_ARGS__);                                     \
        return true;                                                                           \
    }()
