/* A client written in C, as many Mac tools are: the headers and the library must serve C
 * callers as well as C++ ones. */

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

kern_return_t c_client_add(const char* service_name, uint64_t a, uint64_t b, uint64_t* sum, char* user_class,
    CFIndex user_class_size);

kern_return_t c_client_add(const char* service_name, uint64_t a, uint64_t b, uint64_t* sum, char* user_class,
    CFIndex user_class_size)
{
    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(service_name));
    if (service == IO_OBJECT_NULL)
        return kIOReturnNoDevice;

    CFTypeRef property = IORegistryEntryCreateCFProperty(service, CFSTR("IOUserClass"), kCFAllocatorDefault, 0);
    if (property) {
        if (CFGetTypeID(property) != CFStringGetTypeID()
            || !CFStringGetCString((CFStringRef)property, user_class, user_class_size, kCFStringEncodingUTF8))
            user_class[0] = '\0';
        CFRelease(property);
    }

    io_connect_t connect = IO_OBJECT_NULL;
    kern_return_t kr = IOServiceOpen(service, mach_task_self(), 0, &connect);
    IOObjectRelease(service);
    if (kr != KERN_SUCCESS)
        return kr;

    uint64_t input[2] = { a, b };
    uint32_t output_count = 1;
    kr = IOConnectCallScalarMethod(connect, 0, input, 2, sum, &output_count);
    IOServiceClose(connect);
    return kr;
}
