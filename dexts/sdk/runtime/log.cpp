// os_log and IOLog: formatted in the dext (log_format.cpp), sent to the lab's trace under the
// server's name.

#include "dext_server.h"
#include "log_format.h"

#include <DriverKit/IOLib.h>

#include <cstdarg>
#include <cstdio>
#include <map>
#include <string>
#include <utility>

// A log handle: OS_LOG_DEFAULT, or one made by os_log_create. The lab prints every message the
// same way whatever the handle; it keeps the names for whoever wants them later.
struct os_log_s {
    std::string subsystem;
    std::string category;
};

namespace {

void emit(std::string text)
{
    while (!text.empty() && text.back() == '\n')
        text.pop_back();
    if (auto* server = dextlab::sdk::DextServer::current())
        server->log(text);
    else
        std::fprintf(stderr, "dext (outside any server): %s\n", text.c_str());
}

} // namespace

extern "C" {

struct os_log_s _os_log_default { "", "" };

bool os_log_type_enabled(os_log_t log, os_log_type_t) { return log != nullptr; }

os_log_t os_log_create(const char* subsystem, const char* category)
{
    // Handles live as long as the process, as on macOS; one per (subsystem, category).
    static std::map<std::pair<std::string, std::string>, os_log_s> handles;
    std::string s = subsystem ? subsystem : "";
    std::string c = category ? category : "";
    auto it = handles.try_emplace({ s, c }, os_log_s { s, c }).first;
    return &it->second;
}

void _os_log_impl(void*, os_log_t log, os_log_type_t, const char* format, uint8_t* buffer, uint32_t size)
{
    if (!log)
        return;
    emit(dextlab::sdk::format_log_buffer(format, buffer, size));
}

void dextlab_os_log_impl(os_log_t log, os_log_type_t, const char* format, ...)
{
    if (!log)
        return;
    va_list ap;
    va_start(ap, format);
    emit(dextlab::sdk::format_log_va(format, ap));
    va_end(ap);
}

int IOLogv(const char* format, va_list ap)
{
    std::string text = dextlab::sdk::format_log_va(format, ap);
    int length = static_cast<int>(text.size());
    emit(std::move(text));
    return length;
}

int IOLog(const char* format, ...)
{
    va_list ap;
    va_start(ap, format);
    int length = IOLogv(format, ap);
    va_end(ap);
    return length;
}

}
