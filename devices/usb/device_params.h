#pragma once
// Readers for DeviceParams, shared by every device model so that a bad `plug:` step gets the
// same kind of message whichever device it names: the model, the parameter, the value and what
// would be accepted, e.g.
//   vendor-interrupt: parameter 'max_packet' is 65; allowed range is 1..64
// The scenario loader adds the file:line:col in front.

#include "devices/usb/usb_device.h"
#include "sim/core/error.h"
#include "sim/core/time.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dextlab::usb {

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

// A duration in whole milliseconds, given either as a number of milliseconds or as text with a
// unit ("2ms", "2000us"), within [min, max] milliseconds.
ErrorOr<uint64_t> milliseconds_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range);

// A string that must fit a USB string descriptor: valid UTF-8, at most 126 UTF-16 units (§9.6.7).
ErrorOr<std::string> string_param(std::string_view model, DeviceParams const& params, std::string const& key,
    std::string fallback);

} // namespace dextlab::usb
