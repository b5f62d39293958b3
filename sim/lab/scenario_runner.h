#pragma once
// Runs a parsed scenario on a fresh Lab: loads its dexts, performs its steps in virtual time,
// checks its expectations, and returns the outcome with the full trace of the run.

#include "sim/core/trace.h"
#include "sim/lab/scenario.h"

#include <functional>
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

ScenarioResult run_scenario(Scenario const& scenario, RunOptions const& options);

} // namespace dextlab::lab
