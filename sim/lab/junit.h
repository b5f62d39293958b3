#pragma once
// JUnit XML for CI systems: one testcase per scenario file.

#include "sim/lab/scenario_runner.h"

#include <string>
#include <vector>

namespace dextlab::lab {

std::string to_junit_xml(std::vector<ScenarioResult> const& results);

} // namespace dextlab::lab
