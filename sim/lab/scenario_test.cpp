#include "sim/lab/scenario.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace dextlab;
using namespace dextlab::lab;

namespace {

ErrorOr<Scenario> parse(std::string const& text)
{
    return parse_scenario_text(text, "t.yaml");
}

// The error message for `text`, which must fail to parse.
std::string error_of(std::string const& text)
{
    auto result = parse(text);
    REQUIRE_MESSAGE(!result.has_value(), "expected an error for:\n" << text);
    return result.error().message;
}

// A valid header, so that the first step is on line 4.
std::string with_steps(std::string const& steps)
{
    return "name: t\ndexts: [X]\nsteps:\n" + steps;
}

template<typename T>
T const& step_as(Scenario const& scenario, size_t index)
{
    REQUIRE(index < scenario.steps.size());
    REQUIRE(std::holds_alternative<T>(scenario.steps[index].action));
    return std::get<T>(scenario.steps[index].action);
}

PlugStep plug_of(std::string const& plug_map)
{
    auto result = parse(with_steps("  - plug: " + plug_map + "\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    return step_as<PlugStep>(result.value(), 0);
}

char const* const k_demo = R"(name: demo driver reads interrupt data
description: optional text
seed: 7
dexts: [MyUserUSBInterfaceDriver]
steps:
  - plug: {id: dev0, device: vendor-interrupt, vid: 0x1209, pid: 0x0001, interval: 1ms}
  - run: 10ms
  - expect: {service: MyUserUSBInterfaceDriver, state: started}
  - expect: {log: "ReadComplete", count: ">= 8"}
  - expect: {registry: "IOUSBHostDevice/IOUSBHostInterface/MyUserUSBInterfaceDriver"}
  - unplug: dev0
  - run: 1ms
  - expect: {services-of: MyUserUSBInterfaceDriver, count: 0, leaked-objects: 0}
)";

} // namespace

TEST_CASE("the documented example parses into its steps")
{
    auto result = parse(k_demo);
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    Scenario const& scenario = result.value();
    CHECK(scenario.file == "t.yaml");
    CHECK(scenario.name == "demo driver reads interrupt data");
    CHECK(scenario.description == "optional text");
    CHECK(scenario.seed_given);
    CHECK(scenario.seed == 7);
    REQUIRE(scenario.dexts == std::vector<std::string> { "MyUserUSBInterfaceDriver" });
    CHECK(scenario.dext_locations.at("MyUserUSBInterfaceDriver").to_string() == "t.yaml:4:9");
    REQUIRE(scenario.steps.size() == 8);

    auto const& plug = step_as<PlugStep>(scenario, 0);
    CHECK(scenario.steps[0].where.to_string() == "t.yaml:6:5");
    CHECK(plug.id == "dev0");
    CHECK(plug.model == "vendor-interrupt");
    CHECK(plug.numbers == std::map<std::string, uint64_t> { { "vid", 0x1209 }, { "pid", 1 } });
    CHECK(plug.durations == std::map<std::string, Duration> { { "interval", 1_ms } });
    CHECK(plug.strings.empty());
    CHECK(plug.param_locations.size() == 3);
    CHECK(plug.param_locations.at("vid").to_string() == "t.yaml:6:48");
    CHECK(plug.param_locations.at("pid").to_string() == "t.yaml:6:61");
    CHECK(plug.param_locations.at("interval").to_string() == "t.yaml:6:74");

    CHECK(step_as<RunStep>(scenario, 1).duration == 10_ms);
    CHECK(scenario.steps[1].where.to_string() == "t.yaml:7:5");

    auto const& started = step_as<ExpectStep>(scenario, 2);
    CHECK(started.service == "MyUserUSBInterfaceDriver");
    CHECK(started.state == "started");
    CHECK_FALSE(started.launches.has_value());
    CHECK_FALSE(started.count.has_value());
    CHECK_FALSE(started.within.has_value());

    auto const& log = step_as<ExpectStep>(scenario, 3);
    CHECK(log.log == "ReadComplete");
    REQUIRE(log.count.has_value());
    CHECK(log.count->op == Comparison::Op::GreaterEqual);
    CHECK(log.count->value == 8);

    auto const& registry = step_as<ExpectStep>(scenario, 4);
    CHECK(registry.registry == "IOUSBHostDevice/IOUSBHostInterface/MyUserUSBInterfaceDriver");
    CHECK(registry.present == true);

    CHECK(step_as<UnplugStep>(scenario, 5).id == "dev0");
    CHECK(scenario.steps[5].where.to_string() == "t.yaml:11:5");
    CHECK(step_as<RunStep>(scenario, 6).duration == 1_ms);

    auto const& gone = step_as<ExpectStep>(scenario, 7);
    CHECK(gone.services_of == "MyUserUSBInterfaceDriver");
    REQUIRE(gone.count.has_value());
    CHECK(gone.count->to_string() == "== 0");
    REQUIRE(gone.leaked_objects.has_value());
    CHECK(gone.leaked_objects->to_string() == "== 0");
    CHECK_FALSE(gone.service.has_value());
}

TEST_CASE("seed and description are optional, an empty dexts list and block style are fine")
{
    auto result = parse("name: minimal\ndexts: []\nsteps:\n  - run:\n      5us\n");
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK_FALSE(result.value().seed_given);
    CHECK(result.value().seed == 0);
    CHECK(result.value().description.empty());
    CHECK(result.value().dexts.empty());
    CHECK(step_as<RunStep>(result.value(), 0).duration == 5_us);

    auto with_bom = parse("\xEF\xBB\xBFname: \"t\"\ndexts:\n  - A\n  - B\nsteps: []\n");
    REQUIRE_MESSAGE(with_bom.has_value(), with_bom.error().message);
    CHECK(with_bom.value().dexts == std::vector<std::string> { "A", "B" });
    CHECK(with_bom.value().dext_locations.at("B").to_string() == "t.yaml:4:5");
}

TEST_CASE("SourceLocation prints file:line:col")
{
    CHECK(SourceLocation { "demo.yaml", 7, 13 }.to_string() == "demo.yaml:7:13");
}

TEST_CASE("comparisons: every operator parses, prints and holds")
{
    struct Row {
        char const* written;
        Comparison::Op op;
        uint64_t value;
        char const* printed;
    };
    Row const rows[] = {
        { "5", Comparison::Op::Equal, 5, "== 5" },
        { "\"7\"", Comparison::Op::Equal, 7, "== 7" },
        { "0x10", Comparison::Op::Equal, 16, "== 16" },
        { "\"==0\"", Comparison::Op::Equal, 0, "== 0" },
        { "\"!= 2\"", Comparison::Op::NotEqual, 2, "!= 2" },
        { "<3", Comparison::Op::Less, 3, "< 3" },
        { "\"<= 3\"", Comparison::Op::LessEqual, 3, "<= 3" },
        { "\"> 1\"", Comparison::Op::Greater, 1, "> 1" },
        { "\">= 8\"", Comparison::Op::GreaterEqual, 8, ">= 8" },
        { "'>=  8'", Comparison::Op::GreaterEqual, 8, ">= 8" },
    };
    for (Row const& row : rows) {
        CAPTURE(std::string(row.written));
        auto result = parse(with_steps(std::string("  - expect: {log: x, count: ") + row.written + "}\n"));
        REQUIRE_MESSAGE(result.has_value(), result.error().message);
        auto const& count = step_as<ExpectStep>(result.value(), 0).count;
        REQUIRE(count.has_value());
        CHECK(count->op == row.op);
        CHECK(count->value == row.value);
        CHECK(count->to_string() == row.printed);
    }

    using Op = Comparison::Op;
    CHECK(Comparison { Op::Equal, 3 }.holds(3));
    CHECK_FALSE(Comparison { Op::Equal, 3 }.holds(4));
    CHECK(Comparison { Op::NotEqual, 3 }.holds(4));
    CHECK_FALSE(Comparison { Op::NotEqual, 3 }.holds(3));
    CHECK(Comparison { Op::Less, 3 }.holds(2));
    CHECK_FALSE(Comparison { Op::Less, 3 }.holds(3));
    CHECK(Comparison { Op::LessEqual, 3 }.holds(3));
    CHECK_FALSE(Comparison { Op::LessEqual, 3 }.holds(4));
    CHECK(Comparison { Op::Greater, 3 }.holds(4));
    CHECK_FALSE(Comparison { Op::Greater, 3 }.holds(3));
    CHECK(Comparison { Op::GreaterEqual, 8 }.holds(8));
    CHECK_FALSE(Comparison { Op::GreaterEqual, 8 }.holds(7));
}

TEST_CASE("plug parameters: hex, decimal, durations and strings")
{
    auto plug = plug_of("{id: d, device: m, vid: 0x1209, upper: 0xBEEF, max: 0xFFFFFFFFFFFFFFFF, zero: 0, dec: 4660, "
                        "a: 250ns, b: 3us, c: 1ms, e: 2s, label: \"hello\", speed: full-speed, qhex: \"0x10\", qnum: '010'}");
    CHECK(plug.numbers.at("vid") == 0x1209);
    CHECK(plug.numbers.at("upper") == 0xBEEF);
    CHECK(plug.numbers.at("max") == UINT64_MAX);
    CHECK(plug.numbers.at("zero") == 0);
    CHECK(plug.numbers.at("dec") == 4660);
    CHECK(plug.durations.at("a") == 250);
    CHECK(plug.durations.at("b") == 3_us);
    CHECK(plug.durations.at("c") == 1_ms);
    CHECK(plug.durations.at("e") == 2_s);
    CHECK_FALSE(plug.numbers.contains("c"));
    CHECK(plug.numbers.size() == 5);
    CHECK(plug.durations.size() == 4);
    // Quoted values are text even when they look like numbers: the author said so.
    CHECK(plug.strings == std::map<std::string, std::string> { { "label", "hello" }, { "speed", "full-speed" }, { "qhex", "0x10" }, { "qnum", "010" } });
    CHECK(plug.param_locations.size() == 13);
    CHECK_FALSE(plug.param_locations.contains("id"));
    CHECK_FALSE(plug.param_locations.contains("device"));
}

TEST_CASE("unplug takes an id or {id: …}, and an id can be plugged again after its unplug")
{
    auto result = parse(with_steps("  - plug: {id: a, device: m}\n"
                                   "  - plug: {id: b, device: m}\n"
                                   "  - unplug: a\n"
                                   "  - unplug: {id: b}\n"
                                   "  - plug: {id: a, device: other}\n"
                                   "  - unplug: a\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK(step_as<UnplugStep>(result.value(), 2).id == "a");
    CHECK(step_as<UnplugStep>(result.value(), 3).id == "b");
    CHECK(step_as<PlugStep>(result.value(), 4).model == "other");
    CHECK(result.value().steps[5].where.to_string() == "t.yaml:9:5");
}

TEST_CASE("ioreg: alone, with {}, or with properties")
{
    auto result = parse(with_steps("  - ioreg:\n  - ioreg: {}\n  - ioreg: {properties: true}\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK_FALSE(step_as<IoregStep>(result.value(), 0).properties);
    CHECK_FALSE(step_as<IoregStep>(result.value(), 1).properties);
    CHECK(step_as<IoregStep>(result.value(), 2).properties);
    CHECK(result.value().steps[2].where.to_string() == "t.yaml:6:5");
}

TEST_CASE("expect: defaults, launches, present: false, within")
{
    auto result = parse(with_steps("  - expect: {log: hello}\n"
                                   "  - expect: {registry: A/B, present: false, within: 200ms}\n"
                                   "  - expect: {service: X, state: stopped, launches: 2, leaked-objects: 0}\n"
                                   "  - expect: {services-of: X, leaked-objects: \"<= 1\"}\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK(step_as<ExpectStep>(result.value(), 0).count->to_string() == ">= 1");
    auto const& registry = step_as<ExpectStep>(result.value(), 1);
    CHECK(registry.present == false);
    CHECK(registry.within == 200_ms);
    auto const& service = step_as<ExpectStep>(result.value(), 2);
    CHECK(service.state == "stopped");
    CHECK(service.launches->to_string() == "== 2");
    CHECK(service.leaked_objects->to_string() == "== 0");
    CHECK_FALSE(service.count.has_value());
    CHECK(step_as<ExpectStep>(result.value(), 3).leaked_objects->to_string() == "<= 1");
}

TEST_CASE("expect: a dext's leaks, and registry properties")
{
    auto result = parse(with_steps("  - expect: {dext: X, leaked-objects: 1, with: \"created in X::Start_Impl\", within: 2ms}\n"
                                   "  - expect: {registry: A/B, property: idVendor, value: 0x1209}\n"
                                   "  - expect: {registry: A/B, property: Gone, present: false}\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    auto const& leaks = step_as<ExpectStep>(result.value(), 0);
    CHECK(leaks.dext == "X");
    CHECK(leaks.leaked_objects->to_string() == "== 1");
    CHECK(leaks.with == "created in X::Start_Impl");
    auto const& value = step_as<ExpectStep>(result.value(), 1);
    CHECK(value.property == "idVendor");
    CHECK(value.value == "0x1209");
    CHECK(value.present == true);
    CHECK(step_as<ExpectStep>(result.value(), 2).present == false);
}

TEST_CASE("errors in steps name file:line:col and the fix")
{
    struct Case {
        char const* steps;
        char const* message; // the whole message, or its beginning
    };
    Case const cases[] = {
        { "  - explode: {dext: X}\n", "t.yaml:4:5: unknown step verb 'explode'; known step verbs: plug, unplug, run, expect, ioreg, crash" },
        { "  - crash: {dext: Y}\n", "t.yaml:4:13: crash names dext 'Y', which this scenario does not load; add it to 'dexts'" },
        { "  - crash: {dext: X, how: melt}\n", "t.yaml:4:22: crash 'how' must be one of segv, abort, exit, hang; got 'melt'" },
        { "  - crash: {how: segv}\n", "t.yaml:4:5: 'crash' needs the dext to crash" },
        { "  - run: 10ms\n  - run: 10\n", "t.yaml:5:10: 'run' needs a duration with a unit, like 10ms; got '10'" },
        { "  - run:\n", "t.yaml:4:5: 'run' needs a duration with a unit, like 10ms; got nothing" },
        { "  - run: 1.5ms\n", "t.yaml:4:10: 'run' needs a duration with a unit, like 10ms; got '1.5ms'" },
        { "  - run: 99999999999s\n", "t.yaml:4:10: 'run' needs a duration with a unit, like 10ms; got '99999999999s'" },
        { "  - run\n", "t.yaml:4:5: each step is a one-key map like '- run: 10ms' or '- unplug: dev0'; got 'run'" },
        { "  - [run, 1ms]\n", "t.yaml:4:5: each step is a one-key map like '- run: 10ms' or '- unplug: dev0'; got a list" },
        { "  - run: 1ms\n  -\n", "t.yaml:5:3: each step is a one-key map like '- run: 10ms' or '- unplug: dev0'; got nothing" },
        { "  - plug:\n    id: d\n", "t.yaml:5:5: a step has one verb, but this one has 'plug' and 'id'; put a step's arguments in a map under its verb" },
        { "  - plug: {id: d, device: m, vid: 010}\n",
            "t.yaml:4:35: plug parameter 'vid': '010' has a leading zero; write 10 for decimal or 0x10 for hex (octal is not supported)" },
        { "  - plug: {id: d, device: m, rate: 1.5}\n", "t.yaml:4:36: plug parameter 'rate': '1.5' is neither a number (1209, 0x1209) nor a duration (1ms; units ns, us, ms, s); quote it if it is text" },
        { "  - plug: {id: d, device: m, port: 2nd}\n", "t.yaml:4:36: plug parameter 'port': '2nd' is neither a number" },
        { "  - plug: {id: d, device: m, vid: 0x12G4}\n", "t.yaml:4:35: plug parameter 'vid': '0x12G4' is not a number" },
        { "  - plug: {id: d, device: m, delay: 99999999999s}\n", "t.yaml:4:37: plug parameter 'delay': '99999999999s' is neither a number" },
        { "  - plug: {id: d, device: m, vid: 0x10000000000000000}\n", "t.yaml:4:35: plug parameter 'vid': '0x10000000000000000' does not fit in 64 bits" },
        { "  - plug: {id: d, device: m, vid: 0x}\n", "t.yaml:4:35: plug parameter 'vid': '0x' has no digits" },
        { "  - plug: {id: d, device: m, vid: [1]}\n", "t.yaml:4:35: 'vid' needs a number (1209 or 0x1209), a duration (1ms) or a string; got a list" },
        { "  - plug: {id: d, device: m, vid:}\n", "t.yaml:4:30: 'vid' needs a number (1209 or 0x1209), a duration (1ms) or a string; got nothing" },
        { "  - plug: {id: d}\n", "t.yaml:4:5: plug step needs 'device' (the device model)" },
        { "  - plug: {device: m}\n", "t.yaml:4:5: plug step needs 'id' (the name unplug will use)" },
        { "  - plug: dev0\n", "t.yaml:4:11: 'plug' needs a map like {id: dev0, device: vendor-interrupt, vid: 0x1209}; got 'dev0'" },
        { "  - plug: {id: d, device: m, id: e}\n", "t.yaml:4:30: duplicate key 'id' in plug step (first at t.yaml:4:12); keep only one" },
        { "  - plug: {id: d, device: m}\n  - plug: {id: d, device: m}\n",
            "t.yaml:5:16: device id 'd' is already plugged (at t.yaml:4:16); unplug it first or use another id" },
        { "  - unplug: dev9\n", "t.yaml:4:13: unplug of 'dev9', which is not plugged at this point; no device is plugged" },
        { "  - plug: {id: a, device: m}\n  - unplug: b\n", "t.yaml:5:13: unplug of 'b', which is not plugged at this point; plugged now: a" },
        { "  - plug: {id: d, device: m}\n  - unplug: d\n  - unplug: {id: d}\n",
            "t.yaml:6:18: device 'd' is not plugged here: it was already unplugged at t.yaml:5:13" },
        { "  - ioreg: {props: true}\n", "t.yaml:4:13: unknown key 'props' in ioreg step; known keys: properties" },
        { "  - ioreg: {properties: yes}\n", "t.yaml:4:25: 'properties' needs true or false; got 'yes'" },
        { "  - ioreg: all\n", "t.yaml:4:12: 'ioreg' takes a map, like 'ioreg: {}' or 'ioreg: {properties: true}'; got 'all'" },
        { "  - unplug: {di: d}\n", "t.yaml:4:14: unknown key 'di' in unplug step; known keys: id" },
        { "  - unplug: {}\n", "t.yaml:4:13: unplug step needs 'id', like 'unplug: dev0' or 'unplug: {id: dev0}'" },
        { "  - expect: {services_of: X, count: 0}\n",
            "t.yaml:4:14: unknown key 'services_of' in expect step (did you mean 'services-of'?); known keys: service, state, launches, log, "
            "services-of, count, leaked-objects, registry, present, within" },
        { "  - expect: {registry: A/B, present: yes}\n", "t.yaml:4:38: 'present' needs true or false; got 'yes'; yes/no/on/off are not accepted" },
        { "  - expect: {registry: A/B, present: off}\n", "t.yaml:4:38: 'present' needs true or false; got 'off'" },
        { "  - expect: {registry: A/B, present: \"true\"}\n", "t.yaml:4:38: 'present' needs true or false; got \"true\" (quoted); remove the quotes" },
        { "  - expect: {service: X, log: y}\n", "t.yaml:4:26: expect step has two subjects, 'service' and 'log'; write one expect step for each" },
        { "  - expect: {log: y, state: started}\n", "t.yaml:4:22: 'state' goes with 'service' or 'sysext', and this expect step checks 'log'" },
        { "  - expect: {sysext: X, state: started}\n", "t.yaml:4:32: a sysext's 'state' is one of waiting, enabled, terminated, absent; got 'started'" },
        { "  - expect: {service: X, state: enabled}\n", "t.yaml:4:33: a service's 'state' is one of started, stopped, absent; got 'enabled'" },
        { "  - expect: {sysext: X}\n", "t.yaml:4:14: 'sysext' needs something to check: state or version" },
        { "  - expect: {log: y, version: \"2\"}\n", "t.yaml:4:22: 'version' goes with 'sysext'" },
        { "  - activate: {dext: X, approval: later}\n", "t.yaml:4:35: 'approval' is automatic or manual; got 'later'" },
        { "  - activate: {approval: manual}\n", "t.yaml:4:5: 'activate' needs the dext" },
        { "  - expect: {registry: y, launches: 1}\n", "t.yaml:4:27: 'launches' goes with 'service', and this expect step checks 'registry'" },
        { "  - expect: {service: X, state: started, count: 1}\n",
            "t.yaml:4:42: 'count' goes with 'log', 'services-of' or 'event', and this expect step checks 'service'" },
        { "  - expect: {log: y, present: true}\n", "t.yaml:4:22: 'present' goes with 'registry', and this expect step checks 'log'" },
        { "  - expect: {log: y, leaked-objects: 0}\n", "t.yaml:4:22: 'leaked-objects' goes with 'service', 'services-of' or 'dext', and this expect step checks 'log'" },
        { "  - expect: {leaked-objects: 0}\n", "t.yaml:4:14: 'leaked-objects' needs 'service', 'services-of' or 'dext' beside it" },
        { "  - expect: {dext: X}\n", "t.yaml:4:14: 'dext' needs leaked-objects, like {dext: MyDriver, leaked-objects: 0}" },
        { "  - expect: {dext: X, leaked-objects: 0, count: 1}\n", "t.yaml:4:42: 'count' goes with 'log', 'services-of' or 'event', and this expect step checks 'dext'" },
        { "  - expect: {registry: A/B, value: 1}\n", "t.yaml:4:29: 'value' needs 'property' beside it" },
        { "  - expect: {log: y, property: p}\n", "t.yaml:4:22: 'property' goes with 'registry', and this expect step checks 'log'" },
        { "  - expect: {within: 1ms}\n", "t.yaml:4:5: expect step needs a subject: one of service, log, services-of, registry" },
        { "  - expect: {service: X}\n", "t.yaml:4:14: 'service' needs something to check: state, launches or leaked-objects" },
        { "  - expect: {services-of: X}\n", "t.yaml:4:14: 'services-of' needs something to check: count or leaked-objects" },
        { "  - expect: {service: X, state: running}\n", "t.yaml:4:33: 'state' needs started, stopped or absent (or, for a sysext, waiting, enabled, terminated or absent); got 'running'" },
        { "  - expect: {log: y, count: \"=> 8\"}\n",
            "t.yaml:4:29: 'count' needs a number or a comparison like \">= 8\" (operators: == != < <= > >=); '=> 8' is not a number" },
        { "  - expect: {log: y, count: \">= 010\"}\n", "t.yaml:4:29: 'count' needs a number or a comparison like \">= 8\" (operators: == != < <= > >=); '010' has a leading zero" },
        { "  - expect: {log: y, count: !=2}\n", "t.yaml:4:29: 'count' has the YAML tag '!=2'; scenario files use no tags, so quote a value that starts with '!'" },
        { "  - expect: {log: y, count: >= 8}\n", "t.yaml:4:29: YAML syntax error: unknown token; a value starting with '>' must be quoted, like count: \">= 8\"" },
        { "  - expect: {log: y, within: 10}\n", "t.yaml:4:30: 'within' needs a duration with a unit, like 10ms; got '10'" },
        { "  - expect: log\n", "t.yaml:4:13: 'expect' needs a map like {service: MyUserUSBInterfaceDriver, state: started}; got 'log'" },
        { "  - client: c\n", "t.yaml:4:13: 'client' needs a map like {open: MyDriver, as: c} or {call: c, selector: 0}; got 'c'" },
        { "  - client: {selector: 0}\n", "t.yaml:4:5: a client step needs one of open, call, map or close" },
        { "  - client: {open: D, as: c, close: c}\n", "t.yaml:4:30: a client step does one thing, but this one has 'open' and 'close'; split it into two steps" },
        { "  - client: {call: c, selector: 0}\n", "t.yaml:4:20: no connection named 'c' was opened before this step; open it first with {open: Service, as: c}" },
        { "  - client: {open: D}\n", "t.yaml:4:5: an open step needs 'as', the name later steps use for the connection, like {open: D, as: c}" },
        { "  - client: {open: D, as: c}\n  - client: {close: c, selector: 1}\n", "t.yaml:5:24: 'selector' does not go with 'close' in a client step" },
        { "  - client: {open: D, as: c}\n  - client: {call: c, scalars: 3}\n", "t.yaml:5:32: 'scalars' needs a list of scalar inputs, like [2, 3]; got '3'" },
        { "  - client: {open: D, as: c}\n  - client: {call: c, struct: [1, 300]}\n", "t.yaml:5:31: 'struct' holds 300, which is not a byte (0..255)" },
        { "  - client: {open: D, as: c}\n  - client: {call: c, slector: 1}\n", "t.yaml:5:23: unknown key 'slector' in client step (did you mean 'selector'?)" },
    };
    for (Case const& c : cases) {
        CAPTURE(std::string(c.steps));
        std::string message;
        CHECK_NOTHROW(message = error_of(with_steps(c.steps)));
        CHECK_MESSAGE(message.starts_with(c.message), "got: " << message);
    }
}

TEST_CASE("errors in the file as a whole name file:line:col and the fix")
{
    struct Case {
        char const* text;
        char const* message;
    };
    Case const cases[] = {
        { "", "t.yaml:1:1: the file holds no scenario; it needs at least 'name', 'dexts' and 'steps'" },
        { "# only a comment\n", "t.yaml:1:1: the file holds no scenario" },
        { "---\n", "t.yaml:1:1: the file holds no scenario" },
        { "- a\n- b\n", "t.yaml:1:1: the top level must be a map with 'name', 'dexts' and 'steps'; got a list" },
        { "name: t\nnmae: x\ndexts: []\nsteps: []\n",
            "t.yaml:2:1: unknown key 'nmae' at the top level (did you mean 'name'?); known keys: name, description, seed, isolate, development, dexts, steps" },
        { "dexts: []\nsteps: []\n", "t.yaml:1:1: missing required key 'name' at the top level; add it, like 'name: demo driver reads interrupt data'" },
        { "name: t\nsteps: []\n", "t.yaml:1:1: missing required key 'dexts' at the top level" },
        { "name: t\ndexts: []\n", "t.yaml:1:1: missing required key 'steps' at the top level" },
        { "name:\ndexts: []\nsteps: []\n", "t.yaml:1:1: 'name' needs a one-line title; got nothing" },
        { "name: [a]\ndexts: []\nsteps: []\n", "t.yaml:1:7: 'name' needs a one-line title; got a list" },
        { "name: t\ndexts: MyDriver\nsteps: []\n", "t.yaml:2:8: 'dexts' needs a list of dext bundle names, like [MyUserUSBInterfaceDriver] or []; got 'MyDriver'" },
        { "name: t\ndexts: [A, {b: 1}]\nsteps: []\n", "t.yaml:2:12: 'dexts' needs bundle names in its list, like MyUserUSBInterfaceDriver; got a map" },
        { "name: t\ndexts: [A, A]\nsteps: []\n", "t.yaml:2:12: dext 'A' is listed twice (first at t.yaml:2:9); list it once" },
        { "name: t\ndexts: []\nsteps:\n", "t.yaml:3:1: 'steps' needs a list of steps, each a line like '- run: 10ms'; got nothing" },
        { "name: t\ndexts: []\napp: SampleApp\nsteps: []\n", "t.yaml:3:6: 'app' needs a map like {name: SampleApp, entitlements: {…}}; got 'SampleApp'" },
        { "name: t\ndexts: []\napp: {nmae: A}\nsteps: []\n", "t.yaml:3:7: unknown key 'nmae' in app (did you mean 'name'?)" },
        { "name: t\ndexts: []\napp: {entitlements: [a]}\nsteps: []\n", "t.yaml:3:21: 'entitlements' needs a map of entitlement names to true, a string or a list of strings" },
        { "name: t\ndexts: []\napp: {entitlements: {k: [a, {b: 1}]}}\nsteps: []\n", "t.yaml:3:29: 'k' needs strings in its list, like bundle ids; got a map" },
        { "name: t\ndexts: []\nsteps: {run: 1ms}\n", "t.yaml:3:8: 'steps' needs a list of steps, each a line like '- run: 10ms'; got a map" },
        { "name: t\nseed: 010\ndexts: []\nsteps: []\n", "t.yaml:2:7: 'seed' needs an unsigned decimal number, like 7; '010' has a leading zero; write 10 (octal is not supported)" },
        { "name: t\nseed: 0x10\ndexts: []\nsteps: []\n", "t.yaml:2:7: 'seed' needs an unsigned decimal number, like 7; '0x10' is hex, and only decimal is accepted here" },
        { "name: t\nseed: \"7\"\ndexts: []\nsteps: []\n", "t.yaml:2:7: 'seed' needs an unsigned decimal number, like 7 without quotes; got \"7\"" },
        { "name: t\nseed: -1\ndexts: []\nsteps: []\n", "t.yaml:2:7: 'seed' needs an unsigned decimal number, like 7; '-1' is not a number" },
        { "name: t\nname: u\ndexts: []\nsteps: []\n", "t.yaml:2:1: duplicate key 'name' at the top level (first at t.yaml:1:1); keep only one" },
        { "name: t\n? [a]\n: 1\ndexts: []\nsteps: []\n", "t.yaml:2:3: keys at the top level must be plain names; got a list" },
        { "name: t\ndexts: [a, b\nsteps: []\n", "t.yaml:2:8: YAML syntax error: end of sequence flow not found; this '[' is never closed (noticed at 3:6), add the matching ']'" },
        { "name: t # a comment with [ and {\ndexts: []\nsteps:\n  - plug: {id: \"it's [\", device: 'x{', vid: 1\n  - run: 1ms\n",
            "t.yaml:4:11: YAML syntax error: end of map flow not found; this '{' is never closed (noticed at 5:8), add the matching '}'" },
        { "name: t\ndexts: []\nsteps:\n\t- run: 1ms\n", "t.yaml:4:2: YAML syntax error: illegal block entry; indent with spaces: YAML does not allow tabs" },
        { "name: t\ndexts: []\nsteps:\n  - run: 1ms\n\t- run: 2ms\n",
            "t.yaml:5:1: YAML syntax error: illegal tab when looking for indentation; indent with spaces: YAML does not allow tabs" },
        { "name: t\ndexts: []\nsteps:\n  - run: 1ms\n - run: 2ms\n",
            "t.yaml:5:2: YAML syntax error: end of map not found; check the indentation: the entries of one map or list must start in the same column" },
        { "name: t\ndexts: - a\nsteps: []\n", "t.yaml:2:8: YAML syntax error: illegal block entry; a '- ' list item cannot start here" },
        { "name: t\n dexts: []\nsteps: []\n", "t.yaml:2:7: YAML syntax error: illegal map value; check the indentation, and quote values that contain ': '" },
        { "name: t\ndexts: []\nsteps: []\n---\nname: u\n", "t.yaml:5:1: a scenario file holds one YAML document; remove this '---' and what follows, or split the file" },
        { "name: \"demo\ndexts: []\nsteps: []\n", "t.yaml:1:7: this quoted string is never closed; add the closing \"" },
        { "name: t\ndexts: []\nsteps: []\nunused: &a [*b]\n", "t.yaml:4:13: YAML syntax error: the referenced anchor is not defined" },
    };
    for (Case const& c : cases) {
        CAPTURE(std::string(c.text));
        std::string message;
        CHECK_NOTHROW(message = error_of(c.text));
        CHECK_MESSAGE(message.starts_with(c.message), "got: " << message);
    }
}

TEST_CASE("quoted strings may contain escaped quotes, and a closed quote is not reported")
{
    auto result = parse("name: \"say \\\"hi\\\"\"\ndescription: 'it''s fine'\ndexts: []\nsteps: []\n");
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    CHECK(result.value().name == "say \"hi\"");
    CHECK(result.value().description == "it's fine");
}

TEST_CASE("scenario files: read from disk, or a clear error when missing")
{
    auto missing = parse_scenario_file("/nonexistent/dir/missing.yaml");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message == "/nonexistent/dir/missing.yaml: cannot open scenario file (No such file or directory); check the path");

    auto directory = std::filesystem::temp_directory_path();
    auto is_directory = parse_scenario_file(directory.string());
    REQUIRE_FALSE(is_directory.has_value());
    CHECK(is_directory.error().message == directory.string() + ": is a directory, not a scenario file");

    // The process id keeps parallel test runs from sharing the file.
    auto path = directory / ("dextlab_scenario_test_" + std::to_string(getpid()) + ".yaml");
    {
        std::ofstream file(path);
        file << k_demo;
    }
    auto from_disk = parse_scenario_file(path.string());
    std::filesystem::remove(path);
    REQUIRE_MESSAGE(from_disk.has_value(), from_disk.error().message);
    CHECK(from_disk.value().file == path.string());
    CHECK(from_disk.value().steps.size() == 8);
    CHECK(from_disk.value().dext_locations.at("MyUserUSBInterfaceDriver").to_string() == path.string() + ":4:9");
}

TEST_CASE("expect event: a trace point, optional with-text and count, development at the top level")
{
    auto scenario = parse("name: t\ndevelopment: true\ndexts: [X]\nsteps:\n"
                          "  - expect: {event: entitlement_refused, with: transport.usb}\n"
                          "  - expect: {event: match_winner, count: 2, within: 5ms}\n");
    REQUIRE(scenario.has_value());
    CHECK(scenario.value().development);
    auto const& first = step_as<ExpectStep>(scenario.value(), 0);
    CHECK(first.event == "entitlement_refused");
    CHECK(first.with == "transport.usb");
    CHECK(first.count->to_string() == ">= 1");
    auto const& second = step_as<ExpectStep>(scenario.value(), 1);
    CHECK(second.count->to_string() == "== 2");
    CHECK_FALSE(second.with);
    CHECK_FALSE(parse(with_steps("  - run: 1ms\n")).value().development);

    CHECK(error_of(with_steps("  - expect: {log: x, with: y}\n")) == "t.yaml:4:22: 'with' goes with 'event' or 'dext', and this expect step checks 'log'");
    CHECK(error_of(with_steps("  - expect: {event: x, state: started}\n")) == "t.yaml:4:24: 'state' goes with 'service' or 'sysext', and this expect step checks 'event'");
    CHECK(error_of(with_steps("  - expect: {event: x, log: y}\n")) == "t.yaml:4:24: expect step has two subjects, 'event' and 'log'; write one expect step for each");
    CHECK(error_of("name: t\ndevelopment: yes\ndexts: []\nsteps: []\n").find("t.yaml:2:14:") == 0);
}

TEST_CASE("system-extension steps: activate, approve, deactivate, and sysext expectations")
{
    auto result = parse(with_steps("  - activate: {dext: v2/X, approval: manual}\n  - activate: Y\n  - approve: X\n"
                                   "  - expect: {sysext: X, state: enabled, version: \"2\"}\n  - deactivate: X\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    auto const& activate = step_as<ActivateStep>(result.value(), 0);
    CHECK(activate.dext == "v2/X");
    CHECK(activate.manual);
    CHECK(step_as<ActivateStep>(result.value(), 1).dext == "Y");
    CHECK_FALSE(step_as<ActivateStep>(result.value(), 1).manual);
    CHECK(step_as<ApproveStep>(result.value(), 2).dext == "X");
    auto const& expect = step_as<ExpectStep>(result.value(), 3);
    CHECK(expect.sysext == "X");
    CHECK(expect.state == "enabled");
    CHECK(expect.version == "2");
    CHECK(step_as<DeactivateStep>(result.value(), 4).dext == "X");
}

TEST_CASE("hid steps: set-report and get-report with their defaults, and the mistakes they refuse")
{
    auto result = parse(with_steps("  - hid: {device: VirtualHIDKeyboard, set-report: [0x02]}\n"
                                   "  - hid: {device: Kbd, get-report: 8, type: feature, report-id: 3, timeout: 20ms, status: kIOReturnNoSpace, "
                                   "expect-bytes: [3, 0]}\n"));
    REQUIRE_MESSAGE(result.has_value(), result.error().message);
    auto const& set = step_as<HidStep>(result.value(), 0);
    CHECK(set.device == "VirtualHIDKeyboard");
    CHECK_FALSE(set.get);
    CHECK(set.report == std::vector<uint8_t> { 0x02 });
    CHECK(set.type == "output");
    CHECK_FALSE(set.report_id.has_value());
    CHECK(set.status == "kIOReturnSuccess");
    auto const& get = step_as<HidStep>(result.value(), 1);
    CHECK(get.get);
    CHECK(get.length == 8);
    CHECK(get.type == "feature");
    CHECK(get.report_id == 3);
    CHECK(get.timeout == 20'000'000);
    CHECK(get.expect_bytes == std::vector<uint8_t> { 3, 0 });

    CHECK(error_of(with_steps("  - hid: {device: K}\n")) == "t.yaml:4:5: a hid step needs set-report (bytes to send) or get-report (a buffer size)");
    CHECK(error_of(with_steps("  - hid: {set-report: [1]}\n")).find("a hid step needs 'device'") != std::string::npos);
    CHECK(error_of(with_steps("  - hid: {device: K, get-report: 8, type: inpt}\n")) == "t.yaml:4:43: unknown report type 'inpt'; use input, output or feature");
    CHECK(error_of(with_steps("  - hid: {device: K, set-report: [1], report-id: 256}\n")).find("a report id is one byte") != std::string::npos);
    CHECK(error_of(with_steps("  - hid: {device: K, set-report: [1], get-report: 2}\n")).find("split it into two steps") != std::string::npos);
    CHECK(error_of(with_steps("  - hid: {device: K, get-report: 0}\n")).find("a buffer of 1 to 16384 bytes") != std::string::npos);
}
