#include "ioreturn.h"

#include <cstdio>

namespace dextlab::ipc::kr {

std::string ioreturn_name(uint32_t value)
{
    switch (value) {
    case Success: return "kIOReturnSuccess";
    case Error: return "kIOReturnError";
    case NoMemory: return "kIOReturnNoMemory";
    case NoResources: return "kIOReturnNoResources";
    case IPCError: return "kIOReturnIPCError";
    case NoDevice: return "kIOReturnNoDevice";
    case NotPrivileged: return "kIOReturnNotPrivileged";
    case BadArgument: return "kIOReturnBadArgument";
    case ExclusiveAccess: return "kIOReturnExclusiveAccess";
    case Unsupported: return "kIOReturnUnsupported";
    case NotOpen: return "kIOReturnNotOpen";
    case Busy: return "kIOReturnBusy";
    case Offline: return "kIOReturnOffline";
    case Timeout: return "kIOReturnTimeout";
    case NotReady: return "kIOReturnNotReady";
    case NotPermitted: return "kIOReturnNotPermitted";
    case Underrun: return "kIOReturnUnderrun";
    case Overrun: return "kIOReturnOverrun";
    case NoInterrupt: return "kIOReturnNoInterrupt";
    case Aborted: return "kIOReturnAborted";
    case NotFound: return "kIOReturnNotFound";
    case VMError: return "kIOReturnVMError";
    case NotResponding: return "kIOReturnNotResponding";
    case NotAttached: return "kIOReturnNotAttached";
    case NoSpace: return "kIOReturnNoSpace";
    case UsbPipeStalled: return "kUSBHostReturnPipeStalled";
    }
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%08x", value);
    return buffer;
}

} // namespace dextlab::ipc::kr
