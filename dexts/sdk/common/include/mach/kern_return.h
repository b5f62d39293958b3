#ifndef _DEXTLAB_MACH_KERN_RETURN_H
#define _DEXTLAB_MACH_KERN_RETURN_H
// Mach's kern_return_t and its KERN_* codes (osfmk/mach/kern_return.h). IOReturn is the same
// type (<DriverKit/IOReturn.h>, <IOKit/IOReturn.h>); dexts and apps share this header. Each code
// is defined only if nobody defined it before.

typedef int kern_return_t;

#ifndef KERN_SUCCESS
#define KERN_SUCCESS 0
#endif
#ifndef KERN_INVALID_ADDRESS
#define KERN_INVALID_ADDRESS 1
#endif
#ifndef KERN_PROTECTION_FAILURE
#define KERN_PROTECTION_FAILURE 2
#endif
#ifndef KERN_NO_SPACE
#define KERN_NO_SPACE 3
#endif
#ifndef KERN_INVALID_ARGUMENT
#define KERN_INVALID_ARGUMENT 4
#endif
#ifndef KERN_FAILURE
#define KERN_FAILURE 5
#endif
#ifndef KERN_RESOURCE_SHORTAGE
#define KERN_RESOURCE_SHORTAGE 6
#endif
#ifndef KERN_NOT_RECEIVER
#define KERN_NOT_RECEIVER 7
#endif
#ifndef KERN_NO_ACCESS
#define KERN_NO_ACCESS 8
#endif
#ifndef KERN_MEMORY_FAILURE
#define KERN_MEMORY_FAILURE 9
#endif
#ifndef KERN_MEMORY_ERROR
#define KERN_MEMORY_ERROR 10
#endif
#ifndef KERN_ABORTED
#define KERN_ABORTED 14
#endif
#ifndef KERN_INVALID_NAME
#define KERN_INVALID_NAME 15
#endif
#ifndef KERN_INVALID_VALUE
#define KERN_INVALID_VALUE 18
#endif
#ifndef KERN_TERMINATED
#define KERN_TERMINATED 37
#endif
#ifndef KERN_NOT_SUPPORTED
#define KERN_NOT_SUPPORTED 46
#endif
#ifndef KERN_OPERATION_TIMED_OUT
#define KERN_OPERATION_TIMED_OUT 49
#endif

#ifndef KERN_ALREADY_IN_SET
#define KERN_ALREADY_IN_SET 11
#endif
#ifndef KERN_NOT_IN_SET
#define KERN_NOT_IN_SET 12
#endif
#ifndef KERN_NAME_EXISTS
#define KERN_NAME_EXISTS 13
#endif
#ifndef KERN_INVALID_TASK
#define KERN_INVALID_TASK 16
#endif
#ifndef KERN_INVALID_RIGHT
#define KERN_INVALID_RIGHT 17
#endif
#ifndef KERN_UREFS_OVERFLOW
#define KERN_UREFS_OVERFLOW 19
#endif
#ifndef KERN_INVALID_CAPABILITY
#define KERN_INVALID_CAPABILITY 20
#endif
#ifndef KERN_RIGHT_EXISTS
#define KERN_RIGHT_EXISTS 21
#endif
#ifndef KERN_INVALID_HOST
#define KERN_INVALID_HOST 22
#endif
#ifndef KERN_MEMORY_PRESENT
#define KERN_MEMORY_PRESENT 23
#endif

#endif
