#pragma once
// A driver that lives in the kernel, started for a codeless dext: a dext bundle with no code
// whose personality names a kernel IOClass and no IOUserClass. It carries its personality's
// properties into the registry and registers itself, so other personalities can match on it;
// it runs no dext code and has no IOUserServer. (Apple's own dexts that codeless personalities
// often name, like AppleUserHIDDrivers, are not part of the lab.)

#include "kernel_model/registry/registry.h"

#include <string>

namespace dextlab::kernel {

class KernelDriver final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { ioclass, "IOService", "IORegistryEntry", "OSObject" }; }
    std::string ioclass { "IOService" };
    std::string personality;
    std::string bundle;
};

} // namespace dextlab::kernel
