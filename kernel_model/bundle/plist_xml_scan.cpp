#include "kernel_model/bundle/plist_xml_scan.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <set>
#include <vector>

namespace dextlab::kernel {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view text)
{
    while (!text.empty() && is_space(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && is_space(text.back()))
        text.remove_suffix(1);
    return text;
}

int digit_value(char c, int base)
{
    int value = -1;
    if (c >= '0' && c <= '9')
        value = c - '0';
    else if (c >= 'a' && c <= 'f')
        value = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
        value = c - 'A' + 10;
    return value < base ? value : -1;
}

// Keys are compared and shown decoded, so `a&amp;b` and its duplicate are recognised as "a&b".
std::string decode_entities(std::string_view raw)
{
    static constexpr std::pair<std::string_view, char> entities[] = {
        { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' }, { "&apos;", '\'' },
    };
    std::string text;
    for (size_t i = 0; i < raw.size();) {
        auto match = std::find_if(std::begin(entities), std::end(entities),
            [&](auto const& entity) { return raw.substr(i).starts_with(entity.first); });
        if (match != std::end(entities)) {
            text += match->second;
            i += match->first.size();
        } else {
            text += raw[i++];
        }
    }
    return text;
}

struct Tag {
    std::string_view name;
    bool closing { false };
    bool self_closing { false };
};

// `text` runs from '<' to '>' inclusive.
Tag parse_tag(std::string_view text)
{
    Tag tag;
    text = text.substr(1, text.size() - 2);
    if (text.starts_with('/')) {
        tag.closing = true;
        text.remove_prefix(1);
    }
    if (text.ends_with('/')) {
        tag.self_closing = true;
        text.remove_suffix(1);
    }
    size_t end = 0;
    while (end < text.size() && !is_space(text[end]))
        ++end;
    tag.name = text.substr(0, end);
    return tag;
}

bool is_value_tag(std::string_view name)
{
    static constexpr std::string_view value_tags[] = {
        "dict", "array", "string", "integer", "real", "true", "false", "date", "data",
    };
    return std::find(std::begin(value_tags), std::end(value_tags), name) != std::end(value_tags);
}

// One open <dict> or <array>: what its children are called in key paths, and for a dictionary
// which keys it has seen and whether the last key still waits for its value.
struct Frame {
    bool is_dict { true };
    std::string path;
    std::set<std::string> keys;
    std::optional<std::string> pending_key;
    size_t pending_key_offset { 0 };
    size_t next_index { 0 };
};

class Scanner {
public:
    Scanner(std::string_view xml, std::string const& name)
        : m_xml(xml)
        , m_name(name)
    {
    }

    ErrorOr<std::string> run()
    {
        while (m_pos < m_xml.size()) {
            size_t open = m_xml.find('<', m_pos);
            if (open == std::string_view::npos)
                break;
            m_out.append(m_xml.substr(m_pos, open - m_pos));
            m_pos = open;
            if (copy_markup_section())
                continue;
            size_t close = m_xml.find('>', open);
            if (close == std::string_view::npos)
                break;
            m_pos = close + 1;
            TRY(handle_tag(parse_tag(m_xml.substr(open, close - open + 1)), open));
        }
        m_out.append(m_xml.substr(std::min(m_pos, m_xml.size())));
        return std::move(m_out);
    }

private:
    // Comments, CDATA sections, processing instructions and the DOCTYPE are copied untouched:
    // an "<integer>" inside them is text, not an element.
    bool copy_markup_section()
    {
        static constexpr std::pair<std::string_view, std::string_view> sections[] = {
            { "<!--", "-->" }, { "<![CDATA[", "]]>" }, { "<?", "?>" }, { "<!", ">" },
        };
        for (auto const& [start, end] : sections) {
            if (!m_xml.substr(m_pos).starts_with(start))
                continue;
            size_t stop = m_xml.find(end, m_pos + start.size());
            size_t next = stop == std::string_view::npos ? m_xml.size() : stop + end.size();
            m_out.append(m_xml.substr(m_pos, next - m_pos));
            m_pos = next;
            return true;
        }
        return false;
    }

    ErrorOr<void> handle_tag(Tag const& tag, size_t offset)
    {
        std::string_view text = m_xml.substr(offset, m_pos - offset);
        if (tag.closing) {
            TRY(close_container(tag.name));
            m_out.append(text);
            return {};
        }
        if (tag.name == "key" && !m_frames.empty() && m_frames.back().is_dict)
            return read_key(tag, offset);
        if (!is_value_tag(tag.name)) {
            m_out.append(text);
            return {};
        }
        std::string path = TRY(begin_value(tag.name, offset));
        if (tag.name == "integer")
            return read_integer(tag, path, offset);
        if ((tag.name == "dict" || tag.name == "array") && !tag.self_closing) {
            Frame frame;
            frame.is_dict = tag.name == "dict";
            frame.path = path;
            m_frames.push_back(std::move(frame));
        }
        m_out.append(text);
        return {};
    }

    ErrorOr<void> close_container(std::string_view name)
    {
        if (name != "dict" && name != "array")
            return {};
        // A mismatched close tag is malformed XML; libplist reports that.
        if (m_frames.empty() || m_frames.back().is_dict != (name == "dict"))
            return {};
        Frame const& frame = m_frames.back();
        if (frame.pending_key)
            return key_without_value(frame);
        m_frames.pop_back();
        return {};
    }

    ErrorOr<void> read_key(Tag const& tag, size_t offset)
    {
        std::string key;
        if (!tag.self_closing) {
            size_t end = m_xml.find("</key>", m_pos);
            if (end == std::string_view::npos)
                end = m_xml.size();
            key = decode_entities(m_xml.substr(m_pos, end - m_pos));
            m_pos = std::min(end + 6, m_xml.size());
        }
        Frame& frame = m_frames.back();
        if (frame.pending_key)
            return key_without_value(frame);
        if (!frame.keys.insert(key).second) {
            return Error::with(location(offset) + "key " + frame.path + ":" + key
                + " appears twice in the same <dict>; a property list keeps only one value per key, "
                  "so delete or rename one of them");
        }
        frame.pending_key = key;
        frame.pending_key_offset = offset;
        m_out.append(m_xml.substr(offset, m_pos - offset));
        return {};
    }

    // Consumes the pending key (in a dict) or the next index (in an array) and returns the
    // key path of the value that starts here.
    ErrorOr<std::string> begin_value(std::string_view tag_name, size_t offset)
    {
        if (m_frames.empty())
            return std::string {};
        Frame& frame = m_frames.back();
        if (!frame.is_dict)
            return frame.path + ":" + std::to_string(frame.next_index++);
        if (!frame.pending_key) {
            return Error::with(location(offset) + "a <" + std::string(tag_name) + "> in the <dict> at "
                + describe(frame.path) + " has no <key> before it; every value in a dictionary needs a key");
        }
        std::string path = frame.path + ":" + *frame.pending_key;
        frame.pending_key.reset();
        return path;
    }

    ErrorOr<void> read_integer(Tag const& tag, std::string const& path, size_t offset)
    {
        std::string_view text;
        if (!tag.self_closing) {
            size_t end = m_xml.find("</integer>", m_pos);
            if (end == std::string_view::npos)
                end = m_xml.size();
            text = m_xml.substr(m_pos, end - m_pos);
            m_pos = std::min(end + 10, m_xml.size());
        }
        auto value = canonical_plist_integer(text);
        if (!value.has_value()) {
            return Error::with(location(offset) + "<integer>" + std::string(trim(text)) + "</integer> at "
                + describe(path) + " " + value.error().message);
        }
        m_out += "<integer>" + value.value() + "</integer>";
        return {};
    }

    Error key_without_value(Frame const& frame) const
    {
        return Error::with(location(frame.pending_key_offset) + "key " + frame.path + ":" + *frame.pending_key
            + " has no value after it; add the value element (for example <string>…</string>) "
              "right after the </key>, or delete the key");
    }

    static std::string describe(std::string const& path)
    {
        return path.empty() ? std::string("the top level") : "key " + path;
    }

    std::string location(size_t offset) const
    {
        size_t line = 1 + std::count(m_xml.begin(), m_xml.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
        return m_name + ":" + std::to_string(line) + ": ";
    }

    std::string_view m_xml;
    std::string const& m_name;
    size_t m_pos { 0 };
    std::string m_out;
    std::vector<Frame> m_frames;
};

bool looks_like_real(std::string_view text)
{
    return std::any_of(text.begin(), text.end(), [](char c) { return c == '.' || c == 'e' || c == 'E'; });
}

} // namespace

ErrorOr<std::string> canonical_plist_integer(std::string_view text)
{
    text = trim(text);
    if (text.empty())
        return Error::with("is empty; write a whole number such as 0");
    std::string_view digits = text;
    bool negative = digits.front() == '-';
    if (negative || digits.front() == '+')
        digits.remove_prefix(1);
    int base = 10;
    if (digits.starts_with("0x") || digits.starts_with("0X")) {
        base = 16;
        digits.remove_prefix(2);
    }
    bool well_formed = !digits.empty()
        && std::all_of(digits.begin(), digits.end(), [&](char c) { return digit_value(c, base) >= 0; });
    if (!well_formed && base == 10 && looks_like_real(digits))
        return Error::with("is not a whole number: IOKit has no floating-point property type (OSNumber "
                           "holds integers only), so write an integer");
    if (!well_formed)
        return Error::with("is not a number: write decimal digits (1921) or hex digits after 0x (0x781)");
    // The magnitude may reach 2^64 - 1, or 2^63 for a negative value (INT64_MIN).
    uint64_t limit = negative ? (uint64_t { 1 } << 63) : UINT64_MAX;
    uint64_t value = 0;
    for (char c : digits) {
        auto digit = static_cast<uint64_t>(digit_value(c, base));
        if (value > (limit - digit) / static_cast<uint64_t>(base))
            return Error::with("does not fit in 64 bits, the widest OSNumber");
        value = value * static_cast<uint64_t>(base) + digit;
    }
    return (negative && value != 0 ? "-" : "") + std::to_string(value);
}

ErrorOr<std::string> normalize_plist_xml(std::string_view xml, std::string const& name_for_errors)
{
    return Scanner(xml, name_for_errors).run();
}

} // namespace dextlab::kernel
