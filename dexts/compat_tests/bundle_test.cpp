// The compat dexts' bundles as the lab's loader reads them (issue 5, item 7): an Info.plist as
// Xcode leaves it (no CFBundle keys, $(VARIABLES) inside longer strings, XML comments, hex
// integers, a personality name with spaces), a .in template, entitlements given as a path in the
// three shapes transport.usb takes.

#include "kernel_model/bundle/dext_bundle.h"

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

DextBundle load(std::string const& name)
{
    auto bundle = load_dext_bundle(std::string(DEXTLAB_BUILD_DEXT_DIR) + "/" + name + ".dext");
    if (!bundle)
        FAIL(bundle.error().message);
    return std::move(bundle).value();
}

std::string info_string(DextBundle const& bundle, std::string const& key)
{
    auto it = bundle.info.find(key);
    REQUIRE_MESSAGE(it != bundle.info.end(), "Info.plist has no " << key);
    REQUIRE(it->second.is_string());
    return it->second.as_string();
}

Property const& personality_key(DextBundle const& bundle, std::string const& personality, std::string const& key)
{
    auto const* p = bundle.find_personality(personality);
    REQUIRE_MESSAGE(p != nullptr, "no personality named '" << personality << "'");
    auto it = p->properties.find(key);
    REQUIRE_MESSAGE(it != p->properties.end(), "personality has no " << key);
    return it->second;
}

Property const& usb_entitlement(DextBundle const& bundle)
{
    auto it = bundle.entitlements.find("com.apple.developer.driverkit.transport.usb");
    REQUIRE(it != bundle.entitlements.end());
    return it->second;
}

} // namespace

TEST_CASE("an Info.plist without CFBundle keys gets them from dextlab_add_dext's arguments")
{
    auto bundle = load("RealWorldUSB");
    CHECK(bundle.bundle_identifier == "org.dextlab.compat.RealWorldUSB");
    CHECK(info_string(bundle, "CFBundleExecutable") == "RealWorldUSB");
    CHECK(info_string(bundle, "CFBundleName") == "RealWorldUSB");
    CHECK(info_string(bundle, "CFBundlePackageType") == "DEXT");
    CHECK(info_string(bundle, "CFBundleInfoDictionaryVersion") == "6.0");
    CHECK(bundle.version == "1");
    CHECK(bundle.short_version == "1.0");
    CHECK(bundle.executable_path.ends_with("/RealWorldUSB.dext/RealWorldUSB"));
}

TEST_CASE("variables inside longer strings, modifiers, hex integers and spaced personality names")
{
    auto bundle = load("RealWorldUSB");
    CHECK(info_string(bundle, "OSBundleUsageDescription")
        == "RealWorldUSB 1.0 reads a vendor device (org.dextlab.compat.realworldusb)");
    CHECK(personality_key(bundle, "RealWorld USB Reader", "idVendor").as_number() == 0x1209);
    CHECK(personality_key(bundle, "RealWorld USB Reader", "idProduct").as_number() == 0x781);
    CHECK(personality_key(bundle, "RealWorld USB Reader", "IOUserServerName").as_string()
        == "org.dextlab.compat.RealWorldUSB");
    CHECK(personality_key(bundle, "RealWorld USB Reader", "IOUserClass").as_string() == "RealWorldUSB");
}

TEST_CASE("entitlements: transport.usb as an array of dictionaries with a hex idVendor")
{
    auto bundle = load("RealWorldUSB");
    auto const& usb = usb_entitlement(bundle);
    REQUIRE(usb.is_array());
    REQUIRE(usb.as_array().size() == 1);
    auto const* vendor = usb.as_array()[0].find("idVendor");
    REQUIRE(vendor != nullptr);
    CHECK(vendor->as_number() == 0x1209);
}

TEST_CASE("an Info.plist.in template is expanded before the Xcode variables")
{
    auto bundle = load("RealWorldUSBAnyVendor");
    CHECK(bundle.bundle_identifier == "org.dextlab.compat.RealWorldUSBAnyVendor");
    CHECK(bundle.version == "42"); // @REALWORLD_BUILD_NUMBER@, not the generated default
    CHECK(info_string(bundle, "CFBundleName") == "RealWorldUSBAnyVendor"); // generated: the template lacks it
    CHECK(personality_key(bundle, "RealWorldUSBAnyVendor personality", "idVendor").as_number() == 0x1209);
    auto const& usb = usb_entitlement(bundle);
    REQUIRE(usb.is_array());
    auto const* vendor = usb.as_array().at(0).find("idVendor");
    REQUIRE(vendor != nullptr);
    CHECK(vendor->as_string() == "*");
}

TEST_CASE("entitlements: transport.usb as plain true, and PRODUCT_NAME with spaces")
{
    auto bundle = load("RealWorldUSBTransportTrue");
    auto const& usb = usb_entitlement(bundle);
    REQUIRE(usb.is_bool());
    CHECK(usb.as_bool());
    CHECK(info_string(bundle, "CFBundleName") == "RealWorld USB (transport true)");
    CHECK(info_string(bundle, "OSBundleUsageDescription")
        == "RealWorld USB (transport true) 1.0 reads a vendor device (org.dextlab.compat.realworldusbtransporttrue)");
}

TEST_CASE("the built Info.plist keeps no unexpanded build setting outside comments")
{
    std::ifstream in(std::string(DEXTLAB_BUILD_DEXT_DIR) + "/RealWorldUSB.dext/Info.plist");
    std::stringstream text;
    text << in.rdbuf();
    std::string plist = text.str();
    REQUIRE_FALSE(plist.empty());
    size_t comment_end = plist.find("-->");
    REQUIRE(comment_end != std::string::npos);
    CHECK(plist.find("$(", comment_end) == std::string::npos);
    CHECK(plist.find("${", comment_end) == std::string::npos);
}
