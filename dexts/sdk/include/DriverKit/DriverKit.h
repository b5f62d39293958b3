#ifndef _DEXTLAB_DRIVERKIT_DRIVERKIT_H
#define _DEXTLAB_DRIVERKIT_DRIVERKIT_H
#include <DriverKit/IOTypes.h>
#include <DriverKit/IOLib.h>
#include <DriverKit/OSObject.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOService.h>
#include <DriverKit/IOMemoryDescriptor.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#endif
