#pragma once
// Who may open a dext's user client (reference 3.5, modelled on xnu's IOUserServer checks): the
// dext lets any app in with `…allow-any-userclient-access`, or the app names the dext's bundle
// id in its `…userclient-access` array; then the app must hold every entitlement the user
// client's IOServiceDEXTEntitlements demands. Pure functions over plists, tested as rows.

#include "kernel_model/registry/property.h"

#include <string>

namespace dextlab::kernel {

namespace entitlement_keys {
inline constexpr char const* allow_any_userclient_access = "com.apple.developer.driverkit.allow-any-userclient-access";
inline constexpr char const* userclient_access = "com.apple.developer.driverkit.userclient-access";
} // namespace entitlement_keys

struct AccessVerdict {
    bool allowed { true };
    std::string missing; // the entitlement that is missing
    std::string reason;  // one sentence: what was checked and how to fix it
};

// Before NewUserClient: may the app (its entitlements) talk to the dext (its entitlements and
// CFBundleIdentifier) at all?
AccessVerdict check_user_client_access(PropertyDict const& app_entitlements, PropertyDict const& dext_entitlements,
    std::string const& dext_bundle_id, std::string const& app_name);

// After NewUserClient: does the app hold what the new client's IOServiceDEXTEntitlements asks?
// The value is an array of entitlement names (all required) or an array of such arrays (any
// one of them suffices); absent means nothing more is required.
AccessVerdict check_client_entitlements(PropertyDict const& app_entitlements, PropertyDict const& client_properties,
    std::string const& app_name);

} // namespace dextlab::kernel
