#pragma once
// The one interface every USB device implements — emulated models, and later the usbredir
// import bridge (a real device) — and that every USB host consumes: the kernel model's host
// controller, the usbredir export bridge, unit tests. It knows nothing of the kernel model.
//
// Lifecycle, in order: attach(host) → reset() → submit()/cancel() any number of times → detach().
// A stall, NAK-until-data or disconnect is a *status the host sees* on a Transfer, never an error
// path in our own code.

#include "sim/core/scheduler.h"
#include "sim/core/rng.h"
#include "sim/core/error.h"
#include "devices/common/device_params.h"
#include "devices/common/model_registry.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::usb {

// USB 2.0 §9.3: the 8-byte SETUP packet of a control transfer.
struct [[gnu::packed]] SetupPacket {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
};
static_assert(sizeof(SetupPacket) == 8);

enum class EndpointType : uint8_t { Control = 0, Isochronous = 1, Bulk = 2, Interrupt = 3 };

enum class TransferStatus : uint8_t {
    Pending,
    Success,  // possibly short: actual < length
    Stall,    // the endpoint answered STALL (halted until CLEAR_FEATURE(ENDPOINT_HALT))
    Aborted,  // cancelled by the host
    NoDevice, // the device went away
    Overrun,  // babble: the device sent more than the buffer holds
};
char const* to_string(TransferStatus);

// One URB. The host owns it; the device holds a pointer from submit() until it calls
// host.transfer_completed() or the host calls cancel().
struct Transfer {
    uint64_t id { 0 };
    uint8_t endpoint { 0 }; // bEndpointAddress; bit 7 set = IN. 0 / 0x80 = the control endpoint.
    EndpointType type { EndpointType::Control };
    SetupPacket setup {};   // control transfers only
    std::vector<uint8_t> buffer; // OUT: the data to send. IN: sized to `length`, filled by the device.
    uint32_t length { 0 };  // bytes requested (IN) or offered (OUT)
    uint32_t actual { 0 };  // bytes moved
    TransferStatus status { TransferStatus::Pending };

    bool is_in() const { return (endpoint & 0x80) != 0 || (type == EndpointType::Control && (setup.bmRequestType & 0x80)); }
};

// What a device sees of whoever it is plugged into.
class UsbHostPort {
public:
    virtual ~UsbHostPort() = default;
    virtual Scheduler& scheduler() = 0;
    // The device finished a transfer (status and actual set). May be called from inside submit().
    virtual void transfer_completed(Transfer& transfer) = 0;
};

enum class UsbSpeed : uint8_t { Low = 0, Full = 1, High = 2, Super = 3 };

class UsbDevice {
public:
    virtual ~UsbDevice() = default;

    // A short name for traces and the registry (e.g. "Vendor Interrupt Device").
    virtual std::string product_name() const = 0;
    virtual UsbSpeed speed() const { return UsbSpeed::Full; }

    virtual void attach(UsbHostPort& host) = 0;
    // Bus reset: back to the default state (address 0, unconfigured, halts cleared).
    virtual void reset() = 0;
    // Queue a transfer on an endpoint. The device completes it now or later (virtual time).
    virtual void submit(Transfer& transfer) = 0;
    // The host gives up on a transfer: the device must forget the pointer and not complete it.
    virtual void cancel(Transfer& transfer) = 0;
    virtual void detach() = 0;
};

// Parameters for creating a device model, as written in a scenario's plug step
// (`vid: 0x1209, pid: 0x0001, interval: 1ms`); shared by every bus (devices/common).
using DeviceParams = ::dextlab::devices::DeviceParams;

// A registered device model: its name, the parameters it accepts, and a factory.
struct DeviceModel {
    std::string name;
    std::string description;
    std::vector<std::string> number_params; // keys accepted in DeviceParams::numbers
    std::vector<std::string> string_params; // keys accepted in DeviceParams::strings
    std::function<ErrorOr<std::unique_ptr<UsbDevice>>(DeviceParams const&)> create;
};

// The registry of device models, filled by DEXTLAB_USB_DEVICE_MODEL at static-init time.
using DeviceModels = devices::ModelRegistry<DeviceModel>;

} // namespace dextlab::usb

// One macro registers one device model, at the end of its file.
#define DEXTLAB_USB_DEVICE_MODEL(identifier, ...)                                              \
    static bool const dextlab_usb_model_registered_##identifier = [] {                         \
        ::dextlab::usb::DeviceModels::add(__VA_ARGS__);                                        \
        return true;                                                                           \
    }()
