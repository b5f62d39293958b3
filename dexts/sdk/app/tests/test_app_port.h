#pragma once
// A test AppPort: a small in-memory registry (root, a USB device, its interface, and a service
// with a user client shaped like UserClientSampleDriver's) that answers every AppPort call the
// way the lab does, plus controls a test needs: publish and terminate entries, deliver while a
// call is in progress, inspect what the shim sent.

#include "kernel_model/ipc/app_port.h"
#include "kernel_model/ipc/os_serialize.h"

#include "../../../UserClientSampleDriver/UserClientSampleShared.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <doctest/doctest.h>

namespace dextlab::test {

using ipc::osser::Value;

inline constexpr uint32_t kIOReturnSuccessValue = 0;
inline constexpr uint32_t kBadArgument = 0xe00002c2;
inline constexpr uint32_t kNoDevice = 0xe00002c0;
inline constexpr uint32_t kNotFound = 0xe00002f0;
inline constexpr uint32_t kUnsupported = 0xe00002c7;
inline constexpr uint32_t kNotOpen = 0xe00002cd;

// An async selector for tests only: completes once with `scalar_input[0]` arguments 1, 2, 3, …
inline constexpr uint32_t kFakeSelectorAsyncArgs = 10;

struct FakeEntry {
    uint64_t id { 0 };
    std::string name;
    std::vector<std::string> classes; // most derived first
    uint64_t parent { 0 };
    Value properties { Value::make_dict() };
    bool registered { true };
};

class FakeLab final : public ipc::AppPort {
public:
    static constexpr uint64_t kRoot = 0x100;
    static constexpr uint64_t kDevice = 0x101;
    static constexpr uint64_t kInterface = 0x102;
    static constexpr uint64_t kSample = 0x103;

    FakeLab()
    {
        add({ kRoot, "Root", { "IORegistryEntry" }, 0, Value::make_dict(), true });
        add({ kDevice, "Widget", { "IOUSBHostDevice", "IOService", "IORegistryEntry" }, kRoot,
            Value::make_dict({ { "idVendor", Value::make_number(0x1209, 16) },
                { "idProduct", Value::make_number(0x0001, 16) },
                { "locationID", Value::make_number(0x14100000, 32) },
                { "USB Product Name", Value::make_string("Widget") } }),
            true });
        add({ kInterface, "IOUSBHostInterface", { "IOUSBHostInterface", "IOService", "IORegistryEntry" }, kDevice,
            Value::make_dict({ { "bInterfaceNumber", Value::make_number(0, 8) } }), true });
        add({ kSample, kUserClientSampleClassName, { "IOUserService", "IOService", "IORegistryEntry" }, kInterface,
            Value::make_dict({ { "IOUserClass", Value::make_string(kUserClientSampleClassName) },
                { "Serial", Value::make_number(0xfedcba9876543210ull, 64) },
                { "Negative", Value::make_number(0xffffffffull, 32) },
                { "Blob", Value::make_data({ 1, 2, 3 }) },
                { "Flags", Value::make_array({ Value::make_bool(true), Value::make_bool(false) }) },
                { "Nested", Value::make_dict({ { "Depth", Value::make_number(2, 8) } }) } }),
            true });
    }

    // --- test controls ---
    void publish(FakeEntry entry)
    {
        uint64_t id = entry.id;
        add(std::move(entry));
        for (auto const& n : m_notifications) {
            if (n.kind != ipc::ServiceNotification::Terminated && matches(n.matching, m_entries.at(id)))
                m_deliveries.push_back([cb = n.callback, id] { cb(id); });
        }
    }
    void terminate(uint64_t id)
    {
        auto& entry = m_entries.at(id);
        for (auto const& n : m_notifications) {
            if (n.kind == ipc::ServiceNotification::Terminated && matches(n.matching, entry))
                m_deliveries.push_back([cb = n.callback, id] { cb(id); });
        }
        entry.registered = false;
    }
    // Runs what is queued for the app at once (a lab that delivers while it runs the dext).
    void deliver_all()
    {
        while (!m_deliveries.empty())
            run_once();
    }

    bool deliver_during_calls { false };
    bool report_existing_on_arming { true };
    std::vector<uint8_t> last_matching;
    ipc::MethodCall last_call;
    size_t run_once_calls { 0 };
    std::vector<uint8_t> shared = std::vector<uint8_t>(kSampleSharedSize);
    UserClientSampleStats stats {};

    size_t live_notifications() const { return m_notifications.size(); }
    size_t open_connections() const { return m_open.size(); }
    size_t live_mappings() const { return m_mappings.size(); }
    size_t pending_deliveries() const { return m_deliveries.size(); }

    // --- ipc::AppPort ---
    ipc::AppResult<std::vector<uint64_t>> matching_services(std::vector<uint8_t> const& matching) override
    {
        last_matching = matching;
        ipc::AppResult<std::vector<uint64_t>> result;
        auto dict = ipc::osser::unserialize(matching);
        if (!dict || dict.value().kind != Value::Kind::Dict) {
            result.status = kBadArgument;
            return result;
        }
        for (auto const& [id, entry] : m_entries) {
            if (entry.registered && matches(dict.value(), entry))
                result.value.push_back(id);
        }
        return result;
    }
    ipc::AppResult<std::vector<uint8_t>> property(uint64_t entry, std::string const& key) override
    {
        ipc::AppResult<std::vector<uint8_t>> result;
        auto found = m_entries.find(entry);
        Value const* value = found == m_entries.end() ? nullptr : found->second.properties.find(key);
        if (!value)
            result.status = found == m_entries.end() ? kNoDevice : kNotFound;
        else
            result.value = ipc::osser::serialize(*value);
        return result;
    }
    ipc::AppResult<std::vector<uint8_t>> properties(uint64_t entry) override
    {
        ipc::AppResult<std::vector<uint8_t>> result;
        auto found = m_entries.find(entry);
        if (found == m_entries.end())
            result.status = kNoDevice;
        else
            result.value = ipc::osser::serialize(found->second.properties);
        return result;
    }
    ipc::AppResult<std::string> entry_name(uint64_t entry) override
    {
        return lookup<std::string>(entry, [](FakeEntry const& e) { return e.name; });
    }
    ipc::AppResult<std::string> entry_class(uint64_t entry) override
    {
        return lookup<std::string>(entry, [](FakeEntry const& e) { return e.classes.front(); });
    }
    ipc::AppResult<uint64_t> parent(uint64_t entry) override
    {
        auto result = lookup<uint64_t>(entry, [](FakeEntry const& e) { return e.parent; });
        if (result.ok() && result.value == 0)
            result.status = kNotFound;
        return result;
    }
    bool entry_exists(uint64_t entry) override { return m_entries.count(entry) != 0; }

    ipc::AppResult<uint64_t> open(uint64_t service, uint32_t type) override
    {
        ipc::AppResult<uint64_t> result;
        if (!m_entries.count(service) || !m_entries.at(service).registered)
            result.status = kNoDevice;
        else if (service != kSample)
            result.status = kUnsupported;
        else if (type != kUserClientSampleConnectType)
            result.status = kBadArgument;
        else
            m_open.insert(result.value = m_next_connection++);
        return result;
    }
    uint32_t close(uint64_t connection) override
    {
        if (!m_open.erase(connection))
            return kNotOpen;
        std::erase_if(m_mappings, [&](auto const& m) { return m.second == connection; });
        return kIOReturnSuccessValue;
    }
    ipc::MethodResult call_method(uint64_t connection, ipc::MethodCall call) override
    {
        if (deliver_during_calls)
            deliver_all();
        last_call = call;
        last_call.on_async_completion = nullptr;
        ipc::MethodResult result;
        if (!m_open.count(connection)) {
            result.status = kNotOpen;
            return result;
        }
        result.status = run_selector(call, result);
        if (result.status == 0)
            ++stats.calls;
        return result;
    }
    ipc::AppResult<ipc::ClientMapping> map_memory(uint64_t connection, uint64_t memory_type, uint64_t) override
    {
        ipc::AppResult<ipc::ClientMapping> result;
        if (!m_open.count(connection) || memory_type != kSampleMemoryShared) {
            result.status = m_open.count(connection) ? kBadArgument : kNotOpen;
            return result;
        }
        result.value = { m_next_mapping, shared.data(), shared.size() };
        m_mappings[m_next_mapping++] = connection;
        return result;
    }
    uint32_t unmap_memory(uint64_t connection, uint64_t mapping_id) override
    {
        auto found = m_mappings.find(mapping_id);
        if (found == m_mappings.end() || found->second != connection)
            return kBadArgument;
        m_mappings.erase(found);
        return kIOReturnSuccessValue;
    }
    ipc::AppResult<uint64_t> add_notification(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching,
        std::function<void(uint64_t entry)> callback) override
    {
        ipc::AppResult<uint64_t> result;
        auto dict = ipc::osser::unserialize(matching);
        if (!dict) {
            result.status = kBadArgument;
            return result;
        }
        result.value = m_next_notification++;
        m_notifications.push_back({ result.value, kind, dict.value(), callback });
        if (report_existing_on_arming) {
            for (uint64_t id : current_matches(kind, matching))
                m_deliveries.push_back([callback, id] { callback(id); });
        }
        return result;
    }
    void remove_notification(uint64_t id) override
    {
        std::erase_if(m_notifications, [id](auto const& n) { return n.id == id; });
    }
    std::vector<uint64_t> current_matches(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching) override
    {
        if (kind == ipc::ServiceNotification::Terminated)
            return {};
        auto found = matching_services(matching);
        return found.ok() ? found.value : std::vector<uint64_t> {};
    }
    bool run_once() override
    {
        ++run_once_calls;
        if (m_deliveries.empty())
            return false;
        auto next = std::move(m_deliveries.front());
        m_deliveries.pop_front();
        next();
        return true;
    }

private:
    struct Notification {
        uint64_t id;
        ipc::ServiceNotification kind;
        Value matching;
        std::function<void(uint64_t)> callback;
    };

    void add(FakeEntry entry) { m_entries[entry.id] = std::move(entry); }

    template<typename T, typename F>
    ipc::AppResult<T> lookup(uint64_t id, F get)
    {
        ipc::AppResult<T> result;
        auto found = m_entries.find(id);
        if (found == m_entries.end())
            result.status = kNoDevice;
        else
            result.value = get(found->second);
        return result;
    }

    // Numbers compare by value whatever their widths, as IOKit's matching does.
    static bool same(Value const& a, Value const& b)
    {
        if (a.kind == Value::Kind::Number && b.kind == Value::Kind::Number)
            return a.number == b.number;
        return a == b;
    }

    static bool matches(Value const& matching, FakeEntry const& entry)
    {
        for (auto const& [key, want] : matching.dict) {
            if (key == "IOProviderClass") {
                if (std::find(entry.classes.begin(), entry.classes.end(), want.string) == entry.classes.end())
                    return false;
            } else if (key == "IONameMatch") {
                bool any = want.kind == Value::Kind::String ? want.string == entry.name
                                                            : std::any_of(want.array.begin(), want.array.end(),
                                                                [&](Value const& v) { return v.string == entry.name; });
                if (!any)
                    return false;
            } else if (key == "IOPropertyMatch") {
                for (auto const& [name, value] : want.dict) {
                    auto const* have = entry.properties.find(name);
                    if (!have || !same(*have, value))
                        return false;
                }
            } else if (key == "IORegistryEntryID") {
                if (want.number != entry.id)
                    return false;
            } else {
                auto const* have = entry.properties.find(key);
                if (!have || !same(*have, want))
                    return false;
            }
        }
        return true;
    }

    uint32_t run_selector(ipc::MethodCall const& call, ipc::MethodResult& result)
    {
        switch (call.selector) {
        case kSampleSelectorAdd:
            if (call.scalar_input.size() != 2 || call.scalar_output_capacity < 1)
                return kBadArgument;
            result.scalar_output = { call.scalar_input[0] + call.scalar_input[1] };
            return 0;
        case kSampleSelectorReverse:
            if (call.structure_output_capacity < call.structure_input.size())
                return kBadArgument;
            result.structure_output.assign(call.structure_input.rbegin(), call.structure_input.rend());
            stats.bytes_reversed += call.structure_input.size();
            return 0;
        case kSampleSelectorStats: {
            if (call.structure_output_capacity < sizeof stats)
                return kBadArgument;
            auto const* bytes = reinterpret_cast<uint8_t const*>(&stats);
            result.structure_output.assign(bytes, bytes + sizeof stats);
            return 0;
        }
        case kSampleSelectorStartTicks:
            if (!call.async || call.scalar_input.size() != 2)
                return kBadArgument;
            for (uint64_t tick = 1; tick <= call.scalar_input[0]; ++tick) {
                m_deliveries.push_back([this, done = call.on_async_completion, tick] {
                    ++stats.ticks_sent;
                    done(0, { tick, 1000 * tick });
                });
            }
            return 0;
        case kSampleSelectorFillShared:
            if (call.scalar_input.size() != 1)
                return kBadArgument;
            for (size_t i = 0; i < shared.size(); ++i)
                shared[i] = static_cast<uint8_t>((call.scalar_input[0] + i) & 0xff);
            return 0;
        case kFakeSelectorAsyncArgs: {
            if (!call.async || call.scalar_input.size() != 1)
                return kBadArgument;
            std::vector<uint64_t> args;
            for (uint64_t i = 1; i <= call.scalar_input[0]; ++i)
                args.push_back(i);
            m_deliveries.push_back([done = call.on_async_completion, args] { done(0xe00002eb, args); });
            return 0;
        }
        default: return kBadArgument;
        }
    }

    std::map<uint64_t, FakeEntry> m_entries;
    std::vector<Notification> m_notifications;
    std::deque<std::function<void()>> m_deliveries;
    std::set<uint64_t> m_open;
    std::map<uint64_t, uint64_t> m_mappings; // mapping id -> connection
    uint64_t m_next_connection { 1 };
    uint64_t m_next_mapping { 1 };
    uint64_t m_next_notification { 1 };
};

} // namespace dextlab::test
