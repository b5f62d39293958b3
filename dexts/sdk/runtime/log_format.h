#pragma once
// Formats the messages dexts log (os_log, IOLog) into the text the lab's trace shows.
//
// The format language is printf's with Apple's additions: a `{...}` annotation right after the
// '%' (`%{public}s`, `%{private}d`, `%{bool}d`, `%{BOOL}d`; privacy annotations change nothing
// here) and `%.*P` (a hex dump of `precision` bytes). Arguments come from one of two places:
//   - a C va_list (IOLog, and os_log built with a compiler that has no __builtin_os_log_format):
//     read as printf would, by conversion and length modifier;
//   - the buffer clang's __builtin_os_log_format packs (os_log with clang): each argument's
//     kind and real size are recorded, so `%llu` on a 64-bit `unsigned long`, or `%d` on a
//     64-bit value, reads exactly the bytes that were passed. An argument that does not fit its
//     conversion prints as `<bad %x argument>`, never reads past the buffer.
//
// Output is deterministic: `%p` prints `<ptr>` (or `0x0` for NULL), never an address, so a trace
// does not change between runs (the lab's rule: no pointer values in output).

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <string>

namespace dextlab::sdk {

std::string format_log_va(char const* format, va_list ap);
std::string format_log_buffer(char const* format, uint8_t const* buffer, size_t size);

} // namespace dextlab::sdk
