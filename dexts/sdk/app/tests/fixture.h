#pragma once
// One test's lab: a FakeLab attached as the app's port, and a check at the end that the test
// gave back every IOKit handle it was given.

#include "io_objects.h"
#include "test_app_port.h"

#include <CoreFoundation/CoreFoundation.h>
#include <IOKit/IOKitLib.h>

namespace dextlab::test {

struct LabFixture {
    LabFixture() { ipc::set_app_port(&lab); }
    ~LabFixture()
    {
        CHECK(iokit::ObjectTable::shared().live_count() == handles_before);
        ipc::set_app_port(nullptr);
    }
    LabFixture(LabFixture const&) = delete;
    LabFixture& operator=(LabFixture const&) = delete;

    FakeLab lab;
    size_t handles_before { iokit::ObjectTable::shared().live_count() };
};

// The text of a CFString, for assertions.
inline std::string text_of(CFTypeRef string)
{
    char buffer[512] = {};
    if (!string || CFGetTypeID(string) != CFStringGetTypeID()
        || !CFStringGetCString(static_cast<CFStringRef>(string), buffer, sizeof buffer, kCFStringEncodingUTF8))
        return "<not a string>";
    return buffer;
}

inline int64_t int_of(CFTypeRef number)
{
    int64_t value = 0;
    if (number && CFGetTypeID(number) == CFNumberGetTypeID())
        CFNumberGetValue(static_cast<CFNumberRef>(number), kCFNumberSInt64Type, &value);
    return value;
}

} // namespace dextlab::test
