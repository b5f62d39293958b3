#pragma once
// A scenario file, parsed: what to load, and the ordered steps to run. Parsing is strict
// (unknown keys are errors, hex must be written 0x…, durations carry units) and every error
// names file:line:col. The schema is documented in docs/scenarios.md.

#include "kernel_model/registry/property.h"
#include "sim/core/error.h"
#include "sim/core/time.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace dextlab::lab {

struct SourceLocation {
    std::string file;
    int line { 0 };   // 1-based
    int column { 0 }; // 1-based
    std::string to_string() const; // "file:line:col"
};

// `>= 8`, `== 0`, `< 3`, or a bare number meaning `==`.
struct Comparison {
    enum class Op : uint8_t { Equal, NotEqual, Less, LessEqual, Greater, GreaterEqual };
    Op op { Op::Equal };
    uint64_t value { 0 };
    bool holds(uint64_t actual) const;
    std::string to_string() const; // ">= 8"
};

// plug: {id: dev0, device: vendor-interrupt, vid: 0x1209, pid: 0x0001, interval: 1ms}
// Every key other than id and device is a device-model parameter: numbers (hex or decimal) go to
// `numbers`, durations with a unit to `durations` (ns), strings to `strings`. The model validates them.
struct PlugStep {
    std::string id;
    std::string model;
    std::map<std::string, uint64_t> numbers;
    std::map<std::string, Duration> durations; // written with a unit; in ns
    std::map<std::string, std::string> strings;
    std::map<std::string, SourceLocation> param_locations; // where each parameter was written
};

// unplug: dev0
struct UnplugStep {
    std::string id;
};

// run: 10ms
struct RunStep {
    Duration duration { 0 };
};

// expect: {...} — every key given must hold. `within` keeps running virtual time until they do.
struct ExpectStep {
    std::optional<std::string> service;          // a dext service, by IOUserClass / registry name
    std::optional<std::string> state;            // with service: started | stopped | absent;
                                                 // with sysext: waiting | enabled | terminated | absent
    std::optional<Comparison> launches;          // with service: how many times its server launched
    std::optional<std::string> log;              // a substring of dext log lines
    std::optional<std::string> services_of;      // a dext (bundle name): its live services
    std::optional<Comparison> count;             // with log or services-of (default for log: >= 1)
    std::optional<Comparison> leaked_objects;    // with services-of or service: objects leaked at server exit
    std::optional<std::string> registry;         // a registry path "IOUSBHostDevice/IOUSBHostInterface/Name"
    std::optional<bool> present;                 // with registry (default true)
    std::optional<Duration> within;              // run up to this long for the expectation to hold
    std::optional<std::string> event;            // a trace point, like entitlement_refused: records of it so far
    std::optional<std::string> with;             // with event: text the record must contain (object or a field);
                                                 // with dext: text a leaked object's report must contain
    std::optional<std::string> sysext;           // a system extension, by bundle name or identifier
    std::optional<std::string> version;          // with sysext: its active CFBundleVersion
    std::optional<std::string> dext;             // a dext (bundle name), with leaked-objects: its server's last exit
    std::optional<std::string> property;         // with registry: a property as readers see it (present: false = absent)
    std::optional<std::string> value;            // with property: number, text, true/false, or ioreg's form (<0102>)
};

// ioreg: {} or ioreg: {properties: true} — print the registry as it stands (like `ioreg -l`).
struct IoregStep {
    bool properties { false };
};

// crash: {dext: MyDriver, how: segv} — the dext's server fails as dext code would
// (segv | abort | exit | hang; default segv). In-process the outcome is modelled; with
// isolation a real dextlab-driverhost process dies.
struct CrashStep {
    std::string dext;
    std::string how { "segv" };
};

// activate: {dext: v2/MyDriver, approval: manual} — an app asks to activate a system extension
// (approval automatic by default, as in CI); approve: MyDriver — the user allows it;
// deactivate: MyDriver — an app asks to deactivate it.
struct ActivateStep {
    std::string dext;
    bool manual { false };
};
struct ApproveStep {
    std::string dext;
};
struct DeactivateStep {
    std::string dext;
};

// client: what an app does through IOKit (docs/scenarios.md "Client steps"):
//   {open: UserClientSampleDriver, type: 0, as: c}      IOServiceOpen on the service of that name
//   {call: c, selector: 0, scalars: [2, 3], expect-scalars: [5]}
//   {call: c, selector: 1, struct: "hello", expect-struct: "olleh"}   (struct-pattern: N for N bytes i&0xff)
//   {call: c, selector: 3, scalars: [3, 1000], async: true}          completions arrive as client_async
//   {map: c, type: 0, expect-bytes: [7, 8, 9], offset: 0}            IOConnectMapMemory64
//   {close: c}
// Every client step expects `status` (an IOReturn name; default kIOReturnSuccess).
struct ClientStep {
    enum class Op : uint8_t { Open, Call, Map, Close };
    Op op { Op::Open };
    std::string connection; // open: the name given with `as`; else the connection used
    std::string service;    // open: the registry name (IOServiceNameMatching)
    uint64_t type { 0 };    // open: the user-client type; map: the memory type
    uint32_t selector { 0 };
    std::vector<uint64_t> scalars;
    std::vector<uint8_t> structure;
    std::optional<uint32_t> scalar_outputs;   // room for scalars (default: expect-scalars' length)
    std::optional<uint64_t> structure_output; // room for a structure (default: expect-struct's length)
    bool async { false };
    std::string status { "kIOReturnSuccess" };
    std::optional<std::vector<uint64_t>> expect_scalars;
    std::optional<std::vector<uint8_t>> expect_struct;
    std::optional<std::vector<uint8_t>> expect_bytes; // map: bytes at `offset` of the mapping
    uint64_t offset { 0 };
};

// hid: the HID event system and a dext's HID device (docs/scenarios.md "hid"):
//   {device: VirtualHIDKeyboard, set-report: [0x02], type: output}     setReport (an LED change)
//   {device: VirtualHIDKeyboard, get-report: 8, expect-bytes: [0, 0, 7, 0, 0, 0, 0, 0]}
// `type` defaults to output for set-report and input for get-report; `report-id` to the first
// byte when the descriptor declares ids (else 0); `status` to kIOReturnSuccess.
struct HidStep {
    std::string device;         // the device's registry name (the dext's IOUserClass)
    bool get { false };
    std::vector<uint8_t> report; // set-report: the bytes sent
    uint32_t length { 0 };       // get-report: the buffer's size
    std::string type;            // input | output | feature
    std::optional<uint8_t> report_id;
    std::optional<Duration> timeout; // completionTimeout (whole ms)
    std::string status { "kIOReturnSuccess" };
    std::optional<std::vector<uint8_t>> expect_bytes; // get-report: the bytes expected back
};

struct Step {
    SourceLocation where; // of the step's verb
    std::variant<PlugStep, UnplugStep, RunStep, ExpectStep, IoregStep, CrashStep, ActivateStep, ApproveStep, DeactivateStep, ClientStep,
        HidStep>
        action;
};

// app: {name: SampleApp, entitlements: {com.apple.developer.driverkit.userclient-access: [org.example.Driver]}}
// The app `client` steps act as: its name in traces and the entitlements its code signature
// would carry (booleans, strings and lists of strings).
struct AppSpec {
    std::string name { "app" };
    kernel::PropertyDict entitlements;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string description;
    uint64_t seed { 0 };
    bool seed_given { false };
    bool isolate { false }; // `isolate: true`: every IOUserServer in its own process
    bool development { false }; // `development: true`: entitlement refusals become warnings (SIP off)
    std::vector<std::string> dexts; // bundle names, e.g. MyUserUSBInterfaceDriver
    std::map<std::string, SourceLocation> dext_locations;
    std::vector<Step> steps;
    AppSpec app;
};

// Parses a scenario file. Errors read "file:line:col: message" and suggest the fix.
ErrorOr<Scenario> parse_scenario_file(std::string const& path);
// Same, from text (for tests); `file` is used in messages.
ErrorOr<Scenario> parse_scenario_text(std::string const& text, std::string const& file);

} // namespace dextlab::lab
