#ifndef _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICEKEYS_H
#define _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICEKEYS_H
// Property keys of a HID device (IOHIDFamily's IOHIDDeviceKeys.h; reference §7): what a HID
// driver puts in the dictionary newDeviceDescription returns, and what HID matching reads
// (reference §4.3). Values are the strings macOS uses.
//
// Keys that Apple keeps private (kIOHIDRegisterServiceKey "RegisterService", ...) are not
// defined: dexts that need them define them, often unconditionally.

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
