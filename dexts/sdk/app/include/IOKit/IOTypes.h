#ifndef __IOKIT_IOTYPES_H
#define __IOKIT_IOTYPES_H
// IOKit's user-space types (IOKit/IOTypes.h): the io_object_t family (Mach port names, 32 bits),
// the fixed-width scalar types, and the mapping options. IOByteCount follows Apple's per-CPU
// rule for user space: 32 bits on x86_64, 64 bits on arm64.

#include <stdbool.h>
#include <stdint.h>

#include <MacTypes.h>
#include <mach/message.h>
#include <mach/vm_types.h>

#include <IOKit/IOReturn.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef UInt32 IOOptionBits;
typedef SInt32 IOFixed;
typedef UInt32 IOVersion;
typedef UInt32 IOItemCount;
typedef UInt32 IOCacheMode;

typedef UInt32 IOByteCount32;
typedef UInt64 IOByteCount64;

typedef UInt32 IOPhysicalAddress32;
typedef UInt64 IOPhysicalAddress64;
typedef UInt32 IOPhysicalLength32;
typedef UInt64 IOPhysicalLength64;

typedef mach_vm_address_t IOVirtualAddress;

#if defined(__x86_64__)
typedef IOByteCount32 IOByteCount;
typedef IOPhysicalAddress32 IOPhysicalAddress;
typedef IOPhysicalLength32 IOPhysicalLength;
#else
typedef IOByteCount64 IOByteCount;
typedef IOPhysicalAddress64 IOPhysicalAddress;
typedef IOPhysicalLength64 IOPhysicalLength;
#endif

typedef IOVirtualAddress IOLogicalAddress;

typedef struct {
    IOPhysicalAddress address;
    IOByteCount length;
} IOPhysicalRange;

typedef struct {
    IOVirtualAddress address;
    IOByteCount length;
} IOVirtualRange;

typedef IOVirtualRange IOAddressRange;

typedef struct {
    int value;
    const char* name;
} IONamedValue;

typedef unsigned int IOAlignment;

#ifndef __IOKIT_PORTS_DEFINED__
#define __IOKIT_PORTS_DEFINED__
typedef mach_port_t io_object_t;
#endif

#include <device/device_types.h>

typedef io_object_t io_connect_t;
typedef io_object_t io_enumerator_t;
typedef io_object_t io_ident_t;
typedef io_object_t io_iterator_t;
typedef io_object_t io_registry_entry_t;
typedef io_object_t io_service_t;
typedef io_object_t uext_object_t;

#define IO_OBJECT_NULL ((io_object_t)0)

enum {
    kNanosecondScale = 1,
    kMicrosecondScale = 1000,
    kMillisecondScale = 1000 * 1000,
    kSecondScale = 1000 * 1000 * 1000,
    kTickScale = (kSecondScale / 100)
};

enum {
    kIOConnectMethodVarOutputSize = -3
};

typedef unsigned int IODeviceNumber;

#ifdef __cplusplus
}
#endif

#include <IOKit/IOMapTypes.h>

#endif
