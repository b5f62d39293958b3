#pragma once
// The PCI host: the lab's one host bridge and what IOPCIFamily does on it. Plugging a function
// enumerates it (kernel_model/pci/pci_configurator: identity, BARs placed, capabilities) and
// publishes its IOPCIDevice nub with IOPCIFamily's properties, which matching then serves
// (IOPCIMatch and friends, kernel_model/matching/pci_matching.cpp). The host serves the
// PCIDriverKit calls a dext makes on the nub — the session (Open/Close through _ManageSession),
// configuration and memory accesses (_MemoryAccess), FindPCICapability, GetBusDeviceFunction,
// GetBARInfo, ConfigureInterrupts — and IOInterruptDispatchSource's calls, routing each MSI a
// function signals to the source that owns its vector (kernel_model/pci/interrupt_model).
//
// The lab models an Apple-silicon host: no legacy INTx routing (interrupt index n is MSI
// vector n; DriverKit delivers only MSI), IOPCIMatch's +1000 score, MSI vectors allocated on
// first use (all the function offers) unless ConfigureInterrupts asked first, MSI enabled with
// every vector masked until its source is enabled. BAR memory is not mapped into the dext:
// MemoryRead/Write travel to the kernel, which runs them against the function's registers (what
// IOPCIFamily does for a client with IOPCIKernelMemoryAccess); _CopyDeviceMemoryWithIndex
// answers kIOReturnUnsupported.

#include "kernel_model/ipc/message.h"
#include "kernel_model/pci/interrupt_model.h"
#include "kernel_model/pci/pci_objects.h"
#include "sim/core/error.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dextlab::kernel {

class Kernel;
class UserServer;

class PciHost {
public:
    // The lab's platform: where BARs are placed and where functions write MSIs.
    static constexpr uint64_t kMemoryWindow = 0x80000000;
    static constexpr uint64_t kMsiAddress = 0xFEE00000;
    static constexpr uint32_t kMsiDataBase = 0x4000;
    static constexpr uint8_t kSlots = 31;

    explicit PciHost(Kernel& kernel);
    ~PciHost();

    ErrorOr<void> plug(std::string const& id, std::unique_ptr<pci::PciDevice> device);
    ErrorOr<void> unplug(std::string const& id);
    bool is_plugged(std::string const& id) const { return m_devices.contains(id); }
    std::vector<std::string> plugged() const;
    pci::PciDevice* device(std::string const& id) const;

    // Calls a dext makes that are served here; nothing for any other message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);
    // A service stops: the sessions it left open close (Bus Master and Memory Space off).
    void close_everything_of(uint64_t service_id);

    InterruptModel const& interrupts() const { return m_interrupts; }

    // From a function, through its port adapter.
    void message_signalled(PciDeviceNub& nub, uint64_t address, uint32_t data);
    void interrupt_withheld(PciDeviceNub& nub, unsigned vector, char const* why);

private:
    // [pci_host.cpp] plugging, vectors, the session
    bool resolve_vectors(PciDeviceNub& nub, unsigned requested);
    bool mask_vector(uint64_t nub_id, unsigned vector, bool masked);
    void close_session(PciDeviceNub& nub, char const* why);
    void deliver(InterruptModel::Caller const& caller, uint64_t action_id, uint64_t source_id, uint64_t count, VirtualTime time);
    uint32_t refuse(PciDeviceNub const& nub, std::string const& process, char const* method, uint32_t status, std::string const& what);

    // [pci_calls.cpp] the calls
    ipc::Message device_call(UserServer& server, PciDeviceNub& nub, ipc::Message const& message);
    ipc::Message manage_session(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args);
    ipc::Message memory_access(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args);
    uint32_t config_access(UserServer& server, PciDeviceNub& nub, uint64_t operation, uint64_t offset, uint64_t data, uint64_t& read);
    uint32_t device_access(UserServer& server, PciDeviceNub& nub, uint64_t operation, uint64_t offset, uint64_t data, uint64_t& read);
    ipc::Message configure_interrupts(UserServer& server, PciDeviceNub& nub, ipc::WireReader& args);
    ipc::Message source_call(UserServer& server, ipc::Message const& message);
    ipc::Message create_source(UserServer& server, uint64_t source_id, ipc::WireReader& args);
    ipc::Message malformed(UserServer& server, ipc::Message const& message, std::string const& why);
    bool has_open(PciDeviceNub const& nub, uint64_t client) const { return client != 0 && nub.opened_by == client; }
    InterruptModel::Caller caller_of(UserServer& server) const;

    Kernel& m_kernel;
    InterruptModel m_interrupts;
    std::map<std::string, PciDeviceNub*> m_devices;
    uint64_t m_next_address { kMemoryWindow };
    uint32_t m_next_msi_data { kMsiDataBase };
    uint8_t m_next_slot { 1 };
};

} // namespace dextlab::kernel
