// Descriptions for CFCopyDescription and CFShow: an old-style property-list rendering without
// object addresses, so the same values always print the same text.

#include "cf_object.h"

#include <cstdio>

using namespace dextlab::cf;

namespace {

void append(std::string& out, CFTypeRef ref, int indent, bool nested);

void append_indent(std::string& out, int indent) { out.append(static_cast<size_t>(indent) * 4, ' '); }

void append_string(std::string& out, std::string_view text, bool nested)
{
    if (!nested) {
        out += text;
        return;
    }
    out += '"';
    for (char c : text) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

void append_number(std::string& out, __CFNumber const& n)
{
    char text[64];
    if (n.is_float())
        std::snprintf(text, sizeof text, "%.17g", n.real);
    else
        std::snprintf(text, sizeof text, "%lld", static_cast<long long>(n.integer));
    out += text;
}

void append_data(std::string& out, __CFData const& d)
{
    static char const hex[] = "0123456789abcdef";
    out += '<';
    for (size_t i = 0; i < d.bytes.size(); ++i) {
        if (i && i % 4 == 0)
            out += ' ';
        out += hex[d.bytes[i] >> 4];
        out += hex[d.bytes[i] & 0xf];
    }
    out += '>';
}

void append(std::string& out, CFTypeRef ref, int indent, bool nested)
{
    if (!ref) {
        out += "(null)";
        return;
    }
    switch (object(ref)->kind) {
    case Kind::String: append_string(out, static_cast<__CFString const*>(ref)->text(), nested); return;
    case Kind::Number: append_number(out, *static_cast<__CFNumber const*>(ref)); return;
    case Kind::Boolean: out += static_cast<__CFBoolean const*>(ref)->value ? "true" : "false"; return;
    case Kind::Data: append_data(out, *static_cast<__CFData const*>(ref)); return;
    case Kind::Array: {
        auto const& values = static_cast<__CFArray const*>(ref)->values;
        out += "(\n";
        for (size_t i = 0; i < values.size(); ++i) {
            append_indent(out, indent + 1);
            append(out, values[i], indent + 1, true);
            out += i + 1 < values.size() ? ",\n" : "\n";
        }
        append_indent(out, indent);
        out += ')';
        return;
    }
    case Kind::Dictionary: {
        out += "{\n";
        for (auto const& [key, value] : static_cast<__CFDictionary const*>(ref)->entries) {
            append_indent(out, indent + 1);
            append(out, key, indent + 1, true);
            out += " = ";
            append(out, value, indent + 1, true);
            out += ";\n";
        }
        append_indent(out, indent);
        out += '}';
        return;
    }
    case Kind::RunLoop: out += "<CFRunLoop>"; return;
    case Kind::RunLoopSource: out += "<CFRunLoopSource>"; return;
    }
}

} // namespace

namespace dextlab::cf {

std::string describe(CFTypeRef ref)
{
    std::string out;
    append(out, ref, 0, false);
    return out;
}

} // namespace dextlab::cf
