#ifndef _MACH_INIT_
#define _MACH_INIT_
// The calling task's own port. IOServiceOpen and IOConnectMapMemory64 take it as their task
// argument.

#include <mach/mach_types.h>

#ifdef __cplusplus
extern "C" {
#endif

extern mach_port_t mach_task_self_;
#define mach_task_self() mach_task_self_
#define current_task() mach_task_self()

#ifdef __cplusplus
}
#endif

#endif
