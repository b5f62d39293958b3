#pragma once
// Scenario expectations about registry properties and a dext's leaks (docs/scenarios.md):
//   {registry: PATH, property: KEY, value: V}   a property as readers see it (CopyProperties, ioreg)
//   {dext: NAME, leaked-objects: N, with: TEXT}  objects alive when its server last exited
// Each returns an empty string when the expectation holds, else what was found.

#include "kernel_model/kernel.h"
#include "sim/lab/scenario.h"

#include <string>

namespace dextlab::lab {

std::string check_registry_property(kernel::Kernel const& kernel, ExpectStep const& e);
std::string check_dext_leaks(kernel::Kernel const& kernel, ExpectStep const& e);

// Whether `value` is what a scenario wrote: numbers by value (decimal or 0x hex), strings as
// text, booleans as true/false, anything else as ioreg prints it.
bool property_matches(kernel::Property const& value, std::string const& written);

} // namespace dextlab::lab
