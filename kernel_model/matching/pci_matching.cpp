// PCI family matching, for nubs that conform to IOPCIDevice.
//
// Source: IOPCIFamily IOPCIBridge.cpp, pciMatchNub and matchKeys (called by
// IOPCIDevice::matchPropertyTable). Four keys, in this order, the first failure stops:
//   IOPCIMatch          against config dword 0x00 (device << 16 | vendor), then 0x2C
//                       (subsystem id << 16 | subsystem vendor)
//   IOPCIPrimaryMatch   against 0x00 only
//   IOPCISecondaryMatch against 0x2C only
//   IOPCIClassMatch     against 0x08 (class code << 8 | revision), default mask 0xffffff00
// Each value is a string of hexadecimal words separated by spaces, each optionally followed by
// `&mask` ("0x74711209&0xffffffff 0x00011209&0x0000ffff"); a word matches when
// (value & mask) == (register & mask), the default mask being 0xffffffff. The family adds 1000 to
// the score when IOPCIMatch matched the primary ids (not the subsystem's) — on Apple silicon;
// IOPCIFamily built with ACPI support (Intel Macs) adds nothing, and the lab models the former.
// The registers are rebuilt from the nub's vendor-id, device-id, class-code, revision-id,
// subsystem-vendor-id and subsystem-id properties, as IOPCIBridge::checkProperties refreshes
// its saved copy of them.

#include "matching.h"

#include <array>
#include <cctype>
#include <cstdio>

namespace dextlab::kernel {

using namespace matching_detail;

namespace {

struct PciKeyRule {
    MatchKey key;
    std::array<uint8_t, 2> registers; // 0xFF: none
    uint32_t default_mask;
    bool scores; // IOPCIMatch on the primary register adds kPrimaryScore
};

constexpr int64_t kPrimaryScore = 1000;

constexpr std::array kRules { PciKeyRule { MatchKey::IOPCIMatch, { 0x00, 0x2C }, 0xFFFFFFFF, true },
    PciKeyRule { MatchKey::IOPCIPrimaryMatch, { 0x00, 0xFF }, 0xFFFFFFFF, false },
    PciKeyRule { MatchKey::IOPCISecondaryMatch, { 0x2C, 0xFF }, 0xFFFFFFFF, false },
    PciKeyRule { MatchKey::IOPCIClassMatch, { 0x08, 0xFF }, 0xFFFFFF00, false } };

// A little-endian number from one of the nub's 4-byte OSData id properties.
uint32_t data_value(RegistryEntry const& nub, char const* key)
{
    auto const* p = nub.property(key);
    if (!p || !p->is_data())
        return 0;
    uint32_t value = 0;
    auto const& bytes = p->as_data();
    for (size_t i = 0; i < bytes.size() && i < 4; ++i)
        value |= uint32_t { bytes[i] } << (8 * i);
    return value;
}

// "0x74711209 (config 0x00)": a register's value and where it is.
std::string register_text(uint32_t value, uint8_t offset)
{
    char text[40];
    std::snprintf(text, sizeof text, "0x%08x (config 0x%02x)", value, offset);
    return text;
}

// strtoul(…, 16) as the family calls it: leading blanks, an optional 0x, hex digits.
bool read_hex(std::string_view text, size_t& at, uint64_t& value)
{
    size_t i = at;
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i])))
        ++i;
    if (i + 1 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')
        && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 2])))
        i += 2;
    size_t const digits = i;
    value = 0;
    while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) {
        char c = static_cast<char>(std::tolower(static_cast<unsigned char>(text[i])));
        value = value * 16 + static_cast<uint64_t>(c <= '9' ? c - '0' : c - 'a' + 10);
        ++i;
    }
    if (i == digits)
        return false;
    at = i;
    return true;
}

} // namespace

void pci_match_words(std::string_view text, uint32_t default_mask, std::vector<PciWord>& words, std::string& leftover)
{
    words.clear();
    leftover.clear();
    size_t at = 0;
    for (;;) {
        uint64_t value = 0;
        if (!read_hex(text, at, value))
            break;
        while (at < text.size() && text[at] == ' ')
            ++at;
        uint64_t mask = default_mask;
        if (at < text.size() && text[at] == '&') {
            ++at;
            if (!read_hex(text, at, mask))
                mask = 0; // strtoul found nothing: the family compares with a mask of 0
        }
        words.push_back(PciWord { static_cast<uint32_t>(value), static_cast<uint32_t>(mask) });
    }
    size_t rest = at;
    while (rest < text.size() && std::isspace(static_cast<unsigned char>(text[rest])))
        ++rest;
    if (rest < text.size())
        leftover = std::string(text.substr(rest));
}

uint32_t pci_config_register(RegistryEntry const& nub, uint8_t offset)
{
    switch (offset) {
    case 0x00: return (data_value(nub, "device-id") << 16) | (data_value(nub, "vendor-id") & 0xFFFF);
    case 0x08: return (data_value(nub, "class-code") << 8) | (data_value(nub, "revision-id") & 0xFF);
    case 0x2C: return (data_value(nub, "subsystem-id") << 16) | (data_value(nub, "subsystem-vendor-id") & 0xFFFF);
    default: return 0;
    }
}

MatchResult match_pci(PropertyDict const& table, RegistryEntry const& nub, MatchDetail detail, TableKeys const& keys)
{
    MatchResult result;
    result.matched = true;
    int64_t local_score = 0;
    std::vector<PciWord> words;
    std::string leftover;
    for (auto const& rule : kRules) {
        if (!keys.has(rule.key))
            continue;
        std::string const& name = key_name(rule.key);
        auto const* want = find(table, rule.key);
        auto record = [&](bool passed, std::string found, std::string note) {
            if (detail == MatchDetail::Keys)
                result.compared.push_back(KeyCheck { name, describe(want), std::move(found), passed, 0, std::move(note) });
        };
        if (!want || !want->is_string()) {
            record(false, "", "must be a string of hex words like \"0x74711209&0xffffffff\"");
            result.matched = false;
            result.failed_key = name;
            result.reason = name + " must be a string, not " + std::string(want ? want->type_name() : "absent");
            return result;
        }
        pci_match_words(want->as_string(), rule.default_mask, words, leftover);
        bool matched = false;
        std::string found;
        for (uint8_t reg : rule.registers) {
            if (reg == 0xFF)
                break;
            uint32_t const have = pci_config_register(nub, reg);
            found += (found.empty() ? "" : ", ") + register_text(have, reg);
            for (auto const& w : words) {
                if ((w.value & w.mask) == (have & w.mask)) {
                    matched = true;
                    break;
                }
            }
            if (matched) {
                if (rule.scores && reg == 0x00)
                    local_score = kPrimaryScore;
                break;
            }
        }
        std::string note = matched && rule.scores && local_score ? "primary ids: +1000" : "";
        if (!leftover.empty())
            note += std::string(note.empty() ? "" : "; ") + "ignored from \"" + leftover + "\" on (not a hex word)";
        record(matched, found, note);
        if (!matched) {
            result.matched = false;
            result.failed_key = name;
            result.reason = "no word of " + want->to_ioreg_text() + " matches the nub's " + found
                + (leftover.empty() ? "" : "; note that \"" + leftover + "\" was not read (words are hex, separated by spaces)");
            return result;
        }
    }
    result.score = local_score;
    result.rule = local_score ? "PCI: IOPCIMatch on vendor/device (+1000)" : "PCI keys";
    result.reason = local_score ? "IOPCIMatch matched the vendor and device ids: IOPCIFamily adds 1000" : "matched the PCI keys";
    return result;
}

bool pci_table_matches(PropertyDict const& table, RegistryEntry const& nub, std::string* why)
{
    TableKeys keys = TableKeys::of(table);
    MatchResult r = match_pci(table, nub, MatchDetail::Summary, keys);
    if (!r.matched && why)
        *why = r.failed_key + ": " + r.reason;
    return r.matched;
}

} // namespace dextlab::kernel
