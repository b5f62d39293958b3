// Which AppPort an app's IOKit calls reach (app_port.h): the one attached, else the one the
// embedded lab's factory builds. The factory is a weak symbol: an app linked without the lab
// has none, and its IOKit calls fail instead of failing to link.

#include "kernel_model/ipc/app_port.h"

extern "C" __attribute__((weak)) dextlab::ipc::AppPort* dextlab_default_app_port();

namespace dextlab::ipc {

namespace {
AppPort* g_attached = nullptr;
AppPort* g_default = nullptr;
bool g_default_built = false;
} // namespace

void set_app_port(AppPort* port) { g_attached = port; }

AppPort* app_port()
{
    if (g_attached)
        return g_attached;
    if (!g_default_built) {
        g_default_built = true;
        auto* factory = &dextlab_default_app_port;
        if (factory)
            g_default = factory();
    }
    return g_default;
}

} // namespace dextlab::ipc
