#include "dexts/sdk/runtime/log_format.h"

#include <doctest/doctest.h>

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

using dextlab::sdk::format_log_buffer;
using dextlab::sdk::format_log_va;

namespace {

std::string va(char const* format, ...)
{
    va_list ap;
    va_start(ap, format);
    std::string out = format_log_va(format, ap);
    va_end(ap);
    return out;
}

// The buffer os_log builds with clang; the same call through both argument sources must print
// the same text.
#if defined(__has_builtin)
#if __has_builtin(__builtin_os_log_format)
#define HAVE_OS_LOG_FORMAT 1
#endif
#endif

#ifdef HAVE_OS_LOG_FORMAT
#pragma clang diagnostic ignored "-Wformat" // the point is to pass Mac-correct formats
#define PACKED(format, ...)                                                                        \
    [&] {                                                                                          \
        std::vector<uint8_t> buffer(__builtin_os_log_format_buffer_size(format, ##__VA_ARGS__));   \
        __builtin_os_log_format(buffer.data(), format, ##__VA_ARGS__);                             \
        return format_log_buffer(format, buffer.data(), buffer.size());                            \
    }()
#endif

} // namespace

TEST_CASE("va_list formatting: printf conversions with Apple's annotations")
{
    uint64_t big = 18446744073709551615ULL;
    CHECK(va("plain text") == "plain text");
    CHECK(va("%d %u %x %X %o %c %%", -5, 7u, 255u, 255u, 8u, 'z') == "-5 7 ff FF 10 z %");
    CHECK(va("%{public}s and %{private}s", "shown", "also shown") == "shown and also shown");
    CHECK(va("%llu %lu %zu", (unsigned long long)big, (unsigned long)big, (size_t)3) == "18446744073709551615 18446744073709551615 3");
    CHECK(va("%lld", -1234567890123LL) == "-1234567890123");
    CHECK(va("[%5d|%-5d|%05.1f]", 42, 42, 3.14159) == "[   42|42   |003.1]");
    CHECK(va("%.*s/%*d", 3, "abcdef", 4, 7) == "abc/   7");
    CHECK(va("%hhu %hd", 300, 70000) == "44 4464");
    CHECK(va("%{bool}d %{BOOL}d", 1, 0) == "true NO");
    CHECK(va("%s", (char const*)nullptr) == "(null)");
}

TEST_CASE("pointers never print as addresses, so traces are the same every run")
{
    int x = 0;
    CHECK(va("%p %p", (void*)&x, (void*)nullptr) == "<ptr> 0x0");
}

TEST_CASE("a format that ends inside a conversion is copied, not overrun")
{
    CHECK(va("100%") == "100%");
    CHECK(va("value %{public", 1) == "value %{public");
}

#ifdef HAVE_OS_LOG_FORMAT
TEST_CASE("os_log buffers: each argument is read at its real size")
{
    uint64_t sixty_four = 1ULL << 40;
    size_t size = 12;
    char const* name = "MyDriver";
    // %llu on a Linux uint64_t (unsigned long) and %zu on the same type: both right.
    CHECK(PACKED("%llu %zu %lu", sixty_four, size, sixty_four) == "1099511627776 12 1099511627776");
    CHECK(PACKED("%{public}s: %d bytes, status 0x%08x", name, 8, 0xe00002ebu) == "MyDriver: 8 bytes, status 0xe00002eb");
    CHECK(PACKED("%u", (uint8_t)200) == "200");
    CHECK(PACKED("%d", (int16_t)-3) == "-3");
    CHECK(PACKED("%.2f %g", 2.5, 0.25f) == "2.50 0.25");
    CHECK(PACKED("%.*s|%*d|%.3s", 2, "xyz", 3, 5, "abcdef") == "xy|  5|abc");
    CHECK(PACKED("%p", (void*)&size) == "<ptr>");
    CHECK(PACKED("%{bool}d", 2) == "true");
    CHECK(PACKED("no arguments") == "no arguments");
    uint8_t bytes[3] = { 0x0a, 0xbc, 0xff };
    CHECK(PACKED("%.*P", 3, bytes) == "0abcff");
}

TEST_CASE("a damaged os_log buffer prints a marker instead of reading past its end")
{
    std::vector<uint8_t> buffer(__builtin_os_log_format_buffer_size("%d %d", 1, 2));
    __builtin_os_log_format(buffer.data(), "%d %d", 1, 2);
    CHECK(format_log_buffer("%d %d", buffer.data(), buffer.size() - 3) == "1 <bad %d argument>");
    CHECK(format_log_buffer("%d %d %d", buffer.data(), buffer.size()) == "1 2 <bad %d argument>");
}
#endif
