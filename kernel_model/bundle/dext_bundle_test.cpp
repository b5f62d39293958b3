#include "kernel_model/bundle/dext_bundle.h"
#include "kernel_model/bundle/test_temp_dir.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

// What Xcode leaves in a USB interface driver's bundle after expanding the build variables. The
// personalities are written in non-sorted order on purpose.
constexpr char const* usb_info_plist = R"(<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CFBundleDevelopmentRegion</key>
	<string>en</string>
	<key>CFBundleExecutable</key>
	<string>MyUserUSBInterfaceDriver</string>
	<key>CFBundleIdentifier</key>
	<string>com.example.MyUserUSBInterfaceDriver</string>
	<key>CFBundleInfoDictionaryVersion</key>
	<string>6.0</string>
	<key>CFBundleName</key>
	<string>MyUserUSBInterfaceDriver</string>
	<key>CFBundlePackageType</key>
	<string>DEXT</string>
	<key>CFBundleShortVersionString</key>
	<string>1.2</string>
	<key>CFBundleVersion</key>
	<string>7</string>
	<key>IOKitPersonalities</key>
	<dict>
		<key>MyUserUSBInterfaceDriver</key>
		<dict>
			<key>CFBundleIdentifierKernel</key>
			<string>com.apple.kpi.iokit</string>
			<key>IOClass</key>
			<string>IOUserService</string>
			<key>IOProviderClass</key>
			<string>IOUSBHostInterface</string>
			<key>IOUserClass</key>
			<string>MyUserUSBInterfaceDriver</string>
			<key>IOUserServerName</key>
			<string>com.example.MyUserUSBInterfaceDriver</string>
			<key>IOProbeScore</key>
			<integer>1000</integer>
			<key>bConfigurationValue</key>
			<integer>1</integer>
			<key>bInterfaceNumber</key>
			<integer>0</integer>
			<key>idProduct</key>
			<integer>0x0001</integer>
			<key>idVendor</key>
			<integer>0x1209</integer>
		</dict>
		<key>DeviceProperties</key>
		<dict>
			<key>CFBundleIdentifier</key>
			<string>com.apple.kpi.iokit</string>
			<key>IOClass</key>
			<string>IOService</string>
			<key>IOProviderClass</key>
			<string>IOUSBHostDevice</string>
			<key>idVendor</key>
			<integer>4617</integer>
		</dict>
	</dict>
	<key>OSBundleUsageDescription</key>
	<string>Reads interrupt data from the example device.</string>
	<key>OSMinimumDriverKitVersion</key>
	<string>19.0</string>
</dict>
</plist>
)";

constexpr char const* usb_entitlements = R"(<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>com.apple.developer.driverkit</key>
	<true/>
	<key>com.apple.developer.driverkit.transport.usb</key>
	<array>
		<dict>
			<key>idVendor</key>
			<integer>0x1209</integer>
		</dict>
	</array>
</dict>
</plist>
)";

// Replaces the one occurrence of `from`; fails the test if it is not there, so a typo in a test
// cannot leave the plist unchanged and pass for the wrong reason.
std::string edited(std::string text, std::string const& from, std::string const& to)
{
    size_t at = text.find(from);
    REQUIRE_MESSAGE(at != std::string::npos, "test plist lacks: " << from);
    return text.replace(at, from.size(), to);
}

struct BundleFixture {
    test::TempDir dir;
    std::string bundle_path { dir.path() + "/MyUserUSBInterfaceDriver.dext" };

    // Writes a bundle with the given Info.plist, an ELF-looking executable and, unless empty, entitlements.
    std::string write(std::string const& info = usb_info_plist, std::string const& entitlements = usb_entitlements) const
    {
        dir.write("MyUserUSBInterfaceDriver.dext/Info.plist", info);
        dir.write("MyUserUSBInterfaceDriver.dext/MyUserUSBInterfaceDriver", "\x7f" "ELF");
        if (!entitlements.empty())
            dir.write("MyUserUSBInterfaceDriver.dext/MyUserUSBInterfaceDriver.entitlements", entitlements);
        return bundle_path;
    }

    std::string load_error(std::string const& info, std::string const& entitlements = usb_entitlements) const
    {
        auto result = load_dext_bundle(write(info, entitlements));
        REQUIRE_FALSE(result.has_value());
        return result.error().message;
    }
};

bool contains(std::string const& text, std::string const& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE_FIXTURE(BundleFixture, "a realistic USB interface dext loads with its personalities and entitlements")
{
    auto result = load_dext_bundle(write() + "/");
    if (!result.has_value())
        FAIL(result.error().message);
    DextBundle const& bundle = result.value();
    CHECK(bundle.path == bundle_path);
    CHECK(bundle.name == "MyUserUSBInterfaceDriver");
    CHECK(bundle.bundle_identifier == "com.example.MyUserUSBInterfaceDriver");
    CHECK(bundle.executable_path == bundle_path + "/MyUserUSBInterfaceDriver");
    CHECK_FALSE(bundle.is_codeless());
    CHECK(bundle.version == "7");
    CHECK(bundle.short_version == "1.2");
    CHECK(bundle.info.at("OSMinimumDriverKitVersion").as_string() == "19.0");

    REQUIRE(bundle.personalities.size() == 2);
    CHECK(bundle.personalities[0].name == "DeviceProperties");
    CHECK(bundle.personalities[1].name == "MyUserUSBInterfaceDriver");
    CHECK_FALSE(bundle.personalities[0].is_dext_personality());

    Personality const* driver = bundle.find_personality("MyUserUSBInterfaceDriver");
    REQUIRE(driver == &bundle.personalities[1]);
    CHECK(driver->is_dext_personality());
    PropertyDict const& p = driver->properties;
    CHECK(p.at("IOProviderClass").as_string() == "IOUSBHostInterface");
    CHECK(p.at("IOClass").as_string() == "IOUserService");
    CHECK(p.at("IOUserClass").as_string() == "MyUserUSBInterfaceDriver");
    CHECK(p.at("IOUserServerName").as_string() == "com.example.MyUserUSBInterfaceDriver");
    CHECK(p.at("idVendor").as_number() == 0x1209);
    CHECK(p.at("idVendor").number_bits() == 32);
    CHECK(p.at("idProduct").as_number() == 1);
    CHECK(p.at("bConfigurationValue").as_number() == 1);
    CHECK(p.at("bInterfaceNumber").as_number() == 0);
    CHECK(p.at("IOProbeScore").as_number() == 1000);
    // Filled in from the bundle where missing, kept where the personality names another bundle.
    CHECK(p.at("CFBundleIdentifier").as_string() == "com.example.MyUserUSBInterfaceDriver");
    CHECK(bundle.personalities[0].properties.at("CFBundleIdentifier").as_string() == "com.apple.kpi.iokit");
    CHECK(bundle.find_personality("Nope") == nullptr);

    CHECK(bundle.entitlements.at("com.apple.developer.driverkit") == Property::boolean(true));
    Property const& usb = bundle.entitlements.at("com.apple.developer.driverkit.transport.usb");
    REQUIRE(usb.is_array());
    CHECK(usb.as_array().at(0).find("idVendor")->as_number() == 0x1209);
}

TEST_CASE_FIXTURE(BundleFixture, "a missing entitlements file means no entitlements")
{
    auto result = load_dext_bundle(write(usb_info_plist, ""));
    REQUIRE(result.has_value());
    CHECK(result.value().entitlements.empty());
}

TEST_CASE_FIXTURE(BundleFixture, "an empty IOKitPersonalities dictionary is a dext with no personalities")
{
    std::string info = edited(usb_info_plist, "<key>IOKitPersonalities</key>", "<key>IOKitPersonalities</key><dict/><key>Unused</key>");
    auto result = load_dext_bundle(write(info));
    REQUIRE(result.has_value());
    CHECK(result.value().personalities.empty());
}

TEST_CASE_FIXTURE(BundleFixture, "the bundle folder itself must exist, be a folder and be called Name.dext")
{
    auto missing = load_dext_bundle(dir.path() + "/Absent.dext");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message == dir.path() + "/Absent.dext: no such dext bundle; check the path, or build the dext first");

    std::string file = dir.write("File.dext", "x");
    auto not_folder = load_dext_bundle(file);
    REQUIRE_FALSE(not_folder.has_value());
    CHECK(contains(not_folder.error().message, "is a file, but a dext bundle is a folder"));

    dir.write("Plain/Info.plist", usb_info_plist);
    auto badly_named = load_dext_bundle(dir.path() + "/Plain");
    REQUIRE_FALSE(badly_named.has_value());
    CHECK(contains(badly_named.error().message, "must be called Name.dext (for example Plain.dext)"));
}

TEST_CASE_FIXTURE(BundleFixture, "a bundle without Info.plist")
{
    dir.write("MyUserUSBInterfaceDriver.dext/MyUserUSBInterfaceDriver", "\x7f" "ELF");
    auto result = load_dext_bundle(bundle_path);
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.starts_with(bundle_path + ": has no Info.plist;"));
}

TEST_CASE_FIXTURE(BundleFixture, "CFBundleIdentifier must be present, a string and not empty")
{
    std::string const key = "<key>CFBundleIdentifier</key>\n\t<string>com.example.MyUserUSBInterfaceDriver</string>";
    std::string message = load_error(edited(usb_info_plist, key, ""));
    CHECK(message.starts_with(bundle_path + "/Info.plist: has no CFBundleIdentifier;"));
    CHECK(contains(message, "<key>CFBundleIdentifier</key><string>com.example.YourDriver</string>"));

    message = load_error(edited(usb_info_plist, key, "<key>CFBundleIdentifier</key><string></string>"));
    CHECK(contains(message, "CFBundleIdentifier is empty"));

    message = load_error(edited(usb_info_plist, key, "<key>CFBundleIdentifier</key><integer>3</integer>"));
    CHECK(contains(message, "CFBundleIdentifier is an OSNumber (3), but it must be a <string>"));
}

TEST_CASE_FIXTURE(BundleFixture, "CFBundlePackageType, when present, must be DEXT")
{
    std::string message = load_error(edited(usb_info_plist, "<string>DEXT</string>", "<string>KEXT</string>"));
    CHECK(message == bundle_path + "/Info.plist: CFBundlePackageType is \"KEXT\", but a driver extension's "
                                   "must be \"DEXT\"; set <key>CFBundlePackageType</key><string>DEXT</string>");

    auto result = load_dext_bundle(write(edited(usb_info_plist, "<key>CFBundlePackageType</key>\n\t<string>DEXT</string>", "")));
    CHECK(result.has_value());
}

TEST_CASE_FIXTURE(BundleFixture, "the executable named by CFBundleExecutable must be in the bundle")
{
    std::string info = edited(usb_info_plist, "<string>MyUserUSBInterfaceDriver</string>\n\t<key>CFBundleIdentifier</key>",
        "<string>Renamed</string>\n\t<key>CFBundleIdentifier</key>");
    std::string message = load_error(info);
    CHECK(message.starts_with(bundle_path + ": the executable \"Renamed\" named by CFBundleExecutable is missing"));
    CHECK(contains(message, "(expected " + bundle_path + "/Renamed)"));

    info = edited(usb_info_plist, "<string>MyUserUSBInterfaceDriver</string>\n\t<key>CFBundleIdentifier</key>",
        "<string>../../escape</string>\n\t<key>CFBundleIdentifier</key>");
    CHECK(contains(load_error(info), "CFBundleExecutable \"../../escape\" is not a file name"));
}

TEST_CASE_FIXTURE(BundleFixture, "a Mach-O executable copied from a Mac is refused with an explanation")
{
    write();
    dir.write("MyUserUSBInterfaceDriver.dext/MyUserUSBInterfaceDriver", std::string("\xcf\xfa\xed\xfe\x07\x00\x00\x01", 8));
    auto result = load_dext_bundle(bundle_path);
    REQUIRE_FALSE(result.has_value());
    CHECK(contains(result.error().message, "is a Mach-O binary built for macOS"));
}

TEST_CASE_FIXTURE(BundleFixture, "a codeless dext has no executable and only kernel-class personalities")
{
    std::string info = edited(usb_info_plist, "<key>CFBundleExecutable</key>\n\t<string>MyUserUSBInterfaceDriver</string>", "");
    std::string message = load_error(info);
    CHECK(message == bundle_path + "/Info.plist: has no CFBundleExecutable, but personality "
                                   "\"MyUserUSBInterfaceDriver\" names an IOUserClass, which needs the dext's code; "
                                   "add <key>CFBundleExecutable</key><string>MyUserUSBInterfaceDriver</string>");

    size_t start = info.find("\t\t<key>MyUserUSBInterfaceDriver</key>");
    size_t end = info.find("\t\t<key>DeviceProperties</key>");
    REQUIRE(start < end);
    info.erase(start, end - start);
    auto result = load_dext_bundle(write(info));
    REQUIRE(result.has_value());
    CHECK(result.value().is_codeless());
    CHECK(result.value().personalities.size() == 1);
}

TEST_CASE_FIXTURE(BundleFixture, "IOKitPersonalities must be present and a dictionary")
{
    std::string const key = "<key>IOKitPersonalities</key>";
    std::string message = load_error(edited(usb_info_plist, key, "<key>SomethingElse</key>"));
    CHECK(message.starts_with(bundle_path + "/Info.plist: has no IOKitPersonalities,"));
    CHECK(contains(message, "an empty <dict/> states that the dext has none"));

    message = load_error(edited(usb_info_plist, key, "<key>IOKitPersonalities</key><array/><key>Moved</key>"));
    CHECK(contains(message, "IOKitPersonalities is an OSArray, but it must be a <dict>"));
}

TEST_CASE_FIXTURE(BundleFixture, "every personality needs IOProviderClass")
{
    std::string message = load_error(edited(usb_info_plist, "<key>IOProviderClass</key>\n\t\t\t<string>IOUSBHostInterface</string>", ""));
    CHECK(message.starts_with(bundle_path + "/Info.plist: personality \"MyUserUSBInterfaceDriver\" "
                                            "(:IOKitPersonalities:MyUserUSBInterfaceDriver): has no IOProviderClass"));
    CHECK(contains(message, "<key>IOProviderClass</key><string>IOUSBHostInterface</string>"));

    message = load_error(edited(usb_info_plist, "<string>IOUSBHostInterface</string>", "<true/>"));
    CHECK(contains(message, "IOProviderClass is an OSBoolean (Yes), but it must be a non-empty <string>"));
}

TEST_CASE_FIXTURE(BundleFixture, "a dext personality needs IOUserServerName, IOClass and IOUserClass")
{
    std::string message = load_error(edited(usb_info_plist,
        "<key>IOUserServerName</key>\n\t\t\t<string>com.example.MyUserUSBInterfaceDriver</string>", ""));
    CHECK(contains(message, "personality \"MyUserUSBInterfaceDriver\""));
    CHECK(contains(message, "has IOUserClass \"MyUserUSBInterfaceDriver\" but no IOUserServerName"));
    CHECK(contains(message, "<key>IOUserServerName</key><string>com.example.MyUserUSBInterfaceDriver</string>"));

    message = load_error(edited(usb_info_plist, "<key>IOClass</key>\n\t\t\t<string>IOUserService</string>", ""));
    CHECK(contains(message, "has IOUserClass \"MyUserUSBInterfaceDriver\" but no IOClass"));
    CHECK(contains(message, "<key>IOClass</key><string>IOUserService</string>"));

    message = load_error(edited(usb_info_plist, "<key>IOUserClass</key>\n\t\t\t<string>MyUserUSBInterfaceDriver</string>", ""));
    CHECK(contains(message, "has IOUserServerName but no IOUserClass"));

    message = load_error(edited(usb_info_plist, "<string>IOUserService</string>", "<integer>1</integer>"));
    CHECK(contains(message, "IOClass is an OSNumber (1), but it must be a <string>"));
}

TEST_CASE_FIXTURE(BundleFixture, "IOProbeScore must be a number")
{
    std::string message = load_error(edited(usb_info_plist, "<integer>1000</integer>", "<string>1000</string>"));
    CHECK(contains(message, "personality \"MyUserUSBInterfaceDriver\""));
    CHECK(contains(message, "IOProbeScore is an OSString (\"1000\"), but it must be an <integer>; write it as <integer>1000</integer>"));
}

TEST_CASE_FIXTURE(BundleFixture, "a personality must be a dictionary")
{
    std::string message = load_error(edited(usb_info_plist, "<key>DeviceProperties</key>\n\t\t<dict>",
        "<key>DeviceProperties</key><string>oops</string><key>Rest</key>\n\t\t<dict>"));
    CHECK(contains(message, "personality \"DeviceProperties\" (:IOKitPersonalities:DeviceProperties): is an OSString"));
}

TEST_CASE_FIXTURE(BundleFixture, "unexpanded Xcode variables are reported with the variable and the key")
{
    std::string message = load_error(edited(usb_info_plist, "<string>DEXT</string>", "<string>$(PRODUCT_BUNDLE_PACKAGE_TYPE)</string>"));
    CHECK(message == bundle_path + "/Info.plist: key :CFBundlePackageType still contains the Xcode build "
                                   "variable $(PRODUCT_BUNDLE_PACKAGE_TYPE), which the build should have expanded; "
                                   "write the value literally or have your build substitute it (Xcode does so "
                                   "when it processes Info.plist and entitlements)");

    message = load_error(edited(usb_info_plist, "<string>com.example.MyUserUSBInterfaceDriver</string>\n\t\t\t<key>IOProbeScore</key>",
        "<string>${PRODUCT_BUNDLE_IDENTIFIER}</string>\n\t\t\t<key>IOProbeScore</key>"));
    CHECK(contains(message, "key :IOKitPersonalities:MyUserUSBInterfaceDriver:IOUserServerName"));
    CHECK(contains(message, "${PRODUCT_BUNDLE_IDENTIFIER}"));

    message = load_error(usb_info_plist, edited(usb_entitlements, "<key>idVendor</key>", "<key>$(VENDOR_KEY)</key>"));
    CHECK(message.starts_with(bundle_path + "/MyUserUSBInterfaceDriver.entitlements: key "
                                            ":com.apple.developer.driverkit.transport.usb:0:$(VENDOR_KEY) (in the key itself)"));

    // A dollar sign alone is just text.
    auto result = load_dext_bundle(write(edited(usb_info_plist, "<string>en</string>", "<string>costs $5 (or more)</string>")));
    CHECK(result.has_value());
}

TEST_CASE_FIXTURE(BundleFixture, "Info.plist and entitlements must be dictionaries and readable")
{
    CHECK(contains(load_error("<plist><array/></plist>"), "the top-level value is an OSArray, but an Info.plist must be a <dict>"));
    CHECK(contains(load_error(usb_info_plist, "<plist><true/></plist>"),
        "MyUserUSBInterfaceDriver.entitlements: the top-level value is an OSBoolean, but an entitlements file must be a <dict>"));
    CHECK(contains(load_error("<plist><dict>"), bundle_path + "/Info.plist: not a valid XML or binary property list"));
}

TEST_CASE_FIXTURE(BundleFixture, "bundles are found by name in the search folders, first folder first")
{
    write();
    dir.write("second/MyUserUSBInterfaceDriver.dext/Info.plist", usb_info_plist);
    std::vector<std::string> const dirs { dir.path() + "/nowhere", dir.path() + "/", dir.path() + "/second" };

    auto by_name = find_dext_bundle("MyUserUSBInterfaceDriver", dirs);
    REQUIRE(by_name.has_value());
    CHECK(by_name.value() == bundle_path);
    auto by_folder = find_dext_bundle("MyUserUSBInterfaceDriver.dext", dirs);
    REQUIRE(by_folder.has_value());
    CHECK(by_folder.value() == bundle_path);
    auto by_path = find_dext_bundle(bundle_path + "/", {});
    REQUIRE(by_path.has_value());
    CHECK(by_path.value() == bundle_path);

    auto missing = find_dext_bundle("Other", { "/a", "/b" });
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message == "no dext bundle Other.dext in /a, /b; build the dext, or add the folder that "
                                     "holds Other.dext to the search path");
    CHECK(contains(find_dext_bundle("Other", {}).error().message, "no search folders were given"));

    auto loaded = load_dext_bundle_named("MyUserUSBInterfaceDriver", dirs);
    REQUIRE(loaded.has_value());
    CHECK(loaded.value().bundle_identifier == "com.example.MyUserUSBInterfaceDriver");
}
