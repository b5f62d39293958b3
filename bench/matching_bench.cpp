// Matching time per device (issue 3, item 7): 1,000 USB nubs matched against a catalogue of
// 1,000 or 10,000 personalities, through the catalogue index (what Kernel::match does) and
// through the linear scan of every personality it replaced, in the same run. Target: under
// 20 µs per device at 10,000 personalities. Figures: docs/PERFORMANCE.md.
//
//   build/bench/matching_bench --benchmark_min_time=0.5
//
// The catalogue is generated from a fixed seed: per vendor a few dexts' worth of product,
// device and vendor-wide personalities, plus 48 class drivers (HID, CDC, audio, ...) that every
// interface of their class is offered, as on a Mac. The nubs are devices and interfaces of
// known and unknown vendors; about half of them match something.

#include "kernel_model/matching/catalogue.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/usb_host/usb_objects.h"
#include "sim/core/trace.h"

#include <benchmark/benchmark.h>

#include <memory>

using namespace dextlab::kernel;

namespace {

constexpr size_t kDevices = 1000;
constexpr int kClassDrivers = 48;

// A fixed-seed generator (PCG-style LCG): the catalogue and the nubs are the same every run.
struct Lcg {
    uint64_t state;
    uint64_t next(uint64_t bound)
    {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return (state >> 33) % bound;
    }
};

Property num(uint64_t v) { return Property::number(v, 32); }

Personality make_personality(std::string name, char const* provider, std::vector<std::pair<char const*, uint64_t>> keys)
{
    Personality p { std::move(name), {} };
    p.properties["IOProviderClass"] = Property::string(provider);
    p.properties["IOClass"] = Property::string("IOUserService");
    p.properties["IOUserClass"] = Property::string(p.name);
    p.properties["IOUserServerName"] = Property::string("org.dextlab.bench." + p.name);
    for (auto const& [k, v] : keys)
        p.properties[k] = num(v);
    return p;
}

// `count` personalities over count/5 vendors (0x2000 + i), plus the class drivers.
Catalogue make_catalogue(size_t count)
{
    Catalogue catalogue;
    Lcg rng { 42 };
    uint64_t vendors = count / 5;
    for (int i = 0; i < kClassDrivers; ++i) {
        uint64_t cls = std::array<uint64_t, 6> { 1, 2, 3, 7, 8, 10 }[i % 6];
        catalogue.add({ "ClassDrivers", make_personality("class" + std::to_string(i), "IOUSBHostInterface",
                                            { { "bInterfaceClass", cls }, { "bInterfaceSubClass", static_cast<uint64_t>(i % 8) },
                                                { "bInterfaceProtocol", static_cast<uint64_t>(i / 8) } }) });
    }
    for (size_t i = catalogue.size(); i < count; ++i) {
        uint64_t vid = 0x2000 + rng.next(vendors);
        uint64_t pid = rng.next(4);
        std::string name = "p" + std::to_string(i);
        std::string dext = "Dext" + std::to_string(vid);
        switch (rng.next(10)) {
        case 0:
        case 1:
        case 2:
        case 3:
            catalogue.add({ dext, make_personality(name, "IOUSBHostInterface",
                                      { { "idVendor", vid }, { "idProduct", pid }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
            break;
        case 4:
        case 5:
        case 6:
            catalogue.add({ dext, make_personality(name, "IOUSBHostDevice", { { "idVendor", vid }, { "idProduct", pid } }) });
            break;
        case 7:
        case 8:
            catalogue.add({ dext, make_personality(name, "IOUSBHostInterface",
                                      { { "idVendor", vid }, { "bInterfaceSubClass", rng.next(4) }, { "bInterfaceProtocol", rng.next(4) } }) });
            break;
        default: {
            auto p = make_personality(name, "IOUSBHostDevice", { { "idVendor", vid } });
            p.properties["idProductArray"] = Property::array({ num(pid), num(pid + 4), num(pid + 8) });
            catalogue.add({ dext, std::move(p) });
            break;
        }
        }
    }
    return catalogue;
}

void set_usb_ids(RegistryEntry& nub, uint64_t vid, uint64_t pid)
{
    nub.set_property("idVendor", Property::number(vid, 16));
    nub.set_property("idProduct", Property::number(pid, 16));
    nub.set_property("bcdDevice", Property::number(0x100, 16));
}

// Half devices, half interfaces; 80% of a vendor in the catalogue (at 10,000 personalities).
std::vector<std::unique_ptr<RegistryEntry>> make_nubs()
{
    std::vector<std::unique_ptr<RegistryEntry>> nubs;
    Lcg rng { 7 };
    for (size_t i = 0; i < kDevices; ++i) {
        uint64_t vid = rng.next(10) < 8 ? 0x2000 + rng.next(2000) : 0x9000 + rng.next(100);
        uint64_t pid = rng.next(4);
        if (i % 2 == 0) {
            auto device = std::make_unique<UsbDeviceNub>();
            device->name = "Device";
            set_usb_ids(*device, vid, pid);
            for (char const* k : { "bDeviceClass", "bDeviceSubClass", "bDeviceProtocol" })
                device->set_property(k, Property::number(0, 8));
            nubs.push_back(std::move(device));
        } else {
            auto interface = std::make_unique<UsbInterfaceNub>();
            interface->name = "IOUSBHostInterface";
            set_usb_ids(*interface, vid, pid);
            bool vendor_specific = rng.next(10) < 6;
            interface->set_property("bConfigurationValue", Property::number(1, 8));
            interface->set_property("bInterfaceNumber", Property::number(0, 8));
            interface->set_property("bInterfaceClass", Property::number(vendor_specific ? 0xff : std::array<uint64_t, 4> { 3, 2, 1, 8 }[rng.next(4)], 8));
            interface->set_property("bInterfaceSubClass", Property::number(rng.next(4), 8));
            interface->set_property("bInterfaceProtocol", Property::number(rng.next(4), 8));
            nubs.push_back(std::move(interface));
        }
    }
    return nubs;
}

// As Kernel::match traces each candidate (match_candidate records on a bus nobody reads).
struct CandidateTracer {
    Catalogue const& catalogue;
    dextlab::TraceBus bus { [] { return dextlab::VirtualTime { 0 }; } };

    void operator()(size_t index, MatchResult const& result)
    {
        using dextlab::TraceField;
        auto const& entry = catalogue[index];
        std::vector<TraceField> fields { TraceField::text("personality", entry.personality.name), TraceField::text("dext", entry.bundle) };
        if (result.matched) {
            fields.push_back(TraceField::sdec("score", result.score));
            fields.push_back(TraceField::text("rule", result.rule));
        } else {
            fields.push_back(TraceField::text("failed", result.failed_key));
            fields.push_back(TraceField::text("why", result.reason));
        }
        bus.emit(tp::match_candidate, "kernel", "matching", "nub", std::move(fields));
    }
};

void match_devices(benchmark::State& state, CandidateSource source, bool traced = false)
{
    auto catalogue = make_catalogue(static_cast<size_t>(state.range(0)));
    auto nubs = make_nubs();
    size_t next = 0;
    size_t matched = 0;
    size_t considered = 0;
    CandidateTracer tracer { catalogue };
    for (auto _ : state) {
        NubFacts facts(*nubs[next]);
        size_t candidates = 0;
        auto rankings = rank_candidates(
            catalogue, facts, {},
            [&](size_t index, MatchResult const& result) {
                ++candidates;
                if (traced)
                    tracer(index, result);
            },
            source);
        benchmark::DoNotOptimize(rankings.data());
        matched += !rankings.empty();
        considered += candidates;
        next = (next + 337) % nubs.size(); // a stride, so a short run still samples every kind of nub
    }
    // One iteration is one device: the time per iteration is the time per device.
    state.counters["candidates/device"] = benchmark::Counter(static_cast<double>(considered) / static_cast<double>(state.iterations()));
    state.counters["matched"] = benchmark::Counter(static_cast<double>(matched) / static_cast<double>(state.iterations()));
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_match_indexed(benchmark::State& state) { match_devices(state, CandidateSource::Index); }
void BM_match_linear_scan(benchmark::State& state) { match_devices(state, CandidateSource::LinearScan); }
void BM_match_indexed_traced(benchmark::State& state) { match_devices(state, CandidateSource::Index, true); }

} // namespace

BENCHMARK(BM_match_indexed)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_match_linear_scan)->Arg(1000)->Arg(10000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_match_indexed_traced)->Arg(10000)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
