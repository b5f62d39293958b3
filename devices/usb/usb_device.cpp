// The non-virtual part of the usb_device.h contract: the names of transfer statuses (the model
// registry is devices/common/model_registry.h).

#include "devices/usb/usb_device.h"

namespace dextlab::usb {

char const* to_string(TransferStatus status)
{
    switch (status) {
    case TransferStatus::Pending:
        return "pending";
    case TransferStatus::Success:
        return "success";
    case TransferStatus::Stall:
        return "stall";
    case TransferStatus::Aborted:
        return "aborted";
    case TransferStatus::NoDevice:
        return "no-device";
    case TransferStatus::Overrun:
        return "overrun";
    }
    return "?";
}

} // namespace dextlab::usb
