// End-to-end tests of the vertical slice: the real demo dext, loaded from its built bundle, on
// the kernel model and an emulated device.
#include "kernel_model/registry/property_serial.h"
#include "sim/lab/app_port_lab.h"
#include "sim/lab/ioreg.h"
#include "sim/lab/lab.h"
#include "sim/lab/scenario_runner.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::lab;

namespace {

char const* const kDemo = R"(
name: demo
seed: 7
dexts: [MyUserUSBInterfaceDriver]
steps:
  - plug: {id: dev0, device: vendor-interrupt, vid: 0x1209, pid: 0x0001}
  - run: 10ms
  - expect: {service: MyUserUSBInterfaceDriver, state: started}
  - unplug: dev0
  - run: 1ms
  - expect: {services-of: MyUserUSBInterfaceDriver, count: 0, leaked-objects: 0}
)";

ScenarioResult run_text(std::string const& text, std::optional<uint64_t> seed = {})
{
    auto scenario = parse_scenario_text(text, "test.yaml");
    REQUIRE(scenario.has_value());
    RunOptions options;
    options.seed = seed;
    return run_scenario(scenario.value(), options);
}

size_t count_points(ScenarioResult const& r, std::string_view point)
{
    return static_cast<size_t>(std::count_if(r.records.begin(), r.records.end(), [&](auto const& rec) { return rec.point == point; }));
}

} // namespace

TEST_CASE("the demo dext starts, reads its endpoint, stops and frees without leaks")
{
    auto result = run_text(kDemo);
    for (auto const& f : result.failures)
        MESSAGE(f);
    CHECK(result.passed);
    CHECK(result.expectations == 2);
    // One completion per 1 ms sample over 10 ms, each followed by a re-armed AsyncIO.
    size_t completions = 0;
    for (auto const& r : result.records) {
        if (r.point == "dext_log" && r.field("text")->value_text().find("ReadComplete 8 bytes") != std::string::npos)
            ++completions;
    }
    CHECK(completions >= 8);
    CHECK(completions <= 10);
    CHECK(count_points(result, "service_started") == 1);
    CHECK(count_points(result, "service_stopped") == 1);
    CHECK(count_points(result, "service_free") == 1);
    CHECK(count_points(result, "dext_server_exit") == 1);
}

TEST_CASE("the same scenario and seed give a byte-identical trace, another seed does not")
{
    auto a = run_text(kDemo);
    auto b = run_text(kDemo);
    auto c = run_text(kDemo, 8);
    REQUIRE(a.passed);
    CHECK(a.trace_text() == b.trace_text());
    CHECK(a.trace_text().size() > 1000);
    CHECK(a.trace_text() != c.trace_text()); // the device's random bytes differ, and transfers trace their data
}

TEST_CASE("a dext that is not on the search path fails the scenario at its line")
{
    auto result = run_text("name: x\ndexts: [NoSuchDext]\nsteps:\n  - run: 1ms\n");
    REQUIRE_FALSE(result.passed);
    REQUIRE(result.failures.size() == 1);
    CHECK(result.failures[0].find("test.yaml:2:") == 0);
    CHECK(result.failures[0].find("NoSuchDext") != std::string::npos);
}

TEST_CASE("an unknown device model is reported with the known ones")
{
    auto result = run_text("name: x\ndexts: []\nsteps:\n  - plug: {id: d, device: toaster}\n");
    REQUIRE_FALSE(result.passed);
    CHECK(result.failures[0].find("test.yaml:4:") == 0);
    CHECK(result.failures[0].find("vendor-interrupt") != std::string::npos);
}

TEST_CASE("a failed expectation names the file, line and what was found")
{
    auto result = run_text("name: x\ndexts: [MyUserUSBInterfaceDriver]\nsteps:\n  - run: 1ms\n"
                           "  - expect: {service: MyUserUSBInterfaceDriver, state: started}\n");
    REQUIRE_FALSE(result.passed);
    CHECK(result.failures[0].find("test.yaml:5:") == 0);
    CHECK(result.failures[0].find("no service MyUserUSBInterfaceDriver in the registry") != std::string::npos);
}

TEST_CASE("a device that no personality matches starts no dext, and the composite driver still publishes its interface")
{
    auto result = run_text("name: x\ndexts: [MyUserUSBInterfaceDriver]\nsteps:\n"
                           "  - plug: {id: d, device: vendor-interrupt, vid: 0x05ac, pid: 0x0001}\n  - run: 5ms\n"
                           "  - expect: {service: MyUserUSBInterfaceDriver, state: absent}\n"
                           "  - expect: {registry: IOUSBHostDevice/IOUSBHostInterface}\n");
    CHECK(result.passed);
    CHECK(count_points(result, "dext_server_launch") == 0);
    bool explained = false;
    for (auto const& r : result.records) {
        if (r.point == "match_candidate" && r.field("failed") && r.field("failed")->value_text() == "idVendor")
            explained = true;
    }
    CHECK(explained);
}

TEST_CASE("ioreg shows the device, its interface and the driver")
{
    auto scenario = parse_scenario_text(kDemo, "test.yaml");
    REQUIRE(scenario.has_value());
    scenario.value().steps.resize(2); // plug, run
    std::string tree;
    RunOptions options;
    options.at_end = [&](Lab& lab) { tree = format_ioreg(lab.kernel().registry()); };
    run_scenario(scenario.value(), options);
    CHECK(tree.find("+-o Root  <class IORegistryEntry") == 0);
    CHECK(tree.find("  +-o IOUserResources  <class IOUserResources, id 0x1, registered") != std::string::npos);
    // No driver claims the device, so IOUSBHostFamily's composite driver does (the device reads
    // matched, as on macOS) and publishes its interface beside itself.
    CHECK(tree.find("  +-o Vendor Interrupt Device@1100000  <class IOUSBHostDevice, id 0x2, registered, matched, active, busy 0>") != std::string::npos);
    CHECK(tree.find("    +-o AppleUSBHostCompositeDevice  <class AppleUSBHostCompositeDevice, id 0x3, registered") != std::string::npos);
    CHECK(tree.find("    +-o IOUSBHostInterface@0  <class IOUSBHostInterface") != std::string::npos);
    CHECK(tree.find("      +-o MyUserUSBInterfaceDriver  <class IOUserService") != std::string::npos);
}

TEST_CASE("isolated: a dext that hangs is killed by the watchdog and relaunched")
{
    auto scenario = parse_scenario_text("name: hang\nisolate: true\ndexts: [MyUserUSBInterfaceDriver]\nsteps:\n"
                                        "  - plug: {id: dev0, device: vendor-interrupt, vid: 0x1209, pid: 0x0001}\n"
                                        "  - run: 3ms\n  - crash: {dext: MyUserUSBInterfaceDriver, how: hang}\n"
                                        "  - expect: {service: MyUserUSBInterfaceDriver, state: started, launches: 2, within: 10ms}\n",
        "hang.yaml");
    REQUIRE(scenario.has_value());
    RunOptions options;
    options.watchdog_ms = 100; // wall time: keep the test quick
    auto result = run_scenario(scenario.value(), options);
    for (auto const& f : result.failures)
        MESSAGE(f);
    CHECK(result.passed);
    bool watchdog = false;
    for (auto const& r : result.records) {
        if (r.point == "dext_server_crash")
            watchdog = r.field("reason")->value_text().find("killed by the watchdog") != std::string::npos;
    }
    CHECK(watchdog);
}

TEST_CASE("apps: a user client that registers itself can be found and is announced to notifications")
{
    LabOptions options;
    Lab lab(options);
    REQUIRE(lab.load_dext("UserClientSampleDriver").has_value());
    lab.run_for(1_ms);
    kernel::AppIdentity app { "TestApp",
        { { "com.apple.developer.driverkit.userclient-access",
            kernel::Property::array({ kernel::Property::string("org.dextlab.UserClientSampleDriver") }) } } };
    LabAppPort port(lab, app);
    auto by_name = [](char const* name) { return kernel::PropertyDict { { "IONameMatch", kernel::Property::string(name) } }; };
    auto matching_bytes = [&](char const* name) { return kernel::property_to_bytes(kernel::Property::dict(by_name(name))); };

    std::vector<uint64_t> matched, terminated;
    REQUIRE(port.add_notification(ipc::ServiceNotification::Matched, matching_bytes("UserClientSampleUserClient"),
                    [&](uint64_t id) { matched.push_back(id); })
                .ok());
    REQUIRE(port.add_notification(ipc::ServiceNotification::Terminated, matching_bytes("UserClientSampleUserClient"),
                    [&](uint64_t id) { terminated.push_back(id); })
                .ok());
    CHECK(port.matching_services(by_name("UserClientSampleUserClient")).empty());

    auto services = port.matching_services(by_name("UserClientSampleDriver"));
    REQUIRE(services.size() == 1);
    auto connection = port.open(services.front(), 0);
    REQUIRE(connection.ok());
    lab.run_for(1_us); // registration is published in an event of its own
    port.deliver_pending();
    auto clients = port.matching_services(by_name("UserClientSampleUserClient"));
    REQUIRE(clients.size() == 1);
    CHECK(port.entry_class(clients.front()).value == "IOUserUserClient");
    CHECK(port.parent(clients.front()).value == services.front());
    CHECK(matched == clients);
    CHECK(terminated.empty());

    CHECK(port.close(connection.value) == 0);
    lab.run_for(1_ms);
    port.deliver_pending();
    CHECK(terminated == clients);
    CHECK(port.matching_services(by_name("UserClientSampleUserClient")).empty());
}
