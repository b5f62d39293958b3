// The generic part of passive matching and the dispatch to the family rules.
//
// Source: xnu iokit/Kernel/IOService.cpp, IOService::matchPassive and matchInternal (reference
// 4.1): generic keys first, the first failure stops; then the family's matchPropertyTable with
// the score preset from IOProbeScore; then IOParentMatch, a nested table that must match the
// nub's provider or any provider above it (matchPassive walks getProvider() up to the root).

#include "matching.h"

#include <algorithm>
#include <array>

namespace dextlab::kernel {

namespace matching_detail {

Property const* find(PropertyDict const& dict, std::string const& key)
{
    auto it = dict.find(key);
    return it == dict.end() ? nullptr : &it->second;
}

std::string describe(Property const* p) { return p ? p->to_ioreg_text(true) : "(absent)"; }

} // namespace matching_detail

using namespace matching_detail;

namespace {

// In MatchKey's order. The USB keys are those the family's matchPropertyTable looks at ([SDK]
// IOUSBHostFamilyDefinitions.h).
constexpr std::array<char const*, static_cast<size_t>(MatchKey::Count)> kKeyNames { "IOProviderClass", "IONameMatch",
    "IOLocationMatch", "IOPropertyMatch", "IOPropertyExistsMatch", "IOResourceMatch", "IOParentMatch", "IOProbeScore",
    "IOMatchCategory", "idVendor", "idProduct", "idProductMask", "idProductArray", "bcdDevice", "bDeviceClass",
    "bDeviceSubClass", "bDeviceProtocol", "bConfigurationValue", "bInterfaceClass", "bInterfaceSubClass",
    "bInterfaceProtocol", "bInterfaceNumber", "IOPCIMatch", "IOPCIPrimaryMatch", "IOPCISecondaryMatch", "IOPCIClassMatch" };

// The keys IOService::matchInternal counts as done. When a table holds nothing else the family
// is not asked ("don't call family if we've done all the entries in the table").
constexpr std::array kGenericKeys = { "IOProviderClass", "IONameMatch", "IOLocationMatch", "IOPropertyMatch",
    "IOPropertyExistsMatch", "IOPathMatch", "IORegistryEntryID", "IOMatchedServiceCountMatch", "BSD Name", "BSD Major",
    "BSD Minor", "BSD Unit" };

constexpr std::array kHidClasses = { "IOHIDDevice", "IOHIDInterface", "IOHIDEventService" };

// A string, or an array of strings: does any element satisfy `accept`?
template<typename Accept>
bool any_string(Property const& value, Accept accept)
{
    if (value.is_string())
        return accept(value.as_string());
    if (!value.is_array())
        return false;
    return std::any_of(value.as_array().begin(), value.as_array().end(),
        [&](Property const& p) { return p.is_string() && accept(p.as_string()); });
}

class TableMatcher {
public:
    TableMatcher(PropertyDict const& table, NubFacts const& nub, MatchDetail detail, TableKeys const& keys)
        : m_table(table)
        , m_nub(nub)
        , m_entry(nub.entry)
        , m_detail(detail)
        , m_keys(keys)
    {
    }

    // `top_level`: a personality (IOProviderClass required) rather than a nested IOParentMatch table.
    MatchResult run(bool top_level);

private:
    bool provider_class(bool top_level);
    bool name_match();
    bool location_match();
    bool property_match();
    bool property_exists_match();
    bool resource_match();
    bool family();
    bool parent_match();

    // Records a key compared (explanations only: the strings cost more than the match).
    template<typename Found>
    void check(std::string key, Property const* want, Found found, bool passed, std::string note = {})
    {
        if (m_detail == MatchDetail::Keys)
            m_result.compared.push_back(KeyCheck { std::move(key), describe(want), found(), passed, 0, std::move(note) });
    }
    Property const* lookup(MatchKey key) const { return m_keys.has(key) ? find(m_table, key) : nullptr; }
    bool fail(std::string key, std::string reason)
    {
        m_result.matched = false;
        m_result.failed_key = std::move(key);
        m_result.reason = std::move(reason);
        return false;
    }

    PropertyDict const& m_table;
    NubFacts const& m_nub;
    RegistryEntry const& m_entry;
    MatchDetail m_detail;
    TableKeys const& m_keys;
    MatchResult m_result;
};

std::string quoted(std::string const& text) { return "\"" + text + "\""; }

bool TableMatcher::provider_class(bool top_level)
{
    // 1. IOProviderClass: the nub must be of that class or a subclass.
    auto const* want = lookup(MatchKey::IOProviderClass);
    auto nub_class = [&] { return m_nub.chain.front(); };
    if (!want) {
        if (!top_level)
            return true;
        check("IOProviderClass", want, nub_class, false);
        return fail("IOProviderClass", "the personality has no IOProviderClass string");
    }
    bool ok = want->is_string() && m_nub.conforms_to(want->as_string());
    check("IOProviderClass", want, nub_class, ok);
    if (!ok)
        return fail("IOProviderClass",
            want->is_string() ? "wants " + want->as_string() + ", the nub is " + m_nub.chain.front()
                              : "IOProviderClass must be a string, not " + std::string(want->type_name()));
    return true;
}

bool TableMatcher::name_match()
{
    // 2. IONameMatch: a string or an array of strings, any equal to the nub's name.
    auto const* want = lookup(MatchKey::IONameMatch);
    if (!want)
        return true;
    bool ok = any_string(*want, [&](std::string const& n) { return n == m_entry.name; });
    check("IONameMatch", want, [&] { return quoted(m_entry.name); }, ok);
    if (!ok)
        return fail("IONameMatch", "no name in " + want->to_ioreg_text() + " equals the nub's name \"" + m_entry.name + "\"");
    return true;
}

bool TableMatcher::location_match()
{
    // 3. IOLocationMatch (a string): equals the nub's location, the part after '@'.
    auto const* want = lookup(MatchKey::IOLocationMatch);
    if (!want || !want->is_string())
        return true;
    bool ok = want->as_string() == m_entry.location;
    check("IOLocationMatch", want, [&] { return quoted(m_entry.location); }, ok);
    if (!ok)
        return fail("IOLocationMatch", "IOLocationMatch " + want->to_ioreg_text() + " is not the nub's location \"" + m_entry.location + "\"");
    return true;
}

bool TableMatcher::property_match()
{
    // 4. IOPropertyMatch: a dictionary, or an array of them (any one), every key equal.
    auto const* want = lookup(MatchKey::IOPropertyMatch);
    if (!want)
        return true;
    auto dict_holds = [&](Property const& d) {
        if (!d.is_dict())
            return false;
        return std::all_of(d.as_dict().begin(), d.as_dict().end(), [&](auto const& kv) {
            auto const* have = m_entry.property(kv.first);
            return have && *have == kv.second;
        });
    };
    bool ok = want->is_array() ? std::any_of(want->as_array().begin(), want->as_array().end(), dict_holds) : dict_holds(*want);
    // Found: the nub's values of the keys the first dictionary names.
    auto found = [&] {
        std::string text;
        Property const* first = want->is_array() ? (want->as_array().empty() ? nullptr : &want->as_array().front()) : want;
        if (!first || !first->is_dict())
            return text;
        for (auto const& [key, value] : first->as_dict())
            text += (text.empty() ? "" : ",") + (quoted(key) + "=" + describe(m_entry.property(key)));
        return "{" + text + "}";
    };
    check("IOPropertyMatch", want, found, ok);
    if (!ok)
        return fail("IOPropertyMatch", "the nub's properties " + found() + " do not equal " + want->to_ioreg_text(true));
    return true;
}

bool TableMatcher::property_exists_match()
{
    // 5. IOPropertyExistsMatch: a string or array; any named property exists.
    auto const* want = lookup(MatchKey::IOPropertyExistsMatch);
    if (!want)
        return true;
    bool ok = any_string(*want, [&](std::string const& n) { return m_entry.property(n) != nullptr; });
    check("IOPropertyExistsMatch", want, [&] { return std::string(ok ? "present" : "(absent)"); }, ok);
    if (!ok)
        return fail("IOPropertyExistsMatch", "none of " + want->to_ioreg_text() + " is a property of the nub");
    return true;
}

bool TableMatcher::resource_match()
{
    // IOResourceMatch on a non-resource provider waits at start for the resource to be
    // published (IOService::checkResources); the lab publishes only IOKit, so any other waits forever.
    auto const* want = lookup(MatchKey::IOResourceMatch);
    if (!want)
        return true;
    bool ok = want->is_string() && want->as_string() == "IOKit";
    check("IOResourceMatch", want, [] { return std::string("IOKit"); }, ok);
    if (!ok)
        return fail("IOResourceMatch", "resource " + want->to_ioreg_text() + " is never published in the lab (only IOKit is)");
    return true;
}

bool TableMatcher::family()
{
    // 7. The family's matchPropertyTable, score preset from IOProbeScore.
    int64_t probe = m_keys.has(MatchKey::IOProbeScore) ? probe_score(m_table) : 0;
    if (m_nub.hid && m_keys.any_non_generic_key()) {
        RegistryEntry const& owner = hid_owner(m_entry);
        MatchResult hid = match_hid(m_table, owner, m_entry.conforms_to("IOHIDDevice"));
        if (m_detail == MatchDetail::Keys) {
            for (auto& c : hid.compared)
                m_result.compared.push_back(std::move(c));
        }
        if (!hid.matched)
            return fail(hid.failed_key, hid.reason);
        m_result.score = hid.score;
        m_result.rule = hid.rule;
        m_result.reason = hid.reason;
        return true;
    }
    // USB rules apply only when the table names a USB key (IOUSBHostFamily is closed; a table
    // without USB keys keeps its IOProbeScore, as the legacy family did).
    if ((m_nub.usb_device || m_nub.usb_interface) && m_keys.any_usb_key()) {
        MatchResult usb = match_usb(m_table, m_entry, m_nub.usb_interface, m_detail, m_keys);
        for (auto& c : usb.compared)
            m_result.compared.push_back(std::move(c));
        if (!usb.matched)
            return fail(usb.failed_key, usb.reason);
        // IOProbeScore is added; 10000 or more counts as 9000 (legacy IOUSBDevice::matchPropertyTable).
        m_result.score = usb.score + (probe >= 10000 ? 9000 : probe);
        m_result.rule = std::move(usb.rule);
        m_result.reason = std::move(usb.reason);
        return true;
    }
    // PCI rules apply when the table names a PCI key (IOPCIDevice::matchPropertyTable): the
    // family's score is added to IOProbeScore.
    if (m_nub.pci && m_keys.any_pci_key()) {
        MatchResult pci = match_pci(m_table, m_entry, m_detail, m_keys);
        for (auto& c : pci.compared)
            m_result.compared.push_back(std::move(c));
        if (!pci.matched)
            return fail(pci.failed_key, pci.reason);
        m_result.score = probe + pci.score;
        m_result.rule = std::move(pci.rule);
        m_result.reason = std::move(pci.reason);
        return true;
    }
    m_result.score = probe;
    m_result.rule = "generic keys";
    m_result.reason = "matched on generic keys, score = IOProbeScore";
    return true;
}

bool TableMatcher::parent_match()
{
    // 8. IOParentMatch: the nested table must match the nub's provider or one above it.
    auto const* want = lookup(MatchKey::IOParentMatch);
    if (!want)
        return true;
    if (!want->is_dict()) {
        check("IOParentMatch", want, [] { return std::string(); }, false);
        return fail("IOParentMatch", "IOParentMatch must be a dictionary, not " + std::string(want->type_name()));
    }
    std::string closest;
    TableKeys nested_keys = TableKeys::of(want->as_dict());
    for (RegistryEntry const* ancestor = m_entry.parent; ancestor && ancestor->parent; ancestor = ancestor->parent) {
        NubFacts facts(*ancestor);
        MatchResult nested = TableMatcher(want->as_dict(), facts, MatchDetail::Summary, nested_keys).run(false);
        if (nested.matched) {
            std::string where = ancestor->name + " (" + facts.chain.front() + ")";
            check("IOParentMatch", want, [&] { return where; }, true, "matched by ancestor " + facts.chain.front());
            return true;
        }
        if (closest.empty())
            closest = ancestor->name + " (" + facts.chain.front() + "): " + nested.reason;
    }
    check("IOParentMatch", want, [&] { return closest.empty() ? std::string("(no provider)") : closest; }, false);
    return fail("IOParentMatch", "no provider above the nub matches " + want->to_ioreg_text(true)
            + (closest.empty() ? "; the nub has no provider" : "; the nearest, " + closest));
}

MatchResult TableMatcher::run(bool top_level)
{
    bool ok = provider_class(top_level) && name_match() && location_match() && property_match() && property_exists_match()
        && resource_match() && family() && parent_match();
    m_result.matched = ok;
    if (!ok)
        m_result.score = 0;
    return m_result;
}

} // namespace

std::string const& key_name(MatchKey key)
{
    static std::array<std::string, kKeyNames.size()> const names = [] {
        std::array<std::string, kKeyNames.size()> out;
        for (size_t i = 0; i < kKeyNames.size(); ++i)
            out[i] = kKeyNames[i];
        return out;
    }();
    return names[static_cast<size_t>(key)];
}

TableKeys TableKeys::of(PropertyDict const& table)
{
    TableKeys keys;
    for (auto const& entry : table) {
        std::string const& name = entry.first; // not a structured binding: clang 14 cannot capture one
        auto known = std::find_if(kKeyNames.begin(), kKeyNames.end(), [&](char const* k) { return name == k; });
        if (known != kKeyNames.end())
            keys.m_bits |= 1u << static_cast<unsigned>(known - kKeyNames.begin());
        if (std::none_of(kGenericKeys.begin(), kGenericKeys.end(), [&](char const* g) { return name == g; }))
            keys.m_non_generic = true;
    }
    return keys;
}

bool TableKeys::any_usb_key() const
{
    uint32_t usb = 0;
    for (auto k = static_cast<unsigned>(MatchKey::idVendor); k <= static_cast<unsigned>(MatchKey::bInterfaceNumber); ++k)
        usb |= 1u << k;
    return (m_bits & usb) != 0;
}

bool TableKeys::any_pci_key() const
{
    uint32_t pci = 0;
    for (auto k = static_cast<unsigned>(MatchKey::IOPCIMatch); k <= static_cast<unsigned>(MatchKey::IOPCIClassMatch); ++k)
        pci |= 1u << k;
    return (m_bits & pci) != 0;
}

size_t MatchResult::keys_passed() const
{
    return static_cast<size_t>(std::count_if(compared.begin(), compared.end(), [](KeyCheck const& c) { return c.passed; }));
}

NubFacts::NubFacts(RegistryEntry const& nub)
    : entry(nub)
    , chain(nub.class_chain())
{
    usb_device = conforms_to("IOUSBHostDevice");
    usb_interface = conforms_to("IOUSBHostInterface");
    hid = std::any_of(kHidClasses.begin(), kHidClasses.end(), [&](char const* c) { return conforms_to(c); });
    pci = conforms_to("IOPCIDevice");
}

bool NubFacts::conforms_to(std::string_view class_name) const
{
    return std::find(chain.begin(), chain.end(), class_name) != chain.end();
}

std::string match_category(PropertyDict const& personality)
{
    auto const* category = find(personality, "IOMatchCategory");
    return category && category->is_string() ? category->as_string() : "IODefaultMatchCategory";
}

int64_t probe_score(PropertyDict const& personality)
{
    auto const* p = find(personality, "IOProbeScore");
    return p && p->is_number() ? static_cast<int64_t>(static_cast<int32_t>(p->as_number())) : 0;
}

MatchResult match_personality(PropertyDict const& personality, NubFacts const& nub, MatchDetail detail, TableKeys const* keys)
{
    if (keys)
        return TableMatcher(personality, nub, detail, *keys).run(true);
    TableKeys own = TableKeys::of(personality);
    return TableMatcher(personality, nub, detail, own).run(true);
}

MatchResult match_personality(PropertyDict const& personality, RegistryEntry const& nub)
{
    NubFacts facts(nub);
    return match_personality(personality, facts);
}

} // namespace dextlab::kernel
