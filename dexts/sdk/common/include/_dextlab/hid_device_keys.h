#ifndef _DEXTLAB_HID_DEVICE_KEYS_H
#define _DEXTLAB_HID_DEVICE_KEYS_H
// The property keys of a HID device, shared by DriverKit's <HIDDriverKit/IOHIDDeviceKeys.h>
// (what a driver's newDeviceDescription returns) and IOKit.framework's <IOKit/hid/IOHIDKeys.h>
// (what an app reads), which define them alike. Values are the strings macOS uses.

#define kIOHIDTransportKey "Transport"
#define kIOHIDVendorIDKey "VendorID"
#define kIOHIDProductIDKey "ProductID"
#define kIOHIDVersionNumberKey "VersionNumber"
#define kIOHIDManufacturerKey "Manufacturer"
#define kIOHIDProductKey "Product"
#define kIOHIDSerialNumberKey "SerialNumber"
#define kIOHIDCountryCodeKey "CountryCode"
#define kIOHIDLocationIDKey "LocationID"
#define kIOHIDDeviceUsagePairsKey "DeviceUsagePairs"
#define kIOHIDDeviceUsageKey "DeviceUsage"
#define kIOHIDDeviceUsagePageKey "DeviceUsagePage"
#define kIOHIDPrimaryUsageKey "PrimaryUsage"
#define kIOHIDPrimaryUsagePageKey "PrimaryUsagePage"
#define kIOHIDMaxInputReportSizeKey "MaxInputReportSize"
#define kIOHIDMaxOutputReportSizeKey "MaxOutputReportSize"
#define kIOHIDMaxFeatureReportSizeKey "MaxFeatureReportSize"
#define kIOHIDReportIntervalKey "ReportInterval"
#define kIOHIDBatchIntervalKey "BatchInterval"
#define kIOHIDRequestTimeoutKey "RequestTimeout"
#define kIOHIDReportDescriptorKey "ReportDescriptor"
#define kIOHIDBuiltInKey "Built-In"
#define kIOHIDPhysicalDeviceUniqueIDKey "PhysicalDeviceUniqueID"

#endif
