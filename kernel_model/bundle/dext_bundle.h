#pragma once
// A dext bundle as it lies on disk, loaded and checked before the kernel model files its
// personalities in the catalogue. The layout is macOS's flat dext bundle:
//
//     Name.dext/Info.plist          CFBundle* keys and IOKitPersonalities (reference 11.2)
//     Name.dext/<CFBundleExecutable> the driver code (for dextlab a shared object)
//     Name.dext/Name.entitlements   optional; a missing file means no entitlements (11.1)
//
// On a Mac the entitlements live in the code signature; dextlab's bundles carry them as a plist.

#include "kernel_model/registry/property.h"
#include "sim/core/error.h"

#include <string>
#include <vector>

namespace dextlab::kernel {

// One entry of IOKitPersonalities: a matching dictionary filed under its IOProviderClass.
struct Personality {
    std::string name; // the key in IOKitPersonalities
    PropertyDict properties;

    // A dext personality names the dext class to instantiate (IOUserClass) and the process to run it in
    // (IOUserServerName); one without them makes the kernel instantiate IOClass alone.
    bool is_dext_personality() const;
};

struct DextBundle {
    std::string path;              // the bundle folder, as given (without a trailing '/')
    std::string name;              // the folder's name without ".dext"
    std::string bundle_identifier; // CFBundleIdentifier
    // path/CFBundleExecutable; empty for a codeless dext (no CFBundleExecutable and no dext personality).
    std::string executable_path;
    std::string version;       // CFBundleVersion; empty when absent
    std::string short_version; // CFBundleShortVersionString; empty when absent
    PropertyDict info;         // all of Info.plist
    PropertyDict entitlements; // Name.entitlements; empty when the file is absent
    // Sorted by name so that catalogue order, traces and dumps never depend on the file's order.
    // Each has CFBundleIdentifier, filled in from the bundle's when the personality lacks it.
    std::vector<Personality> personalities;

    bool is_codeless() const { return executable_path.empty(); }
    Personality const* find_personality(std::string const& personality_name) const;
};

// Loads `bundle_path` (a Name.dext folder) and checks it. An error names the bundle path and, where
// it applies, the personality and key, and says how to fix the bundle.
ErrorOr<DextBundle> load_dext_bundle(std::string const& bundle_path);

// Finds the folder of the dext called `name` ("Name" or "Name.dext") in the first of `search_dirs`
// that holds it. A `name` containing '/' is taken as a path to the bundle itself.
ErrorOr<std::string> find_dext_bundle(std::string const& name, std::vector<std::string> const& search_dirs);

// find_dext_bundle, then load_dext_bundle.
ErrorOr<DextBundle> load_dext_bundle_named(std::string const& name, std::vector<std::string> const& search_dirs);

} // namespace dextlab::kernel
