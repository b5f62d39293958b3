#include "app_port_lab.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/matching/matching.h"
#include "kernel_model/properties/user_properties.h"
#include "kernel_model/registry/property_serial.h"
#include "sim/lab/lab.h"

namespace dextlab::lab {

namespace kr = ipc::kr;

LabAppPort::LabAppPort(Lab& lab, kernel::AppIdentity app)
    : m_lab(lab)
    , m_app(std::move(app))
{
    m_lab.kernel().set_registry_observer([this](kernel::RegistryEntry const& entry, kernel::RegistryEvent event) { registry_event(entry, event); });
}

LabAppPort::~LabAppPort()
{
    m_lab.kernel().set_registry_observer({});
    m_lab.kernel().user_clients().set_delivery_hook({});
    for (uint64_t connection : std::set<uint64_t>(m_connections))
        close(connection);
}

bool LabAppPort::matches(kernel::PropertyDict const& matching, kernel::RegistryEntry const& entry) const
{
    // A dictionary without IOProviderClass (IOServiceNameMatching's) selects among all services.
    if (!matching.contains("IOProviderClass")) {
        kernel::PropertyDict with_class = matching;
        with_class["IOProviderClass"] = kernel::Property::string("IOService");
        return kernel::match_personality(with_class, entry).matched;
    }
    return kernel::match_personality(matching, entry).matched;
}

std::vector<uint64_t> LabAppPort::matching_services(kernel::PropertyDict const& matching) const
{
    std::vector<uint64_t> found;
    kernel::for_each_entry(m_lab.kernel().registry(), [&](kernel::RegistryEntry const& entry, int) {
        if (entry.registered && entry.active && entry.parent && matches(matching, entry))
            found.push_back(entry.id());
    });
    return found;
}

ipc::AppResult<std::vector<uint64_t>> LabAppPort::matching_services(std::vector<uint8_t> const& matching)
{
    ipc::AppResult<std::vector<uint64_t>> result;
    auto dict = kernel::property_from_bytes(matching);
    if (!dict || !dict.value().is_dict()) {
        result.status = kr::BadArgument;
        result.message = dict ? "the matching dictionary is not a dictionary" : dict.error().message;
        return result;
    }
    result.value = matching_services(dict.value().as_dict());
    return result;
}

ipc::AppResult<std::vector<uint8_t>> LabAppPort::property(uint64_t id, std::string const& key)
{
    ipc::AppResult<std::vector<uint8_t>> result;
    auto const* entry = m_lab.kernel().find_entry(id);
    if (!entry) {
        result.status = kr::NoDevice;
        return result;
    }
    // What the app sees is the merged view: a dext's SetProperties values over the kernel's.
    auto const* value = kernel::visible_property(*entry, key);
    if (!value) {
        result.status = kr::NotFound;
        return result;
    }
    result.value = kernel::property_to_bytes(*value);
    return result;
}

ipc::AppResult<std::vector<uint8_t>> LabAppPort::properties(uint64_t id)
{
    ipc::AppResult<std::vector<uint8_t>> result;
    auto const* entry = m_lab.kernel().find_entry(id);
    if (!entry) {
        result.status = kr::NoDevice;
        return result;
    }
    result.value = kernel::property_to_bytes(kernel::Property::dict(kernel::merged_properties(*entry)));
    return result;
}

ipc::AppResult<std::string> LabAppPort::entry_name(uint64_t id)
{
    ipc::AppResult<std::string> result;
    if (auto const* entry = m_lab.kernel().find_entry(id))
        result.value = entry->name;
    else
        result.status = kr::NoDevice;
    return result;
}

ipc::AppResult<std::string> LabAppPort::entry_class(uint64_t id)
{
    ipc::AppResult<std::string> result;
    if (auto const* entry = m_lab.kernel().find_entry(id))
        result.value = entry->class_name();
    else
        result.status = kr::NoDevice;
    return result;
}

ipc::AppResult<uint64_t> LabAppPort::parent(uint64_t id)
{
    ipc::AppResult<uint64_t> result;
    auto const* entry = m_lab.kernel().find_entry(id);
    if (!entry || !entry->parent)
        result.status = entry ? kr::NotFound : kr::NoDevice;
    else
        result.value = entry->parent->id();
    return result;
}

bool LabAppPort::entry_exists(uint64_t id) { return m_lab.kernel().find_entry(id) != nullptr; }

ipc::AppResult<uint64_t> LabAppPort::open(uint64_t service, uint32_t type)
{
    auto result = m_lab.kernel().user_clients().open(m_app, service, type);
    if (result.ok())
        m_connections.insert(result.value);
    return result;
}

uint32_t LabAppPort::close(uint64_t connection)
{
    m_connections.erase(connection);
    return m_lab.kernel().user_clients().close(connection);
}

ipc::MethodResult LabAppPort::call_method(uint64_t connection, ipc::MethodCall call)
{
    return m_lab.kernel().user_clients().call(connection, std::move(call));
}

ipc::AppResult<ipc::ClientMapping> LabAppPort::map_memory(uint64_t connection, uint64_t memory_type, uint64_t options)
{
    return m_lab.kernel().user_clients().map(connection, memory_type, options);
}

uint32_t LabAppPort::unmap_memory(uint64_t connection, uint64_t mapping_id)
{
    return m_lab.kernel().user_clients().unmap(connection, mapping_id);
}

ipc::AppResult<uint64_t> LabAppPort::add_notification(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching,
    std::function<void(uint64_t entry)> callback)
{
    ipc::AppResult<uint64_t> result;
    auto dict = kernel::property_from_bytes(matching);
    if (!dict || !dict.value().is_dict()) {
        result.status = kr::BadArgument;
        result.message = dict ? "the matching dictionary is not a dictionary" : dict.error().message;
        return result;
    }
    result.value = m_next_notification++;
    m_notifications.push_back(Notification { result.value, kind, dict.value().as_dict(), std::move(callback) });
    return result;
}

void LabAppPort::remove_notification(uint64_t id)
{
    std::erase_if(m_notifications, [id](Notification const& n) { return n.id == id; });
}

std::vector<uint64_t> LabAppPort::current_matches(ipc::ServiceNotification kind, std::vector<uint8_t> const& matching)
{
    if (kind == ipc::ServiceNotification::Terminated)
        return {};
    auto dict = kernel::property_from_bytes(matching);
    if (!dict || !dict.value().is_dict())
        return {};
    return matching_services(dict.value().as_dict());
}

void LabAppPort::registry_event(kernel::RegistryEntry const& entry, kernel::RegistryEvent event)
{
    for (auto const& n : m_notifications) {
        bool wanted = event == kernel::RegistryEvent::Terminated ? n.kind == ipc::ServiceNotification::Terminated
                                                                 : n.kind != ipc::ServiceNotification::Terminated;
        if (!wanted || !n.callback || !matches(n.matching, entry))
            continue;
        // Delivered by the app's run loop, in order with async results, never from inside the kernel.
        m_lab.kernel().user_clients().post_to_app([callback = n.callback, id = entry.id()] { callback(id); });
    }
}

void LabAppPort::set_always_in_run_loop(bool on)
{
    if (!on) {
        m_lab.kernel().user_clients().set_delivery_hook({});
        return;
    }
    // Each delivery runs in its own event at the instant it was posted, never inside the
    // kernel operation that posted it.
    m_lab.kernel().user_clients().set_delivery_hook([this] { m_lab.scheduler().schedule_after(0, [this] { deliver_pending(); }); });
}

void LabAppPort::deliver_pending()
{
    auto& deliveries = m_lab.kernel().user_clients().app_deliveries();
    while (!deliveries.empty()) {
        auto next = std::move(deliveries.front());
        deliveries.pop_front();
        next();
    }
}

bool LabAppPort::run_once()
{
    auto& deliveries = m_lab.kernel().user_clients().app_deliveries();
    while (deliveries.empty()) {
        if (!m_lab.scheduler().step())
            return false;
    }
    deliver_pending();
    return true;
}

} // namespace dextlab::lab
