#include "lab.h"

#include "dexts/sdk/host/dext_host.h"
#include "kernel_model/trace_points.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#ifndef DEXTLAB_BUILD_DEXT_DIR
#define DEXTLAB_BUILD_DEXT_DIR ""
#endif
#ifndef DEXTLAB_DRIVERHOST_PATH
#define DEXTLAB_DRIVERHOST_PATH "dextlab-driverhost"
#endif

namespace dextlab::lab {

std::vector<std::string> default_dext_search_path()
{
    std::vector<std::string> dirs;
    if (char const* env = std::getenv("DEXTLAB_DEXT_PATH")) {
        std::stringstream in(env);
        std::string dir;
        while (std::getline(in, dir, ':')) {
            if (!dir.empty())
                dirs.push_back(dir);
        }
    }
    if (std::string(DEXTLAB_BUILD_DEXT_DIR).size())
        dirs.push_back(DEXTLAB_BUILD_DEXT_DIR);
    return dirs;
}

Lab::Lab(LabOptions options)
    : m_options(std::move(options))
    , m_trace([this] { return m_scheduler.now(); })
    , m_rng(m_options.seed)
{
    if (m_options.dext_search_path.empty())
        m_options.dext_search_path = default_dext_search_path();
    // The lab keeps its own index of what scenarios ask about most: log lines and starts. It
    // names the two points it reads, so records nobody else wants are not even built.
    m_trace.subscribe([this](TraceRecord const& r) {
        if (r.point == kernel::tp::dext_log.name) {
            if (auto const* text = r.field("text"))
                m_log.push_back(LogLine { r.time, r.process, text->value_text() });
        } else if (r.point == kernel::tp::service_started.name) {
            if (auto const* status = r.field("status"); status && status->value_text() == "kIOReturnSuccess")
                ++m_started[r.object];
        }
    }, { kernel::tp::dext_log.name, kernel::tp::service_started.name });
    // In-process, each IOUserServer's dext side is the DriverKit runtime in this process;
    // isolated, it is a dextlab-driverhost child process speaking the same messages.
    ipc::DextLauncher launcher;
    if (m_options.isolate) {
        std::string host = m_options.driverhost_path.empty() ? DEXTLAB_DRIVERHOST_PATH : m_options.driverhost_path;
        launcher = ipc::isolated_launcher(host, m_options.watchdog_ms);
    } else {
        launcher = ipc::in_process_launcher(
            [](ipc::Channel& to_kernel, std::string const& name) {
                // In the lab's own process a dext's fault must not end the lab (read_only_view.h).
                return sdk::create_dext_server(to_kernel, name, sdk::FaultPolicy::ContainInLabProcess);
            });
    }
    m_kernel = std::make_unique<kernel::Kernel>(m_scheduler, m_trace, std::move(launcher));
    m_kernel->set_development_mode(m_options.development);
    m_sysext = std::make_unique<kernel::SystemExtensions>(*m_kernel, m_trace);
}

Lab::~Lab()
{
    shut_down();
    m_sysext.reset();
    m_kernel.reset();
}

void Lab::shut_down(Duration limit)
{
    if (!m_kernel)
        return;
    for (auto const& id : m_kernel->plugged_devices())
        (void)m_kernel->unplug_usb(id); // cannot fail: the id comes from the kernel's own list
    for (auto const& id : m_kernel->plugged_pci_devices())
        (void)m_kernel->unplug_pci(id);
    // Drivers of no hardware stop as at system shutdown.
    m_kernel->terminate_resource_clients();
    m_scheduler.run_until([this] { return !m_kernel->any_server_running(); }, m_scheduler.now() + limit);
}

ErrorOr<void> Lab::load_dext(std::string const& name)
{
    // A scenario's `dexts` are extensions already activated and approved.
    return activate(name, kernel::Approval::Automatic);
}

ErrorOr<void> Lab::activate(std::string const& name, kernel::Approval approval)
{
    auto bundle = TRY(kernel::load_dext_bundle_named(name, m_options.dext_search_path));
    return m_sysext->activate(std::move(bundle), approval);
}

ErrorOr<void> Lab::approve(std::string const& name) { return m_sysext->approve(name); }

ErrorOr<void> Lab::deactivate(std::string const& name) { return m_sysext->deactivate(name); }

ErrorOr<void> Lab::plug(std::string const& id, std::string const& model_name, usb::DeviceParams params)
{
    // One namespace of device ids across buses: `unplug: dev0` must name one device.
    if (m_kernel->is_plugged(id) || m_kernel->is_pci_plugged(id))
        return Error::with("device '" + id + "' is already plugged in; unplug it first or use another id");
    // Each device draws from its own stream of the scenario seed, named by its id.
    params.seed = m_rng.fork(id).next_u64();
    // The registry that knows the model decides the bus.
    if (auto const* model = usb::DeviceModels::find(model_name)) {
        auto device = TRY(model->create(params));
        return m_kernel->plug_usb(id, std::move(device));
    }
    if (auto const* model = pci::PciDeviceModels::find(model_name)) {
        auto device = TRY(model->create(params));
        return m_kernel->plug_pci(id, std::move(device));
    }
    std::string known;
    for (auto const& name : device_model_names())
        known += (known.empty() ? "" : ", ") + name;
    return Error::with("unknown device model '" + model_name + "'; known models: " + known);
}

ErrorOr<void> Lab::unplug(std::string const& id)
{
    if (m_kernel->is_pci_plugged(id))
        return m_kernel->unplug_pci(id);
    return m_kernel->unplug_usb(id);
}

std::vector<std::string> device_model_names()
{
    std::vector<std::string> names;
    for (auto const* m : usb::DeviceModels::all())
        names.push_back(m->name);
    for (auto const* m : pci::PciDeviceModels::all())
        names.push_back(m->name);
    std::sort(names.begin(), names.end());
    return names;
}

ErrorOr<void> Lab::crash(std::string const& dext, std::string const& how) { return m_kernel->crash_dext(dext, how); }

int Lab::times_started(std::string const& user_class) const
{
    auto it = m_started.find(user_class);
    return it == m_started.end() ? 0 : it->second;
}

} // namespace dextlab::lab
