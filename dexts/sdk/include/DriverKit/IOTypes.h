#ifndef _DEXTLAB_DRIVERKIT_IOTYPES_H
#define _DEXTLAB_DRIVERKIT_IOTYPES_H
// Basic DriverKit types. Every 64-bit quantity is spelled uint64_t: on Linux that is
// `unsigned long`, and mixing it with `unsigned long long` would break callers.

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <DriverKit/IOReturn.h>

typedef uint32_t IOOptionBits;
typedef int32_t IOFixed;
typedef uint32_t IOVersion;
typedef uint32_t IOItemCount;
typedef uint32_t IOCacheMode;
typedef uint32_t IOByteCount32;
typedef uint64_t IOByteCount64;
typedef uint64_t IOByteCount;
typedef uint64_t IOVirtualAddress;
typedef uint64_t IOPhysicalAddress;
typedef uint64_t IOPhysicalLength;
typedef uint64_t IOLogicalAddress;
typedef uint64_t mach_vm_address_t;
typedef uint64_t mach_vm_size_t;
typedef unsigned int mach_port_t;
typedef uint32_t IORegistryEntryID32;

struct IOAddressSegment {
    uint64_t address;
    uint64_t length;
};

// Memory directions (IOMemoryDescriptor.iig).
enum {
    kIOMemoryDirectionNone = 0x00000000,
    kIOMemoryDirectionIn = 0x00000001,
    kIOMemoryDirectionOut = 0x00000002,
    kIOMemoryDirectionOutIn = 0x00000003,
    kIOMemoryDirectionInOut = kIOMemoryDirectionOutIn,
    kIOMemoryDisableCopyOnWrite = 0x00000010,
};

#define IOServiceNameMax 128
typedef char IOServiceName[IOServiceNameMax];
typedef char IOPropertyName[128];
typedef char IORegistryPlaneName[128];
typedef char IODispatchQueueName[256];

#endif
