#ifndef _MACH_MESSAGE_H_
#define _MACH_MESSAGE_H_
// The mach_msg return codes an IOKit call can give back when its destination port is not a
// valid send right (a released or never-issued io_object_t).

#include <mach/kern_return.h>
#include <mach/port.h>

typedef natural_t mach_msg_size_t;
typedef integer_t mach_msg_id_t;
typedef natural_t mach_msg_type_number_t;
typedef kern_return_t mach_msg_return_t;

#define MACH_MSG_SUCCESS 0x00000000
#define MACH_SEND_IN_PROGRESS 0x10000001
#define MACH_SEND_INVALID_DATA 0x10000002
#define MACH_SEND_INVALID_DEST 0x10000003
#define MACH_SEND_TIMED_OUT 0x10000004
#define MACH_SEND_INVALID_REPLY 0x10000009
#define MACH_SEND_INVALID_RIGHT 0x1000000a
#define MACH_RCV_TIMED_OUT 0x10004003
#define MACH_RCV_INVALID_NAME 0x10004002

#endif
