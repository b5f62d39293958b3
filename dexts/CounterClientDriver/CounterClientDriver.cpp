//
//  CounterClientDriver.cpp
//  Starts on top of SampleCounterDriver's service and says so; the order of the log lines on
//  unplug shows the stack coming down clients first.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>

#include "CounterClientDriver.h"

kern_return_t
IMPL(CounterClientDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    os_log(OS_LOG_DEFAULT, "CounterClientDriver: Start on its provider: 0x%08x", ret);
    return ret;
}

kern_return_t
IMPL(CounterClientDriver, Stop)
{
    os_log(OS_LOG_DEFAULT, "CounterClientDriver: Stop");
    return Stop(provider, SUPERDISPATCH);
}
