#ifndef _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
#define _DEXTLAB_USBDRIVERKIT_USBDRIVERKIT_H
#include <DriverKit/DriverKit.h>
#include <USBDriverKit/IOUSBHostFamilyDefinitions.h>
#include <USBDriverKit/AppleUSBDescriptorParsing.h>
#include <USBDriverKit/IOUSBHostPipe.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#endif
