// The non-virtual parts of the usb_device.h contract: the device-model registry and the names
// of transfer statuses.

#include "devices/usb/usb_device.h"

#include <cassert>

namespace dextlab::usb {

char const* to_string(TransferStatus status)
{
    switch (status) {
    case TransferStatus::Pending:
        return "pending";
    case TransferStatus::Success:
        return "success";
    case TransferStatus::Stall:
        return "stall";
    case TransferStatus::Aborted:
        return "aborted";
    case TransferStatus::NoDevice:
        return "no-device";
    case TransferStatus::Overrun:
        return "overrun";
    }
    return "?";
}

namespace {

// A function-local static, so models registering from other translation units' static
// initialisers never find it unconstructed. std::map keeps entries sorted by name and at
// stable addresses, which find() hands out.
std::map<std::string, DeviceModel>& registry()
{
    static std::map<std::string, DeviceModel> models;
    return models;
}

} // namespace

void DeviceModels::add(DeviceModel model)
{
    assert(!model.name.empty() && model.create && "a device model needs a name and a factory");
    auto name = model.name;
    bool const fresh = registry().emplace(std::move(name), std::move(model)).second;
    assert(fresh && "two device models registered under one name");
    (void)fresh;
}

DeviceModel const* DeviceModels::find(std::string const& name)
{
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

std::vector<DeviceModel const*> DeviceModels::all()
{
    std::vector<DeviceModel const*> models;
    for (auto const& [name, model] : registry())
        models.push_back(&model);
    return models;
}

} // namespace dextlab::usb
