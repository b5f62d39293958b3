#ifndef _DEXTLAB_PCIDRIVERKIT_IOPCIFAMILYDEFINITIONS_H
#define _DEXTLAB_PCIDRIVERKIT_IOPCIFAMILYDEFINITIONS_H
// The PCI definitions a PCIDriverKit driver uses, with IOPCIFamilyDefinitions.h's names and
// values: matching and property keys, the interrupt type bits, configuration-space offsets,
// Command and Status bits, capability ids and access options. The values are the PCI Local Bus
// Specification's (3.0 §6) and IOPCIFamily's; the lab carries the subset its samples and the
// dexts it runs need, and adds more as they come.

#include <stdint.h>

// Matching keys (a personality's, or a `…transport.pci` entitlement dictionary's).
#define kIOPCIMatchKey "IOPCIMatch"
#define kIOPCIPrimaryMatchKey "IOPCIPrimaryMatch"
#define kIOPCISecondaryMatchKey "IOPCISecondaryMatch"
#define kIOPCIClassMatchKey "IOPCIClassMatch"

// Properties.
#define kIOPCIDeviceMemoryArrayKey "IODeviceMemory"
#define kIOPCIKernelMemoryAccess "IOPCIKernelMemoryAccess"

// Bits a PCI provider adds to IOInterruptDispatchSource::GetInterruptType's result.
enum {
    kIOInterruptTypePCIMessaged = 0x00010000,
    kIOInterruptTypePCIMessagedX = 0x00020000,
};

// The type-0 configuration header.
enum {
    kIOPCIConfigurationOffsetVendorID = 0x00,
    kIOPCIConfigurationOffsetDeviceID = 0x02,
    kIOPCIConfigurationOffsetCommand = 0x04,
    kIOPCIConfigurationOffsetStatus = 0x06,
    kIOPCIConfigurationOffsetRevisionID = 0x08,
    kIOPCIConfigurationOffsetClassCode = 0x09,
    kIOPCIConfigurationOffsetCacheLineSize = 0x0C,
    kIOPCIConfigurationOffsetLatencyTimer = 0x0D,
    kIOPCIConfigurationOffsetHeaderType = 0x0E,
    kIOPCIConfigurationOffsetBIST = 0x0F,
    kIOPCIConfigurationOffsetBaseAddress0 = 0x10,
    kIOPCIConfigurationOffsetBaseAddress1 = 0x14,
    kIOPCIConfigurationOffsetBaseAddress2 = 0x18,
    kIOPCIConfigurationOffsetBaseAddress3 = 0x1C,
    kIOPCIConfigurationOffsetBaseAddress4 = 0x20,
    kIOPCIConfigurationOffsetBaseAddress5 = 0x24,
    kIOPCIConfigurationOffsetCardBusCISPtr = 0x28,
    kIOPCIConfigurationOffsetSubSystemVendorID = 0x2C,
    kIOPCIConfigurationOffsetSubSystemID = 0x2E,
    kIOPCIConfigurationOffsetExpansionROMBase = 0x30,
    kIOPCIConfigurationOffsetCapabilitiesPtr = 0x34,
    kIOPCIConfigurationOffsetInterruptLine = 0x3C,
    kIOPCIConfigurationOffsetInterruptPin = 0x3D,
    kIOPCIConfigurationOffsetMinimumGrant = 0x3E,
    kIOPCIConfigurationOffsetMaximumLatency = 0x3F,
};

// A capability's header (the id, then the next pointer).
enum {
    kIOPCICapabilityIDOffset = 0x00,
    kIOPCINextCapabilityOffset = 0x01,
};

// Capability ids (PCI Code and ID Assignment Specification).
enum {
    kIOPCICapabilityIDPowerManagement = 0x01,
    kIOPCICapabilityIDAGP = 0x02,
    kIOPCICapabilityIDVitalProductData = 0x03,
    kIOPCICapabilityIDSlotID = 0x04,
    kIOPCICapabilityIDMSI = 0x05,
    kIOPCICapabilityIDCPCIHotswap = 0x06,
    kIOPCICapabilityIDPCIX = 0x07,
    kIOPCICapabilityIDLDT = 0x08,
    kIOPCICapabilityIDVendorSpecific = 0x09,
    kIOPCICapabilityIDDebugPort = 0x0a,
    kIOPCICapabilityIDCPCIResourceControl = 0x0b,
    kIOPCICapabilityIDHotplug = 0x0c,
    kIOPCICapabilityIDAGP8 = 0x0e,
    kIOPCICapabilityIDSecure = 0x0f,
    kIOPCICapabilityIDPCIExpress = 0x10,
    kIOPCICapabilityIDMSIX = 0x11,
};

// The Command register.
enum {
    kIOPCICommandIOSpace = 0x0001,
    kIOPCICommandMemorySpace = 0x0002,
    kIOPCICommandBusLead = 0x0004,
    kIOPCICommandBusMaster = kIOPCICommandBusLead, // the older name
    kIOPCICommandSpecialCycles = 0x0008,
    kIOPCICommandMemWrInvalidate = 0x0010,
    kIOPCICommandPaletteSnoop = 0x0020,
    kIOPCICommandParityError = 0x0040,
    kIOPCICommandAddressStepping = 0x0080,
    kIOPCICommandSERR = 0x0100,
    kIOPCICommandFastBack2Back = 0x0200,
    kIOPCICommandInterruptDisable = 0x0400,
};

// The Status register.
enum {
    kIOPCIStatusInterrupt = 0x0008,
    kIOPCIStatusCapabilities = 0x0010,
    kIOPCIStatusPCI66 = 0x0020,
    kIOPCIStatusUDF = 0x0040,
    kIOPCIStatusFastBack2Back = 0x0080,
    kIOPCIStatusDevSel0 = 0x0000,
    kIOPCIStatusDevSel1 = 0x0200,
    kIOPCIStatusDevSel2 = 0x0400,
    kIOPCIStatusDevSel3 = 0x0600,
    kIOPCIStatusTargetAbortCapable = 0x0800,
    kIOPCIStatusTargetAbortActive = 0x1000,
    kIOPCIStatusLeadAbortActive = 0x2000,
    kIOPCIStatusMasterAbortActive = kIOPCIStatusLeadAbortActive,
    kIOPCIStatusSERRActive = 0x4000,
    kIOPCIStatusParityErrActive = 0x8000,
};

// Options of the Memory accessors that take them.
enum {
    kIOPCIAccessLatencyTolerantHint = (1 << 0),
};

#endif
