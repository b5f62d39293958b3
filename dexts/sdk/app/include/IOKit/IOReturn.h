#ifndef __IOKIT_IORETURN_H
#define __IOKIT_IORETURN_H
// IOReturn codes with IOKit's names and values: a Mach error in system 0x38 ("iokit"). IOReturn
// and kern_return_t are one type.

#include <mach/error.h>
#include <mach/kern_return.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef kern_return_t IOReturn;

#ifndef sys_iokit
#define sys_iokit err_system(0x38)
#endif
#define sub_iokit_common err_sub(0)
#define sub_iokit_usb err_sub(1)
#define sub_iokit_firewire err_sub(2)
#define sub_iokit_block_storage err_sub(4)
#define sub_iokit_graphics err_sub(5)
#define sub_iokit_networking err_sub(6)
#define sub_iokit_bluetooth err_sub(8)
#define sub_iokit_pmu err_sub(9)
#define sub_iokit_acpi err_sub(10)
#define sub_iokit_smbus err_sub(11)
#define sub_iokit_ahci err_sub(12)
#define sub_iokit_powermanagement err_sub(13)
#define sub_iokit_hidsystem err_sub(14)
#define sub_iokit_scsi err_sub(16)
#define sub_iokit_usbaudio err_sub(17)
#define sub_iokit_thunderbolt err_sub(29)
#define sub_iokit_vendor_specific err_sub(-2)
#define sub_iokit_reserved err_sub(-1)

#include <_dextlab/ioreturn_codes.h>

#ifdef __cplusplus
}
#endif

#endif
