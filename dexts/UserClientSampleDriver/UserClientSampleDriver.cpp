//
//  UserClientSampleDriver.cpp
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOUserClient.h>

#include "UserClientSampleDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "UserClientSampleDriver: " fmt, ##__VA_ARGS__)

struct UserClientSampleDriver_IVars {
    uint32_t clients_created;
};

bool UserClientSampleDriver::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(UserClientSampleDriver_IVars, 1);
    return ivars != nullptr;
}

kern_return_t IMPL(UserClientSampleDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess)
        return ret;
    // Apps find the service by name (IOServiceNameMatching) once it is registered.
    ret = RegisterService();
    Log("Start, registered for apps");
    return ret;
}

kern_return_t IMPL(UserClientSampleDriver, Stop)
{
    Log("Stop after %u user clients", ivars->clients_created);
    return Stop(provider, SUPERDISPATCH);
}

void UserClientSampleDriver::free()
{
    IOSafeDeleteNULL(ivars, UserClientSampleDriver_IVars, 1);
    super::free();
}

kern_return_t IMPL(UserClientSampleDriver, NewUserClient)
{
    IOService* client = nullptr;
    kern_return_t ret = Create(this, "UserClientProperties", &client);
    if (ret != kIOReturnSuccess) {
        Log("NewUserClient type %u: Create failed 0x%x", type, ret);
        return ret;
    }
    *userClient = OSDynamicCast(IOUserClient, client);
    if (!*userClient) {
        client->release();
        return kIOReturnError;
    }
    ivars->clients_created++;
    Log("NewUserClient type %u: client %u created", type, ivars->clients_created);
    return kIOReturnSuccess;
}
