#include "devices/pci/function_core.h"

#include <bit>
#include <cassert>

namespace dextlab::pci {

namespace {

uint64_t all_ones(unsigned size) { return size >= 8 ? ~uint64_t { 0 } : (uint64_t { 1 } << (8 * size)) - 1; }

bool valid_size(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

} // namespace

// [SECTION] Description

ErrorOr<void> validate(FunctionDescription const& d)
{
    if (d.vendor_id == 0xFFFF)
        return Error::with("vendor id 0xffff is what an empty slot reads; pick another");
    for (size_t i = 0; i < d.bars.size(); ++i) {
        auto const& bar = d.bars[i];
        if (bar.size == 0)
            continue;
        if (bar.size < 16 || !std::has_single_bit(bar.size))
            return Error::with("BAR" + std::to_string(i) + " is " + std::to_string(bar.size)
                + " bytes; a memory BAR is a power of two of at least 16 bytes");
        if (!bar.is_64bit && bar.size > (uint64_t { 1 } << 31))
            return Error::with("BAR" + std::to_string(i) + " is larger than 2 GiB; make it 64-bit");
        if (bar.is_64bit && (i == 5 || d.bars[i + 1].size != 0))
            return Error::with("BAR" + std::to_string(i) + " is 64-bit, so BAR" + std::to_string(i + 1)
                + " holds its upper half and must be left unimplemented");
    }
    if (d.msi_vectors > 32 || (d.msi_vectors != 0 && !std::has_single_bit(unsigned { d.msi_vectors })))
        return Error::with("an MSI capability offers 1, 2, 4, 8, 16 or 32 vectors, not " + std::to_string(d.msi_vectors));
    if (d.class_code > 0xFFFFFF)
        return Error::with("a class code has 24 bits");
    return {};
}

PciFunctionCore::PciFunctionCore(FunctionDescription description)
    : m_description(std::move(description))
{
    assert(validate(m_description).has_value() && "validate() the description before constructing");
    power_on_image();
}

PciFunctionCore::~PciFunctionCore() = default;

// [SECTION] Configuration space

uint16_t PciFunctionCore::read16(uint16_t offset) const
{
    return static_cast<uint16_t>(m_config[offset] | (m_config[offset + 1] << 8));
}

uint32_t PciFunctionCore::read32(uint16_t offset) const
{
    return uint32_t { read16(offset) } | (uint32_t { read16(static_cast<uint16_t>(offset + 2)) } << 16);
}

void PciFunctionCore::put16(uint16_t offset, uint16_t value)
{
    m_config[offset] = static_cast<uint8_t>(value);
    m_config[offset + 1] = static_cast<uint8_t>(value >> 8);
}

void PciFunctionCore::put32(uint16_t offset, uint32_t value)
{
    put16(offset, static_cast<uint16_t>(value));
    put16(static_cast<uint16_t>(offset + 2), static_cast<uint16_t>(value >> 16));
}

void PciFunctionCore::power_on_image()
{
    m_config.fill(0);
    auto const& d = m_description;
    put16(cfg::VendorId, d.vendor_id);
    put16(cfg::DeviceId, d.device_id);
    m_config[cfg::RevisionId] = d.revision_id;
    m_config[cfg::ClassCode] = static_cast<uint8_t>(d.class_code);
    m_config[cfg::ClassCode + 1] = static_cast<uint8_t>(d.class_code >> 8);
    m_config[cfg::ClassCode + 2] = static_cast<uint8_t>(d.class_code >> 16);
    m_config[cfg::HeaderType] = 0x00; // type 0, single function
    for (unsigned i = 0; i < 6; ++i) {
        auto const& bar = d.bars[i];
        if (bar.size == 0)
            continue;
        put32(static_cast<uint16_t>(cfg::Bar0 + 4 * i),
            (bar.is_64bit ? bar::Type64 : 0u) | (bar.prefetchable ? bar::Prefetchable : 0u));
    }
    put16(cfg::SubsystemVendorId, d.subsystem_vendor_id);
    put16(cfg::SubsystemId, d.subsystem_id);
    m_config[cfg::InterruptPin] = d.interrupt_pin;
    if (d.msi_vectors != 0) {
        put16(cfg::Status, status::CapabilitiesList);
        m_config[cfg::CapabilitiesPointer] = kMsiCapabilityOffset;
        m_config[kMsiCapabilityOffset] = kCapabilityMsi;
        m_config[kMsiCapabilityOffset + 1] = 0; // the last capability
        auto const mmc = static_cast<uint16_t>(std::countr_zero(unsigned { d.msi_vectors }));
        put16(kMsiCapabilityOffset + msi::Control,
            static_cast<uint16_t>((mmc << msi::MultipleMessageCapableShift) | msi::Address64 | msi::PerVectorMasking));
    }
}

uint32_t PciFunctionCore::config_read(uint16_t offset, unsigned size)
{
    if ((size != 1 && size != 2 && size != 4) || offset % size != 0 || offset + size > kConfigSpaceSize)
        return static_cast<uint32_t>(all_ones(size > 4 ? 4 : size));
    uint32_t value = 0;
    for (unsigned i = 0; i < size; ++i)
        value |= uint32_t { m_config[offset + i] } << (8 * i);
    return value;
}

void PciFunctionCore::config_write(uint16_t offset, unsigned size, uint32_t value)
{
    if ((size != 1 && size != 2 && size != 4) || offset % size != 0 || offset + size > kConfigSpaceSize)
        return;
    uint16_t const dword = static_cast<uint16_t>(offset & ~3u);
    unsigned const shift = 8 * (offset & 3u);
    unsigned const enables = ((1u << size) - 1) << (offset & 3u);
    write_dword(dword, value << shift, enables);
}

void PciFunctionCore::write_dword(uint16_t offset, uint32_t value, unsigned byte_enables)
{
    // Bytes not written keep their value; each register then applies its own rules.
    uint32_t merged = read32(offset);
    for (unsigned i = 0; i < 4; ++i) {
        if (byte_enables & (1u << i))
            merged = (merged & ~(0xFFu << (8 * i))) | (value & (0xFFu << (8 * i)));
    }
    if (offset == cfg::Command) {
        if (byte_enables & 0x3)
            put16(cfg::Command, static_cast<uint16_t>(merged & command::kWritable));
        if (byte_enables & 0xC) {
            uint16_t const written = static_cast<uint16_t>(value >> 16) & static_cast<uint16_t>((byte_enables & 0x4 ? 0x00FF : 0) | (byte_enables & 0x8 ? 0xFF00 : 0));
            put16(cfg::Status, static_cast<uint16_t>(read16(cfg::Status) & ~(written & status::kWriteOneToClear)));
        }
        return;
    }
    if (offset >= cfg::Bar0 && offset < cfg::Bar0 + 24) {
        write_bar((offset - cfg::Bar0) / 4, merged);
        return;
    }
    if (offset == 0x0C && (byte_enables & 0x1)) {
        m_config[0x0C] = static_cast<uint8_t>(merged); // cache line size: read/write, no effect
        return;
    }
    if (offset == cfg::InterruptLine && (byte_enables & 0x1)) {
        m_config[cfg::InterruptLine] = static_cast<uint8_t>(merged); // for the system's bookkeeping
        return;
    }
    if (m_description.msi_vectors != 0 && offset >= kMsiCapabilityOffset && offset < kMsiCapabilityOffset + msi::kSize) {
        write_msi(static_cast<uint16_t>(offset - kMsiCapabilityOffset), merged, byte_enables);
        return;
    }
    // Everything else is read-only (identity, header type, capabilities pointer, expansion ROM
    // which this core does not implement).
}

void PciFunctionCore::write_bar(unsigned index, uint32_t value)
{
    auto const& bars = m_description.bars;
    uint16_t const at = static_cast<uint16_t>(cfg::Bar0 + 4 * index);
    if (bars[index].size != 0) {
        // §6.2.5.1: the bits below the size are hard-wired to zero, the type bits read-only, so
        // writing all-ones reads back the size mask.
        uint32_t const flags = read32(at) & bar::kMemoryFlags;
        uint32_t const mask = static_cast<uint32_t>(~(bars[index].size - 1)) & ~bar::kMemoryFlags;
        put32(at, (value & mask) | flags);
        return;
    }
    if (index > 0 && bars[index - 1].is_64bit) {
        uint64_t const size = bars[index - 1].size;
        put32(at, value & static_cast<uint32_t>(~(size - 1) >> 32)); // the upper half of the pair
        return;
    }
    // Unimplemented: reads as zero, so software sizing it sees "no BAR".
}

void PciFunctionCore::write_msi(uint16_t offset, uint32_t value, unsigned byte_enables)
{
    uint16_t const base = kMsiCapabilityOffset;
    switch (offset) {
    case 0x00: {
        if (!(byte_enables & 0xC))
            return; // capability id and next pointer are read-only
        uint16_t const control = read16(base + msi::Control);
        uint16_t const written = static_cast<uint16_t>(value >> 16);
        unsigned const capable = (control >> msi::MultipleMessageCapableShift) & 0x7;
        unsigned enable_log2 = (written >> msi::MultipleMessageEnableShift) & 0x7;
        if (enable_log2 > capable)
            enable_log2 = capable; // §6.8.1.3: software must not; the function allocates what it has
        uint16_t const next = static_cast<uint16_t>((control & ~(msi::Enable | (0x7 << msi::MultipleMessageEnableShift)))
            | (written & msi::Enable) | (enable_log2 << msi::MultipleMessageEnableShift));
        put16(base + msi::Control, next);
        return;
    }
    case msi::AddressLow:
        put32(base + msi::AddressLow, value & ~3u); // dword aligned
        return;
    case msi::AddressHigh:
        put32(base + msi::AddressHigh, value);
        return;
    case msi::Data:
        put16(base + msi::Data, static_cast<uint16_t>(value)); // the upper half is reserved
        return;
    case msi::MaskBits: {
        uint32_t const implemented = m_description.msi_vectors >= 32 ? ~0u : (1u << m_description.msi_vectors) - 1;
        uint32_t const before = msi_mask();
        uint32_t const after = value & implemented;
        put32(base + msi::MaskBits, after);
        // §6.8.1.8: a vector unmasked while its pending bit is set is sent now.
        uint32_t const released = before & ~after & msi_pending();
        for (unsigned v = 0; v < 32; ++v) {
            if (released & (1u << v)) {
                if (!msi_enabled() || !(command() & command::BusMaster))
                    continue; // stays pending until it can be sent
                put32(base + msi::PendingBits, msi_pending() & ~(1u << v));
                send_message(v);
            }
        }
        return;
    }
    default:
        return; // pending bits are read-only
    }
}

bool PciFunctionCore::msi_enabled() const
{
    return m_description.msi_vectors != 0 && (read16(kMsiCapabilityOffset + msi::Control) & msi::Enable);
}

unsigned PciFunctionCore::msi_vectors_enabled() const
{
    if (m_description.msi_vectors == 0)
        return 0;
    return 1u << ((read16(kMsiCapabilityOffset + msi::Control) >> msi::MultipleMessageEnableShift) & 0x7);
}

uint32_t PciFunctionCore::msi_mask() const
{
    return m_description.msi_vectors ? read32(kMsiCapabilityOffset + msi::MaskBits) : 0;
}

uint32_t PciFunctionCore::msi_pending() const
{
    return m_description.msi_vectors ? read32(kMsiCapabilityOffset + msi::PendingBits) : 0;
}

// [SECTION] Memory

bool PciFunctionCore::claims(unsigned bar, uint64_t offset, unsigned size) const
{
    if (bar >= 6 || !valid_size(size) || !(command() & command::MemorySpace))
        return false;
    uint64_t const bar_size = m_description.bars[bar].size;
    return bar_size != 0 && offset % size == 0 && offset < bar_size && size <= bar_size - offset;
}

uint64_t PciFunctionCore::memory_read(unsigned bar, uint64_t offset, unsigned size)
{
    if (!claims(bar, offset, size))
        return all_ones(valid_size(size) ? size : 8);
    return register_read(bar, offset, size) & all_ones(size);
}

void PciFunctionCore::memory_write(unsigned bar, uint64_t offset, unsigned size, uint64_t value)
{
    if (!claims(bar, offset, size))
        return;
    register_write(bar, offset, size, value & all_ones(size));
}

// [SECTION] Interrupts

void PciFunctionCore::raise_interrupt(unsigned vector)
{
    if (!m_host)
        return;
    if (!msi_enabled()) {
        // Without MSI the function would assert INTx#, which DriverKit never delivers.
        if (!(command() & command::InterruptDisable))
            put16(cfg::Status, static_cast<uint16_t>(status() | status::InterruptStatus));
        m_host->interrupt_withheld(vector, "MSI is not enabled; the function would assert INTx#, which DriverKit does not deliver");
        return;
    }
    if (vector >= msi_vectors_enabled()) {
        m_host->interrupt_withheld(vector, "the vector is beyond those MSI has enabled (Multiple Message Enable)");
        return;
    }
    if (!(command() & command::BusMaster)) {
        m_host->interrupt_withheld(vector, "bus mastering is disabled (Command bit 2), so the function cannot write the message");
        return;
    }
    if (msi_mask() & (1u << vector)) {
        put32(kMsiCapabilityOffset + msi::PendingBits, msi_pending() | (1u << vector));
        m_host->interrupt_withheld(vector, "the vector is masked; it is held as pending and sent when unmasked");
        return;
    }
    send_message(vector);
}

void PciFunctionCore::send_message(unsigned vector)
{
    uint16_t const base = kMsiCapabilityOffset;
    uint64_t const address = uint64_t { read32(base + msi::AddressLow) } | (uint64_t { read32(base + msi::AddressHigh) } << 32);
    // §6.8.1.6: with several vectors enabled the function puts the vector in the low bits of
    // the data the system programmed.
    uint32_t const low_bits = msi_vectors_enabled() - 1;
    uint32_t const data = (read16(base + msi::Data) & ~low_bits) | (vector & low_bits);
    ++m_messages_sent;
    m_host->message_signalled(address, data);
}

void PciFunctionCore::clear_legacy_interrupt()
{
    put16(cfg::Status, static_cast<uint16_t>(status() & ~status::InterruptStatus));
}

// [SECTION] Lifecycle

void PciFunctionCore::attach(PciHostPort& host) { m_host = &host; }

void PciFunctionCore::reset()
{
    power_on_image();
    on_reset();
}

void PciFunctionCore::detach()
{
    on_detach();
    m_host = nullptr;
}

Scheduler& PciFunctionCore::scheduler()
{
    assert(m_host && "the function is not attached");
    return m_host->scheduler();
}

} // namespace dextlab::pci
