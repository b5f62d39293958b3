#pragma once
// The Lab: the composition root. It owns the scheduler and trace bus, the kernel model, the
// emulated devices and the loaded dexts, and offers the operations a scenario step, the CLI or
// the GUI performs. Nothing here reads a wall clock: time is the scheduler's.

#include "devices/pci/pci_device.h"
#include "devices/usb/usb_device.h"
#include "kernel_model/kernel.h"
#include "kernel_model/sysext/system_extensions.h"
#include "sim/core/rng.h"
#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

#include <memory>
#include <string>
#include <vector>

namespace dextlab::lab {

struct LabOptions {
    uint64_t seed { 0 };
    std::vector<std::string> dext_search_path; // folders holding Name.dext bundles
    bool isolate { false };      // each IOUserServer in its own dextlab-driverhost process
    int watchdog_ms { 1000 };    // isolated: a dext that does not answer this long (wall time) is killed
    std::string driverhost_path; // isolated: the host binary (default: the build's)
    bool development { false };  // entitlement refusals become warnings, as with SIP disabled
};

class Lab {
public:
    explicit Lab(LabOptions options);
    ~Lab();
    Lab(Lab const&) = delete;
    Lab& operator=(Lab const&) = delete;

    Scheduler& scheduler() { return m_scheduler; }
    TraceBus& trace() { return m_trace; }
    kernel::Kernel& kernel() { return *m_kernel; }
    kernel::Kernel const& kernel() const { return *m_kernel; }
    VirtualTime now() const { return m_scheduler.now(); }

    // Finds Name.dext on the search path, checks it and installs its personalities.
    ErrorOr<void> load_dext(std::string const& name);
    // The system-extension lifecycle, as an app drives it: `name` may name a folder on the
    // search path, like v2/MyUserUSBInterfaceDriver for another build of the same dext.
    ErrorOr<void> activate(std::string const& name, kernel::Approval approval);
    ErrorOr<void> approve(std::string const& name);
    ErrorOr<void> deactivate(std::string const& name);
    kernel::SystemExtensions const& system_extensions() const { return *m_sysext; }
    // Creates a device from a registered model and plugs it into the bus of the registry that
    // holds the model (USB: devices/usb, PCI: devices/pci).
    ErrorOr<void> plug(std::string const& id, std::string const& model, usb::DeviceParams params);
    ErrorOr<void> unplug(std::string const& id);
    // Makes a dext's server fail as dext code would: "segv", "abort", "exit" or "hang".
    ErrorOr<void> crash(std::string const& dext, std::string const& how);

    void run_for(Duration duration) { m_scheduler.run_until(m_scheduler.now() + duration); }

    // Unplugs every device and runs until every server has exited (or `limit` of virtual time
    // passed, for a dext whose Stop never completes). The destructor does this too.
    void shut_down(Duration limit = 1_s);

    // Lines dexts logged so far (os_log, IOLog), with their process.
    struct LogLine {
        VirtualTime time;
        std::string process;
        std::string text;
    };
    std::vector<LogLine> const& log_lines() const { return m_log; }
    // How many times a service with this IOUserClass reached Started, across the run.
    int times_started(std::string const& user_class) const;

private:
    LabOptions m_options;
    Scheduler m_scheduler;
    TraceBus m_trace;
    Rng m_rng;
    std::vector<LogLine> m_log;
    std::map<std::string, int> m_started;
    std::unique_ptr<kernel::Kernel> m_kernel; // near last: it is torn down first
    std::unique_ptr<kernel::SystemExtensions> m_sysext;
};

// Every registered device model's name, all buses, sorted.
std::vector<std::string> device_model_names();

// The dext search path when none is given: $DEXTLAB_DEXT_PATH (colon-separated), else the
// build's dexts folder.
std::vector<std::string> default_dext_search_path();

} // namespace dextlab::lab
