// The SDK's own .iig files spell every 64-bit quantity uint64_t (issue 5, item 3): on Linux that
// is `unsigned long`, and an `unsigned long long` parameter would not accept a uint64_t
// argument by pointer or reference, nor match an override written with uint64_t.

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

TEST_CASE("no SDK interface spells a 64-bit type other than uint64_t / int64_t")
{
    std::regex const forbidden(R"(\b(long\s+long|UInt64|SInt64|__uint64_t|u_int64_t)\b)");
    std::vector<std::string> offenders;
    size_t files = 0;
    for (auto const& entry : std::filesystem::recursive_directory_iterator(DEXTLAB_SDK_INTERFACES_DIR)) {
        if (entry.path().extension() != ".iig")
            continue;
        ++files;
        std::ifstream in(entry.path());
        std::string line;
        for (int number = 1; std::getline(in, line); ++number) {
            if (std::regex_search(line, forbidden))
                offenders.push_back(entry.path().filename().string() + ":" + std::to_string(number) + ": " + line);
        }
    }
    CHECK(files >= 7);
    for (auto const& offender : offenders)
        FAIL_CHECK(offender);
}
