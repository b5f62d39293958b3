#include "kernel.h"

#include "kernel_model/dispatch/dispatch_calls.h"
#include "kernel_model/hid/hid_devices.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/memory/memory_calls.h"
#include "kernel_model/pci/pci_host.h"
#include "kernel_model/properties/property_calls.h"
#include "kernel_model/registry/user_resources.h"
#include "kernel_model/server/kernel_driver.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/user_client/user_clients.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;

namespace {
constexpr char const* kProcess = "kernel";

// The methods the kernel model knows by name, for traces.
constexpr std::string_view kKnownNames[] = { "IOService::Start", "IOService::Stop", "IOService::RegisterService",
    "IOService::Terminate", "IOBufferMemoryDescriptor::Create", "IOUSBHostInterface::Open", "IOUSBHostInterface::Close",
    "IOUSBHostInterface::CopyPipe", "IOUSBHostInterface::CopyConfigurationDescriptor", "IOUSBHostPipe::AsyncIO",
    "IOUSBHostPipe::Abort", "IOUSBHostPipe::GetDescriptors", "IOUSBHostPipe::ClearStall",
    "IOUSBHostPipe::CompleteAsyncIO", "IOTimerDispatchSource::TimerOccurred", "IOService::NewUserClient", "IOService::Create",
    "IOUserClient::_ExternalMethod", "IOUserClient::AsyncCompletion", "IOUserClient::CopyClientMemoryForType",
    "IOHIDDevice::_ProcessReport", "IOUSBHostInterface::CopyDevice", "IOUSBHostDevice::Open", "IOUSBHostDevice::Close", "IOUSBHostDevice::_GetDescriptor",
    "IOUSBHostDevice::_CurrentConfiguration", "IOUSBHostDevice::DeviceRequest", "IOUSBHostDevice::AsyncDeviceRequest",
    "IOUSBHostDevice::AbortDeviceRequests", "IOUSBHostDevice::CompleteAsyncDeviceRequest", "IOUSBHostDevice::SetConfiguration",
    "IOUSBHostDevice::GetAddress", "IOUSBHostDevice::GetSpeed", "IOUSBHostDevice::GetFrameNumber", "IOUSBHostDevice::Reset",
    "IOUSBHostDevice::CreateInterfaceIterator", "IOUSBHostDevice::DestroyInterfaceIterator", "IOUSBHostDevice::CopyInterface",
    "IOInterruptDispatchSource::InterruptOccurred" };
} // namespace

Kernel::Kernel(Scheduler& scheduler, TraceBus& trace, ipc::DextLauncher launcher, KernelTiming timing)
    : m_scheduler(scheduler)
    , m_trace(trace)
    , m_launcher(std::move(launcher))
    , m_timing(timing)
{
    m_root.name = "Root";
    m_root.registered = true;
    m_usb = std::make_unique<UsbHostModel>(scheduler, trace, *this);
    m_dispatch = std::make_unique<DispatchCalls>(*this);
    m_memory = std::make_unique<MemoryCalls>(*this);
    m_properties = std::make_unique<PropertyCalls>(*this);
    m_user_clients = std::make_unique<UserClients>(*this);
    m_hid = std::make_unique<HidDevices>(*this);
    m_pci = std::make_unique<PciHost>(*this);
    // IOUserResources is always there (reference 3.1): dexts that drive no hardware match it
    // with IOResourceMatch = IOKit.
    auto& resources = m_objects.create<UserResourcesNub>();
    resources.name = "IOUserResources";
    resources.properties["IOKit"] = Property::string("IOKit");
    attach(resources, m_root);
    resources.registered = true;
    m_user_resources = &resources;
}

Kernel::~Kernel()
{
    // Servers first: their dext sides hold proxies whose release messages reach the kernel.
    for (auto& [name, server] : m_servers)
        server->exit();
    for (auto& server : m_retired)
        server->exit();
    m_server_by_tag.clear();
    m_servers.clear();
    m_retired.clear();
    m_usb.reset();
    m_pci.reset();
    m_user_clients.reset();
    m_hid.reset();
}

std::string Kernel::method_name(uint64_t msgid) const
{
    if (msgid == 0)
        return "-";
    // ipc::method_id() finds a name by string compares and this runs for every traced message:
    // work the ids out once, at compile time.
    static constexpr auto kKnownIds = [] {
        std::array<uint64_t, std::size(kKnownNames)> known {};
        for (size_t i = 0; i < known.size(); ++i)
            known[i] = ipc::method_id(kKnownNames[i]);
        return known;
    }();
    for (size_t i = 0; i < kKnownIds.size(); ++i) {
        if (kKnownIds[i] == msgid)
            return std::string(kKnownNames[i]);
    }
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%016llx", static_cast<unsigned long long>(msgid));
    return buffer;
}

ErrorOr<void> Kernel::install_dext(DextBundle bundle)
{
    if (m_servers.contains(bundle.name))
        return Error::with("dext " + bundle.name + " is already installed");
    for (auto const& personality : bundle.personalities)
        m_catalogue.add(CatalogueEntry { bundle.name, personality });
    auto tag = m_next_server_tag++;
    bool wants_resources = std::any_of(bundle.personalities.begin(), bundle.personalities.end(), [](Personality const& p) {
        auto it = p.properties.find("IOProviderClass");
        return it != p.properties.end() && it->second.is_string() && it->second.as_string() == "IOUserResources";
    });
    m_servers[bundle.name] = std::make_unique<UserServer>(*this, bundle, tag);
    if (m_server_by_tag.size() <= tag)
        m_server_by_tag.resize(tag + 1, nullptr);
    m_server_by_tag[tag] = m_servers[bundle.name].get(); // retiring moves it, never frees it
    // New personalities are matched against what is registered already (IOCatalogue does so
    // when drivers are added); for devices the lab plugs them later, so only IOUserResources
    // needs it here.
    if (wants_resources && m_user_resources->active)
        match(*m_user_resources);
    return {};
}

ErrorOr<void> Kernel::plug_usb(std::string const& id, std::unique_ptr<usb::UsbDevice> device)
{
    return m_usb->plug(id, std::move(device));
}

ErrorOr<void> Kernel::unplug_usb(std::string const& id) { return m_usb->unplug(id); }

ErrorOr<void> Kernel::plug_pci(std::string const& id, std::unique_ptr<pci::PciDevice> device) { return m_pci->plug(id, std::move(device)); }

ErrorOr<void> Kernel::unplug_pci(std::string const& id) { return m_pci->unplug(id); }

bool Kernel::is_pci_plugged(std::string const& id) const { return m_pci->is_plugged(id); }

std::vector<std::string> Kernel::plugged_pci_devices() const { return m_pci->plugged(); }

std::vector<UserService const*> Kernel::services() const
{
    std::vector<UserService const*> out;
    for_each_entry(m_root, [&](RegistryEntry const& e, int) {
        if (auto const* s = dynamic_cast<UserService const*>(&e))
            out.push_back(s);
    });
    return out;
}

UserServer const* Kernel::server_for_bundle(std::string const& bundle_name) const
{
    auto it = m_servers.find(bundle_name);
    if (it != m_servers.end())
        return it->second.get();
    // A deactivated dext's last server still answers for it (its leaks, its services).
    for (auto r = m_retired.rbegin(); r != m_retired.rend(); ++r) {
        if ((*r)->display_name() == bundle_name)
            return r->get();
    }
    return nullptr;
}

std::vector<UserServer const*> Kernel::servers() const
{
    std::vector<UserServer const*> out;
    for (auto const& [name, server] : m_servers)
        out.push_back(server.get());
    return out;
}

void Kernel::terminate_resource_clients()
{
    for (auto* child : std::vector<RegistryEntry*>(m_user_resources->children))
        terminate(*child);
}

bool Kernel::any_server_running() const
{
    return std::any_of(m_servers.begin(), m_servers.end(), [](auto const& entry) { return entry.second->running(); })
        || std::any_of(m_retired.begin(), m_retired.end(), [](auto const& server) { return server->running(); });
}

UserServer* Kernel::server_by_tag(uint64_t tag)
{
    return tag < m_server_by_tag.size() ? m_server_by_tag[tag] : nullptr;
}

void Kernel::trace_service(TracePoint const& point, UserService const& service, std::vector<TraceField> fields)
{
    m_trace.emit(point, kProcess, "lifecycle", service.user_class, std::move(fields));
}

// ---- registry and matching ----

void Kernel::attach(RegistryEntry& child, RegistryEntry& parent)
{
    child.parent = &parent;
    parent.children.push_back(&child);
}

void Kernel::publish_nub(RegistryEntry& nub, RegistryEntry& parent)
{
    attach_nub(nub, parent);
    register_entry(nub);
}

void Kernel::attach_nub(RegistryEntry& nub, RegistryEntry& parent)
{
    attach(nub, parent);
    m_trace.emit(tp::registry_publish, kProcess, "registry", nub.name,
        { TraceField::dec("id", nub.id()), TraceField::text("class", nub.class_name()) });
}

void Kernel::register_entry(RegistryEntry& entry)
{
    entry.registered = true;
    if (m_registry_observer)
        m_registry_observer(entry, RegistryEvent::Registered);
    match(entry);
    m_hid->entry_registered(entry); // a HID device publishes its IOHIDInterface
}

void Kernel::match(RegistryEntry& nub)
{
    // The catalogue offers only personalities that can match (filed by provider class and USB
    // vendor); per match category the highest score wins, ties to the one installed first.
    // A category already held by a live client of this nub is not offered again.
    std::vector<std::string> held;
    for (auto* child : nub.children) {
        bool driver = dynamic_cast<UserService*>(child) || dynamic_cast<KernelDriver*>(child);
        if (driver && child->active)
            held.push_back(match_category(child->properties));
    }
    NubFacts facts(nub);
    auto trace_candidate = [&](size_t index, MatchResult const& result) {
        auto const& entry = m_catalogue[index];
        std::vector<TraceField> fields { TraceField::text("personality", entry.personality.name), TraceField::text("dext", entry.bundle) };
        if (result.matched) {
            fields.push_back(TraceField::sdec("score", result.score));
            fields.push_back(TraceField::text("rule", result.rule));
        } else {
            fields.push_back(TraceField::text("failed", result.failed_key));
            fields.push_back(TraceField::text("why", result.reason));
        }
        m_trace.emit(tp::match_candidate, kProcess, "matching", nub.name, std::move(fields));
    };
    auto rankings = rank_candidates(m_catalogue, facts, held, trace_candidate);
    // Nothing matched: trace the personalities the index passed over too (another idVendor), so
    // the trace says why the nub's own dext did not match. Only unmatched nubs pay for this.
    if (rankings.empty()) {
        std::vector<size_t> others;
        m_catalogue.passed_over(facts, others);
        for (size_t index : others)
            trace_candidate(index, match_personality(m_catalogue[index].personality.properties, facts));
    }
    for (auto const& ranking : rankings) {
        for (auto const& candidate : ranking.ranked) {
            auto const& entry = m_catalogue[candidate.index];
            if (!pass_entitlement_gate(nub, entry))
                continue;
            m_trace.emit(tp::match_winner, kProcess, "matching", nub.name,
                { TraceField::text("personality", entry.personality.name), TraceField::text("dext", entry.bundle),
                    TraceField::sdec("score", candidate.score), TraceField::text("category", ranking.category) });
            nub.matched = true;
            start_service(nub, entry, candidate.score);
            break;
        }
    }
    // A USB device nothing claimed is configured by the composite driver (kernel_model/usb_host).
    if (auto* device = dynamic_cast<UsbDeviceNub*>(&nub))
        m_usb->device_matched(*device);
}

UserServer& Kernel::server_for(CatalogueEntry const& entry) { return *m_servers.at(entry.bundle); }

void Kernel::start_kernel_driver(RegistryEntry& nub, CatalogueEntry const& winner, int64_t score)
{
    auto const& props = winner.personality.properties;
    auto& driver = m_objects.create<KernelDriver>();
    auto ioclass = props.find("IOClass");
    driver.ioclass = ioclass != props.end() && ioclass->second.is_string() ? ioclass->second.as_string() : "IOService";
    driver.name = driver.ioclass;
    driver.personality = winner.personality.name;
    driver.bundle = winner.bundle;
    driver.properties = props;
    driver.properties["IOProbeScore"] = Property::number(static_cast<uint64_t>(score), 32);
    driver.properties["IOMatchCategory"] = Property::string(match_category(props));
    attach(driver, nub);
    m_trace.emit(tp::kernel_driver_start, kProcess, "lifecycle", driver.name,
        { TraceField::text("personality", driver.personality), TraceField::text("dext", driver.bundle) });
    // Published like any started driver that calls registerService: others may match on it.
    register_entry(driver);
}

void Kernel::start_service(RegistryEntry& nub, CatalogueEntry const& winner, int64_t score)
{
    auto const& props = winner.personality.properties;
    if (!props.contains("IOUserClass")) {
        start_kernel_driver(nub, winner, score); // a codeless dext: the kernel class is the driver
        return;
    }
    auto& service = m_objects.create<UserService>();
    auto ioclass = props.find("IOClass");
    auto user_class = props.find("IOUserClass");
    service.ioclass = ioclass != props.end() && ioclass->second.is_string() ? ioclass->second.as_string() : "IOUserService";
    service.user_class = user_class != props.end() && user_class->second.is_string() ? user_class->second.as_string() : "";
    service.personality = winner.personality.name;
    service.name = service.user_class.empty() ? service.ioclass : service.user_class;
    service.properties = props;
    service.properties["IOProbeScore"] = Property::number(static_cast<uint64_t>(score), 32);
    service.properties["IOMatchCategory"] = Property::string(match_category(props));
    service.provider = &nub;
    UserServer& server = server_for(winner);
    service.server = &server;
    attach(service, nub);
    server.services().insert(service.id());

    if (!server.running()) {
        auto launched = server.launch();
        if (!launched) {
            m_trace.emit(tp::server_error, server.display_name(), "lifecycle", server.name(),
                { TraceField::text("what", launched.error().message) });
            service_failed(service, launched.error().message);
            return;
        }
    }
    if (instantiate(service))
        deliver_start(service);
}

bool Kernel::instantiate(UserService& service)
{
    UserServer& server = *service.server;
    auto instantiate = ipc::Message::make(ipc::MessageKind::Instantiate, service.id());
    ipc::WireWriter(instantiate).str(service.user_class).str(server.name());
    auto reply = server.send(instantiate);
    uint64_t status = kr::IPCError;
    std::string why;
    if (reply) {
        ipc::WireReader reader(reply.value());
        auto s = ipc::reply_status(reply.value(), reader);
        status = s ? s.value() : kr::IPCError;
        if (auto text = reader.str())
            why = text.value();
    }
    trace_service(tp::service_init, service,
        { TraceField::text("class", service.user_class), TraceField::text("status", kr::ioreturn_name(static_cast<uint32_t>(status))) });
    if (status != kr::Success) {
        service_failed(service, why.empty() ? "init failed" : why);
        return false;
    }
    return true;
}

void Kernel::run_service_queues(UserServer& server, uint64_t owner, std::function<bool()> const& done)
{
    uint64_t tag = server.tag();
    while (!done()) {
        auto* s = server_by_tag(tag);
        if (!s || !s->running())
            return;
        uint64_t next = 0;
        for (auto const& [id, q] : s->queues()) {
            if (q.owner == owner && q.pending > 0 && !q.running) {
                next = id;
                break;
            }
        }
        if (!next)
            return;
        run_queue(tag, next);
    }
}

BufferDescriptor* Kernel::new_buffer(UserServer& server, uint64_t capacity, uint64_t direction)
{
    return m_memory->create_buffer(server, capacity, direction);
}

void Kernel::deliver_start(UserService& service)
{
    auto start = ipc::Message::make(ipc::MessageKind::Invoke, service.id(), ids::IOService_Start);
    ipc::WireWriter(start).object(service.provider->id(), service.provider->class_chain_text());
    service.state = ServiceState::Starting;
    trace_service(tp::service_start, service, { TraceField::text("provider", service.provider->name) });
    auto reply = service.server->send(start);
    if (!reply)
        service_failed(service, reply.error().message);
}

void Kernel::service_failed(UserService& service, std::string const& why)
{
    if (!service.server->death().empty())
        return; // the death handler takes the whole server's services down
    trace_service(tp::service_warning, service, { TraceField::text("what", why) });
    service.state = ServiceState::Failed;
    service.active = false;
    // The registry entry goes; the dext object, if any, is released.
    release_service(service);
}

// ---- termination: clients first, then providers ----

void Kernel::terminate_nub(RegistryEntry& nub) { terminate(nub); }

void Kernel::terminate(RegistryEntry& entry)
{
    if (!entry.active)
        return;
    entry.active = false;
    if (entry.registered && m_registry_observer)
        m_registry_observer(entry, RegistryEvent::Terminated);
    // Busy while its clients terminate (ioreg's busy count): a client finishing synchronously
    // must not finalize this entry under our feet.
    ++entry.busy;
    auto children = entry.children;
    for (auto* child : children)
        terminate(*child);
    --entry.busy;
    // Clients first: this entry's own termination proceeds once its last client is gone
    // (IOService's didTerminate order: Stop runs on children before parents).
    if (entry.children.empty())
        clients_gone(entry);
}

void Kernel::clients_gone(RegistryEntry& entry)
{
    auto* service = dynamic_cast<UserService*>(&entry);
    if (!service) {
        // An interface a device-level driver still has open goes when that driver closes it.
        if (!m_usb->hold_until_closed(entry))
            finalize(entry);
        return;
    }
    service->terminating = true;
    if (service->state == ServiceState::Started) {
        auto stop = ipc::Message::make(ipc::MessageKind::Invoke, service->id(), ids::IOService_Stop);
        ipc::WireWriter(stop).object(service->provider->id(), service->provider->class_chain_text());
        service->state = ServiceState::Stopping;
        trace_service(tp::service_stop, *service, { TraceField::text("provider", service->provider->name) });
        if (!service->server->send(stop))
            service_failed(*service, "the server is gone");
    }
    // A service still starting is stopped when its Start returns (handle_invoke_done).
}

void Kernel::maybe_finish_stop(UserService& service)
{
    if (!service.stop_returned)
        return;
    if (!service.super_stop_called) {
        trace_service(tp::service_stop_pending, service,
            { TraceField::text("why", "Stop returned without calling Stop(provider, SUPERDISPATCH); termination waits for it, as on macOS") });
        return;
    }
    service.state = ServiceState::Stopped;
    // Released in its own event: the dext may still be inside the call that got us here.
    uint64_t id = service.id();
    m_scheduler.schedule_after(0, [this, id] {
        if (auto* s = m_objects.find_as<UserService>(id))
            release_service(*s);
    });
}

void Kernel::release_service(UserService& service)
{
    UserServer& server = *service.server;
    if (server.running() && server.services().contains(service.id())) {
        trace_service(tp::service_free, service);
        auto released = server.send(ipc::Message::make(ipc::MessageKind::ReleaseObject, service.id()));
        if (!released)
            m_trace.emit(tp::server_error, server.display_name(), "lifecycle", server.name(),
                { TraceField::text("what", released.error().message) });
    }
    server.services().erase(service.id());
    // By id: finalizing the service may finalize its provider too (an inactive nub whose last
    // client this was).
    uint64_t provider_id = service.provider ? service.provider->id() : 0;
    bool retired = std::any_of(m_retired.begin(), m_retired.end(), [&](auto const& r) { return r.get() == &server; });
    finalize(service);
    maybe_exit_server(server);
    // A replaced or removed dext's provider is offered to the catalogue again.
    auto* provider = provider_id ? m_objects.find_as<RegistryEntry>(provider_id) : nullptr;
    if (retired && provider && provider->active) {
        uint64_t nub_id = provider->id();
        m_scheduler.schedule_after(0, [this, nub_id] {
            if (auto* nub = m_objects.find_as<RegistryEntry>(nub_id); nub && nub->active)
                match(*nub);
        });
    }
}

void Kernel::finalize(RegistryEntry& entry)
{
    RegistryEntry* parent = entry.parent;
    if (parent) {
        auto& siblings = parent->children;
        siblings.erase(std::remove(siblings.begin(), siblings.end(), &entry), siblings.end());
        entry.parent = nullptr;
    }
    m_trace.emit(tp::registry_terminate, kProcess, "registry", entry.name,
        { TraceField::dec("id", entry.id()), TraceField::text("class", entry.class_name()) });
    if (auto* in = dynamic_cast<UsbInterfaceNub*>(&entry)) {
        for (auto& [address, pipe] : in->pipes)
            m_objects.destroy(pipe->id());
        in->pipes.clear();
        if (in->device)
            std::erase(in->device->interfaces, in);
    }
    m_objects.destroy(entry.id());
    if (parent && parent != &m_root && !parent->active && parent->busy == 0 && parent->children.empty())
        clients_gone(*parent);
}

// A server with no services exits once its queues are idle, so completions already queued to
// it (an aborted transfer's, say) still run and release what they hold.
static bool queues_idle(UserServer& server)
{
    for (auto const& [id, q] : server.queues()) {
        if (q.pending > 0 || q.running || q.scheduled)
            return false;
    }
    return true;
}

void Kernel::maybe_exit_server(UserServer& server)
{
    if (!server.services().empty() || !server.running() || !queues_idle(server))
        return;
    uint64_t tag = server.tag();
    // The process exits once it has no services, like a dext on macOS.
    m_scheduler.schedule_after(0, [this, tag] {
        auto* s = server_by_tag(tag);
        if (!s || !s->services().empty() || !s->running() || !queues_idle(*s))
            return;
        auto leaks = s->exit();
        for (auto const& leak : leaks)
            m_trace.emit(tp::server_leak, s->display_name(), "lifecycle", s->name(), { TraceField::text("object", leak) });
        m_trace.emit(tp::server_exit, s->display_name(), "lifecycle", s->name(),
            { TraceField::dec("leaked", leaks.size()) });
        destroy_buffers_of(*s);
    });
}

// Buffers die with the process that asked for them.
void Kernel::destroy_buffers_of(UserServer& server) { m_memory->server_gone(server); }

// ---- crashes: a dead dext process takes only its own services with it ----

ErrorOr<void> Kernel::crash_dext(std::string const& bundle_name, std::string const& how)
{
    auto it = m_servers.find(bundle_name);
    if (it == m_servers.end())
        return Error::with("no dext named " + bundle_name + " is loaded");
    if (!it->second->running())
        return Error::with("dext " + bundle_name + " has no running server to crash (nothing matched it yet?)");
    it->second->inject_fault(how);
    return {};
}

void Kernel::server_died(UserServer& server)
{
    // Handled in its own event: the death may surface deep inside another operation.
    uint64_t tag = server.tag();
    m_scheduler.schedule_after(0, [this, tag] { handle_server_death(tag); });
}

void Kernel::handle_server_death(uint64_t server_tag)
{
    auto* server = server_by_tag(server_tag);
    if (!server || server->death().empty())
        return;
    m_trace.emit(tp::server_crash, server->display_name(), "lifecycle", server->name(),
        { TraceField::text("reason", server->death()), TraceField::dec("crashes", static_cast<uint64_t>(server->crashes() + 1)) });
    // Its services leave the registry without Stop (there is no process to run it); what they
    // provided to others terminates normally, clients first.
    std::vector<uint64_t> providers;
    for (uint64_t id : std::vector<uint64_t>(server->services().begin(), server->services().end())) {
        auto* service = m_objects.find_as<UserService>(id);
        if (!service)
            continue;
        if (service->provider && service->provider->active)
            providers.push_back(service->provider->id());
        service->state = ServiceState::Failed;
        service->active = false;
        ++service->busy;
        for (auto* child : std::vector<RegistryEntry*>(service->children))
            terminate(*child);
        --service->busy;
        m_usb->close_everything_of(id);
        m_pci->close_everything_of(id);
        trace_service(tp::service_warning, *service, { TraceField::text("what", "terminated: its server " + server->death()) });
        finalize(*service);
    }
    destroy_buffers_of(*server);
    server->forget_dead_process();
    // The kernel relaunches on the next match, after a backoff that doubles with each crash.
    if (server->crashes() > m_timing.relaunch_limit)
        return;
    Duration backoff = m_timing.relaunch_backoff << std::min(server->crashes() - 1, 10);
    for (uint64_t nub_id : providers) {
        m_trace.emit(tp::server_rematch, server->display_name(), "lifecycle", server->name(),
            { TraceField::dec("nub", nub_id), TraceField::dec("after_us", backoff / 1000) });
        m_scheduler.schedule_after(backoff, [this, nub_id] {
            if (auto* nub = m_objects.find_as<RegistryEntry>(nub_id); nub && nub->active)
                match(*nub);
        });
    }
}

// ---- dext queues ----

void Kernel::schedule_queue(UserServer& server, QueueSchedule& q, uint64_t queue_id, Duration delay)
{
    if (q.scheduled)
        return;
    q.scheduled = true;
    uint64_t tag = server.tag();
    m_scheduler.schedule_after(delay, [this, tag, queue_id] { run_queue(tag, queue_id); });
}

void Kernel::run_queue(uint64_t server_tag, uint64_t queue_id)
{
    auto* server = server_by_tag(server_tag);
    if (!server || !server->running())
        return;
    auto it = server->queues().find(queue_id);
    if (it == server->queues().end())
        return;
    // Kept for the records around the item (which may free the queue), if anyone takes them.
    std::string const name = m_trace.wanted(tp::queue_run) ? it->second.name : std::string();
    it->second.scheduled = false;
    // A DispatchSync may have run what was queued already (kernel_model/dispatch): nothing to do.
    if (it->second.pending == 0) {
        maybe_exit_server(*server);
        return;
    }
    it->second.running = true;
    m_trace.emit_lazily(tp::queue_run, [&] { return TraceArgs { server->display_name(), name, name, {}, TracePhase::Begin }; });
    auto reply = server->send(ipc::Message::make(ipc::MessageKind::RunQueueItem, queue_id));
    uint64_t remaining = 0;
    if (reply) {
        ipc::WireReader reader(reply.value());
        auto status = ipc::reply_status(reply.value(), reader);
        auto left = reader.u64();
        remaining = status && left ? left.value() : 0;
    }
    m_trace.emit_lazily(tp::queue_run, [&] {
        return TraceArgs { server->display_name(), name, name, { TraceField::dec("remaining", remaining) }, TracePhase::End };
    });
    // The item may have ended the server (its last service released) or freed the queue.
    server = server_by_tag(server_tag);
    if (!server || !server->running())
        return;
    it = server->queues().find(queue_id);
    if (it == server->queues().end())
        return;
    it->second.running = false;
    it->second.pending = remaining;
    if (remaining > 0)
        schedule_queue(*server, it->second, queue_id, m_timing.queue_next_item);
    else
        maybe_exit_server(*server);
}

// ---- messages from dexts ----

ipc::Message Kernel::handle_from_dext(UserServer& server, ipc::Message const& message)
{
    struct InCall {
        int& depth;
        explicit InCall(int& d) : depth(d) { ++depth; }
        ~InCall() { --depth; }
    } in_call(m_dext_calls_in_progress);
    if (auto reply = m_memory->handle(server, message))
        return std::move(reply).value();
    ipc::WireReader reader(message);
    switch (message.kind()) {
    case ipc::MessageKind::Call:
        if (auto reply = m_dispatch->handle(server, message))
            return std::move(reply).value();
        if (auto reply = m_pci->handle(server, message))
            return std::move(reply).value();
        if (auto reply = m_hid->handle(server, message)) // before properties: a HID device's SetProperties is its own
            return std::move(reply).value();
        if (auto reply = m_properties->handle(server, message))
            return std::move(reply).value();
        if (auto reply = m_user_clients->handle(server, message))
            return std::move(reply).value();
        return handle_call(server, message);
    case ipc::MessageKind::QueueWork: {
        auto owner = reader.u64();
        auto pending = reader.u64();
        if (!owner || !pending)
            break;
        // The name comes once, with a queue's first work (every callback sends one of these);
        // a queue report may have named the queue before.
        std::optional<std::string> name;
        if (!reader.at_end()) {
            auto named = reader.str();
            if (!named)
                break;
            name = std::move(named.value());
        }
        auto known = server.queues().find(message.header.target);
        if (known == server.queues().end()) {
            if (!name)
                break;
            known = server.queues().emplace(message.header.target, QueueSchedule {}).first;
        }
        auto& q = known->second;
        if (name)
            q.name = std::move(*name);
        q.owner = owner.value();
        q.pending = pending.value();
        // Queue records are the busiest: built only for a subscriber that wants them.
        m_trace.emit_lazily(tp::queue_enqueue, [&] {
            return TraceArgs { server.display_name(), q.name, q.name, { TraceField::dec("pending", q.pending) } };
        });
        if (!q.running)
            schedule_queue(server, q, message.header.target, m_timing.queue_dispatch);
        return ipc::make_reply(kr::Success);
    }
    case ipc::MessageKind::Log: {
        auto text = reader.str();
        if (!text)
            break;
        m_trace.emit(tp::dext_log, server.display_name(), "log", "", { TraceField::text("text", text.value()) });
        return ipc::make_reply(kr::Success);
    }
    case ipc::MessageKind::ReleaseProxy:
        handle_release_proxy(server, message.header.target);
        return ipc::make_reply(kr::Success);
    case ipc::MessageKind::InvokeDone:
        handle_invoke_done(server, message);
        return ipc::make_reply(kr::Success);
    default:
        break;
    }
    m_trace.emit(tp::server_error, server.display_name(), "ipc", server.name(),
        { TraceField::text("what", std::string("malformed or unexpected ") + ipc::to_string(message.kind()) + " message") });
    return ipc::make_reply(kr::BadArgument);
}

ipc::Message Kernel::handle_call(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    uint64_t msgid = message.header.msgid;
    ipc::Message reply = ipc::make_reply(kr::Unsupported);
    if (auto* object = m_objects.find(message.header.target)) {
        if (auto* service = dynamic_cast<UserService*>(object)) {
            reply = handle_service_call(server, *service, message);
        } else if (!m_usb->handle_call(server.tag(), 0, *object, msgid, args, reply)) {
            reply = ipc::make_reply(kr::Unsupported);
        }
    } else {
        // The object is gone (its device was unplugged): what a dext sees on macOS too.
        reply = ipc::make_reply(kr::NoDevice);
    }
    ipc::WireReader status_reader(reply);
    auto status = ipc::reply_status(reply, status_reader);
    m_trace.emit(tp::ipc_to_kernel, server.display_name(), "ipc", method_name(msgid),
        { TraceField::hex("target", message.header.target),
            TraceField::text("status", kr::ioreturn_name(static_cast<uint32_t>(status ? status.value() : kr::IPCError))) });
    return reply;
}

ipc::Message Kernel::handle_service_call(UserServer& server, UserService& service, ipc::Message const& message)
{
    if (service.server != &server)
        return ipc::make_reply(kr::NotPermitted);
    uint64_t msgid = message.header.msgid;
    if (msgid == ids::IOService_Start) {
        service.super_start_called = true;
        return ipc::make_reply(kr::Success);
    }
    if (msgid == ids::IOService_Stop) {
        // IOService::Stop reached: providers the service left open are closed now.
        service.super_stop_called = true;
        m_usb->close_everything_of(service.id());
        m_pci->close_everything_of(service.id());
        maybe_finish_stop(service);
        return ipc::make_reply(kr::Success);
    }
    if (msgid == ids::IOService_RegisterService) {
        service.register_requested = true;
        if (service.state == ServiceState::Started && !service.registered) {
            uint64_t id = service.id();
            m_scheduler.schedule_after(0, [this, id] {
                if (auto* s = m_objects.find_as<UserService>(id); s && s->active && !s->registered)
                    register_entry(*s);
            });
        }
        return ipc::make_reply(kr::Success);
    }
    if (msgid == ids::IOService_Terminate) {
        ipc::WireReader args(message);
        auto options = args.u64();
        if (!options || options.value() != 0)
            return ipc::make_reply(kr::BadArgument);
        uint64_t id = service.id();
        m_scheduler.schedule_after(0, [this, id] {
            if (auto* s = m_objects.find_as<UserService>(id))
                terminate(*s);
        });
        return ipc::make_reply(kr::Success);
    }
    return ipc::make_reply(kr::Unsupported);
}

void Kernel::handle_invoke_done(UserServer& server, ipc::Message const& message)
{
    if (m_user_clients->invoke_done(server, message) || m_hid->invoke_done(server, message))
        return;
    auto* service = m_objects.find_as<UserService>(message.header.target);
    if (!service || service->server != &server)
        return;
    ipc::WireReader reader(message);
    auto status = reader.u64();
    uint32_t code = status ? static_cast<uint32_t>(status.value()) : kr::IPCError;
    if (message.header.msgid == ids::IOService_Start) {
        trace_service(tp::service_started, *service, { TraceField::text("status", kr::ioreturn_name(code)) });
        if (code != kr::Success) {
            service_failed(*service, "Start returned " + kr::ioreturn_name(code));
            return;
        }
        if (!service->super_start_called)
            trace_service(tp::service_warning, *service,
                { TraceField::text("what", "Start returned kIOReturnSuccess without calling Start(provider, SUPERDISPATCH)") });
        service->state = ServiceState::Started;
        if (service->terminating || !service->active) {
            if (service->children.empty())
                clients_gone(*service); // terminated while starting: stop it now that Start is done
            return;
        }
        if (service->register_requested && !service->registered)
            register_entry(*service);
    } else if (message.header.msgid == ids::IOService_Stop) {
        trace_service(tp::service_stopped, *service, { TraceField::text("status", kr::ioreturn_name(code)) });
        service->stop_returned = true;
        maybe_finish_stop(*service);
    }
}

void Kernel::handle_release_proxy(UserServer& server, uint64_t id)
{
    // Memory proxies went to kernel_model/memory before this.
    if (!m_user_clients->release_proxy(server, id))
        (void)m_hid->release_proxy(server, id);
}

// ---- USB completions ----

void Kernel::transfer_finished(PendingTransfer const& transfer, uint32_t status)
{
    m_memory->transfer_finished(transfer); // IN bytes land in the buffer before the dext hears of them
    uint64_t tag = transfer.server_tag;
    uint64_t action = transfer.action_id;
    uint64_t actual = transfer.transfer.actual;
    uint64_t prototype = transfer.completion_msgid ? transfer.completion_msgid : ids::IOUSBHostPipe_CompleteAsyncIO;
    auto deliver = [this, tag, action, actual, status, prototype] {
        auto* server = server_by_tag(tag);
        if (!server || !server->running())
            return; // the process that asked is gone, and its action with it
        auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, action, prototype);
        ipc::WireWriter args(invoke);
        args.u64(status).u64(actual);
        if (prototype == ids::IOUSBHostPipe_CompleteAsyncIO)
            args.u64(m_scheduler.now()); // completionTimestamp; device requests have none
        auto delivered = server->send(std::move(invoke));
        if (!delivered)
            m_trace.emit(tp::server_error, server->display_name(), "ipc", server->name(),
                { TraceField::text("what", "completion not delivered: " + delivered.error().message) });
    };
    // Never send to a dext while one waits for our reply (the device may complete from inside
    // its AsyncIO call): then the completion goes out in its own event, at the same instant.
    if (m_dext_calls_in_progress > 0)
        m_scheduler.schedule_after(0, deliver);
    else
        deliver();
}

uint32_t Kernel::prepare_transfer_memory(PendingTransfer& transfer) { return m_memory->prepare_transfer(transfer); }

void Kernel::release_transfer_memory(PendingTransfer const& transfer) { m_memory->transfer_finished(transfer); }

BufferDescriptor* Kernel::buffer_for(uint64_t id, uint64_t server_tag) { return m_memory->buffer(id, server_tag); }

// ---- installing, replacing and removing dexts (the system-extension lifecycle) ----

void Kernel::retire(std::string const& bundle_name)
{
    m_catalogue.remove_bundle(bundle_name);
    // A codeless dext's kernel drivers go with it.
    for (uint64_t id : m_objects.ids_where([&](KernelObject const& o) {
             auto const* d = dynamic_cast<KernelDriver const*>(&o);
             return d && d->bundle == bundle_name;
         })) {
        if (auto* driver = m_objects.find_as<KernelDriver>(id))
            terminate(*driver);
    }
    auto it = m_servers.find(bundle_name);
    if (it == m_servers.end())
        return;
    UserServer& server = *it->second;
    m_retired.push_back(std::move(it->second));
    m_servers.erase(it);
    std::vector<uint64_t> ids(server.services().begin(), server.services().end());
    for (uint64_t id : ids) {
        if (auto* service = m_objects.find_as<UserService>(id))
            terminate(*service);
    }
}

ErrorOr<void> Kernel::replace_dext(DextBundle bundle)
{
    if (!m_servers.contains(bundle.name))
        return install_dext(std::move(bundle));
    retire(bundle.name);
    return install_dext(std::move(bundle));
}

ErrorOr<void> Kernel::uninstall_dext(std::string const& bundle_name)
{
    if (!m_servers.contains(bundle_name))
        return Error::with("dext " + bundle_name + " is not installed");
    retire(bundle_name);
    return {};
}

void Kernel::rematch_all()
{
    std::vector<uint64_t> nubs;
    for_each_entry(m_root, [&](RegistryEntry const& e, int) {
        if (&e != &m_root && e.registered && e.active)
            nubs.push_back(e.id());
    });
    for (uint64_t id : nubs) {
        if (auto* nub = m_objects.find_as<RegistryEntry>(id); nub && nub->active)
            match(*nub);
    }
}

} // namespace dextlab::kernel
