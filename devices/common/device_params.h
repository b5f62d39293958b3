#pragma once
// The parameters of a scenario's `plug:` step, whatever the bus, and the readers every device
// model uses on them, so that a bad step gets the same kind of message whichever model it names:
// the model, the parameter, the value and what would be accepted, e.g.
//   vendor-interrupt: parameter 'max_packet' is 65; allowed range is 1..64
// The scenario loader adds the file:line:col in front. Bus-specific readers (a USB string
// descriptor's limits) live with their bus.

#include "sim/core/error.h"
#include "sim/core/time.h"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace dextlab::devices {

// As written in a plug step (`vid: 0x1209, pid: 0x0001, interval: 1ms`). Numbers, durations and
// strings are kept apart, so a model knows whether `interval` was written with a unit.
struct DeviceParams {
    std::map<std::string, uint64_t> numbers;
    std::map<std::string, Duration> durations; // in ns
    std::map<std::string, std::string> strings;
    uint64_t seed { 0 }; // from the scenario seed and the device id
};

// Rejects a key the model does not accept, or a number given where a string is expected (and
// the reverse); lists what the model does accept.
ErrorOr<void> check_param_names(std::string_view model, DeviceParams const& params,
    std::vector<std::string> const& number_params, std::vector<std::string> const& string_params);

struct NumberRange {
    uint64_t fallback; // used when the parameter is absent
    uint64_t min;
    uint64_t max;
    bool hex { false }; // say "0x1209" rather than "4617" in errors (IDs, BCD versions)
};
ErrorOr<uint64_t> number_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range);

// A duration counted in `unit` (1_us, 1_ms), given either as a bare number of units or with a
// unit of its own ("2ms", "2000us", as a duration or as text), within [min, max] units. A value
// that is not a whole number of units is refused with an example.
ErrorOr<uint64_t> duration_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range,
    Duration unit);

// Error helpers for bus-specific readers.
Error param_error(std::string_view model, std::string const& key, std::string const& problem);
std::string format_param_number(uint64_t value, bool hex);

} // namespace dextlab::devices
