#include "hid_steps.h"

#include "kernel_model/hid/hid_devices.h"
#include "kernel_model/ipc/ioreturn.h"
#include "sim/lab/lab.h"

namespace dextlab::lab {

namespace {

kernel::hid::ReportKind kind_of(std::string const& type)
{
    if (type == "input")
        return kernel::hid::ReportKind::Input;
    return type == "feature" ? kernel::hid::ReportKind::Feature : kernel::hid::ReportKind::Output;
}

std::string bytes_text(std::vector<uint8_t> const& bytes)
{
    std::string text = "[";
    for (size_t i = 0; i < bytes.size(); ++i)
        text += (i ? ", " : "") + std::to_string(bytes[i]);
    return text + "]";
}

} // namespace

std::string describe_hid_step(HidStep const& step)
{
    if (step.get)
        return "hid get-report " + step.type + " (" + std::to_string(step.length) + " bytes) from " + step.device;
    return "hid set-report " + step.type + " " + bytes_text(step.report) + " to " + step.device;
}

std::string perform_hid_step(Lab& lab, HidStep const& step)
{
    kernel::HidDevices& hid = lab.kernel().hid();
    kernel::UserService const* device = hid.find_device(step.device);
    if (!device)
        return "no started HID device named " + step.device + " (is its dext loaded, and did its Start succeed?)";
    // The HID event system reads the report id from the report's first byte when the device
    // numbers its reports.
    uint8_t report_id = 0;
    if (step.report_id)
        report_id = *step.report_id;
    else if (auto const* descriptor = hid.descriptor(device->id()); descriptor && descriptor->uses_report_ids && !step.get)
        report_id = step.report[0];
    uint32_t timeout_ms = step.timeout ? static_cast<uint32_t>(*step.timeout / 1'000'000) : 0;
    kernel::HidReportResult result = step.get
        ? hid.get_report(device->id(), kind_of(step.type), step.length, report_id, timeout_ms)
        : hid.set_report(device->id(), kind_of(step.type), step.report, report_id, timeout_ms);
    std::string status = ipc::kr::ioreturn_name(result.status);
    if (status != step.status)
        return "the request ended with " + status + ", expected " + step.status + (result.why.empty() ? "" : " (" + result.why + ")");
    if (step.expect_bytes && result.bytes != *step.expect_bytes)
        return "get-report returned " + bytes_text(result.bytes) + ", expected " + bytes_text(*step.expect_bytes);
    return "";
}

} // namespace dextlab::lab
