#include "user_client_access.h"

namespace dextlab::kernel {

namespace {

bool is_true(PropertyDict const& dict, std::string const& key)
{
    auto it = dict.find(key);
    return it != dict.end() && it->second.is_bool() && it->second.as_bool();
}

bool holds_all(PropertyDict const& app, Property const& names, std::string& first_missing)
{
    for (auto const& name : names.as_array()) {
        if (!name.is_string() || !is_true(app, name.as_string())) {
            first_missing = name.is_string() ? name.as_string() : "(a non-string entry)";
            return false;
        }
    }
    return true;
}

} // namespace

AccessVerdict check_user_client_access(PropertyDict const& app_entitlements, PropertyDict const& dext_entitlements,
    std::string const& dext_bundle_id, std::string const& app_name)
{
    if (is_true(dext_entitlements, entitlement_keys::allow_any_userclient_access))
        return {};
    auto it = app_entitlements.find(entitlement_keys::userclient_access);
    if (it != app_entitlements.end() && it->second.is_array()) {
        for (auto const& id : it->second.as_array()) {
            if (id.is_string() && id.as_string() == dext_bundle_id)
                return {};
        }
    }
    AccessVerdict verdict;
    verdict.allowed = false;
    verdict.missing = entitlement_keys::userclient_access;
    verdict.reason = app_name + " may not open a user client of " + dext_bundle_id + ": the app's "
        + entitlement_keys::userclient_access + " array does not list " + dext_bundle_id + " and the dext lacks "
        + entitlement_keys::allow_any_userclient_access + "; add the bundle id to the app's entitlements or give the dext "
        + "the allow-any entitlement";
    return verdict;
}

AccessVerdict check_client_entitlements(PropertyDict const& app_entitlements, PropertyDict const& client_properties,
    std::string const& app_name)
{
    auto it = client_properties.find("IOServiceDEXTEntitlements");
    if (it == client_properties.end())
        return {};
    Property const& wanted = it->second;
    std::string missing;
    bool allowed = false;
    if (wanted.is_string()) {
        allowed = is_true(app_entitlements, wanted.as_string());
        missing = wanted.as_string();
    } else if (wanted.is_array() && !wanted.as_array().empty() && wanted.as_array().front().is_array()) {
        // Alternatives: any one complete set will do.
        for (auto const& set : wanted.as_array()) {
            std::string first;
            if (set.is_array() && holds_all(app_entitlements, set, first)) {
                allowed = true;
                break;
            }
            if (missing.empty())
                missing = first;
        }
    } else if (wanted.is_array()) {
        allowed = holds_all(app_entitlements, wanted, missing);
    } else {
        missing = "IOServiceDEXTEntitlements";
    }
    if (allowed)
        return {};
    AccessVerdict verdict;
    verdict.allowed = false;
    verdict.missing = missing;
    verdict.reason = app_name + " lacks " + missing + ", which the user client's IOServiceDEXTEntitlements requires; add it to the "
        + "app's entitlements";
    return verdict;
}

} // namespace dextlab::kernel
