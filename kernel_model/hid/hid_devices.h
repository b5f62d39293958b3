#pragma once
// The kernel half of IOUserHIDDevice: what IOHIDFamily's AppleUserHIDDevice does for a dext.
//
// Start order (IOUserHIDDevice::Start in the dext, then the kernel): the dext's Start calls
// handleStart, newDeviceDescription and newReportDescriptor, puts the descriptor in the
// description as ReportDescriptor, hands it over with SetProperties (AppleUserHIDDevice's own:
// the keys go on the device itself, not in IOUserServiceProperties), then calls the private
// IOHIDDevice::_Start. The kernel parses the descriptor
// (a malformed one fails the start, traced with the byte at fault), publishes the description's
// keys and what the descriptor says (MaxInput/Output/FeatureReportSize, DeviceUsagePairs,
// PrimaryUsagePage/PrimaryUsage) on the device, and registers it if RegisterService is true in the
// description (AppleUserHIDDevice sets it false at init) or the dext calls RegisterService().
// Once registered, the device publishes an IOHIDInterface nub below it, which HID matching serves.
//
// Reports: handleReport (the private _HandleReport) is checked against the descriptor and traced
// (hid_report). The HID event system's side — setReport and getReport, as when the caps-lock LED
// changes — sends _ProcessReport to the dext with a report buffer and a CompleteReport action,
// and waits in virtual time, as AppleUserHIDDevice's synchronous path does, for CompleteReport,
// for the dext to drop the action without completing it (kIOReturnAborted), or for the timeout.

#include "kernel_model/hid/report_descriptor.h"
#include "kernel_model/ipc/message.h"
#include "kernel_model/registry/registry.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dextlab::kernel {

class Kernel;
class UserServer;
class UserService;

// The IOHIDInterface a started HID device publishes (IOHIDFamily's IOHIDInterface nub).
class HidInterfaceNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { "IOHIDInterface", "IOService", "IORegistryEntry", "OSObject" }; }
};

// What a setReport or getReport from the system came back with.
struct HidReportResult {
    uint32_t status { 0 };
    std::vector<uint8_t> bytes; // getReport: what the dext wrote (actualByteCount bytes)
    std::string why;            // when status is not kIOReturnSuccess, or something was odd
};

class HidDevices {
public:
    explicit HidDevices(Kernel& kernel);

    // Calls a dext makes that are served here (IOHIDDevice::_Start, _HandleReport, CompleteReport
    // on a report action, and SetProperties on a HID device); nothing for any other message.
    std::optional<ipc::Message> handle(UserServer& server, ipc::Message const& message);
    // InvokeDone of _ProcessReport (true: consumed); Start's InvokeDone is only looked at.
    bool invoke_done(UserServer& server, ipc::Message const& message);
    // The dext dropped its last reference to a kernel object; true if it was a report action.
    bool release_proxy(UserServer& server, uint64_t id);
    // An entry was registered: a started HID device publishes its IOHIDInterface now.
    void entry_registered(RegistryEntry& entry);

    // --- the HID event system's side (device: the registry id of a started HID device) ---
    // `report` is sent as written (report-id byte first when the descriptor uses ids); the
    // report id goes in the low 8 bits of the options, as IOHIDDevice passes it.
    HidReportResult set_report(uint64_t device, hid::ReportKind kind, std::vector<uint8_t> const& report, uint8_t report_id,
        uint32_t timeout_ms = 0);
    HidReportResult get_report(uint64_t device, hid::ReportKind kind, uint32_t length, uint8_t report_id, uint32_t timeout_ms = 0);
    // The parsed report descriptor of a started HID device, or nullptr.
    hid::ReportDescriptor const* descriptor(uint64_t device) const;
    // The first started HID device with this registry name (a dext's IOUserClass), or nullptr.
    UserService const* find_device(std::string const& name) const;

    // IOHIDFamily's request timeouts (IOHIDDeviceTypes.h), in ms.
    static constexpr uint32_t kDefaultRequestTimeoutMs = 1000;
    static constexpr uint32_t kMinRequestTimeoutMs = 50;
    static constexpr uint32_t kMaxRequestTimeoutMs = 1200000;

private:
    struct Device {
        hid::ReportDescriptor descriptor;
        uint64_t interface_id { 0 }; // the IOHIDInterface, once published
        uint64_t input_reports { 0 };
    };

    ipc::Message set_properties(UserServer& server, UserService& device, ipc::Message const& message);
    ipc::Message start(UserService& device);
    ipc::Message handle_report(UserServer& server, UserService& device, ipc::Message const& message);
    ipc::Message complete_report(UserServer& server, ipc::Message const& message);
    HidReportResult process_report(uint64_t device_id, bool get, hid::ReportKind kind, std::vector<uint8_t> const& bytes,
        uint32_t length, uint8_t report_id, uint32_t timeout_ms);
    void check_against_descriptor(UserService const& device, hid::ReportKind kind, std::vector<uint8_t> const& bytes, char const* who);
    void publish_interface(UserService& device, Device& state);
    uint32_t request_timeout_ms(UserService const& device, uint32_t asked) const;
    void warn(std::string const& object, std::string const& what);

    Kernel& m_kernel;
    std::map<uint64_t, Device> m_devices; // by the device's registry id, once _Start succeeded
};

} // namespace dextlab::kernel
