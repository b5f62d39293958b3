#pragma once
// The registry as macOS `ioreg` prints it: one line per entry with `+-o Name@location
// <class …, id …, registered, matched, active, busy 0>`, `| ` rails for siblings still to come,
// and with `properties` the `{ "key" = value }` block under each entry (ioreg -l).

#include "kernel_model/registry/registry.h"

#include <string>

namespace dextlab::lab {

struct IoregOptions {
    bool properties { false }; // ioreg -l
    bool hex { false };        // ioreg -x
};

std::string format_ioreg(kernel::RegistryEntry const& root, IoregOptions options = {});

} // namespace dextlab::lab
