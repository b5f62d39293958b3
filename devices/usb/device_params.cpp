#include "devices/usb/device_params.h"

#include "devices/usb/descriptor_table.h"
#include "devices/usb/descriptors.h"

#include <algorithm>
#include <cstdio>

namespace dextlab::usb {

namespace {

std::string format_number(uint64_t value, bool hex)
{
    char text[32];
    if (hex)
        std::snprintf(text, sizeof text, "0x%04llx", static_cast<unsigned long long>(value));
    else
        std::snprintf(text, sizeof text, "%llu", static_cast<unsigned long long>(value));
    return text;
}

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

Error param_error(std::string_view model, std::string const& key, std::string const& problem)
{
    return Error::with(std::string(model) + ": parameter '" + key + "' " + problem);
}

Error out_of_range(std::string_view model, std::string const& key, std::string const& shown, NumberRange range,
    char const* unit)
{
    return param_error(model, key, "is " + shown + "; allowed range is " + format_number(range.min, range.hex) + unit
            + ".." + format_number(range.max, range.hex) + unit);
}

} // namespace

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
        return out_of_range(model, key, format_number(it->second, range.hex), range, "");
    return it->second;
}

ErrorOr<uint64_t> milliseconds_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range)
{
    if (auto given = params.durations.find(key); given != params.durations.end()) {
        std::string shown = std::to_string(given->second) + "ns";
        if (given->second % 1_ms != 0)
            return param_error(model, key, "is " + shown + "; write a whole number of milliseconds such as "
                    + format_number(range.fallback, false) + "ms");
        uint64_t const milliseconds = given->second / 1_ms;
        if (milliseconds < range.min || milliseconds > range.max)
            return out_of_range(model, key, std::to_string(milliseconds) + "ms", range, "ms");
        return milliseconds;
    }
    if (auto text = params.strings.find(key); text != params.strings.end()) {
        Duration duration = 0;
        if (!parse_duration(text->second, duration) || duration % 1_ms != 0)
            return param_error(model, key, "is \"" + text->second + "\"; write a whole number of milliseconds such as \""
                    + format_number(range.fallback, false) + "ms\"");
        uint64_t const milliseconds = duration / 1_ms;
        if (milliseconds < range.min || milliseconds > range.max)
            return out_of_range(model, key, "\"" + text->second + "\"", range, "ms");
        return milliseconds;
    }
    auto it = params.numbers.find(key);
    if (it == params.numbers.end())
        return range.fallback;
    if (it->second < range.min || it->second > range.max)
        return out_of_range(model, key, format_number(it->second, false) + "ms", range, "ms");
    return it->second;
}

ErrorOr<std::string> string_param(std::string_view model, DeviceParams const& params, std::string const& key, std::string fallback)
{
    auto it = params.strings.find(key);
    if (it == params.strings.end())
        return fallback;
    auto units = utf8_to_utf16(it->second);
    if (!units.has_value())
        return param_error(model, key, "is not valid UTF-8 (" + units.error().message + ")");
    if (units.value().size() > max_string_descriptor_units)
        return param_error(model, key, "is " + std::to_string(units.value().size())
                + " UTF-16 units long; a USB string descriptor holds at most "
                + std::to_string(max_string_descriptor_units));
    return it->second;
}

} // namespace dextlab::usb
