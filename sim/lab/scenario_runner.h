#pragma once
// Runs a parsed scenario on a fresh Lab: loads its dexts, performs its steps in virtual time,
// checks its expectations, and returns the outcome with the full trace of the run.

#include "sim/core/trace.h"
#include "sim/lab/scenario.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace dextlab::lab {

enum class Verbosity : uint8_t {
    Quiet,     // nothing while running
    Lifecycle, // steps, expectations, dext lifecycle and log lines, device attach/detach
    All,       // every trace record
};

struct RunOptions {
    std::optional<uint64_t> seed;              // overrides the scenario's seed
    bool isolate { false };                    // every server in its own process (also if the scenario says so)
    int watchdog_ms { 1000 };                  // isolated: wall-time limit for a dext to answer
    std::vector<std::string> dext_search_path; // empty: the default path
    Verbosity verbosity { Verbosity::Quiet };
    std::function<void(std::string const&)> print; // where live lines go (one line per call)
    // Called after the last step, before the lab is torn down (e.g. `dextlab ioreg`).
    std::function<void(class Lab&)> at_end;
    // Called after each step performed, with its index (e.g. `dextlab match --explain`).
    std::function<void(class Lab&, size_t step_index)> after_step;
    bool development { false }; // entitlement refusals become warnings (also if the scenario says so)
};

struct ScenarioResult {
    std::string file;
    std::string name;
    uint64_t seed { 0 };
    bool passed { false };
    int expectations { 0 };
    int expectations_failed { 0 };
    std::vector<std::string> failures; // each "file:line:col: what went wrong"
    std::vector<TraceRecord> records;  // every record of the run, teardown included
    VirtualTime end_time { 0 };

    std::string trace_text() const; // one line per record
};

class Lab;
class ClientSession;

// A scenario being run, step by step, on its own Lab. run_scenario drives one to the end; an
// embedded lab (sim/lab/app_lab.cpp) performs the steps and then keeps the Lab for an app.
class ScenarioSession {
public:
    // Makes the Lab and loads the scenario's dexts (a dext that cannot load ends the scenario).
    ScenarioSession(Scenario const& scenario, RunOptions const& options);
    ~ScenarioSession();
    ScenarioSession(ScenarioSession const&) = delete;
    ScenarioSession& operator=(ScenarioSession const&) = delete;

    // Performs the next step; false once none is left or a step could not be performed.
    bool perform_next();
    Lab& lab() { return *m_lab; }
    ScenarioResult const& result_so_far() const { return m_result; }
    // Tears the Lab down (its records are part of the result) and returns the outcome.
    ScenarioResult finish();

private:
    void perform(Step const& step);
    void fail(SourceLocation const& where, std::string const& what);
    void step_record(std::string text);

    Scenario const& m_scenario;
    RunOptions m_options;
    ScenarioResult m_result;
    std::unique_ptr<Lab> m_lab;
    std::unique_ptr<ClientSession> m_client; // the scenario's app, made at its first client step
    size_t m_next_step { 0 };
    bool m_aborted { false };
};

ScenarioResult run_scenario(Scenario const& scenario, RunOptions const& options);

} // namespace dextlab::lab
