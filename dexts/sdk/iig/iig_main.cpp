// dextlab-iig: the DriverKit interface generator.
//   dextlab-iig --input Foo.iig --header out/Foo.h --impl out/Foo.iig.cpp [-I dir]...
// Included .iig files (#include <DriverKit/IOService.iig>) are looked up in the -I directories
// and read for their classes, so overrides and TYPE() callbacks resolve as Apple's iig does.

#include "iig_generator.h"
#include "iig_parser.h"

#include <cstdio>
#include <deque>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

using namespace dextlab;
using namespace dextlab::iig;

namespace {

int usage()
{
    std::fprintf(stderr, "usage: dextlab-iig --input FILE.iig --header OUT.h --impl OUT.iig.cpp [--include-as DriverKit/X.h] [-I DIR]...\n");
    return 2;
}

// Writes only when the content changed, so unchanged headers do not trigger rebuilds.
bool write_if_changed(std::string const& path, std::string const& content)
{
    std::ifstream in(path);
    if (in) {
        std::stringstream existing;
        existing << in.rdbuf();
        if (existing.str() == content)
            return true;
    }
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream out(path, std::ios::trunc);
    out << content;
    return static_cast<bool>(out);
}

std::string find_include(std::string const& name, std::string const& including_dir, std::vector<std::string> const& dirs)
{
    std::vector<std::string> candidates { including_dir + "/" + name };
    for (auto const& d : dirs)
        candidates.push_back(d + "/" + name);
    for (auto const& c : candidates) {
        if (std::filesystem::exists(c))
            return c;
    }
    return "";
}

} // namespace

int main(int argc, char** argv)
{
    std::string input, header, impl, include_as;
    std::vector<std::string> include_dirs;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
        if (arg == "--input")
            input = next();
        else if (arg == "--header")
            header = next();
        else if (arg == "--impl")
            impl = next();
        else if (arg == "--include-as")
            include_as = next();
        else if (arg == "-I")
            include_dirs.push_back(next());
        else if (arg.starts_with("-I"))
            include_dirs.push_back(arg.substr(2));
        else
            return usage();
    }
    if (input.empty() || header.empty() || impl.empty())
        return usage();

    auto parsed = parse_iig_file(input);
    if (!parsed) {
        std::fprintf(stderr, "%s\n", parsed.error().message.c_str());
        return 1;
    }
    // Read every .iig reachable through includes, breadth first, each once.
    std::deque<std::unique_ptr<File>> files;
    files.push_back(std::make_unique<File>(std::move(parsed).value()));
    std::set<std::string> seen { std::filesystem::weakly_canonical(input).string() };
    for (size_t i = 0; i < files.size(); ++i) {
        std::string dir = std::filesystem::path(files[i]->path).parent_path().string();
        for (auto const& name : files[i]->included_iigs) {
            std::string found = find_include(name, dir.empty() ? "." : dir, include_dirs);
            if (found.empty()) {
                std::fprintf(stderr, "%s: cannot find included '%s' in the -I directories; pass the SDK's iig directory with -I\n",
                    files[i]->path.c_str(), name.c_str());
                return 1;
            }
            if (!seen.insert(std::filesystem::weakly_canonical(found).string()).second)
                continue;
            auto included = parse_iig_file(found);
            if (!included) {
                std::fprintf(stderr, "%s\n", included.error().message.c_str());
                return 1;
            }
            files.push_back(std::make_unique<File>(std::move(included).value()));
        }
    }
    ClassIndex index;
    for (auto const& f : files) {
        for (auto const& c : f->classes)
            index.emplace(c.name, &c);
    }
    // The implementation includes its header by file name, or as the SDK spells it (<DriverKit/X.h>).
    std::string header_include = include_as.empty() ? "\"" + std::filesystem::path(header).filename().string() + "\""
                                                    : "<" + include_as + ">";
    auto output = generate(*files.front(), index, header_include);
    if (!output) {
        std::fprintf(stderr, "%s\n", output.error().message.c_str());
        return 1;
    }
    if (!write_if_changed(header, output.value().header) || !write_if_changed(impl, output.value().implementation)) {
        std::fprintf(stderr, "dextlab-iig: cannot write %s or %s\n", header.c_str(), impl.c_str());
        return 1;
    }
    return 0;
}
