#include "pci_configurator.h"

#include "devices/pci/config_space.h"

#include <bit>
#include <cstdio>

namespace dextlab::kernel {

namespace cfg = pci::cfg;

namespace {

Property le32(uint32_t v)
{
    return Property::data({ static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24) });
}

void append_be32(std::vector<uint8_t>& out, uint32_t v)
{
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<uint8_t>(v >> shift));
}

// Sizes BAR `index` the standard way and restores it; the decoded mask (0: unimplemented).
uint32_t probe(pci::PciDevice& device, uint16_t at)
{
    uint32_t const saved = device.config_read(at, 4);
    device.config_write(at, 4, 0xFFFFFFFF);
    uint32_t const mask = device.config_read(at, 4);
    device.config_write(at, 4, saved);
    return mask;
}

} // namespace

ErrorOr<FunctionLayout> configure_function(pci::PciDevice& device, uint64_t& next_address)
{
    FunctionLayout layout;
    uint32_t const ids = device.config_read(cfg::VendorId, 4);
    if ((ids & 0xFFFF) == 0xFFFF)
        return Error::with("no function answers configuration reads (vendor id 0xffff)");
    uint8_t const header = static_cast<uint8_t>(device.config_read(cfg::HeaderType, 1));
    if ((header & 0x7F) != 0)
        return Error::with("header type " + std::to_string(header & 0x7F) + ": only type-0 (endpoint) functions are modelled");
    layout.vendor_id = static_cast<uint16_t>(ids);
    layout.device_id = static_cast<uint16_t>(ids >> 16);
    uint32_t const class_rev = device.config_read(cfg::RevisionId, 4);
    layout.revision_id = static_cast<uint8_t>(class_rev);
    layout.class_code = class_rev >> 8;
    uint32_t const subsystem = device.config_read(cfg::SubsystemVendorId, 4);
    layout.subsystem_vendor_id = static_cast<uint16_t>(subsystem);
    layout.subsystem_id = static_cast<uint16_t>(subsystem >> 16);

    for (uint8_t index = 0; index < 6; ++index) {
        uint16_t const at = static_cast<uint16_t>(cfg::Bar0 + 4 * index);
        uint32_t const low = probe(device, at);
        if (low == 0)
            continue;
        if (low & pci::bar::IoSpace)
            return Error::with("BAR" + std::to_string(index) + " decodes I/O space, which the lab's PCI host does not model");
        bool const is_64 = (low & 0x6) == pci::bar::Type64;
        bool const prefetch = low & pci::bar::Prefetchable;
        uint64_t mask = low & ~uint64_t { pci::bar::kMemoryFlags };
        if (is_64) {
            if (index == 5)
                return Error::with("BAR5 claims to be the lower half of a 64-bit pair");
            mask |= uint64_t { probe(device, static_cast<uint16_t>(at + 4)) } << 32;
        } else {
            mask |= 0xFFFFFFFF00000000ull;
        }
        uint64_t const size = ~mask + 1;
        if (size == 0 || !std::has_single_bit(size))
            return Error::with("BAR" + std::to_string(index) + " reads back an impossible size mask");
        uint64_t const address = (next_address + size - 1) & ~(size - 1);
        next_address = address + size;
        device.config_write(at, 4, static_cast<uint32_t>(address));
        if (is_64)
            device.config_write(static_cast<uint16_t>(at + 4), 4, static_cast<uint32_t>(address >> 32));
        uint8_t const type = is_64 ? (prefetch ? bar_type::M64PF : bar_type::M64) : (prefetch ? bar_type::M32PF : bar_type::M32);
        layout.ranges.push_back(BarRange { index, type, size, address });
        if (is_64)
            ++index; // the upper half is not a BAR of its own
    }

    if (uint16_t msi = find_capability(device, pci::kCapabilityMsi)) {
        uint16_t const control = static_cast<uint16_t>(device.config_read(static_cast<uint16_t>(msi + pci::msi::Control), 2));
        layout.msi_capability = msi;
        layout.msi_vectors = 1u << ((control >> pci::msi::MultipleMessageCapableShift) & 0x7);
        layout.msi_per_vector_masking = control & pci::msi::PerVectorMasking;
        layout.msi_64bit = control & pci::msi::Address64;
    }
    return layout;
}

uint16_t find_capability(pci::PciDevice& device, uint8_t id, uint16_t after)
{
    if (!(device.config_read(cfg::Status, 2) & pci::status::CapabilitiesList))
        return 0;
    uint16_t at = static_cast<uint16_t>(device.config_read(cfg::CapabilitiesPointer, 1) & 0xFC);
    bool passed = after == 0;
    // 48 capabilities of 4 bytes fill what follows the header: more means a loop.
    for (int guard = 0; at >= 0x40 && guard < 48; ++guard) {
        uint8_t const cap_id = static_cast<uint8_t>(device.config_read(at, 1));
        if (passed && cap_id == id)
            return at;
        if (at == after)
            passed = true;
        at = static_cast<uint16_t>(device.config_read(static_cast<uint16_t>(at + 1), 1) & 0xFC);
    }
    return 0;
}

std::string nub_name(FunctionLayout const& l)
{
    // IOPCIConfigurator::constructProperties: generic names for a few classes first.
    struct Generic {
        char const* name;
        uint32_t mask;
        uint32_t class_code;
    };
    static constexpr Generic kGeneric[] = { { "display", 0xFFFFFF, 0x000100 }, { "scsi", 0xFFFF00, 0x010000 },
        { "ethernet", 0xFFFF00, 0x020000 }, { "display", 0xFF0000, 0x030000 }, { "pci-bridge", 0xFFFF00, 0x060400 } };
    for (auto const& g : kGeneric) {
        if ((l.class_code & g.mask) == g.class_code)
            return g.name;
    }
    char text[24];
    bool const own_subsystem = (l.subsystem_vendor_id || l.subsystem_id)
        && (l.subsystem_vendor_id != l.vendor_id || l.subsystem_id != l.device_id);
    if (own_subsystem)
        std::snprintf(text, sizeof text, "pci%x,%x", l.subsystem_vendor_id, l.subsystem_id);
    else
        std::snprintf(text, sizeof text, "pci%x,%x", l.vendor_id, l.device_id);
    return text;
}

std::string nub_location(BusAddress at)
{
    char text[16];
    if (at.function)
        std::snprintf(text, sizeof text, "%X,%X", at.device, at.function);
    else
        std::snprintf(text, sizeof text, "%X", at.device);
    return text;
}

PropertyDict nub_properties(FunctionLayout const& l, BusAddress at)
{
    PropertyDict p;
    p["vendor-id"] = le32(l.vendor_id);
    p["device-id"] = le32(l.device_id);
    p["revision-id"] = le32(l.revision_id);
    p["class-code"] = le32(l.class_code);
    if (l.subsystem_vendor_id || l.subsystem_id) {
        p["subsystem-vendor-id"] = le32(l.subsystem_vendor_id);
        p["subsystem-id"] = le32(l.subsystem_id);
    }
    std::string const name = nub_name(l);
    p["IOName"] = Property::string(name);
    std::vector<uint8_t> name_bytes(name.begin(), name.end());
    name_bytes.push_back(0);
    p["name"] = Property::data(name_bytes);
    // "compatible": the subsystem's name (when its own), the function's, the class's; each
    // NUL-terminated.
    std::vector<uint8_t> compatible;
    auto add = [&](char const* format, unsigned a, unsigned b) {
        char text[24];
        int n = std::snprintf(text, sizeof text, format, a, b);
        compatible.insert(compatible.end(), text, text + n);
        compatible.push_back(0);
    };
    if ((l.subsystem_vendor_id || l.subsystem_id) && (l.subsystem_vendor_id != l.vendor_id || l.subsystem_id != l.device_id))
        add("pci%x,%x", l.subsystem_vendor_id, l.subsystem_id);
    add("pci%x,%x", l.vendor_id, l.device_id);
    add("pciclass,%06x", l.class_code, 0);
    p["compatible"] = Property::data(compatible);
    // IEEE 1275 PCI binding: per range phys.hi (space code, bus, device, function, register),
    // phys.mid, phys.lo, size.hi, size.lo.
    std::vector<uint8_t> assigned;
    for (auto const& r : l.ranges) {
        bool const is_64 = r.type == bar_type::M64 || r.type == bar_type::M64PF;
        bool const prefetch = r.type == bar_type::M32PF || r.type == bar_type::M64PF;
        uint32_t const hi = 0x80000000u | (prefetch ? 0x40000000u : 0) | ((is_64 ? 3u : 2u) << 24) | (uint32_t { at.bus } << 16)
            | (uint32_t { at.device } << 11) | (uint32_t { at.function } << 8) | (cfg::Bar0 + 4u * r.bar);
        append_be32(assigned, hi);
        append_be32(assigned, static_cast<uint32_t>(r.address >> 32));
        append_be32(assigned, static_cast<uint32_t>(r.address));
        append_be32(assigned, static_cast<uint32_t>(r.size >> 32));
        append_be32(assigned, static_cast<uint32_t>(r.size));
    }
    p["assigned-addresses"] = Property::data(assigned);
    char debug[16];
    std::snprintf(debug, sizeof debug, "%u:%u:%u", at.bus, at.device, at.function);
    p["pcidebug"] = Property::string(debug);
    // IOPCIBridge: a driver of this nub needs the PCI transport entitlement.
    p["IOServiceDEXTEntitlements"]
        = Property::array({ Property::array({ Property::string("com.apple.developer.driverkit.transport.pci") }) });
    return p;
}

} // namespace dextlab::kernel
