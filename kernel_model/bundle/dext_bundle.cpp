#include "kernel_model/bundle/dext_bundle.h"

#include "kernel_model/bundle/bundle_checks.h"
#include "kernel_model/bundle/plist_reader.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>

namespace dextlab::kernel {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view bundle_suffix = ".dext";

std::string strip_trailing_slashes(std::string path)
{
    while (path.size() > 1 && path.back() == '/')
        path.pop_back();
    return path;
}

std::string string_or_empty(PropertyDict const& dict, char const* key)
{
    auto it = dict.find(key);
    return it != dict.end() && it->second.is_string() ? it->second.as_string() : std::string {};
}

ErrorOr<void> check_bundle_folder(std::string const& path, std::string const& folder_name)
{
    std::error_code error;
    if (!fs::exists(path, error))
        return Error::with(path + ": no such dext bundle; check the path, or build the dext first");
    if (!fs::is_directory(path, error))
        return Error::with(path + ": is a file, but a dext bundle is a folder (Name.dext/ holding Info.plist)");
    if (!folder_name.ends_with(bundle_suffix) || folder_name.size() == bundle_suffix.size()) {
        return Error::with(path + ": is not named like a dext bundle; the folder must be called Name.dext "
            + "(for example " + folder_name + ".dext)");
    }
    return {};
}

// Reads a plist that must be a dictionary and must not hold unexpanded Xcode variables.
ErrorOr<PropertyDict> read_dict_plist(std::string const& path, char const* what)
{
    Property root = TRY(read_plist_file(path));
    if (!root.is_dict()) {
        return Error::with(path + ": the top-level value is an " + std::string(root.type_name()) + ", but "
            + what + " must be a <dict>");
    }
    TRY(check_no_unexpanded_variables(root, path));
    return std::move(root.as_dict());
}

ErrorOr<PropertyDict> read_info_plist(std::string const& bundle_path)
{
    std::string path = bundle_path + "/Info.plist";
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
        return Error::with(bundle_path + ": has no Info.plist; a dext bundle holds Info.plist next to its "
            + "executable (check that the build copied it into the bundle)");
    }
    PropertyDict info = TRY(read_dict_plist(path, "an Info.plist"));
    TRY(check_bundle_keys(info, path));
    TRY(check_personalities_dict(info, path));
    return info;
}

// Checks every personality and fills in CFBundleIdentifier, as the kernel does when it files a
// personality in the catalogue. std::map iteration gives the personalities sorted by name.
ErrorOr<std::vector<Personality>> read_personalities(DextBundle const& bundle)
{
    std::string info_path = bundle.path + "/Info.plist";
    std::vector<Personality> personalities;
    for (auto const& [name, value] : bundle.info.at("IOKitPersonalities").as_dict()) {
        TRY(check_personality(name, value, info_path, bundle.bundle_identifier));
        Personality personality { name, value.as_dict() };
        if (!personality.properties.contains("CFBundleIdentifier"))
            personality.properties.emplace("CFBundleIdentifier", Property::string(bundle.bundle_identifier));
        personalities.push_back(std::move(personality));
    }
    return personalities;
}

bool is_mach_o(std::string const& path)
{
    std::ifstream file(path, std::ios::binary);
    std::array<unsigned char, 4> magic {};
    if (!file.read(reinterpret_cast<char*>(magic.data()), magic.size()))
        return false;
    static constexpr std::array<std::array<unsigned char, 4>, 5> mach_o_magics { {
        { 0xcf, 0xfa, 0xed, 0xfe }, // MH_MAGIC_64, little-endian
        { 0xce, 0xfa, 0xed, 0xfe }, // MH_MAGIC
        { 0xfe, 0xed, 0xfa, 0xcf }, // MH_MAGIC_64, big-endian
        { 0xfe, 0xed, 0xfa, 0xce }, // MH_MAGIC, big-endian
        { 0xca, 0xfe, 0xba, 0xbe }, // FAT_MAGIC (universal binary)
    } };
    return std::find(mach_o_magics.begin(), mach_o_magics.end(), magic) != mach_o_magics.end();
}

ErrorOr<std::string> codeless_or_error(DextBundle const& bundle, std::string const& info_path)
{
    auto needs_code = std::find_if(bundle.personalities.begin(), bundle.personalities.end(),
        [](Personality const& personality) { return personality.is_dext_personality(); });
    if (needs_code == bundle.personalities.end())
        return std::string {}; // A codeless dext: its personalities only instantiate kernel classes.
    return Error::with(info_path + ": has no CFBundleExecutable, but personality \"" + needs_code->name
        + "\" names an IOUserClass, which needs the dext's code; add "
        + "<key>CFBundleExecutable</key><string>" + bundle.name + "</string>");
}

ErrorOr<std::string> find_executable(DextBundle const& bundle)
{
    std::string info_path = bundle.path + "/Info.plist";
    if (!bundle.info.contains("CFBundleExecutable"))
        return codeless_or_error(bundle, info_path);
    std::string executable = bundle.info.at("CFBundleExecutable").as_string();
    if (executable.empty() || executable.find('/') != std::string::npos || executable == "." || executable == "..") {
        return Error::with(info_path + ": CFBundleExecutable \"" + executable + "\" is not a file name; it "
            + "must name the executable inside the bundle, such as " + bundle.name);
    }
    std::string path = bundle.path + "/" + executable;
    std::error_code error;
    if (!fs::is_regular_file(path, error)) {
        return Error::with(bundle.path + ": the executable \"" + executable + "\" named by CFBundleExecutable "
            + "is missing (expected " + path + "); build the dext's shared object into the bundle, or fix "
            + "CFBundleExecutable");
    }
    if (is_mach_o(path)) {
        return Error::with(path + ": is a Mach-O binary built for macOS; dextlab loads dexts built for "
            + "Linux against its DriverKit SDK, so rebuild the dext's sources with dextlab's CMake function");
    }
    return path;
}

ErrorOr<PropertyDict> read_entitlements(DextBundle const& bundle)
{
    std::string path = bundle.path + "/" + bundle.name + ".entitlements";
    std::error_code error;
    if (!fs::exists(path, error))
        return PropertyDict {};
    return read_dict_plist(path, "an entitlements file");
}

} // namespace

bool Personality::is_dext_personality() const
{
    return properties.contains("IOUserClass") || properties.contains("IOUserServerName");
}

Personality const* DextBundle::find_personality(std::string const& personality_name) const
{
    auto it = std::find_if(personalities.begin(), personalities.end(),
        [&](Personality const& personality) { return personality.name == personality_name; });
    return it == personalities.end() ? nullptr : &*it;
}

ErrorOr<DextBundle> load_dext_bundle(std::string const& bundle_path)
{
    DextBundle bundle;
    bundle.path = strip_trailing_slashes(bundle_path);
    std::string folder_name = fs::path(bundle.path).filename().string();
    TRY(check_bundle_folder(bundle.path, folder_name));
    bundle.name = folder_name.substr(0, folder_name.size() - bundle_suffix.size());
    bundle.info = TRY(read_info_plist(bundle.path));
    bundle.bundle_identifier = bundle.info.at("CFBundleIdentifier").as_string();
    bundle.version = string_or_empty(bundle.info, "CFBundleVersion");
    bundle.short_version = string_or_empty(bundle.info, "CFBundleShortVersionString");
    bundle.personalities = TRY(read_personalities(bundle));
    bundle.executable_path = TRY(find_executable(bundle));
    bundle.entitlements = TRY(read_entitlements(bundle));
    return bundle;
}

ErrorOr<std::string> find_dext_bundle(std::string const& name, std::vector<std::string> const& search_dirs)
{
    std::error_code error;
    // A name with a folder in it is a path if one exists there; otherwise it is looked for
    // under each search folder too (v2/MyDriver: another build of a dext, beside the first).
    if (name.find('/') != std::string::npos && fs::is_directory(strip_trailing_slashes(name), error))
        return strip_trailing_slashes(name);
    std::string folder_name = name.ends_with(bundle_suffix) ? name : name + std::string(bundle_suffix);
    for (std::string const& dir : search_dirs) {
        std::string candidate = strip_trailing_slashes(dir) + "/" + folder_name;
        if (fs::is_directory(candidate, error))
            return candidate;
    }
    std::string searched;
    for (std::string const& dir : search_dirs)
        searched += (searched.empty() ? "" : ", ") + dir;
    return Error::with("no dext bundle " + folder_name + " in "
        + (searched.empty() ? std::string("any folder (no search folders were given)") : searched)
        + "; build the dext, or add the folder that holds " + folder_name + " to the search path");
}

ErrorOr<DextBundle> load_dext_bundle_named(std::string const& name, std::vector<std::string> const& search_dirs)
{
    std::string path = TRY(find_dext_bundle(name, search_dirs));
    return load_dext_bundle(path);
}

} // namespace dextlab::kernel
