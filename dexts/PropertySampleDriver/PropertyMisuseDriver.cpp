//
//  PropertyMisuseDriver.cpp
//  Property mistakes, made on purpose in Start so that a scenario can check how each is
//  reported: a kernel-owned key (IOClass) written with SetProperties, properties set on the
//  provider instead of this service, a value with no serialized form, and an OSData kept in a
//  local and never released, which the leak census names with the place it was made.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>

#include "PropertyMisuseDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "PropertyMisuseDriver: " fmt, ##__VA_ARGS__)

static kern_return_t
SetOne(IOService *target, const char *key, OSObject *value)
{
    OSDictionary *properties = OSDictionary::withCapacity(1);
    properties->setObject(key, value);
    kern_return_t ret = target->SetProperties(properties);
    OSSafeReleaseNULL(properties);
    return ret;
}

kern_return_t
IMPL(PropertyMisuseDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        return ret;
    }

    // 1. IOClass belongs to the kernel. macOS keeps the dext's value apart, in
    //    IOUserServiceProperties, but everyone who reads properties sees it instead.
    OSString *fakeClass = OSString::withCString("MyOwnClass");
    Log("SetProperties IOClass: 0x%08x", SetOne(this, "IOClass", fakeClass));
    OSSafeReleaseNULL(fakeClass);

    // 2. The provider is not this dext's to change.
    OSNumber *speed = OSNumber::withNumber(3, 8);
    Log("SetProperties on the provider: 0x%08x", SetOne(provider, "SampleSpeed", speed));
    OSSafeReleaseNULL(speed);

    // 3. A service is not a property value.
    Log("SetProperties with a service as a value: 0x%08x", SetOne(this, "SampleSelf", this));

    // 4. A leak: the table is made, published, and never released.
    static const uint8_t table[] = { 1, 2, 3, 4 };
    OSData *leaked = OSData::withBytes(table, sizeof(table));
    Log("SetProperties SampleTable: 0x%08x", SetOne(this, "SampleTable", leaked));
    return kIOReturnSuccess;
}

kern_return_t
IMPL(PropertyMisuseDriver, Stop)
{
    Log("Stop");
    return Stop(provider, SUPERDISPATCH);
}
