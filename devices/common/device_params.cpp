#include "devices/common/device_params.h"

#include <algorithm>
#include <cstdio>

namespace dextlab::devices {

namespace {

bool contains(std::vector<std::string> const& list, std::string const& key)
{
    return std::find(list.begin(), list.end(), key) != list.end();
}

std::string accepted_list(std::vector<std::string> const& number_params, std::vector<std::string> const& string_params)
{
    std::vector<std::string> all = number_params;
    for (auto const& key : string_params)
        if (!contains(all, key))
            all.push_back(key);
    std::sort(all.begin(), all.end());
    std::string text;
    for (auto const& key : all)
        text += (text.empty() ? "" : ", ") + key;
    return text.empty() ? "none" : text;
}

Error out_of_range(std::string_view model, std::string const& key, std::string const& shown, NumberRange range,
    char const* unit)
{
    return param_error(model, key, "is " + shown + "; allowed range is " + format_param_number(range.min, range.hex) + unit
            + ".." + format_param_number(range.max, range.hex) + unit);
}

// The unit a duration parameter is counted in, as written after a number and in words.
struct UnitNames {
    char const* suffix;
    char const* words;
};

UnitNames unit_names(Duration unit)
{
    if (unit == 1_s)
        return { "s", "seconds" };
    if (unit == 1_ms)
        return { "ms", "milliseconds" };
    if (unit == 1_us)
        return { "us", "microseconds" };
    return { "ns", "nanoseconds" };
}

} // namespace

std::string format_param_number(uint64_t value, bool hex)
{
    char text[32];
    if (hex)
        std::snprintf(text, sizeof text, "0x%04llx", static_cast<unsigned long long>(value));
    else
        std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(value));
    return text;
}

Error param_error(std::string_view model, std::string const& key, std::string const& problem)
{
    return Error::with(std::string(model) + ": parameter '" + key + "' " + problem);
}

ErrorOr<void> check_param_names(std::string_view model, DeviceParams const& params,
    std::vector<std::string> const& number_params, std::vector<std::string> const& string_params)
{
    auto check = [&](std::string const& key, bool given_as_number) -> ErrorOr<void> {
        auto const& expected = given_as_number ? number_params : string_params;
        auto const& other = given_as_number ? string_params : number_params;
        if (contains(expected, key))
            return {};
        if (contains(other, key))
            return param_error(model, key, given_as_number ? "takes text, not a number" : "takes a number, not text");
        return Error::with(std::string(model) + ": unknown parameter '" + key + "'; accepted parameters: "
            + accepted_list(number_params, string_params));
    };
    for (auto const& [key, value] : params.numbers)
        TRY(check(key, true));
    for (auto const& [key, value] : params.durations)
        TRY(check(key, true));
    for (auto const& [key, value] : params.strings)
        TRY(check(key, false));
    return {};
}

ErrorOr<uint64_t> number_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range)
{
    auto it = params.numbers.find(key);
    if (it == params.numbers.end())
        return range.fallback;
    if (it->second < range.min || it->second > range.max)
        return out_of_range(model, key, format_param_number(it->second, range.hex), range, "");
    return it->second;
}

ErrorOr<uint64_t> duration_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range,
    Duration unit)
{
    auto const names = unit_names(unit);
    std::string const example = format_param_number(range.fallback, false) + names.suffix;
    if (auto given = params.durations.find(key); given != params.durations.end()) {
        std::string shown = std::to_string(given->second) + "ns";
        if (given->second % unit != 0)
            return param_error(model, key, "is " + shown + "; write a whole number of " + names.words + " such as " + example);
        uint64_t const units = given->second / unit;
        if (units < range.min || units > range.max)
            return out_of_range(model, key, std::to_string(units) + names.suffix, range, names.suffix);
        return units;
    }
    if (auto text = params.strings.find(key); text != params.strings.end()) {
        Duration duration = 0;
        if (!parse_duration(text->second, duration) || duration % unit != 0)
            return param_error(model, key, "is \"" + text->second + "\"; write a whole number of " + names.words + " such as \""
                    + example + "\"");
        uint64_t const units = duration / unit;
        if (units < range.min || units > range.max)
            return out_of_range(model, key, "\"" + text->second + "\"", range, names.suffix);
        return units;
    }
    auto it = params.numbers.find(key);
    if (it == params.numbers.end())
        return range.fallback;
    if (it->second < range.min || it->second > range.max)
        return out_of_range(model, key, format_param_number(it->second, false) + names.suffix, range, names.suffix);
    return it->second;
}

} // namespace dextlab::devices
