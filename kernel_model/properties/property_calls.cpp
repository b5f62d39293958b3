#include "property_calls.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/properties/trace_points.h"
#include "kernel_model/properties/user_properties.h"
#include "kernel_model/registry/property_serial.h"
#include "kernel_model/trace_points.h"

namespace dextlab::kernel {

namespace ids = ipc::ids;
namespace kr = ipc::kr;

namespace {

constexpr size_t kTracedValueText = 96; // a long OSData is cut in traces, never in the registry

// As ioreg prints it, except a string, which the trace quotes itself when it needs to.
std::string value_text(Property const& value)
{
    std::string text = value.is_string() ? value.as_string() : value.to_ioreg_text();
    return text.size() <= kTracedValueText ? text : text.substr(0, kTracedValueText) + "...";
}

char const* method_of(uint64_t msgid)
{
    if (msgid == ids::IOService_CopyProperties)
        return "IOService::CopyProperties";
    if (msgid == ids::IOService_SearchProperty)
        return "IOService::SearchProperty";
    if (msgid == ids::IOService_SetProperties)
        return "IOService::SetProperties";
    if (msgid == ids::IOService_RemoveProperty)
        return "IOService::RemoveProperty";
    if (msgid == ids::IOService_CopyProviderProperties)
        return "IOService::CopyProviderProperties";
    return nullptr;
}

// A reply carrying a property value as OSSerialize bytes.
ipc::Message reply_with(Property const& value)
{
    auto reply = ipc::make_reply(kr::Success);
    auto bytes = property_to_bytes(value);
    ipc::WireWriter(reply).bytes(bytes.data(), bytes.size());
    return reply;
}

} // namespace

PropertyCalls::PropertyCalls(Kernel& kernel)
    : m_kernel(kernel)
{
}

std::optional<ipc::Message> PropertyCalls::handle(UserServer& server, ipc::Message const& message)
{
    char const* method = method_of(message.header.msgid);
    if (message.kind() != ipc::MessageKind::Call || !method)
        return std::nullopt;
    ipc::Message reply = ipc::make_reply(kr::NoDevice); // the entry is gone: what a dext sees on macOS too
    if (auto* entry = m_kernel.objects().find_as<RegistryEntry>(message.header.target)) {
        switch (message.header.msgid) {
        case ids::IOService_CopyProperties: reply = copy_properties(*entry); break;
        case ids::IOService_SearchProperty: reply = search_property(server, *entry, message); break;
        case ids::IOService_SetProperties: reply = set_properties(server, *entry, message); break;
        case ids::IOService_RemoveProperty: reply = remove_property(server, *entry, message); break;
        default: reply = copy_provider_properties(server, *entry, message); break;
        }
    }
    ipc::WireReader status_reader(reply);
    auto status = ipc::reply_status(reply, status_reader);
    m_kernel.trace().emit(tp::ipc_to_kernel, server.display_name(), "ipc", method,
        { TraceField::hex("target", message.header.target),
            TraceField::text("status", kr::ioreturn_name(static_cast<uint32_t>(status ? status.value() : kr::IPCError))) });
    return reply;
}

ipc::Message PropertyCalls::malformed(UserServer& server, char const* method, std::string const& why)
{
    m_kernel.trace().emit(tp::server_error, server.display_name(), "ipc", server.name(),
        { TraceField::text("what", std::string("malformed ") + method + " message: " + why) });
    return ipc::make_reply(kr::BadArgument);
}

bool PropertyCalls::owns(UserServer& server, RegistryEntry const& entry, char const* method)
{
    auto const* service = dynamic_cast<UserService const*>(&entry);
    if (service && service->server == &server)
        return true;
    m_kernel.trace().emit(tp::property_refused, server.display_name(), "lifecycle", entry.name,
        { TraceField::text("method", method), TraceField::text("status", "kIOReturnUnsupported"),
            TraceField::text("what", entry.name + (entry.name == entry.class_name() ? "" : " (" + entry.class_name() + ")")
                    + " is not a service of this dext: IOKit lets a dext change "
                    "only its own services' properties. Set them on your service (this), and read the provider's with SearchProperty") });
    return false;
}

ipc::Message PropertyCalls::copy_properties(RegistryEntry const& entry) { return reply_with(Property::dict(merged_properties(entry))); }

ipc::Message PropertyCalls::search_property(UserServer& server, RegistryEntry const& entry, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto key = args.str();
    auto plane = args.str();
    auto options = args.u64();
    if (!key || !plane || !options)
        return malformed(server, "IOService::SearchProperty", "expected the name, the plane and the options");
    auto found = kernel::search_property(entry, key.value(), plane.value(), options.value());
    std::vector<TraceField> fields { TraceField::text("key", key.value()), TraceField::text("plane", plane.value()),
        TraceField::hex("options", options.value()) };
    if (found.value) {
        fields.push_back(TraceField::text("found_in", found.found_in->name));
        fields.push_back(TraceField::text("value", value_text(*found.value)));
    } else {
        fields.push_back(TraceField::text("status", "kIOReturnNotFound"));
    }
    m_kernel.trace().emit(tp::property_search, server.display_name(), "registry", entry.name, std::move(fields));
    return found.value ? reply_with(*found.value) : ipc::make_reply(kr::NotFound);
}

ipc::Message PropertyCalls::set_properties(UserServer& server, RegistryEntry& entry, ipc::Message const& message)
{
    constexpr char const* method = "IOService::SetProperties";
    ipc::WireReader args(message);
    auto given = args.u64();
    if (!given)
        return malformed(server, method, "expected whether a dictionary follows");
    std::optional<Property> values;
    if (given.value()) {
        auto bytes = args.bytes();
        if (!bytes)
            return malformed(server, method, "expected the dictionary's OSSerialize bytes");
        auto parsed = property_from_bytes(bytes.value());
        if (!parsed)
            return malformed(server, method, parsed.error().message);
        values = std::move(parsed).value();
    }
    if (!owns(server, entry, method))
        return ipc::make_reply(kr::Unsupported);
    // IOService::setProperties refuses everything; the dext's own dictionary is then merged.
    if (!values || !values->is_dict()) {
        m_kernel.trace().emit(tp::property_refused, server.display_name(), "lifecycle", entry.name,
            { TraceField::text("method", method), TraceField::text("status", "kIOReturnUnsupported"),
                TraceField::text("what", std::string("SetProperties takes an OSDictionary; got ") + (values ? values->type_name() : "NULL")) });
        return ipc::make_reply(kr::Unsupported);
    }
    PropertyDict before = entry.properties;
    auto shadowed = set_user_properties(entry, values->as_dict());
    for (auto const& [key, value] : values->as_dict())
        m_kernel.trace().emit(tp::property_set, server.display_name(), "registry", entry.name,
            { TraceField::text("key", key), TraceField::text("value", value_text(value)) });
    for (auto const& key : shadowed) {
        m_kernel.trace().emit(tp::property_shadowed, server.display_name(), "lifecycle", entry.name,
            { TraceField::text("key", key), TraceField::text("kernel", value_text(before.at(key))),
                TraceField::text("dext", value_text(values->as_dict().at(key))),
                TraceField::text("what", "the kernel owns " + key + " on " + entry.name + ": SetProperties put the dext's value in "
                        + kIOUserServicePropertiesKey + " and the registry's own stays " + value_text(before.at(key))
                        + ", but CopyProperties, apps and ioreg now read the dext's. Use a key of your own") });
    }
    return ipc::make_reply(kr::Success);
}

ipc::Message PropertyCalls::remove_property(UserServer& server, RegistryEntry& entry, ipc::Message const& message)
{
    constexpr char const* method = "IOService::RemoveProperty";
    ipc::WireReader args(message);
    auto given = args.u64();
    auto key = args.str();
    if (!given || !key)
        return malformed(server, method, "expected whether a name follows, and the name");
    if (!given.value())
        return ipc::make_reply(kr::Unsupported); // RemoveProperty(NULL), as IOService answers it
    if (!owns(server, entry, method))
        return ipc::make_reply(kr::Unsupported);
    uint32_t status = remove_user_property(entry, key.value()) ? kr::Success : kr::NotFound;
    m_kernel.trace().emit(tp::property_remove, server.display_name(), "registry", entry.name,
        { TraceField::text("key", key.value()), TraceField::text("status", kr::ioreturn_name(status)) });
    return ipc::make_reply(status);
}

ipc::Message PropertyCalls::copy_provider_properties(UserServer& server, RegistryEntry const& entry, ipc::Message const& message)
{
    constexpr char const* method = "IOService::CopyProviderProperties";
    ipc::WireReader args(message);
    auto given = args.u64();
    if (!given)
        return malformed(server, method, "expected whether a key array follows");
    std::optional<std::vector<std::string>> keys;
    if (given.value()) {
        auto bytes = args.bytes();
        if (!bytes)
            return malformed(server, method, "expected the key array's OSSerialize bytes");
        auto parsed = property_from_bytes(bytes.value());
        if (!parsed)
            return malformed(server, method, parsed.error().message);
        // Members that are not strings name no key (OSDynamicCast to OSString fails in IOKit too).
        keys.emplace();
        if (parsed.value().is_array()) {
            for (auto const& member : parsed.value().as_array()) {
                if (member.is_string())
                    keys->push_back(member.as_string());
            }
        }
    }
    return reply_with(Property::array(provider_properties(entry, keys)));
}

} // namespace dextlab::kernel
