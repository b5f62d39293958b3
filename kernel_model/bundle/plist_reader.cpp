#include "kernel_model/bundle/plist_reader.h"

#include "kernel_model/bundle/plist_xml_scan.h"

#include <plist/plist.h>

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string_view>

namespace dextlab::kernel {

namespace {

struct PlistFree {
    void operator()(void* node) const { plist_free(node); }
};
using PlistHandle = std::unique_ptr<void, PlistFree>;

// libplist takes 32-bit lengths; no real Info.plist comes anywhere near this.
constexpr size_t max_plist_size = 64 * 1024 * 1024;
constexpr std::string_view binary_magic = "bplist00";
constexpr std::string_view utf8_bom = "\xEF\xBB\xBF";

std::string describe(std::string const& path)
{
    return path.empty() ? std::string("the top-level value") : "key " + path;
}

ErrorOr<Property> convert(plist_t node, std::string const& path, std::string const& name);

ErrorOr<Property> convert_dict(plist_t node, std::string const& path, std::string const& name)
{
    PropertyDict dict;
    plist_dict_iter iter = nullptr;
    plist_dict_new_iter(node, &iter);
    // libplist 2.2 allocates the iterator with malloc and leaves freeing it to the caller.
    std::unique_ptr<void, decltype(&std::free)> iter_owner(iter, &std::free);
    while (true) {
        char* raw_key = nullptr;
        plist_t child = nullptr;
        plist_dict_next_item(node, iter, &raw_key, &child);
        if (!child)
            break;
        std::string key = raw_key ? raw_key : "";
        std::free(raw_key);
        dict.insert_or_assign(key, TRY(convert(child, path + ":" + key, name)));
    }
    return Property::dict(std::move(dict));
}

ErrorOr<Property> convert_array(plist_t node, std::string const& path, std::string const& name)
{
    PropertyArray array;
    uint32_t count = plist_array_get_size(node);
    for (uint32_t i = 0; i < count; ++i)
        array.push_back(TRY(convert(plist_array_get_item(node, i), path + ":" + std::to_string(i), name)));
    return Property::array(std::move(array));
}

ErrorOr<Property> convert_scalar(plist_t node)
{
    switch (plist_get_node_type(node)) {
    case PLIST_BOOLEAN: {
        uint8_t value = 0;
        plist_get_bool_val(node, &value);
        return Property::boolean(value != 0);
    }
    case PLIST_UINT: {
        uint64_t value = 0;
        plist_get_uint_val(node, &value);
        return Property::number(value, plist_integer_bits(value));
    }
    case PLIST_STRING: {
        uint64_t length = 0;
        char const* text = plist_get_string_ptr(node, &length);
        return Property::string(std::string(text ? text : "", length));
    }
    case PLIST_DATA: {
        uint64_t length = 0;
        auto const* bytes = reinterpret_cast<uint8_t const*>(plist_get_data_ptr(node, &length));
        return Property::data(bytes ? std::vector<uint8_t>(bytes, bytes + length) : std::vector<uint8_t> {});
    }
    default: break;
    }
    assert(!"convert() routes only the four scalar types here");
    return Error::with("internal error: convert_scalar given a non-scalar plist node");
}

// Why a plist type has no IOKit counterpart, and what to write instead.
std::string unsupported_type_message(plist_t node)
{
    switch (plist_get_node_type(node)) {
    case PLIST_REAL: {
        double value = 0;
        plist_get_real_val(node, &value);
        char text[32];
        std::snprintf(text, sizeof text, "%g", value);
        return "holds a <real> (" + std::string(text) + "), but IOKit has no floating-point property type "
            + "(OSNumber holds integers only); write an <integer>";
    }
    case PLIST_DATE:
        return "holds a <date>, but IOKit has no date property type; store the date as a <string>";
    case PLIST_UID:
        return "holds a UID (a keyed-archiver reference), which IOKit cannot represent; remove it";
    default: return "holds a value of a type libplist does not name, which IOKit cannot represent";
    }
}

ErrorOr<Property> convert(plist_t node, std::string const& path, std::string const& name)
{
    switch (plist_get_node_type(node)) {
    case PLIST_DICT: return convert_dict(node, path, name);
    case PLIST_ARRAY: return convert_array(node, path, name);
    case PLIST_BOOLEAN:
    case PLIST_UINT:
    case PLIST_STRING:
    case PLIST_DATA: return convert_scalar(node);
    default: return Error::with(name + ": " + describe(path) + " " + unsupported_type_message(node));
    }
}

ErrorOr<PlistHandle> parse_binary(std::string_view bytes, std::string const& name)
{
    if (!bytes.starts_with(binary_magic)) {
        return Error::with(name + ": is a binary property list of format \"" + std::string(bytes.substr(0, 8))
            + "\", which libplist 2.2 cannot read; convert it with `plutil -convert xml1 " + name + "`");
    }
    plist_t root = nullptr;
    plist_from_bin(bytes.data(), static_cast<uint32_t>(bytes.size()), &root);
    if (!root) {
        return Error::with(name + ": starts like a binary property list (bplist00) but libplist could not "
            + "parse it; the file is probably truncated or corrupt, so rebuild it or convert it to XML with "
            + "`plutil -convert xml1 " + name + "` on a Mac");
    }
    return PlistHandle(root);
}

ErrorOr<PlistHandle> parse_xml(std::string_view text, std::string const& name)
{
    if (text.starts_with(utf8_bom))
        text.remove_prefix(utf8_bom.size());
    size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos)
        return Error::with(name + ": is empty; a property list starts with <?xml version=\"1.0\" ...?> and <plist>");
    if (text[first] == '{' || text[first] == '(') {
        return Error::with(name + ": looks like an OpenStep or JSON property list, which libplist 2.2 cannot "
            + "read; convert it with `plutil -convert xml1 " + name + "`");
    }
    std::string normalized = TRY(normalize_plist_xml(text, name));
    plist_t root = nullptr;
    plist_from_xml(normalized.data(), static_cast<uint32_t>(normalized.size()), &root);
    if (!root) {
        return Error::with(name + ": not a valid XML or binary property list (libplist could not parse it); "
            + "check that the file is well-formed XML, for example with `xmllint --noout " + name + "`");
    }
    return PlistHandle(root);
}

plist_t to_plist(Property const& value)
{
    switch (value.type()) {
    case Property::Type::Bool: return plist_new_bool(value.as_bool() ? 1 : 0);
    case Property::Type::Number: return plist_new_uint(value.as_number());
    case Property::Type::String: return plist_new_string(value.as_string().c_str());
    case Property::Type::Data: {
        auto const& bytes = value.as_data();
        return plist_new_data(reinterpret_cast<char const*>(bytes.data()), bytes.size());
    }
    case Property::Type::Array: {
        plist_t array = plist_new_array();
        for (Property const& item : value.as_array())
            plist_array_append_item(array, to_plist(item));
        return array;
    }
    case Property::Type::Dict: {
        plist_t dict = plist_new_dict();
        for (auto const& [key, item] : value.as_dict())
            plist_dict_set_item(dict, key.c_str(), to_plist(item));
        return dict;
    }
    }
    return plist_new_dict();
}

} // namespace

uint8_t plist_integer_bits(uint64_t value) { return value <= UINT32_MAX ? 32 : 64; }

ErrorOr<Property> read_plist_bytes(std::vector<uint8_t> const& bytes, std::string const& name_for_errors)
{
    if (bytes.size() > max_plist_size)
        return Error::with(name_for_errors + ": is " + std::to_string(bytes.size())
            + " bytes long, more than any property list should be; check that this is the right file");
    std::string_view view(reinterpret_cast<char const*>(bytes.data()), bytes.size());
    PlistHandle root = view.starts_with("bplist") ? TRY(parse_binary(view, name_for_errors))
                                                  : TRY(parse_xml(view, name_for_errors));
    return convert(root.get(), "", name_for_errors);
}

ErrorOr<Property> read_plist_file(std::string const& path)
{
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        return Error::with(path + ": is a folder, not a property list file; name the file itself");
    std::ifstream file(path, std::ios::binary);
    if (!file)
        return Error::with(path + ": cannot be opened for reading; check that the file exists and is readable");
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (file.bad())
        return Error::with(path + ": reading the file failed part-way; check the disk and permissions");
    return read_plist_bytes(bytes, path);
}

std::string write_plist_xml(Property const& value)
{
    PlistHandle root(to_plist(value));
    char* xml = nullptr;
    uint32_t length = 0;
    plist_to_xml(root.get(), &xml, &length);
    std::string text(xml ? xml : "", length);
    plist_to_xml_free(xml);
    return text;
}

} // namespace dextlab::kernel
