#ifndef _IOKIT_IOKITKEYS_H
#define _IOKIT_IOKITKEYS_H
// The registry's common key names, plane names and notification types (IOKit/IOKitKeys.h).

#define kIOKitBuildVersionKey "IOKitBuildVersion"
#define kIOKitDiagnosticsKey "IOKitDiagnostics"
#define kIORegistryPlanesKey "IORegistryPlanes"
#define kIOCatalogueKey "IOCatalogue"

// Registry planes. The lab models the service plane.
#define kIOServicePlane "IOService"
#define kIOPowerPlane "IOPower"
#define kIODeviceTreePlane "IODeviceTree"
#define kIOAudioPlane "IOAudio"
#define kIOFireWirePlane "IOFireWire"
#define kIOUSBPlane "IOUSB"

#define kIORegistryEntryIDKey "IORegistryEntryID"
#define kIORegistryEntryPropertyKeysKey "IORegistryEntryPropertyKeys"

#define kIOServiceClass "IOService"
#define kIOResourcesClass "IOResources"

#define kIOClassKey "IOClass"
#define kIOProbeScoreKey "IOProbeScore"
#define kIOKitDebugKey "IOKitDebug"

#define kIOUserClassKey "IOUserClass"
#define kIOUserClassesKey "IOUserClasses"
#define kIOUserServicePropertiesKey "IOUserServiceProperties"

// Matching dictionary keys.
#define kIOProviderClassKey "IOProviderClass"
#define kIONameMatchKey "IONameMatch"
#define kIOPropertyMatchKey "IOPropertyMatch"
#define kIOPropertyExistsMatchKey "IOPropertyExistsMatch"
#define kIOPathMatchKey "IOPathMatch"
#define kIOLocationMatchKey "IOLocationMatch"
#define kIOParentMatchKey "IOParentMatch"
#define kIOResourceMatchKey "IOResourceMatch"
#define kIOResourceMatchedKey "IOResourceMatched"
#define kIOMatchedServiceCountKey "IOMatchedServiceCountMatch"
#define kIONameMatchedKey "IONameMatched"
#define kIOMatchCategoryKey "IOMatchCategory"
#define kIODefaultMatchCategoryKey "IODefaultMatchCategory"
#define kIOMatchedPersonalityKey "IOMatchedPersonality"

// User clients and their entitlements.
#define kIOUserClientEntitlementsKey "IOUserClientEntitlements"
#define kIOServiceDEXTEntitlementsKey "IOServiceDEXTEntitlements"
#define kIODriverKitEntitlementKey "com.apple.developer.driverkit"
#define kIODriverKitUserClientEntitlementsKey "com.apple.developer.driverkit.userclient-access"
#define kIODriverKitUserClientEntitlementAllowAnyKey "com.apple.developer.driverkit.allow-any-userclient-access"
#define kIOUserClientClassKey "IOUserClientClass"
#define kIOUserClientCreatorKey "IOUserClientCreator"

// IOServiceAddMatchingNotification types.
#define kIOPublishNotification "IOServicePublish"
#define kIOFirstPublishNotification "IOServiceFirstPublish"
#define kIOMatchedNotification "IOServiceMatched"
#define kIOFirstMatchNotification "IOServiceFirstMatch"
#define kIOTerminatedNotification "IOServiceTerminate"
#define kIOWillTerminateNotification "IOServiceWillTerminate"

// IOServiceAddInterestNotification types.
#define kIOGeneralInterest "IOGeneralInterest"
#define kIOBusyInterest "IOBusyInterest"
#define kIOAppPowerStateInterest "IOAppPowerStateInterest"
#define kIOPriorityPowerStateInterest "IOPriorityPowerStateInterest"

#define kIOCFPlugInTypesKey "IOCFPlugInTypes"
#define kIOCompatibilityMatchKey "IOCompatibilityMatch"
#define kIOPathKey "IOPath"

#define kIOPlatformSerialNumberKey "IOPlatformSerialNumber"
#define kIOPlatformUUIDKey "IOPlatformUUID"

#endif
