#pragma once
// The entitlement gate a dext passes before its service starts, modelled on xnu's
// IOUserServer::checkEntitlements (reference 3.4): every dext needs the DriverKit entitlement;
// the provider it attaches to demands its transport entitlement (USB: the
// `…transport.usb` array must describe this device); and the kernel class it runs under
// (IOClass) demands its family entitlement. The rules are data (kEntitlementRules) and
// check_entitlements is a pure function, so both are tested as rows without starting a dext.
//
// User-client access (`…allow-any-userclient-access`, `…userclient-access`) is checked when an
// app opens a user client (reference 3.5); dextlab has no user clients yet, so it is not here.

#include "kernel_model/bundle/dext_bundle.h"
#include "kernel_model/registry/registry.h"

#include <string>
#include <vector>

namespace dextlab::kernel {

// Entitlement keys ([X] iokit/DriverKit/IOKitKeys.h; [SDK] IOUSBHostFamilyDefinitions.h
// kIOUSBTransportDextEntitlement; developer.apple.com/documentation/bundleresources/driverkit).
namespace entitlement_keys {
inline constexpr char const* driverkit = "com.apple.developer.driverkit";
inline constexpr char const* transport_usb = "com.apple.developer.driverkit.transport.usb";
inline constexpr char const* transport_hid = "com.apple.developer.driverkit.transport.hid";
inline constexpr char const* transport_pci = "com.apple.developer.driverkit.transport.pci"; // IOPCIPrivate.h kIOPCITransportDextEntitlement
inline constexpr char const* family_hid_device = "com.apple.developer.driverkit.family.hid.device";
inline constexpr char const* family_hid_eventservice = "com.apple.developer.driverkit.family.hid.eventservice";
inline constexpr char const* family_serial = "com.apple.developer.driverkit.family.serial";
inline constexpr char const* family_networking = "com.apple.developer.driverkit.family.networking";
} // namespace entitlement_keys

enum class EntitlementScope : uint8_t {
    EveryDext,    // every dext personality
    ProviderClass, // the nub the service attaches to conforms to `subject`
    ServiceClass, // the personality's IOClass is `subject`
};

enum class EntitlementValue : uint8_t {
    True,       // the entitlement must be the boolean true
    UsbDevices, // true, or an array of dictionaries one of which describes the USB device
    PciDevices, // true, or an array of dictionaries one of which matches the PCI function (PCI keys)
};

struct EntitlementRule {
    EntitlementScope scope;
    char const* subject; // a class name; empty for EveryDext
    char const* entitlement;
    EntitlementValue value;
    char const* source; // where the rule comes from
};

// In the order the gate checks them; the first that fails is the one reported.
inline constexpr EntitlementRule kEntitlementRules[] = {
    { EntitlementScope::EveryDext, "", entitlement_keys::driverkit, EntitlementValue::True,
        "every DriverKit driver (BundleResources: com.apple.developer.driverkit)" },
    { EntitlementScope::ProviderClass, "IOUSBHostDevice", entitlement_keys::transport_usb, EntitlementValue::UsbDevices,
        "USB providers (IOUSBHostFamilyDefinitions.h kIOUSBTransportDextEntitlement; reference 3.4, 11.1)" },
    { EntitlementScope::ProviderClass, "IOUSBHostInterface", entitlement_keys::transport_usb, EntitlementValue::UsbDevices,
        "USB providers (IOUSBHostFamilyDefinitions.h kIOUSBTransportDextEntitlement; reference 3.4, 11.1)" },
    { EntitlementScope::ProviderClass, "IOPCIDevice", entitlement_keys::transport_pci, EntitlementValue::PciDevices,
        "PCI providers (IOPCIFamily IOPCIDevice::matchPropertyTable checks kIOPCITransportDextEntitlement; IOPCIBridge "
        "demands it in IOServiceDEXTEntitlements)" },
    { EntitlementScope::ProviderClass, "IOHIDInterface", entitlement_keys::transport_hid, EntitlementValue::True,
        "IOHIDInterface providers (Apple Developer Forums thread 843327, HID Entitlement Configuration Guide)" },
    { EntitlementScope::ServiceClass, "AppleUserHIDDevice", entitlement_keys::family_hid_device, EntitlementValue::True,
        "IOUserHIDDevice drivers (forum thread 843327; reference 11.1)" },
    { EntitlementScope::ServiceClass, "AppleUserHIDEventService", entitlement_keys::family_hid_eventservice, EntitlementValue::True,
        "IOUserHIDEventService drivers (forum thread 843327; reference 11.1)" },
    { EntitlementScope::ServiceClass, "IOUserSerial", entitlement_keys::family_serial, EntitlementValue::True,
        "IOUserSerial drivers (reference 3.4: the kernel class lists it in IOServiceDEXTEntitlements)" },
    { EntitlementScope::ServiceClass, "IOUserNetworkEthernet", entitlement_keys::family_networking, EntitlementValue::True,
        "IOUserNetworkEthernet drivers (reference 11.1)" },
};

struct EntitlementVerdict {
    bool allowed { true };
    std::string missing; // the entitlement that is missing or does not cover this provider
    std::string reason;  // one sentence naming the entitlement, the personality and the fix
    std::vector<std::string> checked; // every entitlement the gate looked at, in order
};

// Checks `personality` of the dext `dext_name` (whose entitlements plist is `entitlements`)
// about to start on `provider`. A personality that is not a dext's (no IOUserServerName)
// starts a kernel class and is not gated.
EntitlementVerdict check_entitlements(PropertyDict const& entitlements, Personality const& personality, RegistryEntry const& provider,
    std::string const& dext_name);

// Does one `…transport.usb` value cover this USB nub? True covers everything; an array covers
// the device when one of its dictionaries matches it key by key (idVendor, idProduct,
// idProductArray, idProductMask, bcdDevice, class keys, interface numbers; "*" matches any).
bool usb_transport_covers(Property const& value, RegistryEntry const& nub);

// Does one `…transport.pci` value cover this PCI nub? True covers everything (IOPCIFamily: "for
// Apple internal use only"); an array covers it when one of its dictionaries matches the nub
// under the PCI matching keys (IOPCIMatch, IOPCIPrimaryMatch, IOPCISecondaryMatch,
// IOPCIClassMatch), as IOPCIDevice::matchPropertyTable matches each one; other elements (the
// built-in transport string) cover nothing.
bool pci_transport_covers(Property const& value, RegistryEntry const& nub);

} // namespace dextlab::kernel
