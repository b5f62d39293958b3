// The Mach calls an IOKit app makes: its task port, port rights on IOKit names, error strings.

#include "io_objects.h"

#include <mach/mach.h>

#include <cstdio>
#include <string>

using namespace dextlab::iokit;

// Outside the range ObjectTable hands out, as the task port's name is on macOS.
mach_port_t mach_task_self_ = 0x203;

kern_return_t mach_port_deallocate(ipc_space_t task, mach_port_name_t name)
{
    if (task != mach_task_self())
        return KERN_INVALID_TASK;
    return ObjectTable::shared().release(name);
}

kern_return_t mach_port_mod_refs(ipc_space_t task, mach_port_name_t name, mach_port_right_t right, mach_port_delta_t delta)
{
    if (task != mach_task_self())
        return KERN_INVALID_TASK;
    if (right != MACH_PORT_RIGHT_SEND)
        return KERN_INVALID_RIGHT;
    auto* record = ObjectTable::shared().find(name);
    if (!MACH_PORT_VALID(name))
        return KERN_SUCCESS;
    if (!record)
        return KERN_INVALID_NAME;
    if (delta < 0 && static_cast<uint32_t>(-delta) > record->user_refs)
        return KERN_INVALID_VALUE;
    for (; delta > 0; --delta)
        ObjectTable::shared().retain(name);
    for (; delta < 0; ++delta)
        ObjectTable::shared().release(name);
    return KERN_SUCCESS;
}

namespace {

struct Described {
    mach_error_t code;
    char const* text;
};

// "(system/subsystem) what happened", the form of libsystem's strings.
constexpr Described kDescriptions[] = {
    { KERN_SUCCESS, "(os/kern) successful" },
    { KERN_INVALID_ADDRESS, "(os/kern) invalid address" },
    { KERN_PROTECTION_FAILURE, "(os/kern) protection failure" },
    { KERN_NO_SPACE, "(os/kern) no space available" },
    { KERN_INVALID_ARGUMENT, "(os/kern) invalid argument" },
    { KERN_FAILURE, "(os/kern) failure" },
    { KERN_RESOURCE_SHORTAGE, "(os/kern) resource shortage" },
    { KERN_NO_ACCESS, "(os/kern) no access" },
    { KERN_ABORTED, "(os/kern) aborted" },
    { KERN_INVALID_NAME, "(os/kern) invalid name" },
    { KERN_INVALID_TASK, "(os/kern) invalid task" },
    { KERN_INVALID_RIGHT, "(os/kern) invalid right" },
    { KERN_INVALID_VALUE, "(os/kern) invalid value" },
    { KERN_NOT_SUPPORTED, "(os/kern) not supported" },
    { KERN_OPERATION_TIMED_OUT, "(os/kern) operation timed out" },
    { MACH_SEND_INVALID_DEST, "(ipc/send) invalid destination port" },
    { MACH_SEND_INVALID_RIGHT, "(ipc/send) invalid port right" },
    { MIG_ARRAY_TOO_LARGE, "(ipc/mig) array is too large" },
    { kIOReturnError, "(iokit/common) general error" },
    { kIOReturnNoMemory, "(iokit/common) memory allocation error" },
    { kIOReturnNoResources, "(iokit/common) resource shortage" },
    { kIOReturnIPCError, "(iokit/common) Mach IPC failure" },
    { kIOReturnNoDevice, "(iokit/common) no such device" },
    { kIOReturnNotPrivileged, "(iokit/common) privilege violation" },
    { kIOReturnBadArgument, "(iokit/common) invalid argument" },
    { kIOReturnExclusiveAccess, "(iokit/common) exclusive access and device already open" },
    { kIOReturnUnsupported, "(iokit/common) unsupported function" },
    { kIOReturnVMError, "(iokit/common) virtual memory error" },
    { kIOReturnInternalError, "(iokit/common) internal error" },
    { kIOReturnIOError, "(iokit/common) I/O error" },
    { kIOReturnNotOpen, "(iokit/common) device not open" },
    { kIOReturnBusy, "(iokit/common) device busy" },
    { kIOReturnTimeout, "(iokit/common) I/O timeout" },
    { kIOReturnOffline, "(iokit/common) device offline" },
    { kIOReturnNotReady, "(iokit/common) not ready" },
    { kIOReturnNotAttached, "(iokit/common) device not attached" },
    { kIOReturnNoSpace, "(iokit/common) no space for data" },
    { kIOReturnNotPermitted, "(iokit/common) not permitted" },
    { kIOReturnUnderrun, "(iokit/common) data underrun" },
    { kIOReturnOverrun, "(iokit/common) data overrun" },
    { kIOReturnNoCompletion, "(iokit/common) no completion routine" },
    { kIOReturnAborted, "(iokit/common) operation aborted" },
    { kIOReturnNotResponding, "(iokit/common) device not responding" },
    { kIOReturnNotFound, "(iokit/common) data was not found" },
};

} // namespace

char* mach_error_string(mach_error_t error_value)
{
    for (auto const& d : kDescriptions) {
        if (d.code == error_value)
            return const_cast<char*>(d.text);
    }
    return const_cast<char*>("(unknown) unknown error code");
}

char* mach_error_type(mach_error_t error_value)
{
    if (err_get_system(error_value) == err_get_system(sys_iokit))
        return const_cast<char*>("(iokit/common)");
    return const_cast<char*>(err_get_system(error_value) == 0 ? "(os/kern)" : "(unknown/unknown)");
}

void mach_error(const char* str, mach_error_t error_value)
{
    std::fprintf(stderr, "%s %s (0x%x)\n", str ? str : "", mach_error_string(error_value),
        static_cast<unsigned>(error_value));
}
