// IOHIDDevice and IOUserHIDDevice in the dext. IOUserHIDDevice::Start runs the documented order
// (super Start, handleStart, newDeviceDescription, newReportDescriptor), hands the description to
// the kernel with SetProperties and finishes with the kernel's start (_Start). handleReport goes
// to the kernel as _HandleReport; the kernel's _ProcessReport requests run getReport / setReport
// on the device's queue, and CompleteReport answers them through the kernel's action.

#include "ivars.h"

#include "kernel_model/ipc/method_ids.h"

#include <DriverKit/OSCollections.h>
#include <HIDDriverKit/IOHIDDeviceKeys.h>
#include <HIDDriverKit/IOUserHIDDevice.h>

#include <cstdio>
#include <string>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace {

bool const registered = [] {
    dextlab::sdk::register_method_decoder(IOHIDDevice__ProcessReport_ID,
        [](OSObject* target, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::WorkItem> {
            auto* device = OSDynamicCast(IOHIDDevice, target);
            auto* server = DextServer::of(target);
            if (!device || !server)
                return dextlab::Error::with("not an IOHIDDevice");
            uint64_t command = TRY(args.u64());
            IOMemoryDescriptor* report = dextlab::sdk::read_lent_memory(*server, args);
            uint64_t type = TRY(args.u64());
            uint64_t options = TRY(args.u64());
            uint64_t timeout = TRY(args.u64());
            auto action_ref = TRY(args.object());
            OSAction* action = OSDynamicCast(OSAction, server->object_for(action_ref));
            // The kernel keeps its references on the report and the action until this returns.
            return dextlab::sdk::WorkItem { [device, command, report, type, options, timeout, action] {
                device->_ProcessReport(static_cast<HIDReportCommandType>(command), report, static_cast<IOHIDReportType>(type),
                    static_cast<IOOptionBits>(options), static_cast<uint32_t>(timeout), action);
                DextServer::of(device)->invoke_done(device, IOHIDDevice__ProcessReport_ID, kIOReturnSuccess);
            } };
        });
    return true;
}();

void log_to(OSObject const* object, std::string const& text)
{
    if (auto* server = DextServer::of(object))
        server->log("runtime: " + text);
}

std::string hex32(uint32_t value)
{
    char buffer[16];
    std::snprintf(buffer, sizeof buffer, "0x%x", value);
    return buffer;
}

} // namespace

// ---- IOHIDDevice ----

kern_return_t IOHIDDevice::handleReport(uint64_t timestamp, IOMemoryDescriptor* report, uint32_t reportLength,
    IOHIDReportType reportType, IOOptionBits options)
{
    return _HandleReport(timestamp, report, reportLength, reportType, options);
}

kern_return_t IOHIDDevice::getReport(IOMemoryDescriptor*, IOHIDReportType, IOOptionBits, uint32_t, OSAction*)
{
    log_to(this, "IOHIDDevice::getReport is not overridden: the request fails with kIOReturnUnsupported");
    return kIOReturnUnsupported;
}

kern_return_t IOHIDDevice::setReport(IOMemoryDescriptor*, IOHIDReportType, IOOptionBits, uint32_t, OSAction*)
{
    log_to(this, "IOHIDDevice::setReport is not overridden: the request fails with kIOReturnUnsupported");
    return kIOReturnUnsupported;
}

void IOHIDDevice::setProperty(OSObject*, OSObject*) { }

void IOHIDDevice::_ProcessReport_Impl(HIDReportCommandType command, IOMemoryDescriptor* report, IOHIDReportType reportType,
    IOOptionBits options, uint32_t completionTimeout, OSAction* action)
{
    kern_return_t ret = kIOReturnBadArgument;
    switch (command) {
    case kIOHIDReportCommandSetReport:
        ret = setReport(report, reportType, options, completionTimeout, action);
        break;
    case kIOHIDReportCommandGetReport:
        ret = getReport(report, reportType, options, completionTimeout, action);
        break;
    }
    // As HIDDriverKit does: an error return is logged; the request itself ends when the action
    // is completed, or dropped without completing (the kernel then reports it aborted).
    if (ret != kIOReturnSuccess)
        log_to(this, "ProcessReport cmd:" + std::to_string(command) + " type:" + std::to_string(reportType) + " options:"
                + hex32(options) + " timeout:" + std::to_string(completionTimeout) + " ret:" + hex32(static_cast<uint32_t>(ret)));
}

void IOHIDDevice::CompleteReport_Impl(OSAction* action, IOReturn status, uint32_t actualByteCount)
{
    auto* server = DextServer::of(this);
    if (!action) {
        server->log("runtime: CompleteReport with a NULL action: pass the action getReport or setReport was given");
        return;
    }
    // The completion goes to the kernel's action, as the prototype's TARGET says.
    server->call_kernel(server->id_of(action), IOHIDDevice_CompleteReport_ID,
        [&](ipc::WireWriter& w) { w.u64(static_cast<uint32_t>(status)).u64(actualByteCount); });
}

kern_return_t IOHIDDevice::_Start_Impl(IOService* provider)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, IOHIDDevice__Start_ID, [&](ipc::WireWriter& w) { server->write_object(w, provider); });
}

kern_return_t IOHIDDevice::_HandleReport_Impl(uint64_t timestamp, IOMemoryDescriptor* report, uint32_t reportLength,
    IOHIDReportType reportType, IOOptionBits options)
{
    auto* server = DextServer::of(this);
    return server->call_kernel(__dextlab_object_id, IOHIDDevice__HandleReport_ID, [&](ipc::WireWriter& w) {
        w.u64(timestamp);
        server->write_object(w, report);
        w.u64(reportLength).u64(static_cast<uint64_t>(reportType)).u64(options);
    });
}

// ---- IOUserHIDDevice ----

kern_return_t IOUserHIDDevice::Start_Impl(IOService* provider)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    if (ret != kIOReturnSuccess) {
        log_to(this, "IOUserHIDDevice::Start: Start(SUPERDISPATCH) returned " + hex32(static_cast<uint32_t>(ret)));
        return ret;
    }
    if (!handleStart(provider)) {
        log_to(this, "IOUserHIDDevice::Start: handleStart returned false; Start fails with kIOReturnError");
        return kIOReturnError;
    }
    OSDictionary* description = newDeviceDescription();
    if (!description) {
        log_to(this, "IOUserHIDDevice::Start: newDeviceDescription returned NULL; the device gets an empty description");
        description = OSDictionary::withCapacity(1);
        if (!description)
            return kIOReturnNoMemory;
    }
    OSData* descriptor = newReportDescriptor();
    if (!descriptor) {
        log_to(this, "IOUserHIDDevice::Start: newReportDescriptor returned NULL; Start fails with kIOReturnError "
                     "(return the report descriptor's bytes in a new OSData)");
        description->release();
        return kIOReturnError;
    }
    description->setObject(kIOHIDReportDescriptorKey, descriptor);
    ret = SetProperties(description);
    if (ret == kIOReturnSuccess)
        ret = _Start(provider); // the kernel parses the descriptor and publishes the device
    else
        log_to(this, "IOUserHIDDevice::Start: SetProperties returned " + hex32(static_cast<uint32_t>(ret)));
    description->release();
    descriptor->release();
    if (ret != kIOReturnSuccess)
        log_to(this, "IOUserHIDDevice::Start failed: " + hex32(static_cast<uint32_t>(ret)));
    return ret;
}

bool IOUserHIDDevice::handleStart(IOService*) { return true; }

OSDictionary* IOUserHIDDevice::newDeviceDescription() { return nullptr; }

OSData* IOUserHIDDevice::newReportDescriptor() { return nullptr; }
