#include "user_client_access.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {
PropertyDict app_with(std::vector<std::string> ids)
{
    PropertyArray list;
    for (auto& id : ids)
        list.push_back(Property::string(id));
    return { { entitlement_keys::userclient_access, Property::array(list) } };
}
} // namespace

TEST_CASE("user-client access: the app's userclient-access list or the dext's allow-any entitlement")
{
    PropertyDict none;
    PropertyDict allow_any { { entitlement_keys::allow_any_userclient_access, Property::boolean(true) } };
    PropertyDict allow_any_false { { entitlement_keys::allow_any_userclient_access, Property::boolean(false) } };

    CHECK(check_user_client_access(none, allow_any, "com.example.driver", "app").allowed);
    CHECK(check_user_client_access(app_with({ "com.example.driver" }), none, "com.example.driver", "app").allowed);
    CHECK(check_user_client_access(app_with({ "com.other", "com.example.driver" }), none, "com.example.driver", "app").allowed);

    auto refused = check_user_client_access(app_with({ "com.other" }), allow_any_false, "com.example.driver", "SampleApp");
    CHECK_FALSE(refused.allowed);
    CHECK(refused.missing == entitlement_keys::userclient_access);
    CHECK(refused.reason.find("SampleApp") != std::string::npos);
    CHECK(refused.reason.find("com.example.driver") != std::string::npos);
    CHECK_FALSE(check_user_client_access(none, none, "com.example.driver", "app").allowed);
}

TEST_CASE("user-client access: IOServiceDEXTEntitlements as one set or as alternatives")
{
    PropertyDict app { { "com.example.a", Property::boolean(true) }, { "com.example.b", Property::boolean(true) } };
    auto client = [](Property wanted) { return PropertyDict { { "IOServiceDEXTEntitlements", std::move(wanted) } }; };

    CHECK(check_client_entitlements(app, {}, "app").allowed);
    CHECK(check_client_entitlements(app, client(Property::array({ Property::string("com.example.a"), Property::string("com.example.b") })), "app").allowed);
    auto one_missing = check_client_entitlements(app, client(Property::array({ Property::string("com.example.a"), Property::string("com.example.c") })), "app");
    CHECK_FALSE(one_missing.allowed);
    CHECK(one_missing.missing == "com.example.c");

    auto alternatives = Property::array({ Property::array({ Property::string("com.example.c") }), Property::array({ Property::string("com.example.b") }) });
    CHECK(check_client_entitlements(app, client(alternatives), "app").allowed);
    auto none_held = Property::array({ Property::array({ Property::string("com.example.c") }), Property::array({ Property::string("com.example.d") }) });
    CHECK_FALSE(check_client_entitlements(app, client(none_held), "app").allowed);
}
