#pragma once
// Passive matching of one personality against one nub, as IOKit does it: the generic keys in
// IOService::matchPassive's order, then the family's own rules (USB: the Common Class
// Specification table, usb_matching.cpp; HID: IOHIDFamily's MatchPropertyTable,
// hid_matching.cpp), then IOParentMatch against the nub's ancestors. The result lists every key
// compared and says which one decided, so `match --explain` and the trace can tell a developer
// why their dext did not load. docs/matching.md walks through the rules with their sources.

#include "kernel_model/registry/registry.h"

#include <string>
#include <string_view>
#include <vector>

namespace dextlab::kernel {

// One key a rule compared.
struct KeyCheck {
    std::string key;
    std::string wanted; // the personality's value, ioreg text
    std::string found;  // the nub's value, ioreg text; "(absent)" when it has none
    bool passed { false };
    int64_t score { 0 }; // what this key added on its own (HID increments); USB scores per row, not per key
    std::string note;    // how it held or failed: "wildcard", "idProductMask", "ancestor IOUSBHostDevice", ...
};

struct MatchResult {
    bool matched { false };
    int64_t score { 0 };
    std::string rule;        // which rule gave the score ("USB interface: idVendor+idProduct (90000)")
    std::string failed_key;  // the first key that failed, when not matched
    std::string reason;      // one sentence: why it failed or how it scored
    std::vector<KeyCheck> compared; // every key compared, in the order IOKit compares them

    // How far the personality got before failing: keys that held. Ranks the closest misses.
    size_t keys_passed() const;
};

// What matching needs to know about a nub, worked out once per nub: class_chain() allocates,
// and the catalogue asks for every candidate.
struct NubFacts {
    explicit NubFacts(RegistryEntry const& nub);

    RegistryEntry const& entry;
    std::vector<std::string> chain; // most derived first
    bool usb_device { false };      // conforms to IOUSBHostDevice
    bool usb_interface { false };   // conforms to IOUSBHostInterface
    bool hid { false };             // conforms to IOHIDDevice, IOHIDInterface or IOHIDEventService
    bool pci { false };             // conforms to IOPCIDevice

    bool conforms_to(std::string_view class_name) const;
};

// The keys matching knows by name, so a personality's can be listed once (TableKeys).
enum class MatchKey : uint8_t {
    IOProviderClass, IONameMatch, IOLocationMatch, IOPropertyMatch, IOPropertyExistsMatch, IOResourceMatch, IOParentMatch,
    IOProbeScore, IOMatchCategory,
    idVendor, idProduct, idProductMask, idProductArray, bcdDevice, bDeviceClass, bDeviceSubClass, bDeviceProtocol,
    bConfigurationValue, bInterfaceClass, bInterfaceSubClass, bInterfaceProtocol, bInterfaceNumber,
    IOPCIMatch, IOPCIPrimaryMatch, IOPCISecondaryMatch, IOPCIClassMatch,
    Count
};
std::string const& key_name(MatchKey key); // static storage: looking it up allocates nothing

// Which known keys a table names, and whether it names any key IOService::matchInternal does not
// handle itself (then the family is asked). Worked out once per personality by the catalogue,
// so matching skips the lookups of keys a personality does not have.
class TableKeys {
public:
    static TableKeys of(PropertyDict const& table);
    bool has(MatchKey key) const { return (m_bits >> static_cast<unsigned>(key)) & 1u; }
    bool any_usb_key() const;
    bool any_pci_key() const;
    bool any_non_generic_key() const { return m_non_generic; }

private:
    uint32_t m_bits { 0 };
    bool m_non_generic { false };
};
static_assert(static_cast<unsigned>(MatchKey::Count) <= 32, "TableKeys keeps one bit per key");

// Keys: list every key compared in MatchResult::compared (the explanation). Summary: only the
// outcome, rule and reason, as the kernel traces them; cheaper, for the hot path.
enum class MatchDetail : uint8_t { Summary, Keys };

MatchResult match_personality(PropertyDict const& personality, RegistryEntry const& nub);
MatchResult match_personality(PropertyDict const& personality, NubFacts const& nub, MatchDetail detail = MatchDetail::Keys,
    TableKeys const* keys = nullptr);

// The USB rules alone (exposed for data-driven tests). `interface` selects the interface
// variant of the table. Returns matched=false with the reason when no row applies.
MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface);
MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface, MatchDetail detail, TableKeys const& keys);

// The HID family rules alone (IOHIDFamily MatchPropertyTable, reference 4.3), against the
// entry whose properties HID compares (see hid_owner). The score includes IOProbeScore.
MatchResult match_hid(PropertyDict const& personality, RegistryEntry const& owner, bool validate_vendor_page = false);

// The PCI family rules alone (IOPCIFamily's pciMatchNub; pci_matching.cpp): IOPCIMatch,
// IOPCIPrimaryMatch, IOPCISecondaryMatch and IOPCIClassMatch against the nub's id properties.
// The score is what the family adds (1000 for IOPCIMatch on the primary ids), without IOProbeScore.
MatchResult match_pci(PropertyDict const& table, RegistryEntry const& nub, MatchDetail detail, TableKeys const& keys);
// The same rules for a table that is not a personality (a `…transport.pci` entitlement's
// dictionary); `why`, when given, receives the failing key and reason.
bool pci_table_matches(PropertyDict const& table, RegistryEntry const& nub, std::string* why = nullptr);
// One word of a PCI match string ("0x74711209&0xffff0000").
struct PciWord {
    uint32_t value;
    uint32_t mask;
};
// Reads a match string as the family does (strtoul base 16, words separated by spaces, `&mask`
// optional); `leftover` receives text the family stops at without reading (a comma, a typo).
void pci_match_words(std::string_view text, uint32_t default_mask, std::vector<PciWord>& words, std::string& leftover);
// The configuration register (0x00, 0x08 or 0x2C) the PCI keys compare, rebuilt from the nub's
// vendor-id, device-id, class-code, revision-id, subsystem-vendor-id and subsystem-id data.
uint32_t pci_config_register(RegistryEntry const& nub, uint8_t offset);

// The entry whose properties HID rules read for `nub`: IOHIDInterface defers to its IOHIDDevice
// provider ([HID] IOHIDInterface::matchPropertyTable); every other HID nub reads its own.
RegistryEntry const& hid_owner(RegistryEntry const& nub);

// The category a personality competes in (IOMatchCategory, default IODefaultMatchCategory).
std::string match_category(PropertyDict const& personality);

// The personality's IOProbeScore as IOKit reads it (a 32-bit signed OSNumber; 0 when absent).
int64_t probe_score(PropertyDict const& personality);

// Helpers shared by the family files.
namespace matching_detail {
Property const* find(PropertyDict const& dict, std::string const& key);
inline Property const* find(PropertyDict const& dict, MatchKey key) { return find(dict, key_name(key)); }
std::string describe(Property const* p);
} // namespace matching_detail

} // namespace dextlab::kernel
