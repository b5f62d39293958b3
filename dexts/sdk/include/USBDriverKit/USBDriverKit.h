#ifndef _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
#define _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
// USBDriverKit's umbrella header. Apple's also includes IOUSBHostDevice; the lab does not
// implement the device-level class yet, so it is not included (a dext that uses it fails to
// compile with an error naming it). Everything else a USB interface driver uses is here.

#include <DriverKit/DriverKit.h>
#include <USBDriverKit/IOUSBHostFamilyDefinitions.h>
#include <USBDriverKit/AppleUSBDescriptorParsing.h>
#include <USBDriverKit/IOUSBHostPipe.h>
#include <USBDriverKit/IOUSBHostInterface.h>

#endif
