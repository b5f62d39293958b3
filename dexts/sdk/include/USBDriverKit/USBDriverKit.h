#ifndef _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
#define _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
// USBDriverKit's umbrella header: the device, interface and pipe classes and the USB
// definitions they use.

#include <DriverKit/DriverKit.h>
#include <USBDriverKit/IOUSBHostFamilyDefinitions.h>
#include <USBDriverKit/AppleUSBDefinitions.h>
#include <USBDriverKit/AppleUSBDescriptorParsing.h>
#include <USBDriverKit/IOUSBHostPipe.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostDevice.h>

#endif
