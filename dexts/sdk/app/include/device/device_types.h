#ifndef DEVICE_TYPES_H
#define DEVICE_TYPES_H
// The fixed-size buffers and scalar types of the IOKit MIG interface (osfmk/device/device_types.h).

#include <mach/port.h>
#include <stdint.h>

typedef char io_name_t[128];
typedef char io_string_t[512];
typedef char io_string_inband_t[4096];
typedef char io_struct_inband_t[4096];
typedef uint64_t io_user_scalar_t;
typedef uint64_t io_user_reference_t;
typedef int io_scalar_inband_t[16];
typedef natural_t io_async_ref_t[8];
typedef io_user_scalar_t io_scalar_inband64_t[16];
typedef io_user_reference_t io_async_ref64_t[8];
typedef char* io_buf_ptr_t;

#endif
