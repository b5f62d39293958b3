#ifndef _DEXTLAB_OS_AVAILABILITY_H
#define _DEXTLAB_OS_AVAILABILITY_H
// Apple's <os/availability.h>: the API_AVAILABLE family, no-ops in the lab (see <Availability.h>).
#include <Availability.h>
#endif
