#ifndef _DEXTLAB_DRIVERKIT_IORETURN_H
#define _DEXTLAB_DRIVERKIT_IORETURN_H
// IOReturn codes, with DriverKit's names and values (a Mach error: system 0x38, "iokit"; see
// reference §10). IOReturn and kern_return_t are one type, as on macOS.

#include <stdint.h>

#include <mach/error.h>
#include <mach/kern_return.h>

typedef kern_return_t IOReturn;

#define sys_iokit err_system(0x38)
#define sub_iokit_common err_sub(0)
#define sub_iokit_usb err_sub(1)
#define sub_iokit_networking err_sub(6)
#define sub_iokit_hidsystem err_sub(14)
#define sub_iokit_vendor_specific err_sub(-2)
#define sub_iokit_reserved err_sub(-1)

#include <_dextlab/ioreturn_codes.h>

#endif
