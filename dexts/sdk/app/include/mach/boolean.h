#ifndef _MACH_BOOLEAN_H_
#define _MACH_BOOLEAN_H_
// Mach's boolean_t: an int on every Apple 64-bit target.

typedef int boolean_t;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

#endif
