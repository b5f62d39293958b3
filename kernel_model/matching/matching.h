#pragma once
// Passive matching of one personality against one nub, as IOKit does it: the generic keys in
// IOService::matchPassive's order, then the family's own rules (USB: the Common Class
// Specification table). The result says which key decided, so `match --explain` and the trace
// can tell a developer why their dext did not load.

#include "kernel_model/registry/registry.h"

#include <string>
#include <vector>

namespace dextlab::kernel {

struct MatchResult {
    bool matched { false };
    int64_t score { 0 };
    std::string rule;        // which rule gave the score ("USB interface: idVendor+idProduct (90000)")
    std::string failed_key;  // the first key that failed, when not matched
    std::string reason;      // one sentence: why it failed or how it scored
};

MatchResult match_personality(PropertyDict const& personality, RegistryEntry const& nub);

// The USB rules alone (exposed for data-driven tests). `interface` selects the interface
// variant of the table. Returns matched=false with the reason when no row applies.
MatchResult match_usb(PropertyDict const& personality, RegistryEntry const& nub, bool interface);

// The category a personality competes in (IOMatchCategory, default IODefaultMatchCategory).
std::string match_category(PropertyDict const& personality);

} // namespace dextlab::kernel
