#include "devices/usb/device_params.h"

#include "devices/usb/descriptor_table.h"
#include "devices/usb/descriptors.h"

namespace dextlab::usb {

ErrorOr<uint64_t> milliseconds_param(std::string_view model, DeviceParams const& params, std::string const& key, NumberRange range)
{
    return devices::duration_param(model, params, key, range, 1_ms);
}

ErrorOr<std::string> string_param(std::string_view model, DeviceParams const& params, std::string const& key, std::string fallback)
{
    auto it = params.strings.find(key);
    if (it == params.strings.end())
        return fallback;
    auto units = utf8_to_utf16(it->second);
    if (!units.has_value())
        return devices::param_error(model, key, "is not valid UTF-8 (" + units.error().message + ")");
    if (units.value().size() > max_string_descriptor_units)
        return devices::param_error(model, key, "is " + std::to_string(units.value().size())
                + " UTF-16 units long; a USB string descriptor holds at most "
                + std::to_string(max_string_descriptor_units));
    return it->second;
}

} // namespace dextlab::usb
