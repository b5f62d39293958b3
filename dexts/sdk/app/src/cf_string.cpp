// CFString over UTF-8 text. Lengths count UTF-16 code units as CF's do; conversions to other
// encodings fail (return NULL / false) when a character does not fit, as CF's do.

#include "cf_object.h"

#include <cctype>
#include <cstring>
#include <map>
#include <memory>
#include <optional>

using namespace dextlab::cf;

namespace {

// Validates UTF-8 and counts UTF-16 code units; nullopt if the bytes are not UTF-8.
std::optional<CFIndex> utf16_length(std::string_view text)
{
    CFIndex units = 0;
    for (size_t i = 0; i < text.size();) {
        auto lead = static_cast<uint8_t>(text[i]);
        size_t extra = lead < 0x80 ? 0 : (lead >> 5) == 0x6 ? 1 : (lead >> 4) == 0xe ? 2 : (lead >> 3) == 0x1e ? 3 : 4;
        if (extra == 4 || i + extra >= text.size())
            return std::nullopt;
        uint32_t code = extra == 0 ? lead : lead & (0x3f >> extra);
        for (size_t k = 1; k <= extra; ++k) {
            auto next = static_cast<uint8_t>(text[i + k]);
            if ((next & 0xc0) != 0x80)
                return std::nullopt;
            code = (code << 6) | (next & 0x3f);
        }
        static constexpr uint32_t smallest[] = { 0, 0x80, 0x800, 0x10000 };
        if (code < smallest[extra] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
            return std::nullopt;
        units += code >= 0x10000 ? 2 : 1;
        i += extra + 1;
    }
    return units;
}

bool is_ascii(std::string_view text)
{
    for (char c : text) {
        if (static_cast<uint8_t>(c) >= 0x80)
            return false;
    }
    return true;
}

// Encodings whose first 128 characters are ASCII; their other characters are only converted
// for ISO Latin 1, whose 256 characters are Unicode's first 256.
bool is_ascii_family(CFStringEncoding encoding)
{
    return encoding == kCFStringEncodingASCII || encoding == kCFStringEncodingMacRoman
        || encoding == kCFStringEncodingWindowsLatin1 || encoding == kCFStringEncodingNextStepLatin
        || encoding == kCFStringEncodingNonLossyASCII;
}

// `bytes` in `encoding` as UTF-8, or nullopt if they are not valid in it (or it is not supported).
std::optional<std::string> to_utf8(std::string_view bytes, CFStringEncoding encoding)
{
    if (encoding == kCFStringEncodingUTF8) {
        if (!utf16_length(bytes))
            return std::nullopt;
        return std::string(bytes);
    }
    if (is_ascii_family(encoding))
        return is_ascii(bytes) ? std::optional<std::string>(bytes) : std::nullopt;
    if (encoding == kCFStringEncodingISOLatin1) {
        std::string out;
        for (char c : bytes) {
            auto code = static_cast<uint8_t>(c);
            if (code < 0x80) {
                out += c;
            } else {
                out += static_cast<char>(0xc0 | (code >> 6));
                out += static_cast<char>(0x80 | (code & 0x3f));
            }
        }
        return out;
    }
    return std::nullopt;
}

// UTF-8 `text` in `encoding`, or nullopt if a character does not fit.
std::optional<std::string> from_utf8(std::string_view text, CFStringEncoding encoding)
{
    if (encoding == kCFStringEncodingUTF8)
        return std::string(text);
    if (is_ascii_family(encoding))
        return is_ascii(text) ? std::optional<std::string>(text) : std::nullopt;
    if (encoding == kCFStringEncodingISOLatin1) {
        std::string out;
        for (size_t i = 0; i < text.size(); ++i) {
            auto lead = static_cast<uint8_t>(text[i]);
            if (lead < 0x80) {
                out += text[i];
            } else if ((lead == 0xc2 || lead == 0xc3) && i + 1 < text.size()) {
                out += static_cast<char>(((lead & 0x03) << 6) | (static_cast<uint8_t>(text[++i]) & 0x3f));
            } else {
                return std::nullopt;
            }
        }
        return out;
    }
    return std::nullopt;
}

__CFString const* str(CFStringRef ref, char const* function)
{
    if (!is(ref, Kind::String)) {
        misuse(function, ref ? "the argument is not a CFString" : "called with NULL");
        return nullptr;
    }
    return static_cast<__CFString const*>(ref);
}

__CFString* mutable_str(CFMutableStringRef ref, char const* function)
{
    auto const* s = str(ref, function);
    if (s && !s->is_mutable()) {
        misuse(function, "the string is not mutable");
        return nullptr;
    }
    return const_cast<__CFString*>(s);
}

CFStringRef make_string(std::string text, bool is_mutable = false)
{
    return new __CFString(std::move(text), is_mutable);
}

int compare_folded(std::string_view a, std::string_view b, bool fold_case)
{
    for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
        int x = static_cast<uint8_t>(a[i]), y = static_cast<uint8_t>(b[i]);
        if (fold_case && x < 0x80 && y < 0x80) {
            x = std::tolower(x);
            y = std::tolower(y);
        }
        if (x != y)
            return x < y ? -1 : 1;
    }
    return a.size() == b.size() ? 0 : a.size() < b.size() ? -1 : 1;
}

} // namespace

CFStringRef __CFStringMakeConstantString(const char* cStr)
{
    // One immortal object per text; the map lives as long as the process, as CF's constants do.
    static auto* constants = new std::map<std::string, std::unique_ptr<__CFString>, std::less<>>();
    if (!cStr)
        return nullptr;
    auto found = constants->find(std::string_view(cStr));
    if (found != constants->end())
        return found->second.get();
    auto object = std::make_unique<__CFString>(std::string(cStr), false);
    object->immortal = true;
    auto* raw = object.get();
    constants->emplace(cStr, std::move(object));
    return raw;
}

CFTypeID CFStringGetTypeID(void) { return type_id_of(Kind::String); }

CFStringRef CFStringCreateWithCString(CFAllocatorRef, const char* cStr, CFStringEncoding encoding)
{
    if (!cStr) {
        misuse("CFStringCreateWithCString", "called with a NULL C string");
        return nullptr;
    }
    auto text = to_utf8(cStr, encoding);
    return text ? make_string(std::move(*text)) : nullptr;
}

CFStringRef CFStringCreateWithBytes(CFAllocatorRef, const UInt8* bytes, CFIndex numBytes, CFStringEncoding encoding,
    Boolean)
{
    if (numBytes < 0 || (!bytes && numBytes > 0)) {
        misuse("CFStringCreateWithBytes", "the byte range is invalid");
        return nullptr;
    }
    auto text = to_utf8(std::string_view(reinterpret_cast<char const*>(bytes), static_cast<size_t>(numBytes)), encoding);
    return text ? make_string(std::move(*text)) : nullptr;
}

CFStringRef CFStringCreateCopy(CFAllocatorRef, CFStringRef theString)
{
    auto const* s = str(theString, "CFStringCreateCopy");
    if (!s)
        return nullptr;
    // An immutable string is its own copy.
    if (!s->is_mutable())
        return static_cast<CFStringRef>(CFRetain(s));
    return make_string(std::string(s->text()));
}

CFMutableStringRef CFStringCreateMutable(CFAllocatorRef, CFIndex)
{
    return const_cast<__CFString*>(static_cast<__CFString const*>(make_string({}, true)));
}

CFMutableStringRef CFStringCreateMutableCopy(CFAllocatorRef, CFIndex, CFStringRef theString)
{
    auto const* s = str(theString, "CFStringCreateMutableCopy");
    if (!s)
        return nullptr;
    return const_cast<__CFString*>(static_cast<__CFString const*>(make_string(std::string(s->text()), true)));
}

CFIndex CFStringGetLength(CFStringRef theString)
{
    auto const* s = str(theString, "CFStringGetLength");
    return s ? utf16_length(s->text()).value_or(0) : 0;
}

Boolean CFStringGetCString(CFStringRef theString, char* buffer, CFIndex bufferSize, CFStringEncoding encoding)
{
    auto const* s = str(theString, "CFStringGetCString");
    if (!s || !buffer || bufferSize <= 0)
        return false;
    auto converted = from_utf8(s->text(), encoding);
    if (!converted || converted->size() + 1 > static_cast<size_t>(bufferSize))
        return false;
    std::memcpy(buffer, converted->c_str(), converted->size() + 1);
    return true;
}

const char* CFStringGetCStringPtr(CFStringRef theString, CFStringEncoding encoding)
{
    auto const* s = str(theString, "CFStringGetCStringPtr");
    if (!s)
        return nullptr;
    if (encoding == kCFStringEncodingUTF8 || (is_ascii_family(encoding) && is_ascii(s->text())))
        return s->c_str();
    return nullptr;
}

CFIndex CFStringGetMaximumSizeForEncoding(CFIndex length, CFStringEncoding encoding)
{
    if (encoding == kCFStringEncodingUTF8)
        return length * 3;
    if (is_ascii_family(encoding) || encoding == kCFStringEncodingISOLatin1)
        return length;
    if (encoding == kCFStringEncodingUTF16 || encoding == kCFStringEncodingUTF16BE || encoding == kCFStringEncodingUTF16LE)
        return length * 2;
    if (encoding == kCFStringEncodingUTF32 || encoding == kCFStringEncodingUTF32BE || encoding == kCFStringEncodingUTF32LE)
        return length * 4;
    return kCFNotFound;
}

CFComparisonResult CFStringCompare(CFStringRef theString1, CFStringRef theString2, CFStringCompareFlags compareOptions)
{
    auto const* a = str(theString1, "CFStringCompare");
    auto const* b = str(theString2, "CFStringCompare");
    if (!a || !b)
        return kCFCompareEqualTo;
    int order = compare_folded(a->text(), b->text(), compareOptions & kCFCompareCaseInsensitive);
    return order < 0 ? kCFCompareLessThan : order > 0 ? kCFCompareGreaterThan : kCFCompareEqualTo;
}

Boolean CFStringHasPrefix(CFStringRef theString, CFStringRef prefix)
{
    auto const* s = str(theString, "CFStringHasPrefix");
    auto const* p = str(prefix, "CFStringHasPrefix");
    return s && p && s->text().substr(0, p->text().size()) == p->text();
}

Boolean CFStringHasSuffix(CFStringRef theString, CFStringRef suffix)
{
    auto const* s = str(theString, "CFStringHasSuffix");
    auto const* p = str(suffix, "CFStringHasSuffix");
    return s && p && s->text().size() >= p->text().size()
        && s->text().substr(s->text().size() - p->text().size()) == p->text();
}

void CFStringAppend(CFMutableStringRef theString, CFStringRef appendedString)
{
    auto* s = mutable_str(theString, "CFStringAppend");
    auto const* more = str(appendedString, "CFStringAppend");
    if (s && more)
        s->append(std::string(more->text())); // a copy: the string may be appended to itself
}

void CFStringAppendCString(CFMutableStringRef theString, const char* cStr, CFStringEncoding encoding)
{
    auto* s = mutable_str(theString, "CFStringAppendCString");
    if (!s || !cStr)
        return;
    if (auto text = to_utf8(cStr, encoding))
        s->append(*text);
}
