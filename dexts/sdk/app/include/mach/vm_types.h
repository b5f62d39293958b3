#ifndef _MACH_VM_TYPES_H_
#define _MACH_VM_TYPES_H_
// Mach's scalar and address types at their 64-bit widths: natural_t is 32 bits, addresses and
// sizes are pointer-sized (vm_*) or always 64 bits (mach_vm_*).

#include <stdint.h>

typedef unsigned int natural_t;
typedef int integer_t;

typedef uintptr_t vm_offset_t;
typedef uintptr_t vm_size_t;
typedef vm_offset_t vm_address_t;
typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_offset_t;
typedef uint64_t mach_vm_size_t;

#endif
