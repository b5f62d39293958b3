// Callbacks end to end through the lab, in-process on one thread (issue 4, item 8): the real
// Lab and Kernel, the real libDriverKit runtime, and bench dexts built with dextlab_add_dext
// (bench/dexts) whose handlers only count. Target: at least 5 million USB completions per
// second. Figures: docs/PERFORMANCE.md.
//
//   build/bench/completion_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
//  - usb_completion: the kernel completes a read (Kernel::transfer_finished, what the USB host
//    calls when a device finishes a transfer): Invoke(CompleteAsyncIO) to the dext, the runtime
//    decodes it and queues the work on the action's target queue, the kernel schedules the
//    queue and sends RunQueueItem 2 µs of virtual time later, and BenchCompletionDriver's
//    ReadComplete runs. One iteration is one completion.
//  - timer: a periodic IOTimerDispatchSource, re-armed by its handler as DriverKit timers are:
//    WakeAtTime, the kernel's timer event, Invoke(TimerOccurred), the queue, the handler. One
//    iteration is one period (10 µs of virtual time), one firing.
//  - dispatch_async (blocks) and dispatch_async_f: a chain of work items on one queue, each
//    queueing the next: DispatchAsync, the QueueWork report, the kernel running the queue 1 µs
//    later, the item. One iteration is one item.
//  - in_process_round_trip: the baseline, one request and reply through the in-process link to
//    a handler that answers at once (a callback costs three such messages and a scheduler
//    event, plus the work at both ends).
// Every benchmark checks its count against what the dext reports when it stops, and that the
// dext leaked nothing.

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/transport.h"
#include "kernel_model/trace_points.h"
#include "kernel_model/usb_host/usb_objects.h"
#include "sim/lab/lab.h"

#include <benchmark/benchmark.h>

#include <charconv>
#include <optional>

using namespace dextlab;

namespace {

constexpr uint64_t kBenchVendor = 0x1209;

// A lab with one bench dext started on its own vendor-interrupt device.
class BenchLab {
public:
    BenchLab(std::string dext, std::string user_class, uint64_t product)
        : m_lab(options())
        , m_dext(std::move(dext))
        , m_user_class(std::move(user_class))
    {
        if (auto loaded = m_lab.load_dext(m_dext); !loaded) {
            m_error = loaded.error().message;
            return;
        }
        usb::DeviceParams params;
        params.numbers = { { "vid", kBenchVendor }, { "pid", product } };
        if (auto plugged = m_lab.plug("dev0", "vendor-interrupt", params); !plugged) {
            m_error = plugged.error().message;
            return;
        }
        if (!m_lab.scheduler().run_until([this] { return m_lab.times_started(m_user_class) > 0; }, m_lab.now() + 50_ms))
            m_error = m_user_class + " did not start";
    }

    lab::Lab& lab() { return m_lab; }
    std::string const& error() const { return m_error; }

    // Unplugs the device, lets the server exit and returns the count the dext logged in Stop
    // ("<class>: <count> <what>"); an error if it logged none or leaked objects.
    ErrorOr<uint64_t> stop_and_count()
    {
        TRY(m_lab.unplug("dev0"));
        m_lab.scheduler().run_until([this] { return !m_lab.kernel().any_server_running(); }, m_lab.now() + 50_ms);
        if (m_lab.kernel().any_server_running())
            return Error::with(m_dext + " did not exit");
        if (auto const* server = m_lab.kernel().server_for_bundle(m_dext); server && !server->last_leaks().empty())
            return Error::with(m_dext + " leaked " + server->last_leaks().front());
        std::string const prefix = m_user_class + ": ";
        for (auto const& line : m_lab.log_lines()) {
            if (line.text.rfind(prefix, 0) != 0)
                continue;
            uint64_t count = 0;
            char const* first = line.text.data() + prefix.size();
            if (std::from_chars(first, line.text.data() + line.text.size(), count).ec == std::errc {})
                return count;
        }
        return Error::with(m_user_class + " logged no count");
    }

private:
    static lab::LabOptions options()
    {
        lab::LabOptions options;
        options.dext_search_path = { DEXTLAB_BENCH_DEXT_DIR }; // the bench dexts only
        return options;
    }

    lab::Lab m_lab;
    std::string m_dext;
    std::string m_user_class;
    std::string m_error;
};

// Fails the benchmark unless the dext counted between `min` and `max` callbacks.
void check_count(benchmark::State& state, BenchLab& bench, uint64_t min, uint64_t max)
{
    auto counted = bench.stop_and_count();
    if (!counted)
        return state.SkipWithError(counted.error().message.c_str());
    if (counted.value() < min || counted.value() > max) {
        std::string what = "the dext counted " + std::to_string(counted.value()) + ", expected " + std::to_string(min)
            + (max > min ? ".." + std::to_string(max) : "");
        state.SkipWithError(what.c_str());
    }
}

// `full_trace`: a subscriber takes every record, as `dextlab run` (scenario expectations) and
// the GUI do; without it only the Lab's own index listens (dext logs and service starts).
void usb_completions(benchmark::State& state, bool full_trace)
{
    BenchLab bench("BenchCompletionDriver", "BenchCompletionDriver", 0xB001);
    if (!bench.error().empty())
        return state.SkipWithError(bench.error().c_str());
    auto& lab = bench.lab();
    // The dext's one read completes for real first; its Invoke names the action to complete.
    std::optional<uint64_t> action;
    auto watching = lab.trace().subscribe([&](TraceRecord const& r) {
        auto const* method = r.field("method");
        if (r.point == kernel::tp::ipc_to_dext.name && method && method->value_text() == "IOUSBHostPipe::CompleteAsyncIO")
            action = std::get<uint64_t>(r.field("target")->value);
    });
    lab.scheduler().run_until([&] { return action.has_value(); }, lab.now() + 50_ms);
    lab.trace().unsubscribe(watching);
    lab.run_for(10_us); // its ReadComplete runs
    if (!action)
        return state.SkipWithError("the first read did not complete");

    kernel::PendingTransfer read;
    read.server_tag = lab.kernel().server_for_bundle("BenchCompletionDriver")->tag();
    read.action_id = *action;
    read.transfer.actual = 8;
    uint64_t records = 0;
    std::optional<TraceBus::SubscriptionId> everything;
    if (full_trace)
        everything = lab.trace().subscribe([&](TraceRecord const&) { ++records; });
    for (auto _ : state) {
        lab.kernel().transfer_finished(read, ipc::kr::Success);
        lab.run_for(2_us); // KernelTiming::queue_dispatch: the queue runs 2 µs after the work arrived
    }
    if (everything) {
        lab.trace().unsubscribe(*everything);
        state.counters["records_per_completion"] = static_cast<double>(records) / static_cast<double>(state.iterations());
    }
    uint64_t const expected = static_cast<uint64_t>(state.iterations()) + 1;
    check_count(state, bench, expected, expected);
    state.SetItemsProcessed(state.iterations());
}

void BM_usb_completion(benchmark::State& state) { usb_completions(state, false); }
BENCHMARK(BM_usb_completion);
void BM_usb_completion_full_trace(benchmark::State& state) { usb_completions(state, true); }
BENCHMARK(BM_usb_completion_full_trace);

// The chain and timer benchmarks advance virtual time by one period per iteration; what ran
// before and after the timed loop (start, stop) is bounded by the virtual time spent there.
void run_periodic(benchmark::State& state, char const* dext, char const* user_class, uint64_t product, Duration period)
{
    BenchLab bench(dext, user_class, product);
    if (!bench.error().empty())
        return state.SkipWithError(bench.error().c_str());
    auto& lab = bench.lab();
    VirtualTime const started = lab.now();
    for (auto _ : state)
        lab.run_for(period);
    VirtualTime const measured = lab.now() - started;
    uint64_t const iterations = static_cast<uint64_t>(state.iterations());
    if (measured != iterations * period)
        return state.SkipWithError("virtual time did not advance one period per iteration");
    // Before the loop at most one item per period ran since the lab started; after it, the
    // chain runs until Stop, a few dozen microseconds after the unplug.
    check_count(state, bench, iterations, iterations + started / period + 64);
    state.SetItemsProcessed(state.iterations());
}

void BM_timer(benchmark::State& state) { run_periodic(state, "BenchCompletionDriver", "BenchTimerDriver", 0xB002, 10_us); }
BENCHMARK(BM_timer);

void BM_dispatch_async_f(benchmark::State& state)
{
    run_periodic(state, "BenchCompletionDriver", "BenchDispatchFunctionDriver", 0xB004, 1_us);
}
BENCHMARK(BM_dispatch_async_f);

void BM_dispatch_async(benchmark::State& state)
{
#if DEXTLAB_BENCH_BLOCKS
    run_periodic(state, "BenchDispatchDriver", "BenchDispatchDriver", 0xB003, 1_us);
#else
    state.SkipWithError("BenchDispatchDriver needs clang blocks; this build has none (see cmake/DextlabDext.cmake)");
#endif
}
BENCHMARK(BM_dispatch_async);

// The baseline: one in-process request and reply to a handler that answers at once.
struct Echo final : ipc::MessageHandler {
    ipc::Message handle(ipc::Message const&) override { return ipc::make_reply(0); }
};

void BM_in_process_round_trip(benchmark::State& state)
{
    ipc::InProcessLink link;
    Echo kernel, dext;
    link.set_kernel_handler(&kernel);
    link.set_dext_handler(&dext);
    auto request = ipc::Message::make(ipc::MessageKind::Invoke, 7, 1);
    ipc::WireWriter(request).u64(0).u64(8).u64(0);
    for (auto _ : state) {
        auto reply = link.kernel_side().call(request);
        benchmark::DoNotOptimize(reply);
    }
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_in_process_round_trip);

} // namespace

BENCHMARK_MAIN();
