// IOKitLib's registry calls against the test lab: matching dictionaries, lookups, iterators,
// handle reference counts, registry entries, property conversion both ways, bad arguments and
// an app without a lab.

#include "cf_osserialize.h"
#include "fixture.h"
#include "iokit_port.h"

#include <IOKit/IOKitLib.h>
#include <mach/mach.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::test;
using ipc::osser::Value;

namespace {

// The dictionary the lab received with the last lookup.
Value last_matching(FakeLab const& lab)
{
    auto value = ipc::osser::unserialize(lab.last_matching);
    REQUIRE(value);
    return value.value();
}

} // namespace

TEST_CASE("matching dictionaries have IOKit's keys")
{
    CFMutableDictionaryRef by_class = IOServiceMatching("IOUSBHostDevice");
    CHECK(CFDictionaryGetCount(by_class) == 1);
    CHECK(text_of(CFDictionaryGetValue(by_class, CFSTR(kIOProviderClassKey))) == "IOUSBHostDevice");
    CFMutableDictionaryRef by_name = IOServiceNameMatching("Widget");
    CHECK(text_of(CFDictionaryGetValue(by_name, CFSTR(kIONameMatchKey))) == "Widget");
    CFMutableDictionaryRef by_id = IORegistryEntryIDMatching(0x1234);
    CFTypeRef id = CFDictionaryGetValue(by_id, CFSTR(kIORegistryEntryIDKey));
    CHECK(CFNumberGetType(static_cast<CFNumberRef>(id)) == kCFNumberSInt64Type);
    CHECK(int_of(id) == 0x1234);
    CHECK(IOServiceMatching(nullptr) == nullptr);
    CHECK(std::string(kIOFirstMatchNotification) == "IOServiceFirstMatch");
    CHECK(std::string(kIOServicePlane) == "IOService");
    for (CFTypeRef each : { by_class, by_name, by_id })
        CFRelease(each);
}

TEST_CASE_FIXTURE(LabFixture, "IOServiceGetMatchingService finds by class, name and property, and consumes the dictionary")
{
    CFMutableDictionaryRef matching = IOServiceMatching("IOService");
    CFRetain(matching);
    io_service_t first = IOServiceGetMatchingService(kIOMainPortDefault, matching);
    CHECK(CFGetRetainCount(matching) == 1); // one reference consumed
    CFRelease(matching);
    CHECK(first != IO_OBJECT_NULL);
    uint64_t id = 0;
    CHECK(IORegistryEntryGetRegistryEntryID(first, &id) == KERN_SUCCESS);
    CHECK(id == FakeLab::kDevice); // registry order
    CHECK(last_matching(lab).find(kIOProviderClassKey)->string == "IOService");

    io_service_t sample = IOServiceGetMatchingService(kIOMasterPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    CHECK(IORegistryEntryGetRegistryEntryID(sample, &id) == KERN_SUCCESS);
    CHECK(id == FakeLab::kSample);

    // IOPropertyMatch with a CFNumber of another width than the registry's: matched by value.
    CFMutableDictionaryRef by_vendor = IOServiceMatching("IOUSBHostDevice");
    CFMutableDictionaryRef properties
        = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    int vendor = 0x1209;
    CFNumberRef vendor_number = CFNumberCreate(nullptr, kCFNumberIntType, &vendor);
    CFDictionarySetValue(properties, CFSTR("idVendor"), vendor_number);
    CFDictionarySetValue(by_vendor, CFSTR(kIOPropertyMatchKey), properties);
    CFRelease(vendor_number);
    CFRelease(properties);
    io_service_t device = IOServiceGetMatchingService(kIOMainPortDefault, by_vendor);
    CHECK(device == first); // the same kernel object has the same name
    CHECK(IOObjectGetUserRetainCount(first) == 2);
    auto sent = last_matching(lab);
    auto const* idVendor = sent.find(kIOPropertyMatchKey)->find("idVendor");
    REQUIRE(idVendor);
    CHECK(idVendor->number == 0x1209);
    CHECK(idVendor->bits == 32);

    CHECK(IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching("NoSuchService")) == IO_OBJECT_NULL);
    CHECK(IOObjectRelease(device) == KERN_SUCCESS);
    CHECK(IOObjectRelease(first) == KERN_SUCCESS);
    CHECK(IOObjectRelease(sample) == KERN_SUCCESS);
    CHECK(IOObjectRelease(sample) == KERN_INVALID_NAME); // the name is gone
}

TEST_CASE_FIXTURE(LabFixture, "a matching iterator walks a snapshot: next, end, reset, validity")
{
    io_iterator_t iterator = IO_OBJECT_NULL;
    REQUIRE(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator) == KERN_SUCCESS);
    CHECK(IOIteratorIsValid(iterator));
    std::vector<uint64_t> seen;
    while (io_object_t entry = IOIteratorNext(iterator)) {
        uint64_t id = 0;
        IORegistryEntryGetRegistryEntryID(entry, &id);
        seen.push_back(id);
        IOObjectRelease(entry);
    }
    CHECK(seen == std::vector<uint64_t> { FakeLab::kDevice, FakeLab::kInterface, FakeLab::kSample });
    CHECK(IOIteratorNext(iterator) == IO_OBJECT_NULL);

    // A service published after the lookup is not in the snapshot.
    lab.publish({ 0x200, "Late", { "IOService" }, FakeLab::kRoot, Value::make_dict(), true });
    IOIteratorReset(iterator);
    int count = 0;
    while (io_object_t entry = IOIteratorNext(iterator)) {
        ++count;
        IOObjectRelease(entry);
    }
    CHECK(count == 3);
    CHECK(IOIteratorIsValid(iterator));

    io_iterator_t empty = IO_OBJECT_NULL;
    CHECK(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IONothing"), &empty) == KERN_SUCCESS);
    CHECK(empty != IO_OBJECT_NULL);
    CHECK(IOIteratorNext(empty) == IO_OBJECT_NULL);
    IOObjectRelease(empty);
    IOObjectRelease(iterator);
    CHECK_FALSE(IOIteratorIsValid(iterator));
    CHECK(IOIteratorNext(iterator) == IO_OBJECT_NULL);
}

TEST_CASE_FIXTURE(LabFixture, "handles are reference counted like Mach send rights")
{
    io_service_t sample = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    CHECK(IOObjectGetUserRetainCount(sample) == 1);
    CHECK(IOObjectRetain(sample) == KERN_SUCCESS);
    CHECK(IOObjectGetUserRetainCount(sample) == 2);
    CHECK(mach_port_mod_refs(mach_task_self(), sample, MACH_PORT_RIGHT_SEND, 1) == KERN_SUCCESS);
    CHECK(mach_port_mod_refs(mach_task_self(), sample, MACH_PORT_RIGHT_SEND, -5) == KERN_INVALID_VALUE);
    CHECK(mach_port_deallocate(mach_task_self(), sample) == KERN_SUCCESS);
    CHECK(IOObjectIsEqualTo(sample, sample));
    CHECK(IOObjectRelease(sample) == KERN_SUCCESS);
    CHECK(IOObjectRelease(sample) == KERN_SUCCESS);
    CHECK(IOObjectGetUserRetainCount(sample) == 0);
    CHECK(IOObjectRetain(sample) == KERN_INVALID_NAME);
    CHECK(IOObjectRelease(IO_OBJECT_NULL) == KERN_SUCCESS);
    CHECK(IOObjectRelease(0x4242) == KERN_INVALID_NAME);

    // A fresh lookup after the last release gets a new name: Mach never reuses one at once.
    io_service_t again = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    CHECK(again != sample);
    IOObjectRelease(again);

    mach_port_t main_port = MACH_PORT_NULL;
    CHECK(IOMainPort(MACH_PORT_NULL, &main_port) == KERN_SUCCESS);
    io_service_t via_main = IOServiceGetMatchingService(main_port, IOServiceNameMatching(kUserClientSampleClassName));
    CHECK(via_main != IO_OBJECT_NULL);
    io_iterator_t iterator = IO_OBJECT_NULL;
    CHECK(IOServiceGetMatchingServices(via_main, IOServiceMatching("IOService"), &iterator) == kIOReturnNotPrivileged);
    CHECK(IOServiceGetMatchingServices(0x7777, IOServiceMatching("IOService"), &iterator) == MACH_SEND_INVALID_DEST);
    IOObjectRelease(via_main);
    mach_port_deallocate(mach_task_self(), main_port);
}

TEST_CASE_FIXTURE(LabFixture, "registry entries: name, id, class, conformance, parent")
{
    io_service_t sample = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    io_name_t name;
    CHECK(IORegistryEntryGetName(sample, name) == KERN_SUCCESS);
    CHECK(std::string(name) == kUserClientSampleClassName);
    CHECK(IOObjectGetClass(sample, name) == KERN_SUCCESS);
    CHECK(std::string(name) == "IOUserService");
    CHECK(IOObjectConformsTo(sample, "IOUserService"));
    CHECK(IOObjectConformsTo(sample, "IOService")); // a superclass, through provider-class matching
    CHECK_FALSE(IOObjectConformsTo(sample, "IOUSBHostDevice"));

    io_registry_entry_t interface = IO_OBJECT_NULL;
    CHECK(IORegistryEntryGetParentEntry(sample, kIOServicePlane, &interface) == KERN_SUCCESS);
    io_registry_entry_t device = IO_OBJECT_NULL;
    CHECK(IORegistryEntryGetParentEntry(interface, kIOServicePlane, &device) == KERN_SUCCESS);
    CHECK(IORegistryEntryGetName(device, name) == KERN_SUCCESS);
    CHECK(std::string(name) == "Widget");
    io_registry_entry_t root = IO_OBJECT_NULL;
    CHECK(IORegistryEntryGetParentEntry(device, kIOServicePlane, &root) == KERN_SUCCESS);
    io_registry_entry_t above_root = 0x1;
    CHECK(IORegistryEntryGetParentEntry(root, kIOServicePlane, &above_root) == kIOReturnNoDevice);
    CHECK(above_root == IO_OBJECT_NULL);
    io_registry_entry_t other_plane = IO_OBJECT_NULL;
    CHECK(IORegistryEntryGetParentEntry(sample, kIOPowerPlane, &other_plane) == kIOReturnNoDevice);

    // Searching up the service plane finds a property of an ancestor.
    CFTypeRef location = IORegistryEntrySearchCFProperty(sample, kIOServicePlane, CFSTR("locationID"), nullptr,
        kIORegistryIterateRecursively | kIORegistryIterateParents);
    CHECK(int_of(location) == 0x14100000);
    CFRelease(location);
    CHECK(IORegistryEntrySearchCFProperty(sample, kIOServicePlane, CFSTR("locationID"), nullptr, 0) == nullptr);

    for (io_object_t each : { sample, interface, device, root })
        IOObjectRelease(each);
}

TEST_CASE_FIXTURE(LabFixture, "properties arrive as CF objects with IOKit's number types")
{
    io_service_t sample = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    CFTypeRef user_class = IORegistryEntryCreateCFProperty(sample, CFSTR("IOUserClass"), kCFAllocatorDefault, 0);
    CHECK(text_of(user_class) == kUserClientSampleClassName);
    CFTypeRef serial = IORegistryEntryCreateCFProperty(sample, CFSTR("Serial"), kCFAllocatorDefault, 0);
    CHECK(CFNumberGetType(static_cast<CFNumberRef>(serial)) == kCFNumberSInt64Type);
    uint64_t serial_value = 0;
    CFNumberGetValue(static_cast<CFNumberRef>(serial), kCFNumberSInt64Type, &serial_value);
    CHECK(serial_value == 0xfedcba9876543210ull);
    CFTypeRef negative = IORegistryEntryCreateCFProperty(sample, CFSTR("Negative"), kCFAllocatorDefault, 0);
    CHECK(CFNumberGetType(static_cast<CFNumberRef>(negative)) == kCFNumberSInt32Type); // 32 bits or fewer
    CHECK(int_of(negative) == -1);
    CFTypeRef blob = IORegistryEntryCreateCFProperty(sample, CFSTR("Blob"), kCFAllocatorDefault, 0);
    REQUIRE(CFGetTypeID(blob) == CFDataGetTypeID());
    CHECK(CFDataGetLength(static_cast<CFDataRef>(blob)) == 3);
    CFTypeRef flags = IORegistryEntryCreateCFProperty(sample, CFSTR("Flags"), kCFAllocatorDefault, 0);
    REQUIRE(CFGetTypeID(flags) == CFArrayGetTypeID());
    CHECK(CFArrayGetValueAtIndex(static_cast<CFArrayRef>(flags), 0) == kCFBooleanTrue);
    CHECK(CFArrayGetValueAtIndex(static_cast<CFArrayRef>(flags), 1) == kCFBooleanFalse);
    CHECK(IORegistryEntryCreateCFProperty(sample, CFSTR("Missing"), kCFAllocatorDefault, 0) == nullptr);

    CFMutableDictionaryRef all = nullptr;
    CHECK(IORegistryEntryCreateCFProperties(sample, &all, kCFAllocatorDefault, 0) == KERN_SUCCESS);
    CHECK(CFDictionaryGetCount(all) == 6);
    CFTypeRef nested = CFDictionaryGetValue(all, CFSTR("Nested"));
    REQUIRE(nested);
    CHECK(int_of(CFDictionaryGetValue(static_cast<CFDictionaryRef>(nested), CFSTR("Depth"))) == 2);
    CFDictionarySetValue(all, CFSTR("Mine"), kCFBooleanTrue); // the app's own mutable copy

    for (CFTypeRef each : { user_class, serial, negative, blob, flags, static_cast<CFTypeRef>(all) })
        CFRelease(each);
    IOObjectRelease(sample);
}

TEST_CASE("CF values and OSSerialize values convert both ways")
{
    CFMutableDictionaryRef dict
        = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    int16_t short_value = -2;
    CFNumberRef short_number = CFNumberCreate(nullptr, kCFNumberSInt16Type, &short_value);
    UInt8 bytes[] = { 9, 8 };
    CFDataRef data = CFDataCreate(nullptr, bytes, 2);
    CFMutableArrayRef array = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    CFArrayAppendValue(array, CFSTR("a"));
    CFArrayAppendValue(array, kCFBooleanFalse);
    CFDictionarySetValue(dict, CFSTR("Short"), short_number);
    CFDictionarySetValue(dict, CFSTR("Data"), data);
    CFDictionarySetValue(dict, CFSTR("Array"), array);

    auto value = iokit::value_from_cf(dict);
    REQUIRE(value);
    auto const& v = value.value();
    CHECK(v.find("Short")->bits == 16);
    CHECK(v.find("Short")->number == 0xfffe); // the width's bits, as OSNumber keeps them
    CHECK(v.find("Data")->data == std::vector<uint8_t> { 9, 8 });
    CHECK(v.find("Array")->array.size() == 2);

    CFTypeRef back = iokit::cf_from_value(v);
    REQUIRE(back);
    // A 16-bit OSNumber keeps 16 bits and IOKit widens it to SInt32 without sign: -2 comes back
    // as 65534, as it does from a Mac's registry.
    CHECK(int_of(CFDictionaryGetValue(static_cast<CFDictionaryRef>(back), CFSTR("Short"))) == 65534);
    CHECK(CFEqual(CFDictionaryGetValue(static_cast<CFDictionaryRef>(back), CFSTR("Data")), data));
    CHECK(CFEqual(CFDictionaryGetValue(static_cast<CFDictionaryRef>(back), CFSTR("Array")), array));

    // Only string keys have an OSSerialize form.
    CFMutableDictionaryRef bad = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(bad, short_number, kCFBooleanTrue);
    CHECK_FALSE(iokit::value_from_cf(bad));
    CHECK_FALSE(iokit::value_from_cf(CFRunLoopGetCurrent()));

    for (CFTypeRef each : { static_cast<CFTypeRef>(dict), static_cast<CFTypeRef>(short_number), static_cast<CFTypeRef>(data),
             static_cast<CFTypeRef>(array), back, static_cast<CFTypeRef>(bad) })
        CFRelease(each);
}

TEST_CASE_FIXTURE(LabFixture, "bad arguments get IOKit's codes, never a crash")
{
    io_name_t name;
    uint64_t id = 1;
    CHECK(IORegistryEntryGetName(IO_OBJECT_NULL, name) == MACH_SEND_INVALID_DEST);
    CHECK(IORegistryEntryGetName(0x9999, name) == MACH_SEND_INVALID_DEST);
    CHECK(IORegistryEntryGetRegistryEntryID(IO_OBJECT_NULL, &id) == MACH_SEND_INVALID_DEST);
    CHECK(id == 0);
    CHECK(IOObjectGetClass(IO_OBJECT_NULL, name) == MACH_SEND_INVALID_DEST);
    CHECK_FALSE(IOObjectConformsTo(IO_OBJECT_NULL, "IOService"));
    CHECK(IOIteratorNext(IO_OBJECT_NULL) == IO_OBJECT_NULL);
    IOIteratorReset(IO_OBJECT_NULL);
    CHECK(IORegistryEntryCreateCFProperty(IO_OBJECT_NULL, CFSTR("x"), nullptr, 0) == nullptr);

    io_iterator_t iterator = IO_OBJECT_NULL;
    CHECK(IOServiceGetMatchingServices(kIOMainPortDefault, nullptr, &iterator) == kIOReturnBadArgument);
    CHECK(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), nullptr) == kIOReturnBadArgument);
    CHECK(IOServiceGetMatchingService(kIOMainPortDefault, nullptr) == IO_OBJECT_NULL);

    // An iterator is not a registry entry; a registry entry is not an iterator.
    REQUIRE(IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator) == KERN_SUCCESS);
    CHECK(IORegistryEntryGetName(iterator, name) == kIOReturnBadArgument);
    CHECK(IOObjectGetClass(iterator, name) == KERN_SUCCESS);
    CHECK(std::string(name) == "IOUserIterator");
    CHECK(IOObjectConformsTo(iterator, "OSIterator"));
    io_service_t sample = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(kUserClientSampleClassName));
    CHECK(IOIteratorNext(sample) == IO_OBJECT_NULL);
    CHECK_FALSE(IOIteratorIsValid(sample));
    CHECK(IORegistryEntryGetName(sample, nullptr) == kIOReturnBadArgument);
    CHECK(IORegistryEntryCreateCFProperties(sample, nullptr, nullptr, 0) == kIOReturnBadArgument);
    CHECK(IORegistryEntryGetParentEntry(sample, nullptr, nullptr) == kIOReturnBadArgument);
    // A dictionary with a key IOKit cannot serialize is refused and still consumed.
    CFMutableDictionaryRef odd = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(odd, kCFBooleanTrue, kCFBooleanTrue);
    io_iterator_t none = IO_OBJECT_NULL;
    CHECK(IOServiceGetMatchingServices(kIOMainPortDefault, odd, &none) == kIOReturnUnsupported);
    CHECK(none == IO_OBJECT_NULL);
    IOObjectRelease(sample);
    IOObjectRelease(iterator);
    CHECK(std::string(mach_error_string(kIOReturnNoDevice)) == "(iokit/common) no such device");
}

TEST_CASE("without a lab, IOKit calls fail with kIOReturnNotReady and say why once on stderr")
{
    ipc::set_app_port(nullptr);
    iokit::forget_missing_lab_notice();
    std::fflush(stderr);
    std::FILE* captured = std::tmpfile();
    REQUIRE(captured);
    int saved = dup(fileno(stderr));
    dup2(fileno(captured), fileno(stderr));

    io_iterator_t iterator = IO_OBJECT_NULL;
    kern_return_t status = IOServiceGetMatchingServices(kIOMainPortDefault, IOServiceMatching("IOService"), &iterator);
    io_service_t service = IOServiceGetMatchingService(kIOMainPortDefault, IOServiceMatching("IOService"));

    std::fflush(stderr);
    dup2(saved, fileno(stderr));
    close(saved);
    std::rewind(captured);
    std::string said;
    char line[512];
    while (std::fgets(line, sizeof line, captured))
        said += line;
    std::fclose(captured);

    CHECK(status == kIOReturnNotReady);
    CHECK(iterator == IO_OBJECT_NULL);
    CHECK(service == IO_OBJECT_NULL);
    // One line, however many calls failed, pointing at the fix.
    CHECK(std::count(said.begin(), said.end(), '\n') == 1);
    CHECK(said.find("Link it with the dextlab lab") != std::string::npos);
}
