#pragma once
// The kernel's end of IOService's property calls from a dext: CopyProperties, SearchProperty,
// SetProperties, RemoveProperty and CopyProviderProperties. Values travel as OSSerialize bytes
// (kernel_model/ipc/os_serialize.h); the registry side is kernel_model/properties/user_properties.h.
// Every change is traced, and so is what IOKit refuses. The Kernel hands every Call here first
// (handle_from_dext).

#include "kernel_model/ipc/message.h"

#include <optional>
#include <string>

namespace dextlab::kernel {

class Kernel;
class RegistryEntry;
class UserServer;

class PropertyCalls {
public:
    explicit PropertyCalls(Kernel& kernel);

    // The reply to a Call this part of the kernel serves; nothing for any other message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);

private:
    ipc::Message copy_properties(RegistryEntry const& entry);
    ipc::Message search_property(UserServer& server, RegistryEntry const& entry, ipc::Message const& message);
    ipc::Message set_properties(UserServer& server, RegistryEntry& entry, ipc::Message const& message);
    ipc::Message remove_property(UserServer& server, RegistryEntry& entry, ipc::Message const& message);
    ipc::Message copy_provider_properties(UserServer& server, RegistryEntry const& entry, ipc::Message const& message);
    // Whether `server` provides `entry` (a dext may change only its own services' properties);
    // if not, the refusal is traced and the reply is kIOReturnUnsupported, as IOKit answers.
    bool owns(UserServer& server, RegistryEntry const& entry, char const* method);
    ipc::Message malformed(UserServer& server, char const* method, std::string const& why);

    Kernel& m_kernel;
};

} // namespace dextlab::kernel
