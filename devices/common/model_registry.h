#pragma once
// The registry of a bus's device models, filled by one registration line at the end of each
// model's file (DEXTLAB_USB_DEVICE_MODEL, DEXTLAB_PCI_DEVICE_MODEL) and read by the lab's `plug`
// and `dextlab models`. `Model` has a `name` and a `create` factory.

#include <cassert>
#include <map>
#include <string>
#include <vector>

namespace dextlab::devices {

template<typename Model>
class ModelRegistry {
public:
    static void add(Model model)
    {
        assert(!model.name.empty() && model.create && "a device model needs a name and a factory");
        auto name = model.name;
        bool const fresh = models().emplace(std::move(name), std::move(model)).second;
        assert(fresh && "two device models of one bus registered under one name");
        (void)fresh;
    }
    static Model const* find(std::string const& name)
    {
        auto it = models().find(name);
        return it == models().end() ? nullptr : &it->second;
    }
    // Sorted by name.
    static std::vector<Model const*> all()
    {
        std::vector<Model const*> found;
        for (auto const& [name, model] : models())
            found.push_back(&model);
        return found;
    }

private:
    // A function-local static, so models registering from other translation units' static
    // initialisers never find it unconstructed; std::map keeps entries sorted by name and at the
    // stable addresses find() hands out.
    static std::map<std::string, Model>& models()
    {
        static std::map<std::string, Model> registered;
        return registered;
    }
};

} // namespace dextlab::devices
