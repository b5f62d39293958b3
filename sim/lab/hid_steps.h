#pragma once
// A scenario's `hid` steps: the HID event system's setReport / getReport to a dext's HID device
// (docs/scenarios.md "hid"), checked against what the step expects.

#include "sim/lab/scenario.h"

#include <string>

namespace dextlab::lab {

class Lab;

// Performs the step. Empty when it went as the step expects; else what happened instead.
std::string perform_hid_step(Lab& lab, HidStep const& step);
// One line saying what the step does, for the trace.
std::string describe_hid_step(HidStep const& step);

} // namespace dextlab::lab
