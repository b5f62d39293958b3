// HID family matching, for nubs that conform to IOHIDDevice, IOHIDInterface or IOHIDEventService.
//
// Source: IOHIDFamily IOHIDFamily/IOHIDFamilyPrivate.cpp, MatchPropertyTable and its helpers
// (CompareProperty, CompareDeviceUsage, CompareDeviceUsagePairs, CompareProductID), summarised in
// the reference (driverkit-api.md 4.3). Every comparison runs; any failure means no match and a
// score of 0. A key the personality does not name passes. Increments are grouped: the transport
// group counts only when Transport matched, the vendor group only when VendorID matched, and the
// usage score is either the device-usage pairs (+1100) or the primary usage page and usage.

#include "matching.h"

#include <array>

namespace dextlab::kernel {

using namespace matching_detail;

namespace {

enum class HidGroup : uint8_t {
    PrimaryUsage, // counted when no device-usage pair scored
    Transport,    // counted when Transport matched
    Vendor,       // counted when VendorID matched
    None,         // must match, adds nothing (BootProtocol)
};

// One plain property rule: the key must equal the service's property; the increment is what a
// match is worth (IOHIDFamilyPrivate.cpp's kHID*ScoreIncrement constants).
struct HidKeyRule {
    char const* key;
    int64_t increment;
    HidGroup group;
};

// In MatchPropertyTable's order; DeviceUsagePairs and ProductID have rules of their own and are
// compared between PrimaryUsage and Transport, and between VendorID and VersionNumber.
constexpr std::array kUsageRules { HidKeyRule { "PrimaryUsagePage", 1100, HidGroup::PrimaryUsage },
    HidKeyRule { "PrimaryUsage", 100, HidGroup::PrimaryUsage } };
constexpr std::array kTransportVendorRules { HidKeyRule { "Transport", 1000, HidGroup::Transport },
    HidKeyRule { "LocationID", 2000, HidGroup::Transport }, HidKeyRule { "VendorID", 5000, HidGroup::Vendor } };
constexpr std::array kVendorDetailRules { HidKeyRule { "VersionNumber", 100, HidGroup::Vendor },
    HidKeyRule { "Manufacturer", 100, HidGroup::Vendor }, HidKeyRule { "SerialNumber", 100, HidGroup::Vendor },
    HidKeyRule { "PhysicalDeviceUniqueID", 100, HidGroup::Vendor }, HidKeyRule { "BootProtocol", 0, HidGroup::None } };

constexpr int64_t kDeviceUsageIncrement = 100; // kHIDDeviceUsageScoreIncrement
constexpr int64_t kDeviceUsageBase = 1100;      // kHIDDeviceUsageScoreBase
constexpr uint64_t kVendorUsagePageFirst = 0xff00;

struct HidScores {
    int64_t primary_page { 0 };
    int64_t primary_usage { 0 };
    int64_t usage_pairs { 0 };
    int64_t transport { 0 };
    int64_t location { 0 };
    int64_t vendor { 0 };
    int64_t product { 0 };
    int64_t vendor_detail { 0 };
};

class HidMatcher {
public:
    HidMatcher(PropertyDict const& table, RegistryEntry const& owner)
        : m_table(table)
        , m_owner(owner)
    {
    }

    MatchResult run(bool validate_vendor_page);

private:
    bool compare_property(HidKeyRule const& rule, int64_t& score);
    bool compare_device_usage(PropertyDict const& wanted, int64_t& score) const;
    bool compare_usage_pairs();
    bool compare_top_level_usage();
    bool compare_product();
    void fail(std::string key, std::string reason)
    {
        if (m_result.failed_key.empty()) {
            m_result.failed_key = std::move(key);
            m_result.reason = std::move(reason);
        }
    }
    bool vendor_page_without_vendor() const;
    void add_up();
    int64_t* slot(char const* key);

    PropertyDict const& m_table;
    RegistryEntry const& m_owner;
    HidScores m_scores;
    MatchResult m_result;
};

int64_t* HidMatcher::slot(char const* key)
{
    std::string_view k = key;
    if (k == "PrimaryUsagePage")
        return &m_scores.primary_page;
    if (k == "PrimaryUsage")
        return &m_scores.primary_usage;
    if (k == "Transport")
        return &m_scores.transport;
    if (k == "LocationID")
        return &m_scores.location;
    if (k == "VendorID")
        return &m_scores.vendor;
    return &m_scores.vendor_detail;
}

// CompareProperty: absent passes; present must equal the service's property.
bool HidMatcher::compare_property(HidKeyRule const& rule, int64_t& score)
{
    auto const* want = find(m_table, rule.key);
    if (!want)
        return true;
    auto const* have = m_owner.property(rule.key);
    bool ok = have && *want == *have;
    if (ok)
        score += rule.increment;
    m_result.compared.push_back(KeyCheck { rule.key, describe(want), describe(have), ok, ok ? rule.increment : 0, "" });
    if (!ok)
        fail(rule.key, std::string(rule.key) + ": personality wants " + describe(want) + ", the HID service has " + describe(have));
    return ok;
}

// CompareDeviceUsage: `wanted` may name DeviceUsagePage and DeviceUsage. The service must publish
// DeviceUsagePairs; a pair with the same page (and usage, when one is wanted) matches, worth 100
// (50 when only the page was given). The last comparison made decides, as in IOHIDFamily.
bool HidMatcher::compare_device_usage(PropertyDict const& wanted, int64_t& score) const
{
    auto const* page = find(wanted, "DeviceUsagePage");
    auto const* usage = find(wanted, "DeviceUsage");
    auto const* pairs = m_owner.property("DeviceUsagePairs");
    if (!pairs || !pairs->is_array())
        return false;
    if (!page && !usage)
        return true;
    bool matches = true;
    for (auto const& pair : pairs->as_array()) {
        auto const* pair_page = pair.find("DeviceUsagePage");
        auto const* pair_usage = pair.find("DeviceUsage");
        if (!pair.is_dict() || !page || !pair_page)
            continue;
        matches = *page == *pair_page;
        if (!matches)
            continue;
        if (!usage) {
            score += kDeviceUsageIncrement / 2;
            break;
        }
        matches = pair_usage && *usage == *pair_usage;
        if (!matches)
            continue;
        score += kDeviceUsageIncrement;
        break;
    }
    return matches;
}

// CompareDeviceUsagePairs: the personality's DeviceUsagePairs array; the first of its
// dictionaries that matches (by compare_device_usage) wins.
bool HidMatcher::compare_usage_pairs()
{
    auto const* wanted = find(m_table, "DeviceUsagePairs");
    if (!wanted || !wanted->is_array())
        return true;
    bool matches = true;
    for (auto const& entry : wanted->as_array()) {
        if (!entry.is_dict())
            continue;
        matches = compare_device_usage(entry.as_dict(), m_scores.usage_pairs);
        if (matches)
            break;
    }
    m_result.compared.push_back(KeyCheck { "DeviceUsagePairs", describe(wanted), describe(m_owner.property("DeviceUsagePairs")),
        matches, 0, "" });
    if (!matches)
        fail("DeviceUsagePairs", "DeviceUsagePairs: no pair in " + describe(wanted) + " is among the HID service's pairs "
                + describe(m_owner.property("DeviceUsagePairs")));
    return matches;
}

// The top-level DeviceUsagePage / DeviceUsage, compared the same way. This comparison is also
// where a service without a DeviceUsagePairs property fails every personality.
bool HidMatcher::compare_top_level_usage()
{
    auto const* pairs = m_owner.property("DeviceUsagePairs");
    bool ok = compare_device_usage(m_table, m_scores.usage_pairs);
    bool named = find(m_table, "DeviceUsagePage") || find(m_table, "DeviceUsage");
    if (named || !ok) {
        std::string wanted = describe(find(m_table, "DeviceUsagePage")) + "/" + describe(find(m_table, "DeviceUsage"));
        m_result.compared.push_back(KeyCheck { "DeviceUsagePage/DeviceUsage", wanted, describe(pairs), ok, 0, "" });
    }
    if (!ok && (!pairs || !pairs->is_array()))
        fail("DeviceUsagePairs", "the HID service publishes no DeviceUsagePairs, and IOHIDFamily's CompareDeviceUsage fails "
                                 "every personality on such a service");
    else if (!ok)
        fail("DeviceUsagePage", "DeviceUsagePage/DeviceUsage: no pair of the HID service " + describe(pairs) + " has them");
    return ok;
}

// CompareProductID: ProductID (1000), else ProductIDArray (975), else ProductID under
// ProductIDMask (950), else ProductIDArray under the mask (925). A key given but not matching
// fails. ProductID "*" matches any product and scores like an exact id (reference 4.3, from
// IOHIDFamily HEAD; older releases compared with isEqualTo only).
bool HidMatcher::compare_product()
{
    auto const* pid = find(m_table, "ProductID");
    auto const* array = find(m_table, "ProductIDArray");
    auto const* mask = find(m_table, "ProductIDMask");
    if (!pid && !array)
        return true;
    auto const* have = m_owner.property("ProductID");
    bool have_number = have && have->is_number();
    uint32_t value = have_number ? static_cast<uint32_t>(have->as_number()) : 0;
    uint32_t m = mask && mask->is_number() ? static_cast<uint32_t>(mask->as_number()) : 0;
    auto in_array = [&](bool masked) {
        if (!array || !array->is_array() || !have_number)
            return false;
        for (auto const& e : array->as_array()) {
            if (e.is_number() && (masked ? (static_cast<uint32_t>(e.as_number()) & m) == (value & m) : e.as_number() == value))
                return true;
        }
        return false;
    };
    int64_t score = 0;
    std::string how;
    if (pid && have && (*pid == *have || (pid->is_string() && pid->as_string() == "*"))) {
        score = 1000;
        how = pid->is_string() ? "ProductID \"*\"" : "ProductID";
    } else if (in_array(false)) {
        score = 975;
        how = "ProductIDArray";
    } else if (pid && pid->is_number() && mask && have_number && (static_cast<uint32_t>(pid->as_number()) & m) == (value & m)) {
        score = 950;
        how = "ProductID under ProductIDMask";
    } else if (mask && in_array(true)) {
        score = 925;
        how = "ProductIDArray under ProductIDMask";
    }
    m_scores.product = score;
    bool ok = score > 0;
    std::string wanted = pid ? describe(pid) : describe(array);
    m_result.compared.push_back(KeyCheck { pid ? "ProductID" : "ProductIDArray", wanted, describe(have), ok, 0, ok ? "matched as " + how : "" });
    if (!ok)
        fail(pid ? "ProductID" : "ProductIDArray",
            std::string(pid ? "ProductID" : "ProductIDArray") + ": personality wants " + wanted + ", the HID service has " + describe(have));
    return ok;
}

// IOHIDDevice::validateMatchingTable: a personality whose own Transport is USB or Bluetooth and
// that asks for a vendor-defined usage page (0xFF00 and up) must also name VendorID.
bool HidMatcher::vendor_page_without_vendor() const
{
    auto const* transport = find(m_table, "Transport");
    if (!transport || !transport->is_string() || (transport->as_string() != "USB" && transport->as_string() != "Bluetooth"))
        return false;
    if (find(m_table, "VendorID"))
        return false;
    auto vendor_page = [](Property const* p) { return p && p->is_number() && p->as_number() >= kVendorUsagePageFirst; };
    if (vendor_page(find(m_table, "PrimaryUsagePage")) || vendor_page(find(m_table, "DeviceUsagePage")))
        return true;
    if (auto const* pairs = find(m_table, "DeviceUsagePairs"); pairs && pairs->is_array()) {
        for (auto const& pair : pairs->as_array()) {
            if (vendor_page(pair.find("DeviceUsagePage")))
                return true;
        }
    }
    return false;
}

MatchResult HidMatcher::run(bool validate_vendor_page)
{
    if (validate_vendor_page && vendor_page_without_vendor()) {
        m_result.compared.push_back(KeyCheck { "VendorID", "(absent)", describe(m_owner.property("VendorID")), false, 0,
            "required with a vendor usage page and a USB or Bluetooth Transport" });
        fail("VendorID", "a personality with Transport USB or Bluetooth that asks for a vendor usage page (0xFF00 and up) must name "
                         "VendorID (IOHIDDevice::validateMatchingTable); add the device's VendorID");
    }
    bool ok = true;
    for (auto const& rule : kUsageRules)
        ok &= compare_property(rule, *slot(rule.key));
    ok &= compare_usage_pairs();
    ok &= compare_top_level_usage();
    for (auto const& rule : kTransportVendorRules)
        ok &= compare_property(rule, *slot(rule.key));
    ok &= compare_product();
    for (auto const& rule : kVendorDetailRules)
        ok &= compare_property(rule, m_scores.vendor_detail);
    if (find(m_table, "HIDDefaultBehavior") && !m_owner.property("HIDDefaultBehavior")) {
        ok = false;
        m_result.compared.push_back(KeyCheck { "HIDDefaultBehavior", describe(find(m_table, "HIDDefaultBehavior")), "(absent)", false, 0, "" });
        fail("HIDDefaultBehavior", "HIDDefaultBehavior: the HID service does not publish it");
    }
    if (!ok || !m_result.failed_key.empty()) {
        m_result.matched = false;
        m_result.score = 0;
        return m_result;
    }
    add_up();
    return m_result;
}

// The groups' totals as MatchPropertyTable adds them, and what each key counted for.
void HidMatcher::add_up()
{
    int64_t transport = m_scores.transport > 0 ? m_scores.transport + m_scores.location : 0;
    int64_t vendor = m_scores.vendor > 0 ? m_scores.vendor + m_scores.product + m_scores.vendor_detail : 0;
    int64_t usage = m_scores.usage_pairs > 0 ? m_scores.usage_pairs + kDeviceUsageBase
        : m_scores.primary_page > 0         ? m_scores.primary_page + m_scores.primary_usage
                                            : 0;
    // Per-key scores say what was counted, after the grouping.
    for (auto& check : m_result.compared) {
        bool transport_key = check.key == "Transport" || check.key == "LocationID";
        bool vendor_key = check.key == "VendorID" || check.key == "ProductID" || check.key == "ProductIDArray"
            || check.key == "VersionNumber" || check.key == "Manufacturer" || check.key == "SerialNumber"
            || check.key == "PhysicalDeviceUniqueID";
        bool primary_key = check.key == "PrimaryUsagePage" || check.key == "PrimaryUsage";
        if (check.key == "ProductID" || check.key == "ProductIDArray")
            check.score = m_scores.product;
        if ((transport_key && transport == 0) || (vendor_key && vendor == 0) || (primary_key && (m_scores.usage_pairs > 0 || usage == 0))) {
            if (check.score > 0)
                check.note = transport_key ? "not counted: counts only when Transport matched"
                    : vendor_key           ? "not counted: counts only when VendorID matched"
                                           : "not counted: a device-usage pair scored instead";
            check.score = 0;
        }
    }
    int64_t probe = probe_score(m_table);
    m_result.matched = true;
    m_result.score = probe + usage + transport + vendor;
    m_result.rule = "HID (" + std::to_string(m_result.score - probe) + ")";
    m_result.reason = "matched HID: usage " + std::to_string(usage) + " + transport " + std::to_string(transport) + " + vendor "
        + std::to_string(vendor) + " + IOProbeScore " + std::to_string(probe);
}

} // namespace

RegistryEntry const& hid_owner(RegistryEntry const& nub)
{
    if (nub.conforms_to("IOHIDInterface") && nub.parent && nub.parent->conforms_to("IOHIDDevice"))
        return *nub.parent;
    return nub;
}

MatchResult match_hid(PropertyDict const& personality, RegistryEntry const& owner, bool validate_vendor_page)
{
    return HidMatcher(personality, owner).run(validate_vendor_page);
}

} // namespace dextlab::kernel
