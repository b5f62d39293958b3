#pragma once
// The kernel model: the IORegistry, the catalogue of installed personalities, matching, the
// IOUserServers that host dexts, and the USB host controller. The lab drives it; everything it
// does is published on the trace bus.

#include "devices/pci/pci_device.h"
#include "kernel_model/bundle/dext_bundle.h"
#include "kernel_model/matching/catalogue.h"
#include "kernel_model/matching/explain.h"
#include "kernel_model/matching/matching.h"
#include "kernel_model/registry/registry.h"
#include "kernel_model/server/user_server.h"
#include "kernel_model/server/user_service.h"
#include "kernel_model/usb_host/usb_host.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::kernel {

class DispatchCalls; // kernel_model/dispatch: dext queues, timers and data queues
class UserClients;   // kernel_model/user_client: IOService::Create, IOServiceOpen and connections
class MemoryCalls;   // kernel_model/memory: buffers, sub-descriptors, mappings, transfer memory
class HidDevices;    // kernel_model/hid: AppleUserHIDDevice, IOHIDInterface nubs, reports
class PropertyCalls; // kernel_model/properties: a dext's registry-property calls
class PciHost;       // kernel_model/pci: PCI functions, IOPCIDevice nubs and calls, interrupt sources

// What the registry tells those watching it (an app's matching notifications).
enum class RegistryEvent : uint8_t {
    Registered, // registerService: the entry can be found and matched
    Terminated, // terminate: the entry is going away
};
using RegistryObserver = std::function<void(RegistryEntry const&, RegistryEvent)>;

// Virtual-time costs of the kernel's own work. They make timelines readable and are part of
// the model: changing one changes every trace.
struct KernelTiming {
    Duration queue_dispatch { 2_us }; // from work arriving on a dext queue to the item running
    Duration queue_next_item { 1_us }; // between two items of the same queue
    Duration relaunch_backoff { 1_ms }; // after a crash, doubled for each further crash
    int relaunch_limit { 1000 };        // like the dextrelaunch boot-arg's default
};

class Kernel final : public UsbHostDelegate {
public:
    Kernel(Scheduler& scheduler, TraceBus& trace, ipc::DextLauncher launcher, KernelTiming timing = {});
    ~Kernel() override;

    // Adds the bundle's personalities to the catalogue (they match devices plugged from now on).
    ErrorOr<void> install_dext(DextBundle bundle);
    // Another version of an installed dext takes its place: the old server's services stop
    // (clients first) and their providers are matched again, now against the new personalities.
    ErrorOr<void> replace_dext(DextBundle bundle);
    // Removes a dext: its personalities leave the catalogue and its services terminate.
    ErrorOr<void> uninstall_dext(std::string const& bundle_name);
    // Matches every registered, active nub again (after personalities were added).
    void rematch_all();

    ErrorOr<void> plug_usb(std::string const& id, std::unique_ptr<usb::UsbDevice> device);
    ErrorOr<void> unplug_usb(std::string const& id);
    // PCI functions (kernel_model/pci); their ids share the namespace of USB devices' (the lab checks).
    ErrorOr<void> plug_pci(std::string const& id, std::unique_ptr<pci::PciDevice> device);
    ErrorOr<void> unplug_pci(std::string const& id);
    bool is_pci_plugged(std::string const& id) const;
    std::vector<std::string> plugged_pci_devices() const;
    PciHost const& pci() const { return *m_pci; }
    bool is_plugged(std::string const& id) const { return m_usb->is_plugged(id); }
    std::vector<std::string> plugged_devices() const { return m_usb->plugged(); }
    bool any_server_running() const;
    // Terminates the drivers attached to IOUserResources (clients first), as shutdown does.
    void terminate_resource_clients();

    // Read-only views for the lab (expectations, ioreg, the GUI).
    RegistryEntry const& registry() const { return m_root; }
    // A registry entry by its id (registry entry id / io_registry_entry_t), or nullptr.
    RegistryEntry const* find_entry(uint64_t id) const { return m_objects.find_as<RegistryEntry>(id); }
    std::vector<UserService const*> services() const;
    UserServer const* server_for_bundle(std::string const& bundle_name) const;
    std::vector<UserServer const*> servers() const;
    std::vector<CatalogueEntry> const& catalogue() const { return m_catalogue.entries(); }
    // `match --explain` as data: every personality against `nub`, the winners and why
    // (kernel_model/matching/explain.h). explain_registry covers every registered nub.
    NubExplanation explain(RegistryEntry const& nub) const;
    std::vector<NubExplanation> explain_registry() const;
    // Development mode turns entitlement refusals into warnings, as disabling SIP does.
    void set_development_mode(bool on) { m_development = on; }
    bool development_mode() const { return m_development; }

    // Makes a dext's server fail on purpose (the scenario `crash` step).
    ErrorOr<void> crash_dext(std::string const& bundle_name, std::string const& how);
    // A server's dext side died: its services terminate, its providers rematch after a backoff.
    void server_died(UserServer& server);

    // The app side of user clients (the lab's AppPort uses it).
    UserClients& user_clients() { return *m_user_clients; }
    // HID devices of dexts: the HID event system's setReport / getReport (the lab's `hid` step).
    HidDevices& hid() { return *m_hid; }
    // One observer of registrations and terminations (the lab's AppPort, for notifications).
    void set_registry_observer(RegistryObserver observer) { m_registry_observer = std::move(observer); }
    // IOResources' dext-side twin: the nub virtual dexts match (IOProviderClass IOUserResources).
    RegistryEntry const& user_resources() const { return *m_user_resources; }

    // Messages from a dext (UserServer forwards them here).
    ipc::Message handle_from_dext(UserServer& server, ipc::Message const& message);
    Scheduler& scheduler() { return m_scheduler; }
    TraceBus& trace() { return m_trace; }

    // UsbHostDelegate
    void publish_nub(RegistryEntry& nub, RegistryEntry& parent) override;
    void attach_nub(RegistryEntry& nub, RegistryEntry& parent) override;
    void register_nub(RegistryEntry& nub) override { register_entry(nub); }
    void terminate_nub(RegistryEntry& nub) override;
    void finalize_nub(RegistryEntry& nub) override { finalize(nub); }
    void transfer_finished(PendingTransfer const& transfer, uint32_t status) override;
    uint32_t prepare_transfer_memory(PendingTransfer& transfer) override;
    void release_transfer_memory(PendingTransfer const& transfer) override;
    // A buffer of `server_tag`'s dext by id (the data-queue observer, user clients).
    BufferDescriptor* buffer_for(uint64_t id, uint64_t server_tag);
    ObjectTable& objects() override { return m_objects; }
    RegistryEntry& root() override { return m_root; }

private:
    void attach(RegistryEntry& child, RegistryEntry& parent);
    // Marks an entry registered (registerService), tells the observer, and matches it.
    void register_entry(RegistryEntry& entry);
    void match(RegistryEntry& nub);
    // Sends Instantiate for a new service; false (and the service released) if the dext refused.
    bool instantiate(UserService& service);
    // Runs the queues of `server` that belong to the object `owner` right now, item by item,
    // until `done` holds or they are empty: a service created inside a dext's call starts while
    // its creator waits.
    void run_service_queues(UserServer& server, uint64_t owner, std::function<bool()> const& done);
    // A kernel buffer shared with `server` (IOBufferMemoryDescriptor's memory); nullptr if it
    // cannot be made.
    BufferDescriptor* new_buffer(UserServer& server, uint64_t capacity, uint64_t direction);
    void start_service(RegistryEntry& nub, CatalogueEntry const& winner, int64_t score);
    void start_kernel_driver(RegistryEntry& nub, CatalogueEntry const& winner, int64_t score);
    // kernel_model/entitlements/kernel_gate.cpp: the check before a start, traced (entitlement_refused);
    // a refused candidate does not start and the category's next one is offered.
    GateOutcome entitlement_gate(CatalogueEntry const& entry, RegistryEntry const& nub) const;
    bool pass_entitlement_gate(RegistryEntry const& nub, CatalogueEntry const& entry);
    UserServer& server_for(CatalogueEntry const& entry);
    void deliver_start(UserService& service);
    void service_failed(UserService& service, std::string const& why);
    void terminate(RegistryEntry& entry);
    void clients_gone(RegistryEntry& entry);
    void maybe_finish_stop(UserService& service);
    void finalize(RegistryEntry& entry);
    void release_service(UserService& service);
    void maybe_exit_server(UserServer& server);
    void schedule_queue(UserServer& server, QueueSchedule& queue, uint64_t queue_id, Duration delay);
    void run_queue(uint64_t server_tag, uint64_t queue_id);
    ipc::Message handle_call(UserServer& server, ipc::Message const& message);
    ipc::Message handle_service_call(UserServer& server, UserService& service, ipc::Message const& message);
    void handle_invoke_done(UserServer& server, ipc::Message const& message);
    void handle_release_proxy(UserServer& server, uint64_t id);
    void handle_server_death(uint64_t server_tag);
    void retire(std::string const& bundle_name);
    void destroy_buffers_of(UserServer& server);
    UserServer* server_by_tag(uint64_t tag);
    std::string method_name(uint64_t msgid) const;
    void trace_service(TracePoint const& point, UserService const& service, std::vector<TraceField> fields = {});

    Scheduler& m_scheduler;
    TraceBus& m_trace;
    ipc::DextLauncher m_launcher;
    KernelTiming m_timing;
    ObjectTable m_objects;
    RegistryRoot m_root;
    Catalogue m_catalogue;
    bool m_development { false };
    std::map<std::string, std::unique_ptr<UserServer>> m_servers; // by bundle name
    std::vector<std::unique_ptr<UserServer>> m_retired;           // replaced or uninstalled, still stopping
    std::vector<UserServer*> m_server_by_tag; // both of the above by tag (small, from 1); every callback looks its server up
    std::unique_ptr<UsbHostModel> m_usb;
    std::unique_ptr<DispatchCalls> m_dispatch;
    std::unique_ptr<UserClients> m_user_clients;
    std::unique_ptr<MemoryCalls> m_memory;
    std::unique_ptr<HidDevices> m_hid;
    std::unique_ptr<PropertyCalls> m_properties;
    std::unique_ptr<PciHost> m_pci;
    RegistryObserver m_registry_observer;
    RegistryEntry* m_user_resources { nullptr };
    uint64_t m_next_server_tag { 1 };
    int m_dext_calls_in_progress { 0 }; // > 0 while a dext waits for the kernel's reply

    friend class UserServer;
    friend class DispatchCalls;
    friend class UserClients;
    friend class MemoryCalls;
    friend class HidDevices;
    friend class PciHost;
};

} // namespace dextlab::kernel
