#ifndef _DEXTLAB_AVAILABILITY_H
#define _DEXTLAB_AVAILABILITY_H
// Availability annotations: meaningful to Apple toolchains, no-ops in the lab.
#define __API_AVAILABLE(...)
#define API_AVAILABLE(...)
#define API_DEPRECATED(...)
#define API_UNAVAILABLE(...)
#define __OSX_AVAILABLE(...)
#define __IOS_AVAILABLE(...)
#define AVAILABLE(...)
#endif
