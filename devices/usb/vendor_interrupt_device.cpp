#include "devices/usb/vendor_interrupt_device.h"

#include "devices/usb/device_params.h"

#include <algorithm>
#include <span>

namespace dextlab::usb {

// [SECTION] Parameters

std::vector<std::string> const& VendorInterruptDevice::number_params()
{
    static std::vector<std::string> const keys { "bcd_device", "interval", "max_packet", "pid", "vid" };
    return keys;
}

std::vector<std::string> const& VendorInterruptDevice::string_params()
{
    // `interval` may also be written with a unit ("2ms").
    static std::vector<std::string> const keys { "interval", "manufacturer", "product", "serial" };
    return keys;
}

ErrorOr<VendorInterruptDevice::Options> VendorInterruptDevice::parse_options(DeviceParams const& params)
{
    TRY(check_param_names(model_name, params, number_params(), string_params()));
    Options options;
    TRY(read_vendor_identity(model_name, params, options));
    options.max_packet = static_cast<uint16_t>(TRY(number_param(model_name, params, "max_packet", { options.max_packet, 1, 64 })));
    options.interval_ms = static_cast<uint8_t>(TRY(milliseconds_param(model_name, params, "interval", { options.interval_ms, 1, 255 })));
    options.seed = params.seed;
    return options;
}

// [SECTION] Descriptors

DeviceDescription VendorInterruptDevice::describe(Options const& options)
{
    return vendor_device_description(options, 0x00, {
        EndpointDescription {
            .bEndpointAddress = interrupt_endpoint,
            .type = EndpointType::Interrupt,
            .wMaxPacketSize = options.max_packet,
            .bInterval = options.interval_ms,
        },
    });
}

ErrorOr<std::unique_ptr<VendorInterruptDevice>> VendorInterruptDevice::create(DeviceParams const& params)
{
    auto options = TRY(parse_options(params));
    TRY(validate(describe(options), UsbSpeed::Full));
    return std::make_unique<VendorInterruptDevice>(std::move(options));
}

VendorInterruptDevice::VendorInterruptDevice(Options options)
    : UsbDeviceCore(describe(options), UsbSpeed::Full)
    , m_options(std::move(options))
    , m_rng(m_options.seed)
{
}

VendorInterruptDevice::~VendorInterruptDevice()
{
    // Normally detach() stopped us already; a device destroyed while attached must not leave
    // an event that calls into freed memory (its host, and so its scheduler, is still alive).
    stop_sampling();
}

// [SECTION] Sampling

void VendorInterruptDevice::on_configuration_changed(uint8_t, uint8_t new_value)
{
    stop_sampling();
    if (new_value != 0 && is_attached())
        start_sampling();
}

void VendorInterruptDevice::start_sampling()
{
    Duration const interval = m_options.interval_ms * 1_ms;
    m_tick_event = scheduler().schedule_after(interval, [this] { tick(); });
}

void VendorInterruptDevice::stop_sampling()
{
    if (m_tick_event == 0)
        return;
    scheduler().cancel(m_tick_event);
    m_tick_event = 0;
}

void VendorInterruptDevice::tick()
{
    // Schedule the next sample first: the completion below may reset or detach us, which
    // then cancels it, and may even destroy us, after which nothing here may run.
    start_sampling();
    auto const sample = make_sample(m_counter++, m_options.max_packet, m_rng);
    Transfer* transfer = next_pending(interrupt_endpoint);
    if (!transfer) {
        ++m_dropped;
        return;
    }
    ++m_delivered;
    size_t const size = std::min<size_t>(sample.size(), transfer->length);
    complete_with_data(*transfer, std::span(sample).first(size));
}

std::vector<uint8_t> VendorInterruptDevice::make_sample(uint64_t counter, uint16_t size, Rng& rng)
{
    std::vector<uint8_t> sample(size);
    size_t at = 0;
    for (; at < 4 && at < sample.size(); ++at)
        sample[at] = static_cast<uint8_t>(counter >> (8 * at));
    // Every sample draws the same amount from the Rng whether or not it is delivered, so sample
    // N's bytes depend only on the seed and N, never on what the host happened to poll.
    while (at < sample.size()) {
        uint64_t word = rng.next_u64();
        for (int byte = 0; byte < 8 && at < sample.size(); ++byte, word >>= 8)
            sample[at++] = static_cast<uint8_t>(word);
    }
    return sample;
}

std::vector<uint8_t> VendorInterruptDevice::peek_next_sample() const
{
    Rng copy = m_rng;
    return make_sample(m_counter, m_options.max_packet, copy);
}

} // namespace dextlab::usb

DEXTLAB_USB_DEVICE_MODEL(vendor_interrupt,
    ::dextlab::usb::DeviceModel {
        .name = ::dextlab::usb::VendorInterruptDevice::model_name,
        .description = "full-speed vendor-specific device (class 0xFF) with one interrupt-IN endpoint 0x81 "
                       "producing a counter plus seeded random bytes every `interval` ms",
        .number_params = ::dextlab::usb::VendorInterruptDevice::number_params(),
        .string_params = ::dextlab::usb::VendorInterruptDevice::string_params(),
        .create = [](::dextlab::usb::DeviceParams const& params)
            -> ::dextlab::ErrorOr<std::unique_ptr<::dextlab::usb::UsbDevice>> {
            auto device = TRY(::dextlab::usb::VendorInterruptDevice::create(params));
            return std::unique_ptr<::dextlab::usb::UsbDevice>(std::move(device));
        },
    });
