#pragma once
// Test support: a scratch folder made with mkdtemp and removed, with everything in it, when the
// test case ends, so bundle tests never touch the source tree or each other.

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace dextlab::kernel::test {

class TempDir {
public:
    TempDir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "dextlab-bundle-XXXXXX").string();
        char const* made = mkdtemp(pattern.data());
        REQUIRE(made != nullptr);
        m_path = made;
    }
    ~TempDir()
    {
        std::error_code error;
        std::filesystem::remove_all(m_path, error);
    }
    TempDir(TempDir const&) = delete;
    TempDir& operator=(TempDir const&) = delete;

    std::string const& path() const { return m_path; }

    // Writes `contents` to path()/relative, creating the folders on the way; returns the full path.
    std::string write(std::string const& relative, std::string const& contents) const
    {
        std::filesystem::path full = std::filesystem::path(m_path) / relative;
        std::filesystem::create_directories(full.parent_path());
        std::ofstream file(full, std::ios::binary);
        file << contents;
        REQUIRE(file.good());
        return full.string();
    }

private:
    std::string m_path;
};

} // namespace dextlab::kernel::test
