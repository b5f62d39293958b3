// The AppPort accessor and the run loop's waiter.

#include "iokit_port.h"

#include "cf_object.h"

#include <cstdio>

namespace dextlab::iokit {

namespace {

uint64_t g_runs = 0;
bool g_told = false;

bool let_time_pass()
{
    auto* p = port();
    if (!p)
        return false;
    ++g_runs;
    return p->run_once();
}

[[maybe_unused]] bool const g_waiter_installed = (cf::set_run_loop_waiter(&let_time_pass), true);

} // namespace

ipc::AppPort* port()
{
    auto* p = ipc::app_port();
    if (!p && !g_told) {
        g_told = true;
        std::fprintf(stderr,
            "dextlab IOKit: this app has no lab to talk to, so IOKit calls fail (kIOReturnNotReady, "
            "MACH_PORT_NULL). Link it with the dextlab lab (dextlab_add_client_app(... LAB <target>)), "
            "which provides dextlab_default_app_port(), or attach one with dextlab::ipc::set_app_port().\n");
    }
    return p;
}

uint64_t run_count() { return g_runs; }

void forget_missing_lab_notice() { g_told = false; }

} // namespace dextlab::iokit
