#include "time.h"

#include <cstdio>

namespace dextlab {

std::string format_time(VirtualTime t)
{
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%4llu.%06llu ms", static_cast<unsigned long long>(t / 1000000),
        static_cast<unsigned long long>(t % 1000000));
    return buffer;
}

bool parse_duration(std::string const& text, Duration& out)
{
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9')
        ++digits;
    if (digits == 0 || digits > 12)
        return false;
    uint64_t value = std::stoull(text.substr(0, digits));
    std::string unit = text.substr(digits);
    uint64_t scale;
    if (unit == "ns")
        scale = 1;
    else if (unit == "us")
        scale = 1000;
    else if (unit == "ms")
        scale = 1000 * 1000;
    else if (unit == "s")
        scale = 1000 * 1000 * 1000;
    else
        return false;
    out = value * scale;
    return true;
}

} // namespace dextlab
