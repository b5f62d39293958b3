#include "kernel_model/sysext/system_extensions.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {
DextBundle bundle(std::string version, std::string short_version)
{
    DextBundle b;
    b.name = "D";
    b.bundle_identifier = "org.example.D";
    b.version = std::move(version);
    b.short_version = std::move(short_version);
    return b;
}
}

TEST_CASE("bundle versions compare as dotted numbers, then by the short version")
{
    CHECK(compare_bundle_versions(bundle("1", "1.0"), bundle("2", "1.0")) < 0);
    CHECK(compare_bundle_versions(bundle("1.10", "1.0"), bundle("1.9", "1.0")) > 0);
    CHECK(compare_bundle_versions(bundle("1.0", "1.0"), bundle("1", "1.0")) == 0); // missing parts are 0
    CHECK(compare_bundle_versions(bundle("3", "1.2"), bundle("3", "1.10")) < 0);
    CHECK(compare_bundle_versions(bundle("3", "2.0"), bundle("3", "2.0")) == 0);
    CHECK(compare_bundle_versions(bundle("1b", "1.0"), bundle("1a", "1.0")) > 0); // text parts compare as text
}

TEST_CASE("extension states read as systemextensionsctl prints them")
{
    CHECK(std::string(to_string(ExtensionState::WaitingForUser)) == "activated waiting for user");
    CHECK(std::string(to_string(ExtensionState::Enabled)) == "activated enabled");
    CHECK(std::string(to_string(ExtensionState::Terminated)) == "terminated waiting to uninstall on reboot");
}
