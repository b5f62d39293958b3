#ifndef _MACH_PORT_H_
#define _MACH_PORT_H_
// Port names as a task sees them: 32-bit numbers, 0 being MACH_PORT_NULL. Every IOKit object
// handle (io_object_t) is one.

#include <mach/vm_types.h>

typedef natural_t mach_port_name_t;
typedef mach_port_name_t* mach_port_name_array_t;
typedef unsigned int mach_port_t;
typedef mach_port_t* mach_port_array_t;
typedef natural_t mach_port_right_t;
typedef natural_t mach_port_urefs_t;
typedef integer_t mach_port_delta_t;

#define MACH_PORT_NULL 0
#define MACH_PORT_DEAD ((mach_port_name_t)~0)
#define MACH_PORT_VALID(name) (((name) != MACH_PORT_NULL) && ((name) != MACH_PORT_DEAD))

#define MACH_PORT_RIGHT_SEND ((mach_port_right_t)0)
#define MACH_PORT_RIGHT_RECEIVE ((mach_port_right_t)1)
#define MACH_PORT_RIGHT_SEND_ONCE ((mach_port_right_t)2)
#define MACH_PORT_RIGHT_PORT_SET ((mach_port_right_t)3)
#define MACH_PORT_RIGHT_DEAD_NAME ((mach_port_right_t)4)

#endif
