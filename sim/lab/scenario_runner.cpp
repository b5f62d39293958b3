#include "scenario_runner.h"

#include "kernel_model/trace_points.h"
#include "sim/lab/client_steps.h"
#include "sim/lab/hid_steps.h"
#include "sim/lab/expect_registry.h"
#include "sim/lab/ioreg.h"
#include "sim/lab/lab.h"

#include <algorithm>

namespace dextlab::lab {

namespace {

constexpr TracePoint scenario_step { "scenario_step", TraceCategory::Scenario };
constexpr TracePoint expect_passed { "expect_passed", TraceCategory::Scenario };
constexpr TracePoint expect_failed { "expect_failed", TraceCategory::Scenario };

bool shown_at(Verbosity verbosity, TraceRecord const& r)
{
    if (verbosity == Verbosity::All)
        return true;
    if (verbosity == Verbosity::Quiet)
        return false;
    switch (r.category) {
    case TraceCategory::Lifecycle:
    case TraceCategory::Log:
    case TraceCategory::Scenario:
        return true;
    case TraceCategory::Usb:
        return r.point == kernel::tp::usb_attach.name || r.point == kernel::tp::usb_detach.name;
    case TraceCategory::Matching:
        return r.point == kernel::tp::match_winner.name;
    default:
        return false;
    }
}

// Checks one expectation now. Returns an empty string when it holds, else what was found.
std::string check(Lab& lab, ExpectStep const& e, std::vector<TraceRecord> const& records)
{
    auto const& kernel = lab.kernel();
    if (e.service) {
        std::vector<kernel::UserService const*> found;
        for (auto const* s : kernel.services()) {
            if (s->user_class == *e.service)
                found.push_back(s);
        }
        if (e.state) {
            bool started = std::any_of(found.begin(), found.end(), [](auto const* s) { return s->state == kernel::ServiceState::Started; });
            if (*e.state == "started" && !started)
                return found.empty() ? "no service " + *e.service + " in the registry"
                                     : "service " + *e.service + " is " + kernel::to_string(found.front()->state);
            if (*e.state == "absent" && !found.empty())
                return "service " + *e.service + " is still in the registry (" + kernel::to_string(found.front()->state) + ")";
            if (*e.state == "stopped" && (!found.empty() || lab.times_started(*e.service) == 0))
                return found.empty() ? "service " + *e.service + " never started"
                                     : "service " + *e.service + " is still " + kernel::to_string(found.front()->state);
        }
        if (e.launches || e.leaked_objects) {
            kernel::UserServer const* server = nullptr;
            for (auto const* candidate : kernel.servers()) {
                for (auto const& p : candidate->bundle().personalities) {
                    auto it = p.properties.find("IOUserClass");
                    if (it != p.properties.end() && it->second.is_string() && it->second.as_string() == *e.service)
                        server = candidate;
                }
            }
            if (!server)
                return "no loaded dext has a personality with IOUserClass " + *e.service;
            if (e.launches && !e.launches->holds(static_cast<uint64_t>(server->launches())))
                return "server " + server->name() + " launched " + std::to_string(server->launches()) + " times, expected "
                    + e.launches->to_string();
            if (e.leaked_objects) {
                if (server->running())
                    return "server " + server->name() + " is still running; leaked objects are counted when it exits";
                if (!e.leaked_objects->holds(server->last_leaks().size()))
                    return std::to_string(server->last_leaks().size()) + " objects leaked, expected " + e.leaked_objects->to_string();
            }
        }
        return "";
    }
    if (e.log) {
        uint64_t n = 0;
        for (auto const& line : lab.log_lines())
            n += line.text.find(*e.log) != std::string::npos;
        Comparison count = e.count.value_or(Comparison { Comparison::Op::GreaterEqual, 1 });
        if (!count.holds(n))
            return std::to_string(n) + " log lines contain \"" + *e.log + "\", expected " + count.to_string();
        return "";
    }
    if (e.services_of) {
        auto const* server = kernel.server_for_bundle(*e.services_of);
        if (!server)
            return "no dext named " + *e.services_of + " is loaded";
        uint64_t live = 0;
        for (auto const* s : kernel.services())
            live += s->server == server;
        if (e.count && !e.count->holds(live))
            return std::to_string(live) + " live services of " + *e.services_of + ", expected " + e.count->to_string();
        if (e.leaked_objects) {
            if (server->running())
                return "server " + server->name() + " is still running; leaked objects are counted when it exits";
            auto leaked = server->last_leaks().size();
            if (!e.leaked_objects->holds(leaked)) {
                std::string list;
                for (auto const& l : server->last_leaks())
                    list += (list.empty() ? "" : ", ") + l;
                return std::to_string(leaked) + " objects leaked (" + list + "), expected " + e.leaked_objects->to_string();
            }
        }
        return "";
    }
    if (e.registry && e.property)
        return check_registry_property(kernel, e);
    if (e.dext)
        return check_dext_leaks(kernel, e);
    if (e.registry) {
        bool present = !kernel::find_by_path(kernel.registry(), *e.registry).empty();
        bool want = e.present.value_or(true);
        if (present != want)
            return std::string("registry path ") + *e.registry + (present ? " is present" : " is not present");
        return "";
    }
    if (e.event) {
        // Records of the trace point so far; with `with`, only those whose object or fields contain it.
        uint64_t n = 0;
        for (auto const& r : records) {
            if (r.point != *e.event)
                continue;
            std::string text = r.object;
            for (auto const& f : r.fields)
                text += " " + f.key + "=" + f.value_text();
            n += !e.with || text.find(*e.with) != std::string::npos;
        }
        Comparison count = e.count.value_or(Comparison { Comparison::Op::GreaterEqual, 1 });
        if (!count.holds(n))
            return std::to_string(n) + " " + *e.event + " records" + (e.with ? " containing \"" + *e.with + "\"" : "") + ", expected "
                + count.to_string();
        return "";
    }
    if (e.sysext) {
        auto const* record = lab.system_extensions().find(*e.sysext);
        if (e.state) {
            // The short states of the scenario schema for systemextensionsctl's wording.
            std::string found = !record ? "absent"
                : record->state == kernel::ExtensionState::WaitingForUser ? "waiting"
                : record->state == kernel::ExtensionState::Enabled        ? "enabled"
                                                                          : "terminated";
            if (found != *e.state)
                return "system extension " + *e.sysext + " is " + (record ? kernel::to_string(record->state) : "not installed");
        }
        if (e.version) {
            if (!record)
                return "system extension " + *e.sysext + " is not installed";
            if (record->bundle.version != *e.version)
                return "system extension " + *e.sysext + " is at CFBundleVersion " + record->bundle.version + ", expected " + *e.version;
        }
        return "";
    }
    return "the expectation names nothing to check";
}

std::string describe(ExpectStep const& e)
{
    std::string text;
    auto add = [&](std::string part) { text += (text.empty() ? "" : ", ") + part; };
    if (e.service)
        add("service " + *e.service);
    if (e.state)
        add("state " + *e.state);
    if (e.launches)
        add("launches " + e.launches->to_string());
    if (e.log)
        add("log \"" + *e.log + "\"");
    if (e.services_of)
        add("services-of " + *e.services_of);
    if (e.dext)
        add("dext " + *e.dext + (e.with ? " with \"" + *e.with + "\"" : ""));
    if (e.event)
        add("event " + *e.event + (e.with ? " with \"" + *e.with + "\"" : ""));
    if (e.count)
        add("count " + e.count->to_string());
    if (e.leaked_objects)
        add("leaked-objects " + e.leaked_objects->to_string());
    if (e.registry)
        add("registry " + *e.registry + (e.present.value_or(true) || e.property ? "" : " absent"));
    if (e.sysext)
        add("sysext " + *e.sysext);
    if (e.version)
        add("version " + *e.version);
    if (e.property)
        add("property " + *e.property + (e.value ? " = " + *e.value : "") + (e.present.value_or(true) ? "" : " absent"));
    return text;
}

} // namespace

std::string ScenarioResult::trace_text() const
{
    std::string text;
    for (auto const& r : records)
        text += r.to_line() + "\n";
    return text;
}

ScenarioSession::ScenarioSession(Scenario const& scenario, RunOptions const& options)
    : m_scenario(scenario)
    , m_options(options)
{
    m_result.file = scenario.file;
    m_result.name = scenario.name;
    m_result.seed = options.seed.value_or(scenario.seed);
    LabOptions lab_options;
    lab_options.seed = m_result.seed;
    lab_options.dext_search_path = options.dext_search_path;
    lab_options.isolate = options.isolate || scenario.isolate;
    lab_options.development = options.development || scenario.development;
    lab_options.watchdog_ms = options.watchdog_ms;
    m_lab = std::make_unique<Lab>(lab_options);
    m_lab->trace().subscribe([this](TraceRecord const& r) {
        m_result.records.push_back(r);
        if (m_options.print && shown_at(m_options.verbosity, r))
            m_options.print(r.to_line());
    });
    for (auto const& name : scenario.dexts) {
        auto loaded = m_lab->load_dext(name);
        if (!loaded) {
            auto it = scenario.dext_locations.find(name);
            fail(it != scenario.dext_locations.end() ? it->second : SourceLocation { scenario.file, 1, 1 },
                "dext '" + name + "': " + loaded.error().message);
        }
    }
    // A dext that cannot load, or a step that cannot be performed, ends the scenario; a failed
    // expectation is reported and the scenario goes on, so later expectations report too.
    m_aborted = !m_result.failures.empty();
}

ScenarioSession::~ScenarioSession()
{
    m_client.reset();
    m_lab.reset();
}

void ScenarioSession::fail(SourceLocation const& where, std::string const& what)
{
    m_result.failures.push_back(where.to_string() + ": " + what);
}

void ScenarioSession::step_record(std::string text)
{
    m_lab->trace().emit(scenario_step, "scenario", "steps", "", { TraceField::text("step", std::move(text)) });
}

bool ScenarioSession::perform_next()
{
    if (m_aborted || m_next_step >= m_scenario.steps.size())
        return false;
    size_t i = m_next_step++;
    perform(m_scenario.steps[i]);
    if (m_options.after_step && !m_aborted)
        m_options.after_step(*m_lab, i);
    return !m_aborted && m_next_step < m_scenario.steps.size();
}

void ScenarioSession::perform(Step const& step)
{
    Lab& lab = *m_lab;
    // A step that acts on the lab: recorded, performed; if it cannot be, the scenario ends.
    auto perform_action = [&](std::string const& what, ErrorOr<void> outcome) {
        if (!outcome) {
            fail(step.where, what + ": " + outcome.error().message);
            m_aborted = true;
        }
    };
    if (auto const* plug = std::get_if<PlugStep>(&step.action)) {
        step_record("plug " + plug->id + " (" + plug->model + ")");
        usb::DeviceParams params;
        params.numbers = plug->numbers;
        params.durations = plug->durations;
        params.strings = plug->strings;
        perform_action("plug " + plug->id, lab.plug(plug->id, plug->model, params));
    } else if (auto const* unplug = std::get_if<UnplugStep>(&step.action)) {
        step_record("unplug " + unplug->id);
        perform_action("unplug " + unplug->id, lab.unplug(unplug->id));
    } else if (auto const* run = std::get_if<RunStep>(&step.action)) {
        step_record("run " + std::to_string(run->duration / 1000) + "us");
        lab.run_for(run->duration);
    } else if (auto const* activate = std::get_if<ActivateStep>(&step.action)) {
        step_record("activate " + activate->dext + (activate->manual ? " (manual approval)" : ""));
        perform_action("activate " + activate->dext,
            lab.activate(activate->dext, activate->manual ? kernel::Approval::Manual : kernel::Approval::Automatic));
    } else if (auto const* approve = std::get_if<ApproveStep>(&step.action)) {
        step_record("approve " + approve->dext);
        perform_action("approve", lab.approve(approve->dext));
    } else if (auto const* deactivate = std::get_if<DeactivateStep>(&step.action)) {
        step_record("deactivate " + deactivate->dext);
        perform_action("deactivate", lab.deactivate(deactivate->dext));
    } else if (auto const* crash = std::get_if<CrashStep>(&step.action)) {
        step_record("crash " + crash->dext + " (" + crash->how + ")");
        perform_action("crash", lab.crash(crash->dext, crash->how));
    } else if (auto const* ioreg = std::get_if<IoregStep>(&step.action)) {
        step_record("ioreg");
        if (m_options.print && m_options.verbosity != Verbosity::Quiet)
            m_options.print(format_ioreg(lab.kernel().registry(), IoregOptions { ioreg->properties, false }));
    } else if (auto const* client_step = std::get_if<ClientStep>(&step.action)) {
        step_record(ClientSession::describe(*client_step));
        if (!m_client)
            m_client = std::make_unique<ClientSession>(lab, m_scenario.app);
        ++m_result.expectations;
        std::string found = m_client->perform(*client_step);
        if (!found.empty()) {
            ++m_result.expectations_failed;
            lab.trace().emit(expect_failed, "scenario", "steps", "",
                { TraceField::text("expect", ClientSession::describe(*client_step)), TraceField::text("found", found) });
            fail(step.where, found + " (at " + format_time(lab.now()) + ")");
        }
    } else if (auto const* hid_step = std::get_if<HidStep>(&step.action)) {
        // Like a client step: performed, and a check of what came back.
        step_record(describe_hid_step(*hid_step));
        ++m_result.expectations;
        std::string found = perform_hid_step(lab, *hid_step);
        if (!found.empty()) {
            ++m_result.expectations_failed;
            lab.trace().emit(expect_failed, "scenario", "steps", "",
                { TraceField::text("expect", describe_hid_step(*hid_step)), TraceField::text("found", found) });
            fail(step.where, found + " (at " + format_time(lab.now()) + ")");
        }
    } else if (auto const* expect = std::get_if<ExpectStep>(&step.action)) {
        ++m_result.expectations;
        std::string found = check(lab, *expect, m_result.records);
        if (!found.empty() && expect->within) {
            VirtualTime deadline = lab.now() + *expect->within;
            lab.scheduler().run_until([&] { return check(lab, *expect, m_result.records).empty(); }, deadline);
            found = check(lab, *expect, m_result.records);
        }
        if (found.empty()) {
            lab.trace().emit(expect_passed, "scenario", "steps", "", { TraceField::text("expect", describe(*expect)) });
        } else {
            ++m_result.expectations_failed;
            lab.trace().emit(expect_failed, "scenario", "steps", "",
                { TraceField::text("expect", describe(*expect)), TraceField::text("found", found) });
            fail(step.where, "expected " + describe(*expect) + "; " + found + " (at " + format_time(lab.now()) + ")");
        }
    }
}

ScenarioResult ScenarioSession::finish()
{
    m_result.end_time = m_lab->now();
    if (m_options.at_end)
        m_options.at_end(*m_lab);
    m_client.reset(); // the app exits first: its connections close
    // The Lab's destructor tears down servers and devices; their records are part of the run.
    m_lab.reset();
    m_result.passed = m_result.failures.empty();
    return std::move(m_result);
}

ScenarioResult run_scenario(Scenario const& scenario, RunOptions const& options)
{
    ScenarioSession session(scenario, options);
    while (session.perform_next()) {
    }
    return session.finish();
}

} // namespace dextlab::lab
