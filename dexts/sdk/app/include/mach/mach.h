#ifndef _MACH_H_
#define _MACH_H_
// The Mach interface as an IOKit client app sees it: port names, kern_return_t, the task's
// own port, error strings and port-right calls on IOKit handles.

#include <mach/boolean.h>
#include <mach/error.h>
#include <mach/kern_return.h>
#include <mach/mach_error.h>
#include <mach/mach_init.h>
#include <mach/mach_port.h>
#include <mach/mach_types.h>
#include <mach/message.h>
#include <mach/mig_errors.h>
#include <mach/port.h>
#include <mach/vm_types.h>

#endif
