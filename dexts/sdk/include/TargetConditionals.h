#ifndef _DEXTLAB_TARGETCONDITIONALS_H
#define _DEXTLAB_TARGETCONDITIONALS_H
// Which Apple platform the code is built for (Apple's <TargetConditionals.h>). A dext built for
// the lab sees the platform it was written for: DriverKit on macOS.

#ifndef TARGET_OS_DRIVERKIT
#define TARGET_OS_DRIVERKIT 1
#endif
#ifndef TARGET_OS_MAC
#define TARGET_OS_MAC 1
#endif
#ifndef TARGET_OS_OSX
#define TARGET_OS_OSX 1
#endif
#ifndef TARGET_OS_IPHONE
#define TARGET_OS_IPHONE 0
#endif
#ifndef TARGET_OS_IOS
#define TARGET_OS_IOS 0
#endif
#ifndef TARGET_OS_TV
#define TARGET_OS_TV 0
#endif
#ifndef TARGET_OS_WATCH
#define TARGET_OS_WATCH 0
#endif
#ifndef TARGET_OS_SIMULATOR
#define TARGET_OS_SIMULATOR 0
#endif
#ifndef TARGET_OS_EMBEDDED
#define TARGET_OS_EMBEDDED 0
#endif
#ifndef TARGET_RT_LITTLE_ENDIAN
#define TARGET_RT_LITTLE_ENDIAN 1
#endif
#ifndef TARGET_RT_BIG_ENDIAN
#define TARGET_RT_BIG_ENDIAN 0
#endif
// The CPU is the host's.
#ifndef TARGET_CPU_X86_64
#if defined(__x86_64__)
#define TARGET_CPU_X86_64 1
#else
#define TARGET_CPU_X86_64 0
#endif
#endif
#ifndef TARGET_CPU_ARM64
#if defined(__aarch64__)
#define TARGET_CPU_ARM64 1
#else
#define TARGET_CPU_ARM64 0
#endif
#endif
#ifndef TARGET_RT_64_BIT
#define TARGET_RT_64_BIT 1
#endif

#endif
