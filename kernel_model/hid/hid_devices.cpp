#include "hid_devices.h"

#include "kernel_model/hid/trace_points.h"
#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/ipc/method_ids.h"
#include "kernel_model/kernel.h"
#include "kernel_model/properties/trace_points.h"
#include "kernel_model/registry/property_serial.h"
#include "kernel_model/trace_points.h"

#include <algorithm>
#include <array>

namespace dextlab::kernel {

namespace kr = ipc::kr;
namespace ids = ipc::ids;
using hid::ReportKind;

namespace {

constexpr char const* kProcess = "kernel";
constexpr char const* kLane = "hid";
constexpr size_t kTracedBytes = 64; // a report's bytes shown in a record; longer ones are cut

// HIDReportCommandType (IOHIDDeviceTypes.h).
constexpr uint64_t kSetReportCommand = 0;
constexpr uint64_t kGetReportCommand = 1;

// The kernel's keys a description may not replace (AppleUserHIDDevice::setProperties skips
// IOKit's restricted properties the same way).
constexpr std::array<std::string_view, 10> kKernelKeys { "IOClass", "IOProviderClass", "IOUserClass", "IOUserServerName",
    "CFBundleIdentifier", "IOMatchCategory", "IOProbeScore", "IOPersonalityPublisher", "IOServiceDEXTEntitlements",
    "IOUserClasses" };

// What IOHIDDevice::publishProperties copies onto each IOHIDInterface it creates.
constexpr std::array<std::string_view, 20> kInterfaceKeys { "Transport", "VendorID", "VendorIDSource", "ProductID",
    "VersionNumber", "Manufacturer", "Product", "LocationID", "CountryCode", "SerialNumber", "ReportInterval", "PrimaryUsage",
    "PrimaryUsagePage", "DeviceUsagePairs", "ModelNumber", "MaxInputReportSize", "MaxOutputReportSize", "MaxFeatureReportSize",
    "ReportPoolSize", "ReportDescriptor" };

// The CompleteReport action the kernel hands the dext with each setReport / getReport
// (AppleUserHIDDevice::processReport's CreateAction_CompleteReport).
class ReportAction final : public KernelObject {
public:
    std::vector<std::string> class_chain() const override { return { "OSAction", "OSObject" }; }
    uint64_t device { 0 };
    uint64_t server_tag { 0 };
    uint64_t buffer { 0 };        // the report memory
    bool get { false };           // a getReport: the dext's bytes come back
    bool invoke_returned { false }; // _ProcessReport returned in the dext
    bool completed { false };     // CompleteReport arrived
    bool dext_released { false }; // the dext no longer holds the action
    bool ended { false };         // the system stopped waiting (answered, aborted or timed out)
    uint32_t status { 0 };
    std::vector<uint8_t> bytes;
};

std::string traced_hex(std::vector<uint8_t> const& bytes)
{
    size_t shown = std::min(bytes.size(), kTracedBytes);
    std::string text = hid::hex_bytes(std::span<uint8_t const>(bytes.data(), shown));
    return shown < bytes.size() ? text + "..." : text;
}

std::string ids_of(hid::ReportDescriptor const& d, ReportKind kind)
{
    std::string list;
    for (auto const& r : d.reports) {
        if (r.kind == kind)
            list += (list.empty() ? "" : ", ") + std::to_string(r.id);
    }
    return list;
}

Property number32(uint64_t value) { return Property::number(value, 32); }

std::string count_of_bytes(uint64_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); }

} // namespace

HidDevices::HidDevices(Kernel& kernel)
    : m_kernel(kernel)
{
}

void HidDevices::warn(std::string const& object, std::string const& what)
{
    m_kernel.trace().emit(tp::hid_warning, kProcess, kLane, object, { TraceField::text("what", what) });
}

std::optional<ipc::Message> HidDevices::handle(UserServer& server, ipc::Message const& message)
{
    if (message.kind() != ipc::MessageKind::Call)
        return std::nullopt;
    uint64_t msgid = message.header.msgid;
    char const* method = msgid == ids::IOHIDDevice_CompleteReport ? "IOHIDDevice::CompleteReport"
        : msgid == ids::IOHIDDevice__Start                       ? "IOHIDDevice::_Start"
        : msgid == ids::IOHIDDevice__HandleReport                ? "IOHIDDevice::_HandleReport"
        : msgid == ids::IOService_SetProperties                  ? "IOService::SetProperties"
                                                                 : nullptr;
    if (!method)
        return std::nullopt;
    auto* device = m_kernel.m_objects.find_as<UserService>(message.header.target);
    // SetProperties is AppleUserHIDDevice's own only on a HID device; elsewhere it is IOService's.
    if (msgid == ids::IOService_SetProperties && (!device || device->server != &server || !device->conforms_to("IOHIDDevice")))
        return std::nullopt;
    ipc::Message reply = ipc::make_reply(kr::NoDevice);
    if (msgid == ids::IOHIDDevice_CompleteReport) {
        reply = complete_report(server, message);
    } else if (!device || device->server != &server) {
        reply = ipc::make_reply(device ? kr::NotPermitted : kr::NoDevice);
    } else if (!device->conforms_to("IOHIDDevice")) {
        warn(device->name, "an IOUserHIDDevice runs under the kernel class AppleUserHIDDevice, but this service's IOClass is "
                + device->ioclass + ": set IOClass to AppleUserHIDDevice in the personality (Info.plist)");
        reply = ipc::make_reply(kr::Unsupported);
    } else if (msgid == ids::IOService_SetProperties) {
        reply = set_properties(server, *device, message);
    } else if (msgid == ids::IOHIDDevice__Start) {
        reply = start(*device);
    } else {
        reply = handle_report(server, *device, message);
    }
    ipc::WireReader status_reader(reply);
    auto status = ipc::reply_status(reply, status_reader);
    m_kernel.trace().emit(tp::ipc_to_kernel, server.display_name(), "ipc", method,
        { TraceField::hex("target", message.header.target),
            TraceField::text("status", kr::ioreturn_name(static_cast<uint32_t>(status ? status.value() : kr::IPCError))) });
    return reply;
}

// ---- SetProperties and _Start: the description, the report descriptor, the registry ----

ipc::Message HidDevices::set_properties(UserServer& server, UserService& device, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto given = args.u64();
    if (!given)
        return ipc::make_reply(kr::BadArgument);
    std::optional<Property> values;
    if (given.value()) {
        auto bytes = args.bytes();
        if (!bytes)
            return ipc::make_reply(kr::BadArgument);
        auto parsed = property_from_bytes(bytes.value());
        if (parsed)
            values = std::move(parsed).value();
    }
    // AppleUserHIDDevice::setProperties: a dictionary's keys go on the device itself (not in
    // IOUserServiceProperties as for other dext services), except IOKit's restricted ones.
    if (!values || !values->is_dict()) {
        warn(device.name, "SetProperties takes an OSDictionary");
        return ipc::make_reply(kr::BadArgument);
    }
    for (auto const& [key, value] : values->as_dict()) {
        if (std::find(kKernelKeys.begin(), kKernelKeys.end(), key) != kKernelKeys.end()) {
            warn(device.name, "SetProperties: " + key + " is the kernel's and is ignored (AppleUserHIDDevice skips IOKit's "
                                                          "restricted properties)");
            continue;
        }
        device.set_property(key, value);
        m_kernel.trace().emit(tp::property_set, server.display_name(), "registry", device.name,
            { TraceField::text("key", key), TraceField::text("value", value.is_string() ? value.as_string() : value.to_ioreg_text()) });
    }
    return ipc::make_reply(kr::Success);
}

ipc::Message HidDevices::start(UserService& device)
{
    auto fail = [&](uint32_t status, std::string const& why) {
        m_kernel.trace().emit(tp::hid_device_start, kProcess, kLane, device.name,
            { TraceField::text("status", kr::ioreturn_name(status)), TraceField::text("why", why) });
        return ipc::make_reply(status);
    };
    if (m_devices.contains(device.id()))
        return fail(kr::Error, "the kernel start of this HID device ran already (IOHIDDevice::_Start is called once, by "
                               "IOUserHIDDevice::Start: do not call it again)");
    // IOHIDDevice::start asks AppleUserHIDDevice::newReportDescriptor, which reads the property
    // IOUserHIDDevice::Start set from newReportDescriptor.
    Property const* descriptor_value = device.property("ReportDescriptor");
    if (!descriptor_value || !descriptor_value->is_data())
        return fail(kr::Error, "the device has no ReportDescriptor (OSData) property: IOUserHIDDevice::Start sets it from "
                               "newReportDescriptor before the kernel start");
    std::vector<uint8_t> const descriptor_bytes = descriptor_value->as_data();
    size_t offset = 0;
    auto parsed = hid::parse_report_descriptor(descriptor_bytes, &offset);
    if (!parsed) {
        m_kernel.trace().emit(tp::hid_descriptor_error, kProcess, kLane, device.name,
            { TraceField::dec("offset", offset), TraceField::dec("length", descriptor_bytes.size()),
                TraceField::text("why", parsed.error().message) });
        return fail(kr::Error, "the report descriptor newReportDescriptor returned does not parse (" + parsed.error().message
                + "); IOHIDDevice::start fails, and with it the dext's Start");
    }
    hid::ReportDescriptor d = std::move(parsed).value();
    for (auto const& note : d.notes)
        warn(device.name, "report descriptor: " + note);

    // AppleUserHIDDevice::init sets RegisterService false; only the description turns it on.
    if (!device.property("RegisterService"))
        device.set_property("RegisterService", Property::boolean(false));
    device.set_property("MaxInputReportSize", number32(d.max_report_size(ReportKind::Input)));
    device.set_property("MaxOutputReportSize", number32(d.max_report_size(ReportKind::Output)));
    device.set_property("MaxFeatureReportSize", number32(d.max_report_size(ReportKind::Feature)));
    // IOHIDDevice::publishProperties: the usage pairs come from the descriptor's collections, and
    // the first pair is the primary usage, whatever the description said.
    auto pairs = d.device_usage_pairs();
    if (pairs.empty()) {
        warn(device.name, "the report descriptor has no Application or Physical collection: the device publishes no "
                          "DeviceUsagePairs, and HID matching finds nothing for it");
    } else {
        PropertyArray list;
        for (auto const& [page, usage] : pairs)
            list.push_back(Property::dict({ { "DeviceUsagePage", number32(page) }, { "DeviceUsage", number32(usage) } }));
        device.set_property("DeviceUsagePairs", Property::array(std::move(list)));
        device.set_property("PrimaryUsagePage", number32(pairs.front().first));
        device.set_property("PrimaryUsage", number32(pairs.front().second));
    }
    Property const* register_service = device.property("RegisterService");
    if (register_service && register_service->is_bool() && register_service->as_bool())
        device.register_requested = true; // IOHIDDevice::start's registerService(), once Start has returned

    std::string reports;
    for (auto const& line : d.summary())
        reports += (reports.empty() ? "" : "; ") + line;
    m_kernel.trace().emit(tp::hid_device_start, kProcess, kLane, device.name,
        { TraceField::text("status", "kIOReturnSuccess"), TraceField::text("ids", d.uses_report_ids ? "yes" : "no"),
            TraceField::dec("max_input", d.max_report_size(ReportKind::Input)),
            TraceField::dec("max_output", d.max_report_size(ReportKind::Output)),
            TraceField::dec("max_feature", d.max_report_size(ReportKind::Feature)), TraceField::text("reports", reports) });
    m_devices[device.id()] = Device { std::move(d), 0, 0 };
    return ipc::make_reply(kr::Success);
}

bool HidDevices::invoke_done(UserServer& server, ipc::Message const& message)
{
    uint64_t msgid = message.header.msgid;
    if (msgid == ids::IOService_Start) {
        // A started HID device nobody registers stays invisible: say so once, at Start's return.
        auto* device = m_kernel.m_objects.find_as<UserService>(message.header.target);
        ipc::WireReader reader(message);
        auto status = reader.u64();
        if (device && m_devices.contains(device->id()) && status && status.value() == kr::Success && !device->register_requested
            && !device->registered)
            warn(device->name, "Start returned without registering the device: AppleUserHIDDevice sets RegisterService = false, "
                               "so no IOHIDInterface is published and nothing matches it; put RegisterService = true in "
                               "newDeviceDescription, or call RegisterService() after Start(provider, SUPERDISPATCH)");
        return false; // the kernel's own handling goes on
    }
    if (msgid != ids::IOHIDDevice__ProcessReport)
        return false;
    for (uint64_t id : m_kernel.m_objects.ids_where([&](KernelObject const& o) {
             auto const* a = dynamic_cast<ReportAction const*>(&o);
             return a && a->device == message.header.target && a->server_tag == server.tag() && !a->ended;
         })) {
        m_kernel.m_objects.find_as<ReportAction>(id)->invoke_returned = true;
    }
    return true;
}

bool HidDevices::release_proxy(UserServer& server, uint64_t id)
{
    auto* action = m_kernel.m_objects.find_as<ReportAction>(id);
    if (!action || action->server_tag != server.tag())
        return false;
    action->dext_released = true;
    if (action->ended)
        m_kernel.m_objects.destroy(id);
    return true;
}

void HidDevices::entry_registered(RegistryEntry& entry)
{
    auto* device = dynamic_cast<UserService*>(&entry);
    if (!device)
        return;
    auto it = m_devices.find(device->id());
    if (it == m_devices.end() || it->second.interface_id)
        return;
    // IOHIDDevice makes its interfaces from the first-match notification of its own
    // registration: in an event of its own, after the registration's matching.
    uint64_t id = device->id();
    it->second.interface_id = ~0ULL; // being published
    m_kernel.scheduler().schedule_after(0, [this, id] {
        auto* d = m_kernel.m_objects.find_as<UserService>(id);
        auto state = m_devices.find(id);
        if (!d || !d->active || state == m_devices.end()) {
            m_devices.erase(id);
            return;
        }
        publish_interface(*d, state->second);
    });
}

void HidDevices::publish_interface(UserService& device, Device& state)
{
    auto& nub = m_kernel.m_objects.create<HidInterfaceNub>();
    nub.name = "IOHIDInterface";
    for (auto key : kInterfaceKeys) {
        if (auto const* value = device.property(std::string(key)))
            nub.set_property(std::string(key), *value);
    }
    // IOHIDInterface::setRequiredDextEntitlements: a dext driving this nub needs transport.hid.
    nub.set_property("IOServiceDEXTEntitlements", Property::array({ Property::string("com.apple.developer.driverkit.transport.hid") }));
    state.interface_id = nub.id();
    m_kernel.publish_nub(nub, device);
}

// ---- reports from the dext ----

void HidDevices::check_against_descriptor(UserService const& device, ReportKind kind, std::vector<uint8_t> const& bytes, char const* who)
{
    auto it = m_devices.find(device.id());
    if (it == m_devices.end())
        return;
    hid::ReportDescriptor const& d = it->second.descriptor;
    uint8_t id = d.uses_report_ids && !bytes.empty() ? bytes[0] : 0;
    auto mismatch = [&](uint64_t expected, std::string const& what) {
        m_kernel.trace().emit(tp::hid_report_mismatch, kProcess, kLane, device.name,
            { TraceField::text("type", hid::to_string(kind)), TraceField::dec("id", id), TraceField::dec("length", bytes.size()),
                TraceField::dec("expected", expected), TraceField::text("what", what) });
    };
    std::string kind_name = hid::to_string(kind);
    hid::Report const* report = d.find(kind, id);
    if (!report) {
        std::string declared = ids_of(d, kind);
        mismatch(0, declared.empty() ? "the report descriptor declares no " + kind_name + " reports; " + who
                                             + " sends one anyway and the HID event system drops it: declare it in the descriptor"
                                     : kind_name + " report id " + std::to_string(id) + " is not in the report descriptor, which declares "
                                             + kind_name + " report" + (declared.find(',') == std::string::npos ? " " : "s ") + declared
                                             + (d.uses_report_ids ? " (the first byte is the report id)" : "")
                                             + "; the HID event system drops it: send a declared id, or declare this report");
        return;
    }
    uint32_t expected = d.wire_length(*report);
    if (bytes.size() == expected)
        return;
    std::string declared = kind_name + " report " + std::to_string(id) + " is " + count_of_bytes(bytes.size()) + ", but the "
        + "report descriptor declares " + count_of_bytes(expected) + (d.uses_report_ids ? " (report-id byte included)" : "");
    if (bytes.size() > expected)
        mismatch(expected, declared + "; IOHIDDevice reads the fields it declares and ignores the other "
                + count_of_bytes(bytes.size() - expected) + ": " + (std::string(who) == "handleReport"
                    ? "pass reportLength " + std::to_string(expected) + " to handleReport, or fix the descriptor"
                    : "send " + count_of_bytes(expected)));
    else
        mismatch(expected, declared + "; the fields past byte " + std::to_string(bytes.size()) + " are not updated: "
                + (std::string(who) == "handleReport" ? "send the whole report" : "send " + count_of_bytes(expected)));
}

ipc::Message HidDevices::handle_report(UserServer& server, UserService& device, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto timestamp = args.u64();
    auto report_ref = args.object();
    auto length = args.u64();
    auto type = args.u64();
    auto options = args.u64();
    if (!timestamp || !report_ref || !length || !type || !options)
        return ipc::make_reply(kr::BadArgument);
    (void)options; // kIOHIDReportOption* change nothing the lab models
    if (report_ref.value().id == 0) {
        warn(device.name, "handleReport with a NULL report: pass the IOMemoryDescriptor holding the report");
        return ipc::make_reply(kr::BadArgument);
    }
    if (type.value() > static_cast<uint64_t>(ReportKind::Feature)) {
        warn(device.name, "handleReport with report type " + std::to_string(type.value())
                + ": use kIOHIDReportTypeInput, kIOHIDReportTypeOutput or kIOHIDReportTypeFeature");
        return ipc::make_reply(kr::BadArgument);
    }
    auto* buffer = m_kernel.buffer_for(report_ref.value().id, server.tag());
    if (!buffer || !buffer->region) {
        warn(device.name, "handleReport with memory that is not an IOBufferMemoryDescriptor of this dext; the lab reads reports "
                          "from buffers (IOBufferMemoryDescriptor::Create)");
        return ipc::make_reply(kr::Unsupported);
    }
    ReportKind kind = static_cast<ReportKind>(type.value());
    if (length.value() > buffer->capacity) {
        // IOHIDDevice::_HandleReport's one check.
        m_kernel.trace().emit(tp::hid_report_mismatch, kProcess, kLane, device.name,
            { TraceField::text("type", hid::to_string(kind)), TraceField::dec("length", length.value()),
                TraceField::dec("expected", buffer->capacity),
                TraceField::text("what", "reportLength " + std::to_string(length.value()) + " is more than the memory's "
                        + std::to_string(buffer->capacity) + " bytes; handleReport returns kIOReturnBadArgument: pass the "
                          "report's length") });
        return ipc::make_reply(kr::BadArgument);
    }
    auto it = m_devices.find(device.id());
    if (it == m_devices.end()) {
        warn(device.name, "handleReport before the device's kernel start (IOUserHIDDevice::Start): IOHIDDevice is not ready for "
                          "input reports and drops it; send reports once Start has returned");
        return ipc::make_reply(kr::Success);
    }
    std::vector<uint8_t> bytes(buffer->region->data(), buffer->region->data() + length.value());
    if (bytes.empty()) {
        warn(device.name, "handleReport with reportLength 0: IOHIDDevice drops an empty report");
        return ipc::make_reply(kr::Success);
    }
    hid::ReportDescriptor const& d = it->second.descriptor;
    uint8_t id = d.uses_report_ids ? bytes[0] : 0;
    m_kernel.trace().emit(tp::hid_report, kProcess, kLane, device.name,
        { TraceField::text("type", hid::to_string(kind)), TraceField::dec("id", id), TraceField::dec("length", bytes.size()),
            TraceField::text("data", traced_hex(bytes)) });
    ++it->second.input_reports;
    check_against_descriptor(device, kind, bytes, "handleReport");
    return ipc::make_reply(kr::Success);
}

ipc::Message HidDevices::complete_report(UserServer& server, ipc::Message const& message)
{
    ipc::WireReader args(message);
    auto status = args.u64();
    auto actual = args.u64();
    auto* action = m_kernel.m_objects.find_as<ReportAction>(message.header.target);
    if (!status || !actual)
        return ipc::make_reply(kr::BadArgument);
    if (!action || action->server_tag != server.tag()) {
        warn(server.display_name(), "CompleteReport with an action that is not one the kernel passed to setReport or getReport; "
                                    "pass the `action` argument you were given");
        return ipc::make_reply(kr::BadArgument);
    }
    auto* device = m_kernel.m_objects.find_as<UserService>(action->device);
    std::string name = device ? device->name : server.display_name();
    if (action->completed) {
        warn(name, "CompleteReport called twice for one request; the second call is ignored");
        return ipc::make_reply(kr::Success);
    }
    if (action->ended) {
        warn(name, "CompleteReport after the request ended (it timed out); AppleUserHIDDevice ignores it: complete within "
                   "completionTimeout ms");
        return ipc::make_reply(kr::Success);
    }
    action->completed = true;
    action->status = static_cast<uint32_t>(status.value());
    if (action->get) {
        auto* buffer = m_kernel.buffer_for(action->buffer, server.tag());
        uint64_t count = actual.value();
        if (buffer && count > buffer->capacity) {
            warn(name, "CompleteReport says " + std::to_string(count) + " bytes, but the report buffer holds "
                    + std::to_string(buffer->capacity) + "; the system reads " + std::to_string(buffer->capacity));
            count = buffer->capacity;
        }
        if (buffer && buffer->region)
            action->bytes.assign(buffer->region->data(), buffer->region->data() + count);
    }
    return ipc::make_reply(kr::Success);
}

// ---- reports from the system: setReport and getReport ----

UserService const* HidDevices::find_device(std::string const& name) const
{
    for (auto const& [id, state] : m_devices) {
        auto const* device = m_kernel.m_objects.find_as<UserService>(id);
        if (device && device->active && device->name == name)
            return device;
    }
    return nullptr;
}

hid::ReportDescriptor const* HidDevices::descriptor(uint64_t device) const
{
    auto it = m_devices.find(device);
    return it == m_devices.end() ? nullptr : &it->second.descriptor;
}

uint32_t HidDevices::request_timeout_ms(UserService const& device, uint32_t asked) const
{
    if (asked >= kMinRequestTimeoutMs && asked <= kMaxRequestTimeoutMs)
        return asked;
    // RequestTimeout is in microseconds (AppleUserHIDDevice::handleStart).
    if (auto const* value = device.property("RequestTimeout"); value && value->is_number()) {
        uint64_t us = value->as_number();
        if (us >= kMinRequestTimeoutMs * 1000ULL && us <= kMaxRequestTimeoutMs * 1000ULL)
            return static_cast<uint32_t>(us / 1000);
    }
    return kDefaultRequestTimeoutMs;
}

HidReportResult HidDevices::set_report(uint64_t device, ReportKind kind, std::vector<uint8_t> const& report, uint8_t report_id,
    uint32_t timeout_ms)
{
    return process_report(device, false, kind, report, static_cast<uint32_t>(report.size()), report_id, timeout_ms);
}

HidReportResult HidDevices::get_report(uint64_t device, ReportKind kind, uint32_t length, uint8_t report_id, uint32_t timeout_ms)
{
    return process_report(device, true, kind, {}, length, report_id, timeout_ms);
}

HidReportResult HidDevices::process_report(uint64_t device_id, bool get, ReportKind kind, std::vector<uint8_t> const& bytes,
    uint32_t length, uint8_t report_id, uint32_t timeout_ms)
{
    HidReportResult result;
    auto* device = m_kernel.m_objects.find_as<UserService>(device_id);
    std::string name = device ? device->name : "-";
    auto finish = [&](uint32_t status, std::string why) {
        result.status = status;
        result.why = std::move(why);
        std::vector<TraceField> fields { TraceField::text("type", hid::to_string(kind)), TraceField::dec("id", report_id),
            TraceField::dec("length", get ? length : bytes.size()) };
        if (!get)
            fields.push_back(TraceField::text("data", traced_hex(bytes)));
        fields.push_back(TraceField::text("status", kr::ioreturn_name(status)));
        if (get) {
            fields.push_back(TraceField::dec("actual", result.bytes.size()));
            fields.push_back(TraceField::text("data", traced_hex(result.bytes)));
        }
        if (!result.why.empty())
            fields.push_back(TraceField::text("why", result.why));
        m_kernel.trace().emit(get ? tp::hid_get_report : tp::hid_set_report, kProcess, kLane, name, std::move(fields));
        return result;
    };
    if (!device || !device->active || !m_devices.contains(device_id))
        return finish(kr::Offline, "no started HID device with that id (not started, or terminated)");
    if (device->state != ServiceState::Started || !device->server || !device->server->running())
        return finish(kr::Offline, device->name + " is not running (state " + to_string(device->state) + ")");
    if (!get)
        check_against_descriptor(*device, kind, bytes, "setReport");
    UserServer& server = *device->server;
    uint64_t capacity = std::max<uint64_t>(get ? length : bytes.size(), 1);
    BufferDescriptor* buffer = m_kernel.new_buffer(server, capacity, get ? 0x1 /* In */ : 0x2 /* Out */);
    if (!buffer)
        return finish(kr::NoMemory, "could not make the report buffer");
    std::copy(bytes.begin(), bytes.end(), buffer->region->data());
    buffer->length = get ? length : bytes.size();
    auto& action = m_kernel.m_objects.create<ReportAction>();
    action.device = device_id;
    action.server_tag = server.tag();
    action.buffer = buffer->id();
    action.get = get;
    uint64_t action_id = action.id();
    uint64_t buffer_id = buffer->id();
    uint32_t timeout = request_timeout_ms(*device, timeout_ms);

    auto invoke = ipc::Message::make(ipc::MessageKind::Invoke, device_id, ids::IOHIDDevice__ProcessReport);
    ipc::WireWriter(invoke)
        .u64(get ? kGetReportCommand : kSetReportCommand)
        .object(buffer_id, buffer->class_chain_text())
        .u64(buffer_id)
        .u64(capacity)
        .u64(static_cast<uint64_t>(kind))
        .u64(report_id) // options: the report id in the low 8 bits
        .u64(timeout_ms)
        .object(action_id, action.class_chain_text());
    uint64_t tag = server.tag();
    // The kernel's reference on an object it lent the dext for this request.
    auto release_in_dext = [&](uint64_t id) {
        if (auto* s = m_kernel.server_by_tag(tag); s && s->running())
            (void)s->send(ipc::Message::make(ipc::MessageKind::ReleaseObject, id));
    };
    auto sent = server.send(invoke);
    uint32_t accepted = kr::IPCError;
    if (sent) {
        ipc::WireReader reader(sent.value());
        auto status = ipc::reply_status(sent.value(), reader);
        accepted = status ? static_cast<uint32_t>(status.value()) : kr::IPCError;
    }
    if (accepted != kr::Success) {
        m_kernel.m_objects.find_as<ReportAction>(action_id)->ended = true;
        release_in_dext(buffer_id);
        release_in_dext(action_id);
        m_kernel.m_objects.destroy(action_id);
        return finish(kr::NotResponding, "the dext did not take _ProcessReport: " + kr::ioreturn_name(accepted));
    }

    VirtualTime deadline = m_kernel.scheduler().now() + static_cast<Duration>(timeout) * 1'000'000;
    auto alive = [&] {
        auto* s = m_kernel.server_by_tag(tag);
        auto* d = m_kernel.m_objects.find_as<UserService>(device_id);
        return s && s->running() && d && d->active;
    };
    auto action_now = [&] { return m_kernel.m_objects.find_as<ReportAction>(action_id); };
    // First until the dext's setReport/getReport has returned (or completed already).
    m_kernel.scheduler().run_until([&] { return !alive() || action_now()->completed || action_now()->invoke_returned; }, deadline);
    // The kernel's references go: a dext that kept neither can no longer complete.
    if (alive()) {
        release_in_dext(buffer_id);
        release_in_dext(action_id);
    }
    // A dext that kept the action completes it later, from another queue item.
    m_kernel.scheduler().run_until([&] { return !alive() || action_now()->completed || action_now()->dext_released; }, deadline);
    ReportAction& done = *action_now();
    done.ended = true;
    uint32_t status = kr::Success;
    std::string why;
    if (done.completed) {
        status = done.status;
        result.bytes = done.bytes;
        if (status != kr::Success)
            why = std::string(get ? "getReport" : "setReport") + " completed with " + kr::ioreturn_name(status);
    } else if (!alive()) {
        status = kr::Offline;
        why = "the device went away (or its dext died) before the request completed";
    } else if (done.dext_released) {
        status = kr::Aborted;
        why = std::string("the dext's ") + (get ? "getReport" : "setReport") + " returned without calling CompleteReport(action, "
            "status, byteCount) and did not keep the action, so the request is aborted: call CompleteReport before returning "
            "(or retain the action and complete it later); a non-zero return is in the dext's log (ProcessReport ... ret=)";
    } else {
        status = kr::Timeout;
        why = "no CompleteReport within " + std::to_string(timeout) + " ms; the dext still holds the action";
    }
    if (done.dext_released || !alive())
        m_kernel.m_objects.destroy(action_id);
    return finish(status, why);
}

} // namespace dextlab::kernel
