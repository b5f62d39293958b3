#include "devices/usb/vendor_loopback_device.h"

#include "devices/usb/device_params.h"

#include <algorithm>

namespace dextlab::usb {

// [SECTION] Parameters

std::vector<std::string> const& VendorLoopbackDevice::number_params()
{
    static std::vector<std::string> const keys { "bcd_device", "fifo", "latency", "pid", "protocol", "vid" };
    return keys;
}

std::vector<std::string> const& VendorLoopbackDevice::string_params()
{
    // `latency` may also be written with a unit ("2ms").
    static std::vector<std::string> const keys { "latency", "manufacturer", "product", "serial" };
    return keys;
}

ErrorOr<VendorLoopbackDevice::Options> VendorLoopbackDevice::parse_options(DeviceParams const& params)
{
    TRY(check_param_names(model_name, params, number_params(), string_params()));
    Options options;
    TRY(read_vendor_identity(model_name, params, options));
    options.latency_ms = static_cast<uint8_t>(TRY(milliseconds_param(model_name, params, "latency", { options.latency_ms, 1, 255 })));
    options.fifo = static_cast<uint32_t>(TRY(number_param(model_name, params, "fifo", { options.fifo, 64, 65536 })));
    options.protocol = static_cast<uint8_t>(TRY(number_param(model_name, params, "protocol", { options.protocol, 0, 0xff, true })));
    return options;
}

// [SECTION] Descriptors

DeviceDescription VendorLoopbackDevice::describe(Options const& options)
{
    return vendor_device_description(options, options.protocol, {
        EndpointDescription { .bEndpointAddress = out_endpoint, .type = EndpointType::Bulk, .wMaxPacketSize = max_packet },
        EndpointDescription { .bEndpointAddress = in_endpoint, .type = EndpointType::Bulk, .wMaxPacketSize = max_packet },
    });
}

ErrorOr<std::unique_ptr<VendorLoopbackDevice>> VendorLoopbackDevice::create(DeviceParams const& params)
{
    auto options = TRY(parse_options(params));
    TRY(validate(describe(options), UsbSpeed::Full));
    return std::make_unique<VendorLoopbackDevice>(std::move(options));
}

VendorLoopbackDevice::VendorLoopbackDevice(Options options)
    : UsbDeviceCore(describe(options), UsbSpeed::Full)
    , m_options(std::move(options))
{
}

VendorLoopbackDevice::~VendorLoopbackDevice()
{
    // A device destroyed while attached must not leave an event that calls into freed memory.
    cancel_step();
}

// [SECTION] Data

void VendorLoopbackDevice::handle_data(Transfer&) { schedule_step(); }

void VendorLoopbackDevice::on_configuration_changed(uint8_t, uint8_t)
{
    cancel_step();
    m_fifo.clear();
}

void VendorLoopbackDevice::schedule_step()
{
    if (m_step_event == 0)
        m_step_event = scheduler().schedule_after(m_options.latency_ms * 1_ms, [this] { step(); });
}

void VendorLoopbackDevice::cancel_step()
{
    if (m_step_event == 0)
        return;
    scheduler().cancel(m_step_event);
    m_step_event = 0;
}

void VendorLoopbackDevice::step()
{
    m_step_event = 0;
    // The next step is scheduled before the completion: the host may reset or detach us from
    // inside it, which cancels that step, and nothing here may run after it.
    if (Transfer* out = next_pending(out_endpoint); out && m_fifo.size() + out->length <= m_options.fifo) {
        m_fifo.insert(m_fifo.end(), out->buffer.begin(), out->buffer.begin() + std::min<size_t>(out->length, out->buffer.size()));
        schedule_step();
        complete(*out, TransferStatus::Success, out->length);
        return;
    }
    if (Transfer* in = next_pending(in_endpoint); in && !m_fifo.empty()) {
        size_t const count = std::min<size_t>(in->length, m_fifo.size());
        std::vector<uint8_t> const data(m_fifo.begin(), m_fifo.begin() + static_cast<std::ptrdiff_t>(count));
        m_fifo.erase(m_fifo.begin(), m_fifo.begin() + static_cast<std::ptrdiff_t>(count));
        schedule_step();
        complete_with_data(*in, data);
    }
}

} // namespace dextlab::usb

DEXTLAB_USB_DEVICE_MODEL(vendor_loopback,
    ::dextlab::usb::DeviceModel {
        .name = ::dextlab::usb::VendorLoopbackDevice::model_name,
        .description = "full-speed vendor-specific device (class 0xFF, bInterfaceProtocol = `protocol`) whose bulk IN "
                       "endpoint 0x82 returns what the host wrote to bulk OUT 0x02, `latency` ms per transfer",
        .number_params = ::dextlab::usb::VendorLoopbackDevice::number_params(),
        .string_params = ::dextlab::usb::VendorLoopbackDevice::string_params(),
        .create = [](::dextlab::usb::DeviceParams const& params)
            -> ::dextlab::ErrorOr<std::unique_ptr<::dextlab::usb::UsbDevice>> {
            auto device = TRY(::dextlab::usb::VendorLoopbackDevice::create(params));
            return std::unique_ptr<::dextlab::usb::UsbDevice>(std::move(device));
        },
    });
