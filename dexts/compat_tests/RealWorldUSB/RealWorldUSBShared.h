//
//  RealWorldUSBShared.h
//  RealWorldUSB
//
//  What this project defines for itself, the way many dexts do: constants the public SDK
//  lacks, and logging wrappers.
//

#ifndef RealWorldUSBShared_h
#define RealWorldUSBShared_h

#include <os/log.h>
#include <DriverKit/IOLib.h>
#include <USBDriverKit/USBDriverKit.h>
#include <HIDDriverKit/IOHIDUsageTables.h>

// Kernel-side constants DriverKit does not publish.
#ifndef kUSBHostClassRequestCompletionTimeout
constexpr uint64_t kUSBHostClassRequestCompletionTimeout = 5000;
#endif

#ifndef kIOHIDRegisterServiceKey
constexpr const char * kIOHIDRegisterServiceKey = "RegisterService";
#endif

// USB Language Identifiers 1.0
enum {
    kLanguageIDEnglishUS = 0x0409
};

#define DISPATCH_TIME_FOREVER (~0ull)

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "RealWorldUSB - " fmt "\n", ##__VA_ARGS__)
#define LogError(fmt, ...) os_log_error(OS_LOG_DEFAULT, "RealWorldUSB - Error [%{public}s] " fmt, __FUNCTION__, ##__VA_ARGS__)

#endif /* RealWorldUSBShared_h */
