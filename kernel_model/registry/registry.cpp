#include "registry.h"

#include <sstream>

namespace dextlab::kernel {

std::string const& KernelObject::class_name() const
{
    if (m_class_name_cache.empty())
        m_class_name_cache = class_chain().front();
    return m_class_name_cache;
}

bool KernelObject::conforms_to(std::string const& name) const
{
    for (auto const& c : class_chain()) {
        if (c == name)
            return true;
    }
    return false;
}

std::string KernelObject::class_chain_text() const
{
    std::string text;
    for (auto const& c : class_chain()) {
        if (!text.empty())
            text += ':';
        text += c;
    }
    return text;
}

Property const* RegistryEntry::property(std::string const& key) const
{
    auto it = properties.find(key);
    return it == properties.end() ? nullptr : &it->second;
}

void for_each_entry(RegistryEntry const& root, std::function<void(RegistryEntry const&, int)> const& visit, int depth)
{
    visit(root, depth);
    for (auto const* child : root.children)
        for_each_entry(*child, visit, depth + 1);
}

namespace {

bool step_matches(RegistryEntry const& entry, std::string const& step)
{
    return entry.name == step || entry.conforms_to(step);
}

void match_from(RegistryEntry const& entry, std::vector<std::string> const& steps, size_t index,
    std::vector<RegistryEntry const*>& out)
{
    if (!step_matches(entry, steps[index]))
        return;
    if (index + 1 == steps.size()) {
        out.push_back(&entry);
        return;
    }
    for (auto const* child : entry.children)
        match_from(*child, steps, index + 1, out);
}

} // namespace

std::vector<RegistryEntry const*> find_by_path(RegistryEntry const& root, std::string const& path)
{
    std::vector<std::string> steps;
    std::stringstream in(path);
    std::string step;
    while (std::getline(in, step, '/')) {
        if (!step.empty())
            steps.push_back(step);
    }
    std::vector<RegistryEntry const*> found;
    if (steps.empty())
        return found;
    for_each_entry(root, [&](RegistryEntry const& entry, int) { match_from(entry, steps, 0, found); });
    return found;
}

} // namespace dextlab::kernel
