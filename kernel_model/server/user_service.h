#pragma once
// A service a dext provides: the kernel's IOUserService registry entry whose implementation
// lives in the dext (named after its IOUserClass, as on macOS).

#include "kernel_model/registry/registry.h"

#include <string>

namespace dextlab::kernel {

class UserServer;

enum class ServiceState : uint8_t {
    Instantiated, // init ran in the dext; Start not yet delivered
    Starting,     // Start sent, not yet returned
    Started,
    Stopping,     // Stop sent
    Stopped,      // Stop returned and reached IOService::Stop; about to be released
    Failed,       // Start failed or the server died
};
char const* to_string(ServiceState);

class UserService final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override
    {
        // A user client's kernel class (IOUserUserClient) is an IOUserClient.
        if (ioclass == "IOUserUserClient")
            return { ioclass, "IOUserClient", "IOService", "IORegistryEntry", "OSObject" };
        // IOHIDFamily's kernel classes for IOUserHIDDevice and IOUserHIDEventService.
        if (ioclass == "AppleUserHIDDevice")
            return { ioclass, "IOHIDDevice", "IOService", "IORegistryEntry", "OSObject" };
        if (ioclass == "AppleUserHIDEventService")
            return { ioclass, "IOHIDEventService", "IOService", "IORegistryEntry", "OSObject" };
        return { ioclass, "IOService", "IORegistryEntry", "OSObject" };
    }
    std::string ioclass { "IOUserService" }; // the personality's IOClass
    std::string user_class;                  // IOUserClass
    std::string personality;                 // its name in IOKitPersonalities
    UserServer* server { nullptr };
    RegistryEntry* provider { nullptr };
    ServiceState state { ServiceState::Instantiated };
    bool super_start_called { false }; // Start reached IOService::Start (SUPERDISPATCH)
    bool super_stop_called { false };  // Stop reached IOService::Stop: termination may finish
    bool stop_returned { false };
    bool register_requested { false };
    bool terminating { false };
};

} // namespace dextlab::kernel
