// dextlab: the command line.
//   dextlab run FILE...     run scenario files (JUnit, Chrome trace, sharding)
//   dextlab ioreg FILE      run a scenario and print the registry as it stands after the last step
//   dextlab match FILE      run a scenario and say what matched each nub; --explain says why
//   dextlab sysext list FILE  run a scenario and list its system extensions (systemextensionsctl list)
//   dextlab models          list the emulated device models

#include "devices/usb/usb_device.h"
#include "sim/lab/ioreg.h"
#include "sim/lab/junit.h"
#include "sim/lab/lab.h"
#include "sim/lab/scenario.h"
#include "sim/lab/scenario_runner.h"
#include "sim/lab/trace_export.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>

using namespace dextlab;
using namespace dextlab::lab;

namespace {

struct Shard {
    unsigned index { 1 }; // 1-based
    unsigned count { 1 };
};

bool parse_shard(std::string const& text, Shard& shard)
{
    unsigned k = 0, n = 0;
    char slash = 0;
    if (std::sscanf(text.c_str(), "%u%c%u", &k, &slash, &n) != 3 || slash != '/' || n == 0 || k == 0 || k > n)
        return false;
    shard = Shard { k, n };
    return true;
}

bool write_file(std::string const& path, std::string const& content)
{
    if (auto parent = std::filesystem::path(path).parent_path(); !parent.empty())
        std::filesystem::create_directories(parent);
    std::ofstream out(path, std::ios::trunc);
    out << content;
    if (!out) {
        std::fprintf(stderr, "dextlab: cannot write %s\n", path.c_str());
        return false;
    }
    return true;
}

// With several scenarios, an output path names a folder and each scenario gets its own file.
std::string output_path(std::string const& given, std::string const& scenario_file, size_t scenario_count, char const* extension)
{
    if (scenario_count == 1)
        return given;
    return (std::filesystem::path(given) / std::filesystem::path(scenario_file).stem()).string() + extension;
}

int run_command(std::vector<std::string> files, std::optional<uint64_t> seed, std::string const& junit, std::string const& trace,
    std::string const& trace_text, std::string const& shard_text, std::vector<std::string> const& dext_path, bool verbose,
    bool quiet, bool isolate, bool development)
{
    Shard shard;
    if (!shard_text.empty() && !parse_shard(shard_text, shard)) {
        std::fprintf(stderr, "dextlab: --shard takes K/N with 1 <= K <= N, like 2/4; got '%s'\n", shard_text.c_str());
        return 2;
    }
    std::sort(files.begin(), files.end());
    std::vector<std::string> mine;
    for (size_t i = 0; i < files.size(); ++i) {
        if (i % shard.count == shard.index - 1)
            mine.push_back(files[i]);
    }
    bool many = mine.size() > 1;
    RunOptions options;
    options.seed = seed;
    options.dext_search_path = dext_path;
    options.isolate = isolate;
    options.development = development;
    options.verbosity = quiet ? Verbosity::Quiet : verbose ? Verbosity::All : many ? Verbosity::Quiet : Verbosity::Lifecycle;
    options.print = [](std::string const& line) { std::printf("%s\n", line.c_str()); };

    std::vector<ScenarioResult> results;
    bool ok = true;
    for (size_t i = 0; i < mine.size(); ++i) {
        auto const& file = mine[i];
        auto scenario = parse_scenario_file(file);
        ScenarioResult result;
        if (!scenario) {
            result.file = file;
            result.failures.push_back(scenario.error().message);
        } else {
            result = run_scenario(scenario.value(), options);
            if (!trace.empty())
                ok &= write_file(output_path(trace, file, mine.size(), ".json"), to_chrome_trace_json(result.records));
            if (!trace_text.empty())
                ok &= write_file(output_path(trace_text, file, mine.size(), ".trace"), result.trace_text());
        }
        if (many)
            std::printf("[%zu/%zu] %s %s (%d expectations, %s virtual)\n", i + 1, mine.size(), result.passed ? "PASS" : "FAIL",
                file.c_str(), result.expectations, format_time(result.end_time).c_str());
        for (auto const& failure : result.failures)
            std::fprintf(stderr, "%s\n", failure.c_str());
        results.push_back(std::move(result));
    }
    if (!junit.empty())
        ok &= write_file(junit, to_junit_xml(results));

    size_t passed = std::count_if(results.begin(), results.end(), [](auto const& r) { return r.passed; });
    if (many) {
        std::printf("\n%-50s %-6s %8s %16s\n", "scenario", "result", "expects", "virtual time");
        for (auto const& r : results)
            std::printf("%-50s %-6s %8d %16s\n", r.file.c_str(), r.passed ? "PASS" : "FAIL", r.expectations,
                format_time(r.end_time).c_str());
    }
    std::printf("%zu passed, %zu failed\n", passed, results.size() - passed);
    return passed == results.size() && ok ? 0 : 1;
}

// Runs a scenario and prints something about the lab as it stands after the last step.
int print_after_scenario(std::string const& file, std::optional<uint64_t> seed, std::vector<std::string> const& dext_path,
    std::function<std::string(Lab&)> const& describe)
{
    auto scenario = parse_scenario_file(file);
    if (!scenario) {
        std::fprintf(stderr, "%s\n", scenario.error().message.c_str());
        return 2;
    }
    RunOptions options;
    options.seed = seed;
    options.dext_search_path = dext_path;
    options.at_end = [&](Lab& lab) { std::printf("%s", describe(lab).c_str()); };
    auto result = run_scenario(scenario.value(), options);
    for (auto const& failure : result.failures)
        std::fprintf(stderr, "%s\n", failure.c_str());
    return result.passed ? 0 : 1;
}

// The nubs of the registry after each step, each explained as it last stood while registered
// (or only after step `at_step`, 1-based, when given), in registry-id order.
void collect_explanations(Lab& lab, size_t step_index, std::optional<size_t> at_step, std::map<uint64_t, kernel::NubExplanation>& seen)
{
    if (!at_step || *at_step == step_index + 1) {
        for (auto& e : lab.kernel().explain_registry())
            seen[e.id] = std::move(e);
    }
}

std::string summary_line(kernel::NubExplanation const& e)
{
    std::string line = e.path + (e.device.empty() ? "" : " [" + e.device + "]") + ": ";
    if (!e.matched() && !e.kernel_driver.empty()) {
        // On macOS too a device no dext claims is the family's: AppleUSBHostCompositeDevice
        // configures it and publishes its interfaces, which are matched next.
        line += "the kernel's " + e.kernel_driver + " (no dext personality matched";
        if (!e.closest.empty()) {
            auto const& c = e.candidates[e.closest.front()];
            line += "; closest: " + c.personality + " of " + c.dext + ", failed at " + c.result.failed_key;
        }
        return line + ")";
    }
    if (!e.matched()) {
        line += "nothing matched";
        if (e.closest.empty())
            line += " (no installed personality is for " + e.class_name + ")";
        else {
            auto const& c = e.candidates[e.closest.front()];
            line += " (closest: " + c.personality + " of " + c.dext + ", failed at " + c.result.failed_key + ")";
        }
        return line;
    }
    std::string parts;
    for (auto const& category : e.categories) {
        parts += parts.empty() ? "" : "; ";
        if (category.winner) {
            auto const& w = e.candidates[*category.winner];
            parts += category.category + " -> " + w.personality + " of " + w.dext + " (" + std::to_string(w.result.score) + ")";
        } else {
            parts += category.category + " -> refused";
        }
    }
    return line + parts;
}

int match_command(std::string const& file, std::optional<uint64_t> seed, std::vector<std::string> const& dext_path, bool explain,
    std::string const& device, std::optional<size_t> at_step, bool all_keys, bool development)
{
    auto scenario = parse_scenario_file(file);
    if (!scenario) {
        std::fprintf(stderr, "%s\n", scenario.error().message.c_str());
        return 2;
    }
    if (at_step && (*at_step == 0 || *at_step > scenario.value().steps.size())) {
        std::fprintf(stderr, "dextlab: --step takes a step number from 1 to %zu (the scenario's steps); got %zu\n",
            scenario.value().steps.size(), *at_step);
        return 2;
    }
    std::map<uint64_t, kernel::NubExplanation> seen;
    RunOptions options;
    options.seed = seed;
    options.dext_search_path = dext_path;
    options.development = development;
    options.after_step = [&](Lab& lab, size_t index) { collect_explanations(lab, index, at_step, seen); };
    auto result = run_scenario(scenario.value(), options);
    for (auto const& failure : result.failures)
        std::fprintf(stderr, "%s\n", failure.c_str());

    std::set<std::string> devices;
    size_t shown = 0;
    for (auto const& [id, e] : seen) {
        if (!e.device.empty())
            devices.insert(e.device);
        if (!device.empty() && e.device != device)
            continue;
        ++shown;
        if (explain)
            std::printf("%s%s", shown > 1 ? "\n" : "", kernel::format_explanation(e, kernel::ExplainFormat { all_keys }).c_str());
        else
            std::printf("%s\n", summary_line(e).c_str());
    }
    if (shown == 0) {
        std::string known;
        for (auto const& d : devices)
            known += (known.empty() ? "" : ", ") + d;
        std::fprintf(stderr, "dextlab: no nub%s was in the registry after %s; devices seen: %s\n",
            device.empty() ? "" : (" of device '" + device + "'").c_str(), at_step ? ("step " + std::to_string(*at_step)).c_str() : "any step",
            known.empty() ? "none" : known.c_str());
        return 1;
    }
    return result.passed ? 0 : 1;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "dextlab: run DriverKit dexts against a model of the macOS kernel and emulated devices" };
    app.require_subcommand(1);

    std::vector<std::string> files;
    std::optional<uint64_t> seed;
    std::string junit, trace, trace_text, shard;
    std::vector<std::string> dext_path;
    bool verbose = false, quiet = false, isolate = false, development = false;
    auto* run = app.add_subcommand("run", "Run scenario files");
    run->add_option("files", files, "Scenario files (.yaml)")->required()->check(CLI::ExistingFile);
    run->add_option("--seed", seed, "Seed for every scenario (default: each file's own)");
    run->add_option("--junit", junit, "Write JUnit XML here");
    run->add_option("--trace", trace, "Write a Chrome/Perfetto trace here (a folder when running several files)");
    run->add_option("--trace-text", trace_text, "Write the text trace here (a folder when running several files)");
    run->add_option("--shard", shard, "Run only shard K of N (K/N) of the sorted file list");
    run->add_option("--dext-path", dext_path, "Folders holding Name.dext bundles (default: $DEXTLAB_DEXT_PATH, then the build's)");
    run->add_flag("-v,--verbose", verbose, "Print every trace record");
    run->add_flag("-q,--quiet", quiet, "Print only failures and the summary");
    run->add_flag("--isolate", isolate, "Run each IOUserServer in its own dextlab-driverhost process");
    run->add_flag("--development", development, "Entitlement refusals become warnings, as with SIP disabled");

    std::string ioreg_file;
    bool properties = false, hex = false;
    auto* ioreg = app.add_subcommand("ioreg", "Run a scenario and print the registry after its last step");
    ioreg->add_option("file", ioreg_file, "Scenario file")->required()->check(CLI::ExistingFile);
    ioreg->add_option("--seed", seed, "Seed");
    ioreg->add_option("--dext-path", dext_path, "Folders holding Name.dext bundles");
    ioreg->add_flag("-l", properties, "Show properties");
    ioreg->add_flag("-x", hex, "Show numbers in hex");

    std::string match_file, match_device;
    std::optional<size_t> match_step;
    bool explain = false, all_keys = false;
    auto* match = app.add_subcommand("match", "Run a scenario and say which personality matched each nub (--explain: why)");
    match->add_option("file", match_file, "Scenario file")->required()->check(CLI::ExistingFile);
    match->add_flag("--explain", explain, "Every installed personality, the keys it compared, the winners and why");
    match->add_option("--device", match_device, "Only the nubs of this device (the scenario's plug id)");
    match->add_option("--step", match_step, "Explain the registry after step N (1-based) instead of each nub as it last stood");
    match->add_flag("--all-keys", all_keys, "Also list the keys of personalities for another provider class");
    match->add_option("--seed", seed, "Seed");
    match->add_option("--dext-path", dext_path, "Folders holding Name.dext bundles");
    match->add_flag("--development", development, "Entitlement refusals become warnings, as with SIP disabled");

    std::string sysext_file;
    auto* sysext = app.add_subcommand("sysext", "System extensions, as systemextensionsctl shows them");
    auto* sysext_list = sysext->add_subcommand("list", "Run a scenario and list the system extensions after its last step");
    sysext->require_subcommand(1);
    sysext_list->add_option("file", sysext_file, "Scenario file")->required()->check(CLI::ExistingFile);
    sysext_list->add_option("--seed", seed, "Seed");
    sysext_list->add_option("--dext-path", dext_path, "Folders holding Name.dext bundles");

    auto* models = app.add_subcommand("models", "List the emulated device models");

    CLI11_PARSE(app, argc, argv);
    if (run->parsed())
        return run_command(files, seed, junit, trace, trace_text, shard, dext_path, verbose, quiet, isolate, development);
    if (ioreg->parsed())
        return print_after_scenario(ioreg_file, seed, dext_path,
            [&](Lab& lab) { return format_ioreg(lab.kernel().registry(), IoregOptions { properties, hex }); });
    if (sysext_list->parsed())
        return print_after_scenario(sysext_file, seed, dext_path, [](Lab& lab) { return lab.system_extensions().format_list(); });
    if (match->parsed())
        return match_command(match_file, seed, dext_path, explain, match_device, match_step, all_keys, development);
    if (models->parsed()) {
        for (auto const* m : usb::DeviceModels::all())
            std::printf("%-20s usb  %s\n", m->name.c_str(), m->description.c_str());
        for (auto const* m : pci::PciDeviceModels::all())
            std::printf("%-20s pci  %s\n", m->name.c_str(), m->description.c_str());
        return 0;
    }
    return 2;
}
