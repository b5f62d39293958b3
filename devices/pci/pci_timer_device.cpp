#include "devices/pci/pci_timer_device.h"

namespace dextlab::pci {

// [SECTION] Parameters

std::vector<std::string> const& PciTimerDevice::number_params()
{
    static std::vector<std::string> const keys { "class", "did", "interval", "revision", "subdid", "subvid", "vectors", "vid" };
    return keys;
}

std::vector<std::string> const& PciTimerDevice::string_params()
{
    // `interval` may also be written with a unit as text ("250us").
    static std::vector<std::string> const keys { "interval" };
    return keys;
}

ErrorOr<PciTimerDevice::Options> PciTimerDevice::parse_options(DeviceParams const& params)
{
    using devices::number_param;
    TRY(devices::check_param_names(model_name, params, number_params(), string_params()));
    Options o;
    o.vid = static_cast<uint16_t>(TRY(number_param(model_name, params, "vid", { o.vid, 0x0001, 0xFFFE, true })));
    o.did = static_cast<uint16_t>(TRY(number_param(model_name, params, "did", { o.did, 0x0000, 0xFFFF, true })));
    // The subsystem ids follow the device's own unless given (what most single-vendor boards do).
    o.subvid = static_cast<uint16_t>(TRY(number_param(model_name, params, "subvid", { o.vid, 0x0000, 0xFFFF, true })));
    o.subdid = static_cast<uint16_t>(TRY(number_param(model_name, params, "subdid", { o.did, 0x0000, 0xFFFF, true })));
    o.class_code = static_cast<uint32_t>(TRY(number_param(model_name, params, "class", { o.class_code, 0, 0xFFFFFF, true })));
    o.revision = static_cast<uint8_t>(TRY(number_param(model_name, params, "revision", { o.revision, 0, 0xFF })));
    o.interval_us = static_cast<uint32_t>(
        TRY(devices::duration_param(model_name, params, "interval", { o.interval_us, 1, kMaxIntervalUs }, 1_us)));
    o.vectors = static_cast<uint8_t>(TRY(number_param(model_name, params, "vectors", { o.vectors, 1, 32 })));
    if (auto ok = validate(describe(o)); !ok)
        return devices::param_error(model_name, "vectors", "is " + std::to_string(o.vectors) + "; " + ok.error().message);
    return o;
}

FunctionDescription PciTimerDevice::describe(Options const& o)
{
    FunctionDescription d;
    d.vendor_id = o.vid;
    d.device_id = o.did;
    d.subsystem_vendor_id = o.subvid;
    d.subsystem_id = o.subdid;
    d.class_code = o.class_code;
    d.revision_id = o.revision;
    d.bars[0] = BarDescription { .size = kBar0Size, .is_64bit = false, .prefetchable = false };
    d.msi_vectors = o.vectors;
    return d;
}

ErrorOr<std::unique_ptr<PciTimerDevice>> PciTimerDevice::create(DeviceParams const& params)
{
    auto options = TRY(parse_options(params));
    return std::make_unique<PciTimerDevice>(options);
}

PciTimerDevice::PciTimerDevice(Options options)
    : PciFunctionCore(describe(options))
    , m_options(options)
    , m_interval_us(options.interval_us)
{
}

PciTimerDevice::~PciTimerDevice()
{
    // Normally detach() stopped us; a device destroyed while attached must leave no event
    // that calls into freed memory.
    stop();
}

// [SECTION] Registers

uint32_t PciTimerDevice::read_register(uint64_t offset) const
{
    switch (offset) {
    case Reg::Id: return kIdValue;
    case Reg::Control: return m_control;
    case Reg::IntervalUs: return m_interval_us;
    case Reg::Status: return m_status;
    case Reg::CountLow: return static_cast<uint32_t>(m_count);
    case Reg::CountHigh: return static_cast<uint32_t>(m_count >> 32);
    case Reg::Vector: return m_vector;
    default: return 0;
    }
}

void PciTimerDevice::write_register(uint64_t offset, uint32_t value, uint32_t byte_mask)
{
    uint32_t const merged = (read_register(offset) & ~byte_mask) | (value & byte_mask);
    switch (offset) {
    case Reg::Control: {
        bool const was_running = m_control & kControlRun;
        m_control = merged & (kControlRun | kControlIrqEnable);
        bool const running = m_control & kControlRun;
        if (running && !was_running)
            restart_period();
        else if (!running)
            stop();
        return;
    }
    case Reg::IntervalUs:
        m_interval_us = merged > kMaxIntervalUs ? kMaxIntervalUs : merged;
        if (m_control & kControlRun)
            restart_period();
        return;
    case Reg::Status:
        m_status &= ~(value & byte_mask); // write 1 to clear
        if (!(m_status & kStatusTick))
            clear_legacy_interrupt();
        return;
    case Reg::Vector:
        m_vector = merged & 0x1F;
        return;
    default:
        return; // read-only or unimplemented
    }
}

uint64_t PciTimerDevice::register_read(unsigned, uint64_t offset, unsigned size)
{
    // The core checked the alignment: an access lies within one dword, or is two whole dwords.
    if (size == 8)
        return uint64_t { read_register(offset) } | (uint64_t { read_register(offset + 4) } << 32);
    uint64_t const dword = offset & ~uint64_t { 3 };
    return read_register(dword) >> (8 * (offset - dword));
}

void PciTimerDevice::register_write(unsigned, uint64_t offset, unsigned size, uint64_t value)
{
    if (size == 8) {
        write_register(offset, static_cast<uint32_t>(value), ~0u);
        write_register(offset + 4, static_cast<uint32_t>(value >> 32), ~0u);
        return;
    }
    uint64_t const dword = offset & ~uint64_t { 3 };
    unsigned const shift = static_cast<unsigned>(8 * (offset - dword));
    uint32_t const lanes = (size == 4 ? ~0u : ((1u << (8 * size)) - 1)) << shift;
    write_register(dword, static_cast<uint32_t>(value << shift), lanes);
}

// [SECTION] Ticking

void PciTimerDevice::restart_period()
{
    stop();
    if (m_interval_us == 0 || !is_attached())
        return;
    m_tick_event = scheduler().schedule_after(Duration { m_interval_us } * 1_us, [this] { tick(); });
}

void PciTimerDevice::stop()
{
    if (m_tick_event == 0)
        return;
    if (is_attached())
        scheduler().cancel(m_tick_event);
    m_tick_event = 0;
}

void PciTimerDevice::tick()
{
    m_tick_event = 0;
    // Schedule the next tick first: raising the interrupt may reach a driver that stops us.
    restart_period();
    ++m_count;
    if (m_status & kStatusTick)
        m_status |= kStatusOverrun;
    m_status |= kStatusTick;
    if (m_control & kControlIrqEnable) {
        ++m_raised;
        raise_interrupt(m_vector);
    }
}

void PciTimerDevice::on_reset()
{
    stop();
    m_control = 0;
    m_interval_us = m_options.interval_us;
    m_status = 0;
    m_vector = 0;
    m_count = 0;
}

void PciTimerDevice::on_detach() { stop(); }

} // namespace dextlab::pci

DEXTLAB_PCI_DEVICE_MODEL(pci_timer,
    ::dextlab::pci::PciDeviceModel {
        .name = ::dextlab::pci::PciTimerDevice::model_name,
        .description = "PCI interval timer (one 4 KiB memory BAR, MSI): ticks every `interval` of virtual time and "
                       "raises its vector; registers CONTROL, INTERVAL_US, STATUS (write 1 to clear), COUNT, VECTOR",
        .number_params = ::dextlab::pci::PciTimerDevice::number_params(),
        .string_params = ::dextlab::pci::PciTimerDevice::string_params(),
        .create = [](::dextlab::pci::DeviceParams const& params)
            -> ::dextlab::ErrorOr<std::unique_ptr<::dextlab::pci::PciDevice>> {
            auto device = TRY(::dextlab::pci::PciTimerDevice::create(params));
            return std::unique_ptr<::dextlab::pci::PciDevice>(std::move(device));
        },
    });
