#include "entitlements.h"

#include "kernel_model/matching/matching.h"

#include <algorithm>
#include <cstdio>

namespace dextlab::kernel {

namespace {

Property const* find(PropertyDict const& dict, std::string const& key)
{
    auto it = dict.find(key);
    return it == dict.end() ? nullptr : &it->second;
}

std::string hex(Property const* p) { return p ? p->to_ioreg_text(true) : "(absent)"; }

bool is_true(Property const* p) { return p && p->is_bool() && p->as_bool(); }

// One dictionary of a `…transport.usb` array against the nub. The USB family's own matching of
// these dictionaries is closed (reference 13); dextlab applies each key as a USB matching key.
bool usb_dictionary_covers(PropertyDict const& dict, RegistryEntry const& nub)
{
    auto const* have_product = nub.property("idProduct");
    for (auto const& [key, want] : dict) {
        if (want.is_string() && want.as_string() == "*")
            continue;
        if (key == "idProductMask")
            continue; // applied with idProduct below
        if (key == "idProductArray") {
            bool any = want.is_array() && have_product
                && std::any_of(want.as_array().begin(), want.as_array().end(), [&](Property const& p) { return p == *have_product; });
            if (!any)
                return false;
            continue;
        }
        auto const* have = nub.property(key);
        if (key == "idProduct" && have && have->is_number() && want.is_number()) {
            auto const* mask = find(dict, "idProductMask");
            uint64_t m = mask && mask->is_number() ? mask->as_number() : ~uint64_t { 0 };
            if ((have->as_number() & m) != (want.as_number() & m))
                return false;
            continue;
        }
        if (!have || !(*have == want))
            return false;
    }
    return true;
}

std::string device_text(RegistryEntry const& nub)
{
    return "idVendor " + hex(nub.property("idVendor")) + ", idProduct " + hex(nub.property("idProduct"));
}

// "vendor 0x1209 device 0x7471" and "0x74711209": what a PCI refusal names.
std::string pci_primary_text(RegistryEntry const& nub)
{
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", pci_config_register(nub, 0x00));
    return text;
}

std::string pci_device_text(RegistryEntry const& nub)
{
    uint32_t const ids = pci_config_register(nub, 0x00);
    char text[48];
    std::snprintf(text, sizeof text, "vendor 0x%04x device 0x%04x", ids & 0xFFFF, ids >> 16);
    return text;
}

bool rule_applies(EntitlementRule const& rule, Personality const& personality, RegistryEntry const& provider)
{
    switch (rule.scope) {
    case EntitlementScope::EveryDext:
        return true;
    case EntitlementScope::ProviderClass:
        return provider.conforms_to(rule.subject);
    case EntitlementScope::ServiceClass: {
        auto const* ioclass = find(personality.properties, "IOClass");
        return ioclass && ioclass->is_string() && ioclass->as_string() == rule.subject;
    }
    }
    return false;
}

// IOServiceDEXTEntitlements on the provider: a string, an array of strings (any one), or an
// array of arrays (every entitlement of one inner array) ([X] IOUserServer::checkEntitlements).
bool provider_demand_met(Property const& demand, PropertyDict const& entitlements, std::string& wanted)
{
    auto has = [&](Property const& name) { return name.is_string() && find(entitlements, name.as_string()); };
    wanted = demand.to_ioreg_text();
    if (demand.is_string())
        return has(demand);
    if (!demand.is_array())
        return false;
    return std::any_of(demand.as_array().begin(), demand.as_array().end(), [&](Property const& option) {
        if (option.is_array())
            return std::all_of(option.as_array().begin(), option.as_array().end(), has);
        return has(option);
    });
}

} // namespace

bool usb_transport_covers(Property const& value, RegistryEntry const& nub)
{
    if (value.is_bool())
        return value.as_bool();
    if (value.is_string())
        return value.as_string() == "*";
    if (value.is_dict())
        return usb_dictionary_covers(value.as_dict(), nub);
    if (!value.is_array())
        return false;
    return std::any_of(value.as_array().begin(), value.as_array().end(),
        [&](Property const& d) { return d.is_dict() && usb_dictionary_covers(d.as_dict(), nub); });
}

bool pci_transport_covers(Property const& value, RegistryEntry const& nub)
{
    if (value.is_bool())
        return value.as_bool();
    if (!value.is_array())
        return false;
    return std::any_of(value.as_array().begin(), value.as_array().end(),
        [&](Property const& d) { return d.is_dict() && pci_table_matches(d.as_dict(), nub); });
}

EntitlementVerdict check_entitlements(PropertyDict const& entitlements, Personality const& personality, RegistryEntry const& provider,
    std::string const& dext_name)
{
    EntitlementVerdict verdict;
    if (!personality.is_dext_personality())
        return verdict;
    std::string const who = "personality " + personality.name + " of dext " + dext_name;
    std::string const fix = "add it to " + dext_name + ".entitlements (or run with --development, as disabling SIP allows)";
    auto refuse = [&](std::string key, std::string why) {
        verdict.allowed = false;
        verdict.missing = std::move(key);
        verdict.reason = std::move(why);
        return verdict;
    };

    for (auto const& rule : kEntitlementRules) {
        if (!rule_applies(rule, personality, provider))
            continue;
        verdict.checked.push_back(rule.entitlement);
        auto const* value = find(entitlements, rule.entitlement);
        std::string demanded_by = rule.scope == EntitlementScope::EveryDext ? std::string("every dext")
            : rule.scope == EntitlementScope::ProviderClass                 ? "its provider " + provider.class_name()
                                                                            : "its IOClass " + std::string(rule.subject);
        if (!value)
            return refuse(rule.entitlement, who + " lacks the entitlement " + rule.entitlement + ", which " + demanded_by + " requires; " + fix);
        if (rule.value == EntitlementValue::True && !is_true(value))
            return refuse(rule.entitlement, who + " has " + rule.entitlement + " = " + value->to_ioreg_text() + ", and " + demanded_by
                    + " requires true; set it to true in " + dext_name + ".entitlements");
        if (rule.value == EntitlementValue::UsbDevices && !usb_transport_covers(*value, provider))
            return refuse(rule.entitlement, who + ": " + rule.entitlement + " = " + value->to_ioreg_text(true)
                    + " does not cover this device (" + device_text(provider) + "); add a dictionary with its idVendor to "
                    + dext_name + ".entitlements (or run with --development)");
        if (rule.value == EntitlementValue::PciDevices && !pci_transport_covers(*value, provider))
            return refuse(rule.entitlement, who + ": " + rule.entitlement + " = " + value->to_ioreg_text(true)
                    + " does not cover this function (" + pci_device_text(provider) + "); add a dictionary such as "
                    "{IOPCIPrimaryMatch = \"" + pci_primary_text(provider) + "\"} to " + dext_name
                    + ".entitlements (or run with --development)");
    }

    if (auto const* demand = provider.property("IOServiceDEXTEntitlements")) {
        std::string wanted;
        verdict.checked.push_back("IOServiceDEXTEntitlements");
        if (!provider_demand_met(*demand, entitlements, wanted))
            return refuse(wanted, who + " lacks what its provider's IOServiceDEXTEntitlements " + wanted
                    + " demands; " + fix);
    }
    return verdict;
}

} // namespace dextlab::kernel
