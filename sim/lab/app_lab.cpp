// The lab inside an app: a client program linked with dextlab_app_lab (dextlab_add_client_app
// does it) runs a whole lab in its own process. DEXTLAB_SCENARIO names a scenario whose dexts are
// loaded and whose steps run first (plug devices, wait for drivers); then the app's IOKit calls
// reach that lab, and virtual time passes while the app waits for its dext or runs its run
// loop. At exit the lab shuts down; DEXTLAB_TRACE, if set, receives the run's trace, and
// DEXTLAB_VERBOSE=1 prints the lifecycle as `dextlab run -v` does.

#include "kernel_model/ipc/app_port.h"
#include "sim/lab/app_port_lab.h"
#include "sim/lab/lab.h"
#include "sim/lab/scenario_runner.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>

namespace {

using namespace dextlab;

struct EmbeddedLab {
    lab::Scenario scenario;
    std::unique_ptr<lab::ScenarioSession> session;
    std::unique_ptr<lab::LabAppPort> port;
    std::string trace_path;

    ~EmbeddedLab()
    {
        port.reset(); // the app is exiting: its connections close first
        auto result = session->finish();
        for (auto const& failure : result.failures)
            std::fprintf(stderr, "dextlab: %s\n", failure.c_str());
        if (!trace_path.empty()) {
            std::ofstream out(trace_path);
            out << result.trace_text();
            if (!out)
                std::fprintf(stderr, "dextlab: cannot write the trace to %s\n", trace_path.c_str());
        }
    }
};

std::unique_ptr<EmbeddedLab> lab_from_environment()
{
    char const* path = std::getenv("DEXTLAB_SCENARIO");
    if (!path || !*path) {
        std::fprintf(stderr, "dextlab: this app runs its IOKit calls against an embedded lab; set DEXTLAB_SCENARIO to a scenario "
                             "file that loads the dexts it talks to (see docs/scenarios.md, \"Apps\")\n");
        return nullptr;
    }
    auto parsed = lab::parse_scenario_file(path);
    if (!parsed) {
        std::fprintf(stderr, "dextlab: %s\n", parsed.error().message.c_str());
        return nullptr;
    }
    auto embedded = std::make_unique<EmbeddedLab>();
    embedded->scenario = std::move(parsed).value();
    if (char const* trace = std::getenv("DEXTLAB_TRACE"))
        embedded->trace_path = trace;
    lab::RunOptions options;
    char const* verbose = std::getenv("DEXTLAB_VERBOSE");
    if (verbose && std::string(verbose) == "1") {
        options.verbosity = lab::Verbosity::Lifecycle;
        options.print = [](std::string const& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    }
    embedded->session = std::make_unique<lab::ScenarioSession>(embedded->scenario, options);
    while (embedded->session->perform_next()) {
    }
    for (auto const& failure : embedded->session->result_so_far().failures)
        std::fprintf(stderr, "dextlab: setting up the lab: %s\n", failure.c_str());
    auto const& app = embedded->scenario.app;
    embedded->port = std::make_unique<lab::LabAppPort>(embedded->session->lab(), kernel::AppIdentity { app.name, app.entitlements });
    return embedded;
}

} // namespace

extern "C" dextlab::ipc::AppPort* dextlab_default_app_port()
{
    static std::unique_ptr<EmbeddedLab> embedded = lab_from_environment();
    return embedded ? embedded->port.get() : nullptr;
}
