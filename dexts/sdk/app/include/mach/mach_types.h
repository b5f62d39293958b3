#ifndef _MACH_MACH_TYPES_H_
#define _MACH_MACH_TYPES_H_
// The port-typed names IOKit's prototypes use (task_port_t, ipc_space_t, …): in a user task
// each is a mach_port_t.

#include <mach/boolean.h>
#include <mach/kern_return.h>
#include <mach/port.h>
#include <mach/vm_types.h>

typedef mach_port_t task_t;
typedef mach_port_t task_name_t;
typedef mach_port_t task_port_t;
typedef mach_port_t thread_t;
typedef mach_port_t thread_act_t;
typedef mach_port_t ipc_space_t;
typedef mach_port_t host_t;
typedef mach_port_t vm_map_t;
typedef mach_port_t vm_task_entry_t;

#endif
