#include "kernel_model/bundle/bundle_checks.h"

#include <optional>

namespace dextlab::kernel {

namespace {

// "$(PRODUCT_BUNDLE_IDENTIFIER)" or "${EXECUTABLE_NAME}" if `text` holds one, else nothing.
std::optional<std::string> find_variable(std::string const& text)
{
    for (size_t start = text.find('$'); start != std::string::npos; start = text.find('$', start + 1)) {
        if (start + 1 >= text.size() || (text[start + 1] != '(' && text[start + 1] != '{'))
            continue;
        char close = text[start + 1] == '(' ? ')' : '}';
        size_t end = text.find(close, start + 2);
        return text.substr(start, end == std::string::npos ? std::string::npos : end - start + 1);
    }
    return std::nullopt;
}

struct VariableUse {
    std::string path;
    std::string variable;
};

std::optional<VariableUse> find_variable_use(Property const& value, std::string const& path)
{
    if (value.is_string()) {
        if (auto variable = find_variable(value.as_string()))
            return VariableUse { path, *variable };
    } else if (value.is_array()) {
        for (size_t i = 0; i < value.as_array().size(); ++i) {
            if (auto use = find_variable_use(value.as_array()[i], path + ":" + std::to_string(i)))
                return use;
        }
    } else if (value.is_dict()) {
        for (auto const& [key, item] : value.as_dict()) {
            if (auto variable = find_variable(key))
                return VariableUse { path + ":" + key + " (in the key itself)", *variable };
            if (auto use = find_variable_use(item, path + ":" + key))
                return use;
        }
    }
    return std::nullopt;
}

std::string type_mismatch(Property const& value, char const* wanted)
{
    std::string text = std::string("is an ") + value.type_name();
    if (value.is_string() || value.is_number() || value.is_bool())
        text += " (" + value.to_ioreg_text() + ")";
    return text + ", but it must be " + wanted;
}

// A present key must be a string; "" when absent is the caller's business.
ErrorOr<void> check_optional_string(PropertyDict const& dict, char const* key, std::string const& where)
{
    auto it = dict.find(key);
    if (it != dict.end() && !it->second.is_string())
        return Error::with(where + key + " " + type_mismatch(it->second, "a <string>"));
    return {};
}

ErrorOr<void> check_bundle_identifier(PropertyDict const& info, std::string const& file_name)
{
    auto it = info.find("CFBundleIdentifier");
    if (it == info.end()) {
        return Error::with(file_name + ": has no CFBundleIdentifier; every bundle needs one, so add "
            + "<key>CFBundleIdentifier</key><string>com.example.YourDriver</string>");
    }
    if (!it->second.is_string())
        return Error::with(file_name + ": CFBundleIdentifier " + type_mismatch(it->second, "a <string>"));
    if (it->second.as_string().empty()) {
        return Error::with(file_name + ": CFBundleIdentifier is empty; set it to the dext's reverse-DNS "
            + "identifier, such as com.example.YourDriver");
    }
    return {};
}

ErrorOr<void> check_package_type(PropertyDict const& info, std::string const& file_name)
{
    auto it = info.find("CFBundlePackageType");
    if (it == info.end())
        return {};
    if (!it->second.is_string())
        return Error::with(file_name + ": CFBundlePackageType " + type_mismatch(it->second, "the <string> DEXT"));
    if (it->second.as_string() == "DEXT")
        return {};
    return Error::with(file_name + ": CFBundlePackageType is \"" + it->second.as_string()
        + "\", but a driver extension's must be \"DEXT\"; set "
        + "<key>CFBundlePackageType</key><string>DEXT</string>");
}

std::string personality_where(std::string const& name, std::string const& file_name)
{
    return file_name + ": personality \"" + name + "\" (:IOKitPersonalities:" + name + "): ";
}

ErrorOr<void> check_provider_class(std::string const& name, PropertyDict const& dict, std::string const& file_name)
{
    std::string where = personality_where(name, file_name);
    auto it = dict.find("IOProviderClass");
    if (it == dict.end()) {
        return Error::with(where + "has no IOProviderClass, so the kernel cannot tell which services "
            + "it matches; add <key>IOProviderClass</key><string>IOUSBHostInterface</string> (or "
            + "IOUSBHostDevice, IOHIDInterface, IOUserResources, ...)");
    }
    if (!it->second.is_string() || it->second.as_string().empty())
        return Error::with(where + "IOProviderClass " + type_mismatch(it->second, "a non-empty <string>"));
    return {};
}

ErrorOr<void> check_dext_keys(std::string const& name, PropertyDict const& dict, std::string const& file_name,
    std::string const& bundle_identifier)
{
    std::string where = personality_where(name, file_name);
    for (char const* key : { "IOClass", "IOUserClass", "IOUserServerName" })
        TRY(check_optional_string(dict, key, where));
    bool has_user_class = dict.contains("IOUserClass");
    if (!has_user_class && !dict.contains("IOUserServerName"))
        return {};
    std::string user_class = has_user_class ? dict.at("IOUserClass").as_string() : "";
    if (!has_user_class) {
        return Error::with(where + "has IOUserServerName but no IOUserClass, the dext class to "
            + "instantiate; add <key>IOUserClass</key><string>YourDriverClass</string>");
    }
    if (!dict.contains("IOUserServerName")) {
        return Error::with(where + "has IOUserClass \"" + user_class + "\" but no IOUserServerName, "
            + "the name of the process that runs it; add <key>IOUserServerName</key><string>"
            + bundle_identifier + "</string> (normally the bundle identifier)");
    }
    if (!dict.contains("IOClass")) {
        return Error::with(where + "has IOUserClass \"" + user_class + "\" but no IOClass, the kernel "
            + "class that stands for it; add <key>IOClass</key><string>IOUserService</string> (or the "
            + "family's class, such as AppleUserHIDDevice or IOUserSerial)");
    }
    return {};
}

ErrorOr<void> check_probe_score(std::string const& name, PropertyDict const& dict, std::string const& file_name)
{
    auto it = dict.find("IOProbeScore");
    if (it == dict.end() || it->second.is_number())
        return {};
    std::string example = it->second.is_string() ? it->second.as_string() : std::string("1000");
    return Error::with(personality_where(name, file_name) + "IOProbeScore "
        + type_mismatch(it->second, "an <integer>") + "; write it as <integer>" + example + "</integer>");
}

} // namespace

ErrorOr<void> check_no_unexpanded_variables(Property const& root, std::string const& file_name)
{
    auto use = find_variable_use(root, "");
    if (!use)
        return {};
    return Error::with(file_name + ": key " + use->path + " still contains the Xcode build variable "
        + use->variable + ", which the build should have expanded; write the value literally or have "
        + "your build substitute it (Xcode does so when it processes Info.plist and entitlements)");
}

ErrorOr<void> check_bundle_keys(PropertyDict const& info, std::string const& file_name)
{
    TRY(check_bundle_identifier(info, file_name));
    TRY(check_package_type(info, file_name));
    for (char const* key : { "CFBundleExecutable", "CFBundleVersion", "CFBundleShortVersionString" })
        TRY(check_optional_string(info, key, file_name + ": "));
    return {};
}

ErrorOr<void> check_personalities_dict(PropertyDict const& info, std::string const& file_name)
{
    auto it = info.find("IOKitPersonalities");
    if (it == info.end()) {
        return Error::with(file_name + ": has no IOKitPersonalities, so nothing would ever match this "
            + "dext; add <key>IOKitPersonalities</key><dict>...</dict> with one dictionary per "
            + "personality (an empty <dict/> states that the dext has none)");
    }
    if (!it->second.is_dict()) {
        return Error::with(file_name + ": IOKitPersonalities " + type_mismatch(it->second, "a <dict>")
            + " whose keys name the personalities");
    }
    return {};
}

ErrorOr<void> check_personality(std::string const& name, Property const& personality, std::string const& file_name,
    std::string const& bundle_identifier)
{
    if (!personality.is_dict()) {
        return Error::with(personality_where(name, file_name)
            + type_mismatch(personality, "a <dict> of matching keys (IOProviderClass, IOClass, ...)"));
    }
    PropertyDict const& dict = personality.as_dict();
    TRY(check_provider_class(name, dict, file_name));
    TRY(check_dext_keys(name, dict, file_name, bundle_identifier));
    TRY(check_probe_score(name, dict, file_name));
    TRY(check_optional_string(dict, "CFBundleIdentifier", personality_where(name, file_name)));
    return {};
}

} // namespace dextlab::kernel
