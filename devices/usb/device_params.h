#pragma once
// Readers for DeviceParams as USB models use them: the bus-agnostic ones of
// devices/common/device_params.h (same messages for every model, e.g.
//   vendor-interrupt: parameter 'max_packet' is 65; allowed range is 1..64)
// plus what only USB needs (a string descriptor's limits).

#include "devices/common/device_params.h"
#include "devices/usb/usb_device.h"
#include "sim/core/error.h"
#include "sim/core/time.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dextlab::usb {

// The bus-agnostic readers (devices/common/device_params.h), under their USB names.
using devices::check_param_names;
using devices::number_param;
using devices::NumberRange;

// A duration in whole milliseconds, given either as a number of milliseconds or as text with a
// unit ("2ms", "2000us"), within [min, max] milliseconds.
ErrorOr<uint64_t> milliseconds_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range);

// A string that must fit a USB string descriptor: valid UTF-8, at most 126 UTF-16 units (§9.6.7).
ErrorOr<std::string> string_param(std::string_view model, DeviceParams const& params, std::string const& key,
    std::string fallback);

} // namespace dextlab::usb
