// os_log / IOLog formatting: one walker over the format string, two argument sources (a va_list
// or clang's os_log buffer). See log_format.h.

#include "log_format.h"

#include <cstdio>
#include <cstring>
#include <cwchar>
#include <optional>
#include <string_view>

namespace dextlab::sdk {

namespace {

// One conversion of the format: %[{annotation}][flags][width][.precision][length]conversion.
struct Spec {
    std::string annotation; // "public", "bool", "private, mask.hash", ...
    std::string flags;      // any of "-+ #0'"
    bool width_from_arg { false };
    int width { -1 };
    bool precision_from_arg { false };
    int precision { -1 };
    std::string length; // "", hh, h, l, ll, q, j, z, t, L
    char conversion { 0 };
};

// Parses the conversion that starts after a '%' at format[at]; returns where it ends, or nullopt
// when the format ends inside it.
std::optional<size_t> parse_spec(std::string_view format, size_t at, Spec& spec)
{
    size_t i = at;
    if (i < format.size() && format[i] == '{') {
        size_t close = format.find('}', i);
        if (close == std::string_view::npos)
            return std::nullopt;
        spec.annotation = std::string(format.substr(i + 1, close - i - 1));
        i = close + 1;
    }
    while (i < format.size() && format[i] != '\0' && std::strchr("-+ #0'", format[i]))
        spec.flags += format[i++];
    auto read_number = [&](bool& from_arg, int& value) {
        if (i < format.size() && format[i] == '*') {
            from_arg = true;
            ++i;
            return;
        }
        if (i < format.size() && format[i] >= '0' && format[i] <= '9') {
            value = 0;
            while (i < format.size() && format[i] >= '0' && format[i] <= '9')
                value = value * 10 + (format[i++] - '0');
        }
    };
    read_number(spec.width_from_arg, spec.width);
    if (i < format.size() && format[i] == '.') {
        ++i;
        spec.precision = 0;
        read_number(spec.precision_from_arg, spec.precision);
    }
    for (char const* length : { "hh", "ll", "h", "l", "q", "j", "z", "t", "L" }) {
        if (format.substr(i).starts_with(length)) {
            spec.length = length;
            i += std::strlen(length);
            break;
        }
    }
    if (i >= format.size())
        return std::nullopt;
    spec.conversion = format[i];
    return i + 1;
}

// An argument as a source hands it over: its raw bits, its size in bytes, and whether it is a
// floating-point value.
struct Arg {
    uint64_t bits { 0 };
    long double real { 0 };
    unsigned size { 0 };
    bool is_real { false };
};

class ArgSource {
public:
    virtual ~ArgSource() = default;
    // A '*' width or precision.
    virtual std::optional<int> next_star() = 0;
    // The argument of a conversion.
    virtual std::optional<Arg> next(Spec const& spec) = 0;
};

// Reads a va_list the way printf does: the conversion and length modifier give the type.
class VaSource final : public ArgSource {
public:
    explicit VaSource(va_list ap) { va_copy(m_ap, ap); }
    ~VaSource() override { va_end(m_ap); }

    std::optional<int> next_star() override { return va_arg(m_ap, int); }

    std::optional<Arg> next(Spec const& spec) override
    {
        Arg arg;
        std::string const& l = spec.length;
        switch (spec.conversion) {
        case 'd':
        case 'i':
            arg.size = 8;
            if (l == "l")
                arg.bits = static_cast<uint64_t>(va_arg(m_ap, long));
            else if (l == "ll" || l == "q")
                arg.bits = static_cast<uint64_t>(va_arg(m_ap, long long));
            else if (l == "j")
                arg.bits = static_cast<uint64_t>(va_arg(m_ap, intmax_t));
            else if (l == "z" || l == "t")
                arg.bits = static_cast<uint64_t>(va_arg(m_ap, ptrdiff_t));
            else
                arg.bits = static_cast<uint64_t>(static_cast<int64_t>(va_arg(m_ap, int)));
            return arg;
        case 'u':
        case 'o':
        case 'x':
        case 'X':
            arg.size = 8;
            if (l == "l")
                arg.bits = va_arg(m_ap, unsigned long);
            else if (l == "ll" || l == "q")
                arg.bits = va_arg(m_ap, unsigned long long);
            else if (l == "j")
                arg.bits = va_arg(m_ap, uintmax_t);
            else if (l == "z" || l == "t")
                arg.bits = va_arg(m_ap, size_t);
            else
                arg.bits = va_arg(m_ap, unsigned int);
            return arg;
        case 'c':
        case 'C':
            arg.size = 4;
            arg.bits = static_cast<uint32_t>(va_arg(m_ap, int));
            return arg;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            arg.is_real = true;
            arg.real = l == "L" ? va_arg(m_ap, long double) : va_arg(m_ap, double);
            return arg;
        case 's':
        case 'S':
        case 'p':
        case 'P':
        case '@':
        case 'n':
            arg.size = sizeof(void*);
            arg.bits = reinterpret_cast<uintptr_t>(va_arg(m_ap, void*));
            return arg;
        default:
            return std::nullopt;
        }
    }

private:
    va_list m_ap;
};

// Reads the buffer __builtin_os_log_format writes (clang: include/clang/AST/OSLog.h, and
// emitBuiltinOSLogFormat in lib/CodeGen/CGBuiltin.cpp): a summary byte, an item count, then per
// item a descriptor byte (kind << 4 | privacy flags), a size byte and `size` bytes of data.
class BufferSource final : public ArgSource {
public:
    enum Kind : uint8_t { Scalar = 0, Count = 1, String = 2, Pointer = 3, Object = 4, WideString = 5, Errno = 6, Mask = 7 };

    BufferSource(uint8_t const* buffer, size_t size)
        : m_buffer(buffer)
        , m_size(size)
        , m_at(size >= 2 ? 2 : size)
    {
    }

    std::optional<int> next_star() override
    {
        auto item = take();
        if (!item)
            return std::nullopt;
        return static_cast<int>(static_cast<int32_t>(item->arg.bits));
    }

    std::optional<Arg> next(Spec const& spec) override
    {
        // A constant precision on %s / %P travels as a count item, and a mask annotation as a
        // mask item, before the argument: the format already says what they say.
        while (peek_kind() == Count || peek_kind() == Mask)
            take();
        auto item = take();
        if (!item)
            return std::nullopt;
        if (item->kind == Errno)
            return Arg {};
        Arg arg = item->arg;
        if (spec.conversion != '\0' && std::strchr("fFeEgGaA", spec.conversion)) {
            arg.is_real = true;
            if (arg.size == sizeof(double)) {
                double d;
                std::memcpy(&d, &arg.bits, sizeof d);
                arg.real = d;
            } else if (arg.size == sizeof(float)) {
                float f;
                uint32_t low = static_cast<uint32_t>(arg.bits);
                std::memcpy(&f, &low, sizeof f);
                arg.real = f;
            } else if (arg.size == sizeof(long double)) {
                std::memcpy(&arg.real, m_long_double, sizeof arg.real);
            } else {
                return std::nullopt;
            }
        }
        return arg;
    }

private:
    struct Item {
        uint8_t kind;
        Arg arg;
    };

    std::optional<uint8_t> peek_kind() const
    {
        if (m_at + 2 > m_size)
            return std::nullopt;
        return static_cast<uint8_t>(m_buffer[m_at] >> 4);
    }

    std::optional<Item> take()
    {
        if (m_at + 2 > m_size)
            return std::nullopt;
        Item item { static_cast<uint8_t>(m_buffer[m_at] >> 4), {} };
        unsigned size = m_buffer[m_at + 1];
        m_at += 2;
        if (m_at + size > m_size) {
            m_at = m_size;
            return std::nullopt;
        }
        item.arg.size = size;
        if (size <= sizeof(uint64_t)) {
            std::memcpy(&item.arg.bits, m_buffer + m_at, size); // little-endian hosts only
        } else if (size == sizeof(long double)) {
            std::memcpy(m_long_double, m_buffer + m_at, size);
        }
        m_at += size;
        return item;
    }

    uint8_t const* m_buffer;
    size_t m_size;
    size_t m_at;
    unsigned char m_long_double[sizeof(long double)] {};
};

int64_t sign_extend(uint64_t bits, unsigned size)
{
    if (size == 0 || size >= 8)
        return static_cast<int64_t>(bits);
    unsigned shift = 64 - size * 8;
    return static_cast<int64_t>(bits << shift) >> shift;
}

uint64_t zero_extend(uint64_t bits, unsigned size)
{
    if (size == 0 || size >= 8)
        return bits;
    return bits & ((uint64_t(1) << (size * 8)) - 1);
}

// Formats one value with a printf conversion built from the spec's flags, width and precision.
template<typename T>
std::string printf_one(Spec const& spec, char const* length, char conversion, T value)
{
    std::string fmt = "%" + spec.flags;
    if (spec.width >= 0)
        fmt += std::to_string(spec.width);
    if (spec.precision >= 0)
        fmt += "." + std::to_string(spec.precision);
    fmt += length;
    fmt += conversion;
    char small[128];
    int n = std::snprintf(small, sizeof small, fmt.c_str(), value);
    if (n < 0)
        return "";
    if (static_cast<size_t>(n) < sizeof small)
        return small;
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), fmt.c_str(), value);
    big.resize(static_cast<size_t>(n));
    return big;
}

std::string bad_argument(char conversion) { return std::string("<bad %") + conversion + " argument>"; }

bool annotated(Spec const& spec, std::string_view word)
{
    std::string_view a = spec.annotation;
    size_t at = a.find(word);
    return at != std::string_view::npos && (at == 0 || a[at - 1] == ' ' || a[at - 1] == ',')
        && (at + word.size() == a.size() || a[at + word.size()] == ',' || a[at + word.size()] == ' ');
}

std::string format_integer(Spec const& spec, Arg const& arg)
{
    bool is_signed = spec.conversion == 'd' || spec.conversion == 'i';
    if (is_signed) {
        int64_t v = sign_extend(arg.bits, arg.size);
        if (spec.length == "hh")
            v = static_cast<signed char>(v);
        else if (spec.length == "h")
            v = static_cast<short>(v);
        if (annotated(spec, "bool"))
            return v ? "true" : "false";
        if (annotated(spec, "BOOL"))
            return v ? "YES" : "NO";
        return printf_one(spec, "ll", spec.conversion, static_cast<long long>(v));
    }
    uint64_t v = zero_extend(arg.bits, arg.size);
    if (spec.length == "hh")
        v = static_cast<unsigned char>(v);
    else if (spec.length == "h")
        v = static_cast<unsigned short>(v);
    return printf_one(spec, "ll", spec.conversion, static_cast<unsigned long long>(v));
}

std::string format_string(Spec const& spec, Arg const& arg)
{
    if (arg.size != sizeof(void*))
        return bad_argument(spec.conversion);
    auto const* text = reinterpret_cast<char const*>(static_cast<uintptr_t>(arg.bits));
    if (!text)
        return printf_one(spec, "", 's', "(null)");
    return printf_one(spec, "", 's', text);
}

// %.*P: `precision` bytes at the pointer, as hex.
std::string format_bytes(Spec const& spec, Arg const& arg)
{
    if (arg.size != sizeof(void*))
        return bad_argument(spec.conversion);
    auto const* bytes = reinterpret_cast<uint8_t const*>(static_cast<uintptr_t>(arg.bits));
    if (!bytes)
        return "(null)";
    std::string out;
    char hex[4];
    for (int i = 0; i < spec.precision; ++i) {
        std::snprintf(hex, sizeof hex, "%02x", bytes[i]);
        out += hex;
    }
    return out;
}

std::string format_conversion(Spec const& spec, ArgSource& source)
{
    if (spec.conversion == 'm')
        return "(errno)";
    auto arg = source.next(spec);
    if (!arg)
        return bad_argument(spec.conversion);
    switch (spec.conversion) {
    case 'd':
    case 'i':
    case 'u':
    case 'o':
    case 'x':
    case 'X':
        if (arg->is_real)
            return bad_argument(spec.conversion);
        return format_integer(spec, *arg);
    case 'c':
        return printf_one(spec, "", 'c', static_cast<int>(static_cast<unsigned char>(arg->bits)));
    case 'C':
        return printf_one(spec, "l", 'c', static_cast<wint_t>(arg->bits));
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
    case 'a':
    case 'A':
        return printf_one(spec, "L", spec.conversion, arg->real);
    case 's':
        return format_string(spec, *arg);
    case 'S':
        return arg->bits ? printf_one(spec, "l", 's', reinterpret_cast<wchar_t const*>(static_cast<uintptr_t>(arg->bits)))
                         : std::string("(null)");
    case 'p':
        return printf_one(spec, "", 's', arg->bits ? "<ptr>" : "0x0");
    case 'P':
        return format_bytes(spec, *arg);
    case '@':
        return "<object>";
    case 'n':
        return ""; // never written through: a log message does not store into the caller
    default:
        return bad_argument(spec.conversion);
    }
}

std::string format(char const* format, ArgSource& source)
{
    if (!format)
        return "(null format)";
    std::string_view f(format);
    std::string out;
    size_t i = 0;
    while (i < f.size()) {
        size_t percent = f.find('%', i);
        out.append(f.substr(i, percent == std::string_view::npos ? std::string_view::npos : percent - i));
        if (percent == std::string_view::npos)
            break;
        if (percent + 1 < f.size() && f[percent + 1] == '%') {
            out += '%';
            i = percent + 2;
            continue;
        }
        Spec spec;
        auto end = parse_spec(f, percent + 1, spec);
        if (!end) {
            out.append(f.substr(percent));
            break;
        }
        if (spec.width_from_arg) {
            // printf: a negative width from an argument means left-justified.
            int width = source.next_star().value_or(-1);
            if (width < 0 && width != -1) {
                spec.flags += '-';
                width = -width;
            }
            spec.width = width;
        }
        if (spec.precision_from_arg)
            spec.precision = source.next_star().value_or(-1); // negative: as if omitted
        out += format_conversion(spec, source);
        i = *end;
    }
    return out;
}

} // namespace

std::string format_log_va(char const* format_text, va_list ap)
{
    VaSource source(ap);
    return format(format_text, source);
}

std::string format_log_buffer(char const* format_text, uint8_t const* buffer, size_t size)
{
    BufferSource source(buffer, size);
    return format(format_text, source);
}

} // namespace dextlab::sdk
