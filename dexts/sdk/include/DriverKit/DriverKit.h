#ifndef _DEXTLAB_DRIVERKIT_DRIVERKIT_H
#define _DEXTLAB_DRIVERKIT_DRIVERKIT_H
// DriverKit's umbrella header. Apple's also includes IOServiceNotificationDispatchSource and
// IODMACommand; the lab does not implement those classes yet, so they are not included here (no empty stand-ins): a dext
// that uses one fails to compile with an error naming it. OSCollections.h has the container
// classes (and says which it still lacks).

#include <DriverKit/IOTypes.h>
#include <DriverKit/IOReturn.h>
#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>
#include <DriverKit/OSObject.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IODispatchSource.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <DriverKit/IODataQueueDispatchSource.h>
#include <DriverKit/IOInterruptDispatchSource.h>
#include <DriverKit/IOMemoryDescriptor.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/IOMemoryMap.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOUserClient.h>

#endif
