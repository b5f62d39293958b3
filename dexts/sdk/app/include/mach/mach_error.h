#ifndef _MACH_ERROR_
#define _MACH_ERROR_
// Printable text for a kern_return_t or IOReturn, as libsystem's mach_error_string gives it:
// "(subsystem) description".

#include <mach/error.h>

#ifdef __cplusplus
extern "C" {
#endif

char* mach_error_string(mach_error_t error_value);
void mach_error(const char* str, mach_error_t error_value);
char* mach_error_type(mach_error_t error_value);

#ifdef __cplusplus
}
#endif

#endif
