#ifndef _DEXTLAB_PCIDRIVERKIT_PCIDRIVERKIT_H
#define _DEXTLAB_PCIDRIVERKIT_PCIDRIVERKIT_H
// PCIDriverKit's umbrella header: the PCI definitions and IOPCIDevice.

#include <DriverKit/DriverKit.h>
#include <PCIDriverKit/IOPCIFamilyDefinitions.h>
#include <PCIDriverKit/IOPCIDevice.h>

#endif
