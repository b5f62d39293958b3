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

TraceBus::SubscriptionId TraceBus::subscribe(Subscriber subscriber)
{
    auto id = ++m_next_subscription;
    m_subscribers.emplace_back(id, std::move(subscriber));
    return id;
}

void TraceBus::unsubscribe(SubscriptionId id)
{
    std::erase_if(m_subscribers, [id](auto const& entry) { return entry.first == id; });
}

void TraceBus::publish(TraceRecord record)
{
    record.time = m_clock();
    record.sequence = m_next_sequence++;
    // Copy the list: a subscriber may unsubscribe itself while being called.
    auto subscribers = m_subscribers;
    for (auto const& [id, subscriber] : subscribers)
        subscriber(record);
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
