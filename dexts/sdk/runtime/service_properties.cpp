// IOService's registry-property calls in the dext: each is a Call to the kernel
// (kernel_model/properties) whose values travel as OSSerialize bytes, built from and turned back
// into the dext's OS containers. The kernel decides what a dext may change; the runtime only
// refuses what cannot be sent (and says why in the log).

#include "container_serial.h"
#include "ivars.h"

#include "kernel_model/ipc/method_ids.h"

#include <DriverKit/OSCollections.h>

#include <cstring>
#include <optional>
#include <string>
#include <vector>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;
namespace ids = dextlab::ipc::ids;

namespace {

// Reads the OSSerialize bytes of a reply into a new object (the caller's reference).
kern_return_t read_object(DextServer* server, ipc::WireReader& reply, char const* method, OSObject** out)
{
    auto bytes = reply.bytes();
    if (!bytes)
        return kIOReturnIPCError;
    dextlab::sdk::CreationSiteScope made_for_the_caller;
    auto object = dextlab::sdk::unserialize_object(bytes.value());
    if (!object) {
        server->log(std::string("runtime: ") + method + ": the kernel's reply did not parse: " + object.error().message);
        return kIOReturnIPCError;
    }
    *out = object.value();
    return kIOReturnSuccess;
}

// The bytes of a property value the dext passes in (none for NULL); an unsendable value is
// logged, naming the call, and the call fails before anything is sent.
std::optional<std::vector<uint8_t>> bytes_of(DextServer* server, OSObject const* object, char const* method, bool& sendable)
{
    sendable = true;
    if (!object)
        return std::nullopt;
    auto bytes = dextlab::sdk::serialize_object(object);
    if (!bytes) {
        server->log(std::string("runtime: ") + method + " refused: " + bytes.error().message);
        sendable = false;
        return std::nullopt;
    }
    return std::move(bytes).value();
}

// NULL travels as a flag and no bytes: the kernel answers as IOService does when given none.
void write_optional(ipc::WireWriter& args, std::optional<std::vector<uint8_t>> const& bytes)
{
    args.u64(bytes.has_value());
    if (bytes)
        args.bytes(bytes->data(), bytes->size());
}

std::string bounded(char const* text, size_t capacity) { return text ? std::string(text, strnlen(text, capacity)) : std::string(); }

} // namespace

kern_return_t IOService::CopyProperties_Impl(OSDictionary** properties)
{
    if (!properties)
        return kIOReturnBadArgument;
    *properties = nullptr;
    auto* server = DextServer::of(this);
    OSObject* copy = nullptr;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ids::IOService_CopyProperties, {},
        [&](ipc::WireReader& reply) { return read_object(server, reply, "CopyProperties", &copy); });
    if (ret != kIOReturnSuccess)
        return ret;
    *properties = OSDynamicCast(OSDictionary, copy);
    if (!*properties) {
        OSSafeReleaseNULL(copy);
        return kIOReturnIPCError;
    }
    return kIOReturnSuccess;
}

kern_return_t IOService::SearchProperty_Impl(const IOPropertyName name, const IORegistryPlaneName plane, uint64_t options,
    OSContainer** property)
{
    if (!property || !name)
        return kIOReturnBadArgument;
    *property = nullptr;
    auto* server = DextServer::of(this);
    OSObject* found = nullptr;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ids::IOService_SearchProperty,
        [&](ipc::WireWriter& args) {
            args.str(bounded(name, sizeof(IOPropertyName))).str(bounded(plane, sizeof(IORegistryPlaneName))).u64(options);
        },
        [&](ipc::WireReader& reply) { return read_object(server, reply, "SearchProperty", &found); });
    if (ret != kIOReturnSuccess)
        return ret;
    *property = OSDynamicCast(OSContainer, found);
    return kIOReturnSuccess;
}

kern_return_t IOService::SetProperties_Impl(OSDictionary* properties)
{
    auto* server = DextServer::of(this);
    bool sendable = true;
    auto bytes = bytes_of(server, properties, "SetProperties", sendable);
    if (!sendable)
        return kIOReturnBadArgument;
    return server->call_kernel(__dextlab_object_id, ids::IOService_SetProperties, [&](ipc::WireWriter& args) { write_optional(args, bytes); });
}

kern_return_t IOService::RemoveProperty_Impl(OSString* propertyName)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, ids::IOService_RemoveProperty, [&](ipc::WireWriter& args) {
        args.u64(propertyName != nullptr).str(propertyName && propertyName->getLength() ? propertyName->getCStringNoCopy() : "");
    });
}

kern_return_t IOService::CopyProviderProperties_Impl(OSArray* propertyKeys, OSArray** properties)
{
    if (!properties)
        return kIOReturnBadArgument;
    *properties = nullptr;
    auto* server = DextServer::of(this);
    bool sendable = true;
    auto keys = bytes_of(server, propertyKeys, "CopyProviderProperties", sendable);
    if (!sendable)
        return kIOReturnBadArgument;
    OSObject* copy = nullptr;
    kern_return_t ret = server->call_kernel(__dextlab_object_id, ids::IOService_CopyProviderProperties,
        [&](ipc::WireWriter& args) { write_optional(args, keys); },
        [&](ipc::WireReader& reply) { return read_object(server, reply, "CopyProviderProperties", &copy); });
    if (ret != kIOReturnSuccess)
        return ret;
    *properties = OSDynamicCast(OSArray, copy);
    if (!*properties) {
        OSSafeReleaseNULL(copy);
        return kIOReturnIPCError;
    }
    return kIOReturnSuccess;
}
