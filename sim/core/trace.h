#pragma once
// The trace bus: everything observable in the lab is published here as a typed record —
// IPC messages, queue work, USB transfers, registry changes, driver log lines. Consumers (the
// CLI log, scenario expectations, the Chrome/Perfetto exporter, the GUI) subscribe; none of them
// reach into another layer. Records carry virtual time and a sequence number, never wall-clock
// time or addresses, so the same scenario and seed give byte-identical traces.

#include "time.h"

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace dextlab {

enum class TraceCategory : uint8_t {
    Lifecycle, // servers launched/exited, services started/stopped/freed
    Ipc,       // kernel <-> dext messages
    Queue,     // dispatch-queue enqueue / run
    Usb,       // device attach, control requests, transfer submit/complete
    Registry,  // registry entries published/terminated, properties changed
    Matching,  // personalities considered, scores, winners
    Log,       // os_log from a dext, IOLog
    Scenario,  // steps of a scenario, expectations
};
char const* to_string(TraceCategory);

// How an exporter should draw the record on a timeline.
enum class TracePhase : uint8_t {
    Instant,
    Begin,      // opens a slice on the record's lane (must nest per lane)
    End,        // closes it
    AsyncBegin, // opens an overlapping span identified by async_id (e.g. one URB)
    AsyncEnd,
};

// A trace point is declared once per subsystem (see each layer's trace_points.h).
struct TracePoint {
    std::string_view name;
    TraceCategory category;
};

struct TraceField {
    enum class Format : uint8_t { Decimal, Hex, Text };
    std::string key;
    std::variant<uint64_t, int64_t, std::string> value;
    Format format { Format::Decimal };

    static TraceField dec(std::string key, uint64_t v) { return { std::move(key), v, Format::Decimal }; }
    static TraceField sdec(std::string key, int64_t v) { return { std::move(key), v, Format::Decimal }; }
    static TraceField hex(std::string key, uint64_t v) { return { std::move(key), v, Format::Hex }; }
    static TraceField text(std::string key, std::string v) { return { std::move(key), std::move(v), Format::Text }; }

    std::string value_text() const;
};

struct TraceRecord {
    VirtualTime time { 0 };
    uint64_t sequence { 0 };
    std::string_view point;    // the trace point's name (static storage)
    TraceCategory category { TraceCategory::Log };
    TracePhase phase { TracePhase::Instant };
    std::string process;       // "kernel", or the dext server's name
    std::string lane;          // a thread-like lane: a dispatch queue, "usb", "matching", ...
    std::string object;        // the object the record is about (a device id, a service name)
    uint64_t async_id { 0 };   // for AsyncBegin/AsyncEnd
    std::vector<TraceField> fields;

    TraceField const* field(std::string_view key) const;
    // One line, stable across runs: "   1.000000 ms  kernel  usb_transfer_complete  dev0 ep=0x81 ..."
    std::string to_line() const;
};

class TraceBus {
public:
    using Subscriber = std::function<void(TraceRecord const&)>;
    using SubscriptionId = uint64_t;
    using Clock = std::function<VirtualTime()>;

    explicit TraceBus(Clock clock)
        : m_clock(std::move(clock))
    {
    }

    SubscriptionId subscribe(Subscriber subscriber);
    void unsubscribe(SubscriptionId id);

    // Stamps time and sequence and hands the record to every subscriber, in subscription order.
    void publish(TraceRecord record);

    // Convenience for the common case.
    void emit(TracePoint const& point, std::string process, std::string lane, std::string object,
        std::vector<TraceField> fields = {}, TracePhase phase = TracePhase::Instant, uint64_t async_id = 0);

    uint64_t records_published() const { return m_next_sequence; }

private:
    Clock m_clock;
    uint64_t m_next_sequence { 0 };
    uint64_t m_next_subscription { 0 };
    std::vector<std::pair<SubscriptionId, Subscriber>> m_subscribers;
};

} // namespace dextlab
