#pragma once
// IOUserResources: the registry nub that is always present for dexts that drive no hardware
// (virtual HID devices, user-client-only services). They match it with
// IOProviderClass = IOUserResources and IOResourceMatch = IOKit (reference 3.1).

#include "registry.h"

namespace dextlab::kernel {

class UserResourcesNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { "IOUserResources", "IOService", "IORegistryEntry", "OSObject" }; }
};

} // namespace dextlab::kernel
