// os_log and IOLog: formatted in the dext, sent to the lab's trace under the server's name.

#include "dext_server.h"

#include <DriverKit/IOLib.h>

#include <cstdarg>
#include <cstdio>
#include <string>

namespace {

// Drops Apple's privacy annotations ("%{public}s" -> "%s") so vsnprintf can format the rest.
std::string strip_privacy_annotations(const char* format)
{
    std::string out;
    for (const char* p = format; *p; ++p) {
        out += *p;
        if (*p == '%' && p[1] == '{') {
            const char* close = p + 2;
            while (*close && *close != '}')
                ++close;
            if (*close == '}')
                p = close;
        } else if (*p == '%' && p[1] == '%') {
            out += *++p;
        }
    }
    return out;
}

void emit(std::string text)
{
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    if (auto* server = dextlab::sdk::DextServer::current())
        server->log(text);
    else
        std::fprintf(stderr, "dext (outside any server): %s\n", text.c_str());
}

std::string format_message(const char* format, va_list ap)
{
    std::string fmt = strip_privacy_annotations(format);
    char buffer[1024];
    va_list copy;
    va_copy(copy, ap);
    int n = std::vsnprintf(buffer, sizeof buffer, fmt.c_str(), copy);
    va_end(copy);
    if (n < 0)
        return "(unformattable log message)";
    if (static_cast<size_t>(n) < sizeof buffer)
        return buffer;
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::vsnprintf(big.data(), big.size(), fmt.c_str(), ap);
    big.resize(static_cast<size_t>(n));
    return big;
}

} // namespace

extern "C" {

void dextlab_os_log_impl(os_log_t, os_log_type_t, const char* format, ...)
{
    va_list ap;
    va_start(ap, format);
    emit(format_message(format, ap));
    va_end(ap);
}

void IOLogv(const char* format, va_list ap) { emit(format_message(format, ap)); }

void IOLog(const char* format, ...)
{
    va_list ap;
    va_start(ap, format);
    IOLogv(format, ap);
    va_end(ap);
}

}
