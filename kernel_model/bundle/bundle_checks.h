#pragma once
// The rules a dext's Info.plist and entitlements must pass before the kernel model uses them
// (reference 11.2). Each check's error names the file, the personality and key where it applies,
// and the fix. load_dext_bundle runs them in the order declared here.

#include "kernel_model/bundle/dext_bundle.h"

namespace dextlab::kernel {

// Xcode expands $(VAR) and ${VAR} in Info.plist and entitlements keys and string values at build
// time; one left over means the file was copied unprocessed, and would be matched literally.
ErrorOr<void> check_no_unexpanded_variables(Property const& root, std::string const& file_name);

// CFBundleIdentifier present, a non-empty string; CFBundlePackageType, when present, "DEXT";
// CFBundleExecutable, CFBundleVersion and CFBundleShortVersionString, when present, strings.
ErrorOr<void> check_bundle_keys(PropertyDict const& info, std::string const& file_name);

// IOKitPersonalities present and a dictionary (an empty one is a dext with no personalities).
ErrorOr<void> check_personalities_dict(PropertyDict const& info, std::string const& file_name);

// One personality: a dictionary with a string IOProviderClass; a dext personality (IOUserClass or
// IOUserServerName) has all of IOClass, IOUserClass and IOUserServerName as strings; IOProbeScore,
// when present, is a number; CFBundleIdentifier, when present, is a string. `bundle_identifier`
// only serves to suggest the usual IOUserServerName.
ErrorOr<void> check_personality(std::string const& name, Property const& personality, std::string const& file_name,
    std::string const& bundle_identifier);

} // namespace dextlab::kernel
