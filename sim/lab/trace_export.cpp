#include "trace_export.h"

#include <cstdio>
#include <map>
#include <utility>

namespace dextlab::lab {

namespace {

std::string json_string(std::string const& text)
{
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\t': out += "\\t"; break;
        default:
            if (c < 0x20) {
                char buffer[8];
                std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
                out += buffer;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
    return out + "\"";
}

std::string timestamp_us(VirtualTime ns)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%llu.%03llu", static_cast<unsigned long long>(ns / 1000),
        static_cast<unsigned long long>(ns % 1000));
    return buffer;
}

} // namespace

std::string to_chrome_trace_json(std::vector<TraceRecord> const& records)
{
    std::map<std::string, int> pids;
    std::map<std::pair<int, std::string>, int> tids;
    std::string meta, events;
    auto pid_of = [&](std::string const& process) {
        auto [it, fresh] = pids.emplace(process, static_cast<int>(pids.size()) + 1);
        if (fresh)
            meta += "{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":" + std::to_string(it->second)
                + ",\"tid\":0,\"args\":{\"name\":" + json_string(process) + "}},\n";
        return it->second;
    };
    auto tid_of = [&](int pid, std::string const& lane) {
        auto key = std::make_pair(pid, lane);
        auto [it, fresh] = tids.emplace(key, static_cast<int>(tids.size()) + 1);
        if (fresh)
            meta += "{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":" + std::to_string(pid) + ",\"tid\":"
                + std::to_string(it->second) + ",\"args\":{\"name\":" + json_string(lane) + "}},\n";
        return it->second;
    };
    for (auto const& r : records) {
        int pid = pid_of(r.process);
        int tid = tid_of(pid, r.lane);
        char const* ph = "i";
        switch (r.phase) {
        case TracePhase::Instant: ph = "i"; break;
        case TracePhase::Begin: ph = "B"; break;
        case TracePhase::End: ph = "E"; break;
        case TracePhase::AsyncBegin: ph = "b"; break;
        case TracePhase::AsyncEnd: ph = "e"; break;
        }
        std::string name = std::string(r.point);
        if (r.phase == TracePhase::Begin || r.phase == TracePhase::End)
            name = "run " + r.lane;
        else if (!r.object.empty())
            name += " " + r.object;
        std::string event = "{\"ph\":\"" + std::string(ph) + "\",\"name\":" + json_string(name) + ",\"cat\":\""
            + to_string(r.category) + "\",\"ts\":" + timestamp_us(r.time) + ",\"pid\":" + std::to_string(pid)
            + ",\"tid\":" + std::to_string(tid);
        if (r.phase == TracePhase::Instant)
            event += ",\"s\":\"t\"";
        if (r.phase == TracePhase::AsyncBegin || r.phase == TracePhase::AsyncEnd)
            event += ",\"id\":" + std::to_string(r.async_id);
        event += ",\"args\":{\"seq\":" + std::to_string(r.sequence);
        for (auto const& f : r.fields)
            event += "," + json_string(f.key) + ":" + json_string(f.value_text());
        event += "}}";
        events += event + ",\n";
    }
    std::string all = meta + events;
    if (all.size() >= 2)
        all.erase(all.size() - 2); // the last ",\n"
    return "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n" + all + "\n]}\n";
}

} // namespace dextlab::lab
