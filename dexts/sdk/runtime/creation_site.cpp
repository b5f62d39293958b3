// Creation sites: return addresses at construction, symbols at report time. The unwind stops at
// the first frames outside libDriverKit (the caller's code), so it costs a handful of frames.
// Symbols come from
// the module's ELF symbol table (.symtab, which also names static functions; .dynsym when the
// module is stripped), else from dladdr, else the module and an offset into it.

#include "creation_site.h"

#include <cxxabi.h>
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <unwind.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <string_view>

namespace dextlab::sdk {

namespace {

[[gnu::tls_model("initial-exec")]] thread_local CreationSite const* t_scope_site = nullptr; // see t_current

// Where libDriverKit's code lies in memory: frames there are the runtime's own.
struct AddressRange {
    uintptr_t low { UINTPTR_MAX };
    uintptr_t high { 0 };
    bool contains(uintptr_t address) const { return address >= low && address < high; }
};

AddressRange const& runtime_code()
{
    static AddressRange const range = [] {
        AddressRange r;
        Dl_info info {};
        link_map* self = nullptr;
        if (!dladdr1(reinterpret_cast<void*>(&runtime_code), &info, reinterpret_cast<void**>(&self), RTLD_DL_LINKMAP) || !self)
            return r;
        struct Search {
            ElfW(Addr) base;
            AddressRange* range;
        } search { self->l_addr, &r };
        dl_iterate_phdr(
            [](dl_phdr_info* module, size_t, void* raw) {
                auto& s = *static_cast<Search*>(raw);
                if (module->dlpi_addr != s.base)
                    return 0;
                for (ElfW(Half) i = 0; i < module->dlpi_phnum; ++i) {
                    auto const& segment = module->dlpi_phdr[i];
                    if (segment.p_type != PT_LOAD || !(segment.p_flags & PF_X))
                        continue;
                    s.range->low = std::min<uintptr_t>(s.range->low, module->dlpi_addr + segment.p_vaddr);
                    s.range->high = std::max<uintptr_t>(s.range->high, module->dlpi_addr + segment.p_vaddr + segment.p_memsz);
                }
                return 1;
            },
            &search);
        return r;
    }();
    return range;
}

struct Walk {
    CreationSite& site;
    AddressRange const& runtime;
    unsigned depth { 0 };
};

_Unwind_Reason_Code step(_Unwind_Context* context, void* raw)
{
    constexpr unsigned kMaxDepth = 64; // a runtime stack deeper than this made the object itself
    auto& walk = *static_cast<Walk*>(raw);
    auto ip = static_cast<uintptr_t>(_Unwind_GetIP(context));
    if (++walk.depth > kMaxDepth || ip == 0)
        return _URC_END_OF_STACK;
    if (walk.runtime.contains(ip))
        return walk.site.count ? _URC_END_OF_STACK : _URC_NO_REASON; // back in the runtime: done
    walk.site.frames[walk.site.count++] = reinterpret_cast<void*>(ip);
    return walk.site.count == CreationSite::kFrames ? _URC_END_OF_STACK : _URC_NO_REASON;
}

} // namespace

CreationSite CreationSite::capture()
{
    if (t_scope_site)
        return *t_scope_site;
    CreationSite site;
    Walk walk { site, runtime_code() };
    _Unwind_Backtrace(&step, &walk);
    return site;
}

CreationSiteScope::CreationSiteScope()
    : m_site(CreationSite::capture())
    , m_previous(t_scope_site)
{
    t_scope_site = &m_site;
}

CreationSiteScope::~CreationSiteScope() { t_scope_site = m_previous; }

std::string demangle(char const* name)
{
    int status = 0;
    std::unique_ptr<char, decltype(&std::free)> text(abi::__cxa_demangle(name, nullptr, nullptr, &status), &std::free);
    return status == 0 && text ? std::string(text.get()) : std::string(name);
}

namespace {

// The function symbols of one ELF file: [start, start + size) relative to its load bias.
class SymbolTable {
public:
    explicit SymbolTable(std::string const& path)
    {
        std::ifstream file(path, std::ios::binary);
        m_bytes.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
        if (!read_table(SHT_SYMTAB))
            read_table(SHT_DYNSYM);
        std::sort(m_functions.begin(), m_functions.end(), [](auto const& a, auto const& b) { return a.start < b.start; });
    }

    // The function containing `offset`, and where it starts; nullptr if none does.
    char const* find(uint64_t offset, uint64_t& start) const
    {
        auto it = std::upper_bound(m_functions.begin(), m_functions.end(), offset, [](uint64_t o, auto const& f) { return o < f.start; });
        while (it != m_functions.begin()) {
            --it;
            if (offset < it->start + it->size) {
                start = it->start;
                return it->name;
            }
            if (it->size != 0)
                return nullptr;
        }
        return nullptr;
    }

private:
    struct Function {
        uint64_t start;
        uint64_t size;
        char const* name;
    };

    template<typename T>
    T const* at(uint64_t offset, uint64_t count = 1) const
    {
        if (offset > m_bytes.size() || count > (m_bytes.size() - offset) / sizeof(T))
            return nullptr;
        return reinterpret_cast<T const*>(m_bytes.data() + offset);
    }

    bool read_table(uint32_t type)
    {
        auto const* header = at<Elf64_Ehdr>(0);
        if (!header || std::memcmp(header->e_ident, ELFMAG, SELFMAG) != 0 || header->e_ident[EI_CLASS] != ELFCLASS64)
            return false;
        auto const* sections = at<Elf64_Shdr>(header->e_shoff, header->e_shnum);
        if (!sections)
            return false;
        for (unsigned i = 0; i < header->e_shnum; ++i) {
            Elf64_Shdr const& table = sections[i];
            if (table.sh_type != type || table.sh_link >= header->e_shnum || table.sh_entsize != sizeof(Elf64_Sym))
                continue;
            Elf64_Shdr const& names = sections[table.sh_link];
            auto const* symbols = at<Elf64_Sym>(table.sh_offset, table.sh_size / sizeof(Elf64_Sym));
            if (!symbols || !at<char>(names.sh_offset, names.sh_size) || names.sh_size == 0)
                continue;
            char const* strings = reinterpret_cast<char const*>(m_bytes.data() + names.sh_offset);
            for (uint64_t s = 0; s < table.sh_size / sizeof(Elf64_Sym); ++s) {
                Elf64_Sym const& sym = symbols[s];
                if (ELF64_ST_TYPE(sym.st_info) != STT_FUNC || sym.st_value == 0 || sym.st_name >= names.sh_size)
                    continue;
                // Names are NUL-terminated inside the string table (checked once, at its end).
                if (strings[names.sh_size - 1] != 0)
                    return false;
                m_functions.push_back({ sym.st_value, sym.st_size, strings + sym.st_name });
            }
            return !m_functions.empty();
        }
        return false;
    }

    std::vector<char> m_bytes;
    std::vector<Function> m_functions;
};

SymbolTable const& symbols_of(std::string const& path)
{
    static std::map<std::string, std::unique_ptr<SymbolTable>> tables;
    auto& table = tables[path];
    if (!table)
        table = std::make_unique<SymbolTable>(path);
    return *table;
}

struct Frame {
    std::string module;   // the file it lies in
    std::string function; // demangled, empty if unknown
    uint64_t offset { 0 }; // into the function, or into the module when the function is unknown
};

bool locate(void* address, Frame& frame)
{
    Dl_info info {};
    link_map* map = nullptr;
    if (!dladdr1(address, &info, reinterpret_cast<void**>(&map), RTLD_DL_LINKMAP) || !info.dli_fname || !map)
        return false;
    frame.module = info.dli_fname;
    uint64_t relative = reinterpret_cast<uintptr_t>(address) - map->l_addr;
    uint64_t start = 0;
    // A return address may sit just past its function's last call: look up the call itself.
    if (char const* name = frame.module.empty() ? nullptr : symbols_of(frame.module).find(relative - 1, start)) {
        frame.function = demangle(name);
        frame.offset = relative - start;
    } else if (info.dli_sname && info.dli_saddr) {
        frame.function = demangle(info.dli_sname);
        frame.offset = reinterpret_cast<uintptr_t>(address) - reinterpret_cast<uintptr_t>(info.dli_saddr);
    } else {
        frame.offset = relative;
    }
    return true;
}

// Constructors, dextlab-iig's class factories (static `Class_New()`) and CreateAction…
// methods run on behalf of the code that asked for the object; the site is that code.
bool is_construction_plumbing(std::string const& function)
{
    std::string_view name(function);
    name = name.substr(0, name.find('('));
    if (name.ends_with("_New") || name.find("::CreateAction") != std::string_view::npos)
        return true;
    size_t last = name.rfind("::");
    if (last == std::string_view::npos)
        return false;
    std::string_view member = name.substr(last + 2);
    std::string_view owner = name.substr(0, last);
    size_t owner_start = owner.rfind("::");
    owner = owner_start == std::string_view::npos ? owner : owner.substr(owner_start + 2);
    return member == owner;
}

std::string module_name(std::string const& path) { return path.substr(path.rfind('/') + 1); }

std::string text_of(Frame const& frame)
{
    char offset[24];
    std::snprintf(offset, sizeof offset, "+0x%llx", static_cast<unsigned long long>(frame.offset));
    return (frame.function.empty() ? module_name(frame.module) : frame.function) + offset;
}

} // namespace

std::string describe_creation_site(CreationSite const& site, std::vector<std::string> const& modules)
{
    std::optional<Frame> first_in_modules;
    for (uint8_t i = 0; i < site.count; ++i) {
        Frame frame;
        if (!locate(site.frames[i], frame))
            continue;
        // Frames are outside libDriverKit already (capture skips its own).
        bool wanted = modules.empty() || std::find(modules.begin(), modules.end(), frame.module) != modules.end();
        if (!wanted)
            continue;
        if (!is_construction_plumbing(frame.function))
            return text_of(frame);
        if (!first_in_modules)
            first_in_modules = frame;
    }
    return first_in_modules ? text_of(*first_in_modules) : std::string();
}

} // namespace dextlab::sdk
