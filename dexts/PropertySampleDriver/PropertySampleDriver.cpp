//
//  PropertySampleDriver.cpp
//  Registry properties from a dext: SetProperties publishes values on this service (IOKit keeps
//  them in its IOUserServiceProperties dictionary), CopyProperties reads them back merged with
//  the kernel's, SearchProperty walks to the providers for what the USB device publishes, and
//  RemoveProperty takes a value away again. Everything it sees is logged.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>
#include <USBDriverKit/IOUSBHostInterface.h>

#include "PropertySampleDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "PropertySampleDriver: " fmt, ##__VA_ARGS__)

// The plane SearchProperty walks (kIOServicePlane in IOKitKeys.h).
static const char kServicePlane[] = "IOService";

static const char *
StringValue(OSObject *object)
{
    OSString *string = OSDynamicCast(OSString, object);
    return string != NULL && string->getLength() > 0 ? string->getCStringNoCopy() : "(not a string)";
}

static uint64_t
NumberValue(OSObject *object)
{
    OSNumber *number = OSDynamicCast(OSNumber, object);
    return number != NULL ? number->unsigned64BitValue() : 0;
}

// SetProperties with one value of each kind a property can hold.
static kern_return_t
PublishSampleProperties(IOService *service)
{
    static const uint8_t calibration[] = { 0x5a, 0x01, 0xc3 };
    OSDictionary *properties = OSDictionary::withCapacity(5);
    OSString *greeting = OSString::withCString("hello from the dext");
    OSNumber *channels = OSNumber::withNumber(4, 32);
    OSData *table = OSData::withBytes(calibration, sizeof(calibration));
    OSArray *modes = OSArray::withCapacity(2);
    OSString *fast = OSString::withCString("fast");
    OSString *quiet = OSString::withCString("quiet");
    modes->setObject(fast);
    modes->setObject(quiet);
    properties->setObject("SampleGreeting", greeting);
    properties->setObject("SampleChannels", channels);
    properties->setObject("SampleCalibration", table);
    properties->setObject("SampleModes", modes);
    properties->setObject("SampleEnabled", kOSBooleanTrue);
    kern_return_t ret = service->SetProperties(properties);
    OSSafeReleaseNULL(quiet);
    OSSafeReleaseNULL(fast);
    OSSafeReleaseNULL(modes);
    OSSafeReleaseNULL(table);
    OSSafeReleaseNULL(channels);
    OSSafeReleaseNULL(greeting);
    OSSafeReleaseNULL(properties);
    return ret;
}

static void
LogOwnProperties(IOService *service, const char *when)
{
    OSDictionary *properties = NULL;
    kern_return_t ret = service->CopyProperties(&properties);
    if (ret != kIOReturnSuccess) {
        Log("CopyProperties %s: 0x%08x", when, ret);
        return;
    }
    Log("CopyProperties %s: %u keys, IOUserClass %s, SampleGreeting %s, SampleChannels %llu",
        when, properties->getCount(), StringValue(properties->getObject("IOUserClass")),
        StringValue(properties->getObject("SampleGreeting")), NumberValue(properties->getObject("SampleChannels")));
    OSSafeReleaseNULL(properties);
}

static void
LogSearch(IOService *service, const char *key, uint64_t options)
{
    OSContainer *value = NULL;
    kern_return_t ret = service->SearchProperty(key, kServicePlane, options, &value);
    const char *how = options & kIOServiceSearchPropertyParents ? "with parents" : "without parents";
    if (ret != kIOReturnSuccess) {
        Log("SearchProperty %s %s: 0x%08x", key, how, ret);
    } else if (OSDynamicCast(OSNumber, value) != NULL) {
        Log("SearchProperty %s %s: 0x%04llx", key, how, NumberValue(value));
    } else {
        Log("SearchProperty %s %s: %s", key, how, StringValue(value));
    }
    OSSafeReleaseNULL(value);
}

// CopyProviderProperties for two keys: one dictionary per entry from this service up.
static void
LogProviderChain(IOService *service)
{
    OSArray *keys = OSArray::withCapacity(2);
    OSString *vendor = OSString::withCString("idVendor");
    OSString *ioclass = OSString::withCString("IOClass");
    keys->setObject(vendor);
    keys->setObject(ioclass);
    OSArray *chain = NULL;
    kern_return_t ret = service->CopyProviderProperties(keys, &chain);
    if (ret == kIOReturnSuccess) {
        for (uint32_t i = 0; i < chain->getCount(); i++) {
            OSDictionary *entry = OSDynamicCast(OSDictionary, chain->getObject(i));
            OSArray *classes = entry != NULL ? OSDynamicCast(OSArray, entry->getObject("IOClass")) : NULL;
            Log("provider %u: %s, idVendor 0x%04llx", i, classes != NULL ? StringValue(classes->getObject(0)) : "?",
                entry != NULL ? NumberValue(entry->getObject("idVendor")) : 0);
        }
    } else {
        Log("CopyProviderProperties: 0x%08x", ret);
    }
    OSSafeReleaseNULL(chain);
    OSSafeReleaseNULL(ioclass);
    OSSafeReleaseNULL(vendor);
    OSSafeReleaseNULL(keys);
}

kern_return_t
IMPL(PropertySampleDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        return ret;
    }
    // Nothing set yet: there is no IOUserServiceProperties to remove from.
    OSString *greeting = OSString::withCString("SampleGreeting");
    Log("RemoveProperty before any SetProperties: 0x%08x", RemoveProperty(greeting));
    OSSafeReleaseNULL(greeting);

    ret = PublishSampleProperties(this);
    Log("SetProperties: 0x%08x", ret);
    LogOwnProperties(this, "after SetProperties");

    // idVendor is this service's own (IOKit copies the matched personality's keys to it);
    // bInterfaceClass only the provider interface has, the product name only the device.
    LogSearch(this, "idVendor", 0);
    LogSearch(this, "bInterfaceClass", 0);
    LogSearch(this, "bInterfaceClass", kIOServiceSearchPropertyParents);
    LogSearch(this, "USB Product Name", kIOServiceSearchPropertyParents);
    LogSearch(this, "SampleGreeting", 0);
    LogProviderChain(this);

    OSString *name = OSString::withCString("SampleChannels");
    Log("RemoveProperty SampleChannels: 0x%08x", RemoveProperty(name));
    OSSafeReleaseNULL(name);
    LogOwnProperties(this, "after RemoveProperty");
    return kIOReturnSuccess;
}

kern_return_t
IMPL(PropertySampleDriver, Stop)
{
    Log("Stop");
    return Stop(provider, SUPERDISPATCH);
}
