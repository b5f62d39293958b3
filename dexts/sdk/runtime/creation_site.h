#pragma once
// Where a dext object was created, for the leak census: a few return addresses taken when the
// object is constructed (cheap: no symbols), turned into text only when a leak is reported.
// The text names the first frame in the dext's own code, as a demangled function and an offset
// into it ("PropertySampleDriver::Start_Impl(IOService*)+0x5c"): the same on every run and in
// every process that loads the same dext, because it never depends on where things were mapped.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace dextlab::sdk {

struct CreationSite {
    static constexpr size_t kFrames = 16;
    std::array<void*, kFrames> frames {};
    uint8_t count { 0 };

    // The calling thread's stack, innermost first.
    static CreationSite capture();
};

// The first frame in one of `modules` (paths as dlopen was given them) that is not construction
// plumbing (a constructor, the class factory or CreateAction… method dextlab-iig generates), or
// failing that the first frame in them at all; with no modules, the first frame outside
// libDriverKit. Empty if no frame qualifies (the runtime made the object for itself).
std::string describe_creation_site(CreationSite const& site, std::vector<std::string> const& modules);

// `name` demangled ("_ZN3Foo3barEv" -> "Foo::bar()"); unchanged if it is not a mangled name.
std::string demangle(char const* name);

} // namespace dextlab::sdk
