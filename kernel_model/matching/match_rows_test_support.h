#pragma once
// Matching rules as rows of data (STYLE habit 8), shared by the matching test files: a row is a
// personality and the expected outcome against one nub; no dext runs.

#include "kernel_model/matching/matching.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace dextlab::kernel::test {

struct Row {
    char const* name;
    PropertyDict personality;
    bool matched;
    int64_t score;          // when matched
    char const* failed_key; // when not
};

inline void check_rows(std::vector<Row> const& rows, RegistryEntry const& nub)
{
    for (auto const& row : rows) {
        std::string row_name = row.name;
        CAPTURE(row_name);
        auto result = match_personality(row.personality, nub);
        CHECK(result.matched == row.matched);
        if (row.matched)
            CHECK(result.score == row.score);
        else
            CHECK(result.failed_key == row.failed_key);
    }
}

} // namespace dextlab::kernel::test
