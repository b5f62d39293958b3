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
    static constexpr size_t kFrames = 4;
    std::array<void*, kFrames> frames {};
    uint8_t count { 0 };

    // The innermost frames outside libDriverKit, up to where the stack re-enters it (the code
    // that made the object, not what called that code): a partial unwind, about a microsecond.
    // Inside a CreationSiteScope, the scope's site.
    static CreationSite capture();
};

// Objects the runtime makes for a dext's call (the dictionary CopyProperties returns, and each
// value in it) are created in the dext's code that made the call: one unwind for all of them.
class CreationSiteScope {
public:
    CreationSiteScope();
    ~CreationSiteScope();
    CreationSiteScope(CreationSiteScope const&) = delete;
    CreationSiteScope& operator=(CreationSiteScope const&) = delete;

private:
    CreationSite m_site;
    CreationSite const* m_previous;
};

// The first captured frame in one of `modules` (the dext's files, as the loader names them) that
// is not construction plumbing (a constructor, the class factory or CreateAction… method
// dextlab-iig generates), or failing that the first in them at all; with no modules (runtime
// tests), the first frame outside libDriverKit. Empty if no frame qualifies: the runtime made
// the object for itself (a proxy for a kernel object, say).
std::string describe_creation_site(CreationSite const& site, std::vector<std::string> const& modules);

// `name` demangled ("_ZN3Foo3barEv" -> "Foo::bar()"); unchanged if it is not a mangled name.
std::string demangle(char const* name);

} // namespace dextlab::sdk
