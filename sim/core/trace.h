#pragma once
// The trace bus: everything observable in the lab is published here as a typed record —
// IPC messages, queue work, USB transfers, registry changes, driver log lines. Consumers (the
// CLI log, scenario expectations, the Chrome/Perfetto exporter, the GUI) subscribe; none of them
// reach into another layer. Records carry virtual time and a sequence number, never wall-clock
// time or addresses, so the same scenario and seed give byte-identical traces.

#include "time.h"

#include <array>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
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

// A trace point is declared once per subsystem (see each layer's trace_points.h), in static
// storage: the bus tells points apart by address.
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

// What emit() takes after the trace point, for emit_lazily().
struct TraceArgs {
    std::string process;
    std::string lane;
    std::string object;
    std::vector<TraceField> fields {};
    TracePhase phase { TracePhase::Instant };
    uint64_t async_id { 0 };
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

    // `points`: the names of the trace points the subscriber wants; none means every record.
    SubscriptionId subscribe(Subscriber subscriber, std::vector<std::string_view> points = {});
    void unsubscribe(SubscriptionId id);

    // Stamps time and sequence and hands the record to every subscriber that wants it, in
    // subscription order. A record published while subscribers come and go reaches exactly the
    // ones subscribed when its publication began.
    void publish(TraceRecord record);

    // Convenience for the common case.
    void emit(TracePoint const& point, std::string process, std::string lane, std::string object,
        std::vector<TraceField> fields = {}, TracePhase phase = TracePhase::Instant, uint64_t async_id = 0);

    // Whether a subscriber wants records of `point`.
    bool wanted(TracePoint const& point) const
    {
        WantedSlot const& recent = recent_slot(point);
        return recent.point == &point ? recent.answer : wanted_slowly(point);
    }
    // emit() for hot paths: `build` returns the TraceArgs and runs only when a subscriber wants
    // the record. A record nobody wants still takes its sequence number, so the numbers a
    // subscriber sees do not depend on who else listens.
    template<typename Build>
    void emit_lazily(TracePoint const& point, Build&& build)
    {
        if (!wanted(point)) {
            ++m_next_sequence;
            return;
        }
        TraceArgs args = build();
        emit(point, std::move(args.process), std::move(args.lane), std::move(args.object), std::move(args.fields),
            args.phase, args.async_id);
    }

    uint64_t records_published() const { return m_next_sequence; }

private:
    struct Subscription {
        SubscriptionId id;
        Subscriber subscriber;
        std::vector<std::string_view> points; // empty: every record
        uint64_t removed_from { UINT64_MAX }; // unsubscribed: records from this sequence on are not delivered
        bool takes(std::string_view point) const;
    };

    Clock m_clock;
    uint64_t m_next_sequence { 0 };
    uint64_t m_next_subscription { 0 };
    int m_publishing { 0 }; // publish() calls on the stack: subscriptions are only erased at 0
    // wanted()'s answers by trace point (each is one object), until subscriptions change; the
    // hot paths ask several times per callback, so a small table keyed by the point's address
    // answers first.
    mutable std::vector<std::pair<TracePoint const*, bool>> m_wanted;
    struct WantedSlot {
        TracePoint const* point { nullptr };
        bool answer { false };
    };
    mutable std::array<WantedSlot, 64> m_wanted_recently {};
    WantedSlot& recent_slot(TracePoint const& point) const
    {
        return m_wanted_recently[(reinterpret_cast<uintptr_t>(&point) / sizeof(TracePoint)) % m_wanted_recently.size()];
    }
    bool wanted_slowly(TracePoint const& point) const;
    void forget_wanted() const
    {
        m_wanted.clear();
        m_wanted_recently.fill(WantedSlot {});
    }
    // Held by pointer: a subscriber that subscribes another while it runs must not be moved.
    std::vector<std::unique_ptr<Subscription>> m_subscriptions;
};

} // namespace dextlab
