#include "matching.h"

#include <array>

namespace dextlab::kernel {

namespace {

// The USB keys the family's matchPropertyTable looks at ([SDK] IOUSBHostFamilyDefinitions.h).
constexpr std::array kUsbKeys = { "idVendor", "idProduct", "idProductMask", "idProductArray", "bcdDevice", "bDeviceClass",
    "bDeviceSubClass", "bDeviceProtocol", "bConfigurationValue", "bInterfaceClass", "bInterfaceSubClass",
    "bInterfaceProtocol", "bInterfaceNumber" };

Property const* find(PropertyDict const& dict, std::string const& key)
{
    auto it = dict.find(key);
    return it == dict.end() ? nullptr : &it->second;
}

std::string describe(Property const* p) { return p ? p->to_ioreg_text(true) : "(absent)"; }

// Compares one USB key. A string "*" is IOKit's wildcard: it matches and is counted so the
// winning row can be charged 1000 per wildcard (legacy IOUSBDevice::matchPropertyTable).
struct UsbKeys {
    PropertyDict const& table;
    RegistryEntry const& nub;
    int wildcards { 0 };
    int masked { 0 };

    bool exists(char const* key) const { return find(table, key) != nullptr; }

    bool matches(char const* key)
    {
        auto const* want = find(table, key);
        if (!want)
            return false;
        if (want->is_string() && want->as_string() == "*") {
            ++wildcards;
            return true;
        }
        auto const* have = nub.property(key);
        return have && *want == *have;
    }

    // idProduct, or failing that idProductArray (any element), or idProductMask.
    bool product_matches()
    {
        if (matches("idProduct"))
            return true;
        auto const* have = nub.property("idProduct");
        if (!have || !have->is_number())
            return false;
        if (auto const* array = find(table, "idProductArray"); array && array->is_array()) {
            for (auto const& element : array->as_array()) {
                if (element.is_number() && element.as_number() == have->as_number())
                    return true;
            }
        }
        auto const* mask = find(table, "idProductMask");
        auto const* want = find(table, "idProduct");
        if (mask && mask->is_number() && want && want->is_number()
            && (have->as_number() & mask->as_number()) == (want->as_number() & mask->as_number())) {
            ++masked;
            return true;
        }
        return false;
    }
    bool product_given() const { return exists("idProduct") || exists("idProductArray"); }

    bool absent_or_matches(char const* key) { return !exists(key) || matches(key); }
};

} // namespace

std::string match_category(PropertyDict const& personality)
{
    auto const* category = find(personality, "IOMatchCategory");
    return category && category->is_string() ? category->as_string() : "IODefaultMatchCategory";
}

MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface)
{
    // QA1076 and the legacy IOUSBDevice/IOUSBInterface::matchPropertyTable give this table; the
    // first row that holds wins. Interface rows 1-2 also need the configuration and interface
    // numbers; the class rows must not name them.
    UsbKeys k { personality, nub };
    char const* cls = interface ? "bInterfaceClass" : "bDeviceClass";
    char const* sub = interface ? "bInterfaceSubClass" : "bDeviceSubClass";
    char const* proto = interface ? "bInterfaceProtocol" : "bDeviceProtocol";
    char const* kind = interface ? "USB interface" : "USB device";
    bool class_ok = k.absent_or_matches(cls) && k.absent_or_matches(sub) && k.absent_or_matches(proto);
    bool numbers_ok = !interface || (k.matches("bConfigurationValue") && k.matches("bInterfaceNumber"));
    bool numbers_absent = !interface || (!k.exists("bConfigurationValue") && !k.exists("bInterfaceNumber"));
    bool vendor = k.matches("idVendor");
    bool product = k.product_matches();

    MatchResult result;
    auto pick = [&](int64_t score, std::string rule) {
        result.matched = true;
        result.score = score - 1000 * k.wildcards - 500 * k.masked;
        result.rule = std::string(kind) + ": " + rule + " (" + std::to_string(score) + ")";
        result.reason = "matched " + result.rule;
        return result;
    };

    if (vendor && product && k.matches("bcdDevice") && class_ok && numbers_ok)
        return pick(100000, "idVendor+idProduct+bcdDevice");
    if (vendor && product && k.absent_or_matches("bcdDevice") && class_ok && numbers_ok)
        return pick(90000, "idVendor+idProduct");

    auto const* device_class = nub.property(cls);
    bool vendor_specific = device_class && device_class->is_number() && device_class->as_number() == 0xff;
    if (vendor_specific) {
        bool base = vendor && k.absent_or_matches(cls) && !k.exists("bcdDevice") && !k.product_given() && numbers_absent;
        if (base && k.matches(sub) && k.matches(proto))
            return pick(80000, std::string("idVendor+") + sub + "+" + proto);
        if (base && k.matches(sub) && !k.exists(proto))
            return pick(70000, std::string("idVendor+") + sub);
    } else {
        bool base = !k.exists("bcdDevice") && !k.exists("idVendor") && !k.product_given() && numbers_absent;
        if (base && k.matches(cls) && k.matches(sub) && k.matches(proto))
            return pick(60000, std::string(cls) + "+" + sub + "+" + proto);
        if (base && k.matches(cls) && k.matches(sub) && !k.exists(proto))
            return pick(50000, std::string(cls) + "+" + sub);
    }

    // Name the first key that kept the best row from holding, for the explanation.
    for (char const* key : { "idVendor", "idProduct", "bcdDevice", "bConfigurationValue", "bInterfaceNumber", cls, sub, proto }) {
        if (!interface && (std::string(key) == "bConfigurationValue" || std::string(key) == "bInterfaceNumber"))
            continue;
        bool failed = std::string(key) == "idProduct" ? (k.product_given() && !product) : (k.exists(key) && !k.matches(key));
        if (failed) {
            result.failed_key = key;
            result.reason = std::string(key) + ": personality wants " + describe(find(personality, key)) + ", the "
                + (interface ? "interface" : "device") + " has " + describe(nub.property(key));
            return result;
        }
    }
    result.failed_key = "USB key combination";
    result.reason = std::string("no row of the ") + kind
        + " matching table applies to this combination of keys (e.g. idVendor without idProduct on a non-vendor-specific "
          "class, or bInterfaceNumber with class keys); see docs/matching.md";
    return result;
}

MatchResult match_personality(PropertyDict const& personality, RegistryEntry const& nub)
{
    MatchResult result;
    auto fail = [&](std::string key, std::string reason) {
        result.matched = false;
        result.failed_key = std::move(key);
        result.reason = std::move(reason);
        return result;
    };

    // 1. IOProviderClass: the nub must be of that class or a subclass.
    auto const* provider_class = find(personality, "IOProviderClass");
    if (!provider_class || !provider_class->is_string())
        return fail("IOProviderClass", "the personality has no IOProviderClass string");
    if (!nub.conforms_to(provider_class->as_string()))
        return fail("IOProviderClass", "wants " + provider_class->as_string() + ", the nub is " + nub.class_name());

    // 2. IONameMatch: a string or an array of strings, any equal to the nub's name.
    if (auto const* name_match = find(personality, "IONameMatch")) {
        bool any = false;
        if (name_match->is_string())
            any = name_match->as_string() == nub.name;
        else if (name_match->is_array()) {
            for (auto const& n : name_match->as_array())
                any = any || (n.is_string() && n.as_string() == nub.name);
        }
        if (!any)
            return fail("IONameMatch", "no name in " + name_match->to_ioreg_text() + " equals the nub's name \"" + nub.name + "\"");
    }

    // 4. IOPropertyMatch: a dictionary, or an array of them (any one), every key equal.
    if (auto const* property_match = find(personality, "IOPropertyMatch")) {
        auto dict_holds = [&](Property const& d) {
            if (!d.is_dict())
                return false;
            for (auto const& [key, value] : d.as_dict()) {
                auto const* have = nub.property(key);
                if (!have || !(*have == value))
                    return false;
            }
            return true;
        };
        bool any = false;
        if (property_match->is_array()) {
            for (auto const& d : property_match->as_array())
                any = any || dict_holds(d);
        } else {
            any = dict_holds(*property_match);
        }
        if (!any)
            return fail("IOPropertyMatch", "the nub's properties do not equal " + property_match->to_ioreg_text());
    }

    // 5. IOPropertyExistsMatch: a string or array; any named property exists.
    if (auto const* exists = find(personality, "IOPropertyExistsMatch")) {
        bool any = false;
        if (exists->is_string())
            any = nub.property(exists->as_string()) != nullptr;
        else if (exists->is_array()) {
            for (auto const& n : exists->as_array())
                any = any || (n.is_string() && nub.property(n.as_string()));
        }
        if (!any)
            return fail("IOPropertyExistsMatch", "none of " + exists->to_ioreg_text() + " is a property of the nub");
    }

    // IOResourceMatch on a non-resource provider waits for the resource; IOKit is always published.
    if (auto const* resource = find(personality, "IOResourceMatch")) {
        if (!resource->is_string() || resource->as_string() != "IOKit")
            return fail("IOResourceMatch", "resource " + resource->to_ioreg_text() + " is never published in the lab (only IOKit is)");
    }

    // IOProbeScore is the starting score; the family adds to it (clamped to 9000 if >= 10000).
    int64_t probe = 0;
    if (auto const* p = find(personality, "IOProbeScore"); p && p->is_number())
        probe = static_cast<int64_t>(static_cast<int32_t>(p->as_number()));

    // 7. The family's rules apply only when the personality uses a family key.
    bool usb_nub = nub.conforms_to("IOUSBHostDevice") || nub.conforms_to("IOUSBHostInterface");
    bool has_usb_key = false;
    for (auto const* key : kUsbKeys)
        has_usb_key = has_usb_key || find(personality, key);
    if (usb_nub && has_usb_key) {
        result = match_usb(personality, nub, nub.conforms_to("IOUSBHostInterface"));
        if (!result.matched)
            return result;
        result.score += probe >= 10000 ? 9000 : probe;
        return result;
    }
    result.matched = true;
    result.score = probe;
    result.rule = "generic keys";
    result.reason = "matched on generic keys, score = IOProbeScore";
    return result;
}

} // namespace dextlab::kernel
