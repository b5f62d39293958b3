#pragma once
// Virtual time: nanoseconds since the lab started. Nothing in dextlab reads a wall clock.

#include <cstdint>
#include <string>

namespace dextlab {

using VirtualTime = uint64_t; // ns since the lab started
using Duration = uint64_t;    // ns

constexpr Duration operator""_ns(unsigned long long v) { return v; }
constexpr Duration operator""_us(unsigned long long v) { return v * 1000; }
constexpr Duration operator""_ms(unsigned long long v) { return v * 1000 * 1000; }
constexpr Duration operator""_s(unsigned long long v) { return v * 1000 * 1000 * 1000; }

// "12.345678 ms": fixed width and precision so traces diff cleanly.
std::string format_time(VirtualTime t);

// Parses "250ns", "10us", "5ms", "2s" (an integer and a unit). Returns false on anything else.
bool parse_duration(std::string const& text, Duration& out);

} // namespace dextlab
