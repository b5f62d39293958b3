// Every file in this folder is a scenario with one mistake. Its first line is
//   # expect-error: <text the error must contain, including line:col>
// and the parser must reject the file with an error containing that text and the file's name,
// without throwing. Adding a case is adding a file.

#include "sim/lab/scenario.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#ifndef DEXTLAB_BROKEN_SCENARIOS_DIR
#    error "DEXTLAB_BROKEN_SCENARIOS_DIR must name tests/broken_scenarios"
#endif

namespace {

std::vector<std::filesystem::path> broken_scenario_files()
{
    std::vector<std::filesystem::path> files;
    for (auto const& entry : std::filesystem::directory_iterator(DEXTLAB_BROKEN_SCENARIOS_DIR)) {
        if (entry.path().extension() == ".yaml")
            files.push_back(entry.path());
    }
    // Sorted so that failures are reported in the same order on every machine.
    std::sort(files.begin(), files.end());
    return files;
}

std::string expected_error(std::filesystem::path const& path)
{
    std::ifstream file(path);
    std::string first_line;
    std::getline(file, first_line);
    std::string const marker = "# expect-error: ";
    REQUIRE_MESSAGE(first_line.starts_with(marker), path.filename().string() << " must start with '" << marker << "'");
    std::string expected = first_line.substr(marker.size());
    REQUIRE_MESSAGE(!expected.empty(), path.filename().string() << " has an empty expect-error line");
    return expected;
}

} // namespace

TEST_CASE("every broken scenario is rejected with the expected file:line:col error")
{
    auto files = broken_scenario_files();
    // The folder holds a dozen or more cases; finding none means the path is wrong, not success.
    REQUIRE(files.size() >= 12);
    for (auto const& path : files) {
        CAPTURE(path.filename().string());
        std::string expected = expected_error(path);
        std::string message;
        bool rejected = false;
        CHECK_NOTHROW({
            auto result = dextlab::lab::parse_scenario_file(path.string());
            rejected = !result.has_value();
            if (rejected)
                message = result.error().message;
        });
        REQUIRE_MESSAGE(rejected, path.filename().string() << " was accepted");
        CHECK_MESSAGE(message.find(expected) != std::string::npos, "expected '" << expected << "' in: " << message);
        CHECK_MESSAGE(message.find(path.filename().string()) != std::string::npos, "the error does not name the file: " << message);
    }
}
