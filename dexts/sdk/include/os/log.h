#ifndef _DEXTLAB_OS_LOG_H
#define _DEXTLAB_OS_LOG_H
// os_log for dexts. Lines go to the lab's trace under the dext's name, in virtual time.
// Format strings may carry Apple's privacy annotations (%{public}s, %{private}d): they are
// accepted and dropped, since a lab has no redaction to do.

#include <stdint.h>

typedef struct dextlab_os_log_s* os_log_t;
typedef uint8_t os_log_type_t;

#define OS_LOG_TYPE_DEFAULT ((os_log_type_t)0x00)
#define OS_LOG_TYPE_INFO ((os_log_type_t)0x01)
#define OS_LOG_TYPE_DEBUG ((os_log_type_t)0x02)
#define OS_LOG_TYPE_ERROR ((os_log_type_t)0x10)
#define OS_LOG_TYPE_FAULT ((os_log_type_t)0x11)

#define OS_LOG_DEFAULT ((os_log_t)0)

#ifdef __cplusplus
extern "C" {
#endif
void dextlab_os_log_impl(os_log_t log, os_log_type_t type, const char* format, ...);
#ifdef __cplusplus
}
#endif

#define os_log_with_type(log, type, format, ...) dextlab_os_log_impl((log), (type), (format), ##__VA_ARGS__)
#define os_log(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_DEFAULT, format, ##__VA_ARGS__)
#define os_log_info(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_INFO, format, ##__VA_ARGS__)
#define os_log_debug(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_DEBUG, format, ##__VA_ARGS__)
#define os_log_error(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_ERROR, format, ##__VA_ARGS__)
#define os_log_fault(log, format, ...) os_log_with_type(log, OS_LOG_TYPE_FAULT, format, ##__VA_ARGS__)

#endif
