// The non-virtual part of the pci_device.h contract: the device-model registry.

#include "devices/pci/pci_device.h"

#include <cassert>
#include <map>

namespace dextlab::pci {

namespace {

// A function-local static, so models registering from other translation units' static
// initialisers never find it unconstructed; std::map keeps names sorted and addresses stable.
std::map<std::string, PciDeviceModel>& registry()
{
    static std::map<std::string, PciDeviceModel> models;
    return models;
}

} // namespace

void PciDeviceModels::add(PciDeviceModel model)
{
    assert(!model.name.empty() && model.create && "a device model needs a name and a factory");
    auto name = model.name;
    bool const fresh = registry().emplace(std::move(name), std::move(model)).second;
    assert(fresh && "two PCI device models registered under one name");
    (void)fresh;
}

PciDeviceModel const* PciDeviceModels::find(std::string const& name)
{
    auto it = registry().find(name);
    return it == registry().end() ? nullptr : &it->second;
}

std::vector<PciDeviceModel const*> PciDeviceModels::all()
{
    std::vector<PciDeviceModel const*> models;
    for (auto const& [name, model] : registry())
        models.push_back(&model);
    return models;
}

} // namespace dextlab::pci
