#include "trace.h"

#include <algorithm>
#include <cstdio>

namespace dextlab {

char const* to_string(TraceCategory category)
{
    switch (category) {
    case TraceCategory::Lifecycle: return "lifecycle";
    case TraceCategory::Ipc: return "ipc";
    case TraceCategory::Queue: return "queue";
    case TraceCategory::Usb: return "usb";
    case TraceCategory::Registry: return "registry";
    case TraceCategory::Matching: return "matching";
    case TraceCategory::Log: return "log";
    case TraceCategory::Scenario: return "scenario";
    }
    return "?";
}

std::string TraceField::value_text() const
{
    if (auto const* text = std::get_if<std::string>(&value))
        return *text;
    char buffer[32];
    if (auto const* u = std::get_if<uint64_t>(&value)) {
        if (format == Format::Hex)
            std::snprintf(buffer, sizeof buffer, "0x%llx", static_cast<unsigned long long>(*u));
        else
            std::snprintf(buffer, sizeof buffer, "%llu", static_cast<unsigned long long>(*u));
    } else {
        std::snprintf(buffer, sizeof buffer, "%lld", static_cast<long long>(std::get<int64_t>(value)));
    }
    return buffer;
}

TraceField const* TraceRecord::field(std::string_view key) const
{
    for (auto const& f : fields) {
        if (f.key == key)
            return &f;
    }
    return nullptr;
}

std::string TraceRecord::to_line() const
{
    std::string line = format_time(time);
    line += "  ";
    line += process;
    line.append(process.size() < 12 ? 12 - process.size() : 1, ' ');
    line += point;
    if (!object.empty()) {
        line += "  ";
        line += object;
    }
    for (auto const& f : fields) {
        line += ' ';
        line += f.key;
        line += '=';
        std::string value = f.value_text();
        bool quote = f.format == TraceField::Format::Text && value.find(' ') != std::string::npos;
        if (quote)
            line += '"';
        line += value;
        if (quote)
            line += '"';
    }
    return line;
}

bool TraceBus::Subscription::takes(std::string_view point) const
{
    return points.empty() || std::find(points.begin(), points.end(), point) != points.end();
}

TraceBus::SubscriptionId TraceBus::subscribe(Subscriber subscriber, std::vector<std::string_view> points)
{
    auto id = ++m_next_subscription;
    forget_wanted();
    m_subscriptions.push_back(std::make_unique<Subscription>(Subscription { id, std::move(subscriber), std::move(points) }));
    return id;
}

void TraceBus::unsubscribe(SubscriptionId id)
{
    for (auto& subscription : m_subscriptions) {
        if (subscription->id == id && subscription->removed_from == UINT64_MAX)
            subscription->removed_from = m_next_sequence;
    }
    forget_wanted();
    // A subscriber may unsubscribe itself (or another) while it runs: it is erased once no
    // publication is under way.
    if (m_publishing == 0)
        std::erase_if(m_subscriptions, [](auto const& s) { return s->removed_from != UINT64_MAX; });
}

bool TraceBus::wanted_slowly(TracePoint const& point) const
{
    // Asked for every record on the hot paths: remember the answer per point.
    WantedSlot& recent = recent_slot(point);
    for (auto const& [known, answer] : m_wanted) {
        if (known == &point) {
            recent = WantedSlot { &point, answer };
            return answer;
        }
    }
    bool answer = std::any_of(m_subscriptions.begin(), m_subscriptions.end(),
        [&](auto const& s) { return s->removed_from == UINT64_MAX && s->takes(point.name); });
    m_wanted.emplace_back(&point, answer);
    recent = WantedSlot { &point, answer };
    return answer;
}

void TraceBus::publish(TraceRecord record)
{
    record.time = m_clock();
    record.sequence = m_next_sequence++;
    // Walk the subscriptions in place rather than copying the list for every record: the
    // subscriptions present now get the record (also those unsubscribed while it is delivered),
    // those added meanwhile do not.
    ++m_publishing;
    size_t const count = m_subscriptions.size();
    for (size_t i = 0; i < count; ++i) {
        Subscription const& subscription = *m_subscriptions[i];
        if (record.sequence < subscription.removed_from && subscription.takes(record.point))
            subscription.subscriber(record);
    }
    if (--m_publishing == 0)
        std::erase_if(m_subscriptions, [](auto const& s) { return s->removed_from != UINT64_MAX; });
}

void TraceBus::emit(TracePoint const& point, std::string process, std::string lane, std::string object,
    std::vector<TraceField> fields, TracePhase phase, uint64_t async_id)
{
    TraceRecord record;
    record.point = point.name;
    record.category = point.category;
    record.phase = phase;
    record.process = std::move(process);
    record.lane = std::move(lane);
    record.object = std::move(object);
    record.async_id = async_id;
    record.fields = std::move(fields);
    publish(std::move(record));
}

} // namespace dextlab
