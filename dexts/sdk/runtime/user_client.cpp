// IOUserClient in the dext: the kernel's _ExternalMethod message becomes an ExternalMethod call
// with IOUserClientMethodArguments (and dispatch-table checks when the dext asks for them),
// CopyClientMemoryForType answers IOConnectMapMemory64, and AsyncCompletion sends an async
// result back through the kernel to the app.

#include "ivars.h"

#include <DriverKit/OSData.h>

#include "kernel_model/ipc/method_ids.h"

#include <string>

using dextlab::sdk::DextServer;
namespace ipc = dextlab::ipc;

namespace {

std::string shape_error(uint64_t selector, char const* what, uint64_t got, uint32_t expected)
{
    return "runtime: IOConnectCall selector " + std::to_string(selector) + ": " + what + " is " + std::to_string(got)
        + " but the dispatch table row expects " + std::to_string(expected)
        + "; ExternalMethod returns kIOReturnBadArgument (fix the app's call or the table row)";
}

bool const registered = [] {
    dextlab::sdk::register_method_decoder(ipc::ids::IOUserClient_ExternalMethod,
        [](OSObject* target, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::WorkItem> {
            auto* client = OSDynamicCast(IOUserClient, target);
            auto* server = DextServer::of(target);
            if (!client || !server)
                return dextlab::Error::with("not a user client");
            uint64_t selector = TRY(args.u64());
            uint64_t scalar_count = TRY(args.u64());
            if (scalar_count > kIOUserClientScalarArrayCountMax)
                return dextlab::Error::with("too many scalars");
            auto scalars = std::make_shared<std::array<uint64_t, kIOUserClientScalarArrayCountMax>>();
            for (uint64_t i = 0; i < scalar_count; ++i)
                (*scalars)[i] = TRY(args.u64());
            bool has_structure = TRY(args.u64()) != 0;
            auto structure = TRY(args.bytes());
            IOMemoryDescriptor* input_descriptor = dextlab::sdk::read_lent_memory(*server, args);
            uint64_t scalar_output_capacity = TRY(args.u64());
            uint64_t structure_output_max = TRY(args.u64());
            IOMemoryDescriptor* output_descriptor = dextlab::sdk::read_lent_memory(*server, args);
            auto completion_ref = TRY(args.object());
            OSAction* completion = OSDynamicCast(OSAction, server->object_for(completion_ref));
            if (scalar_output_capacity > kIOUserClientScalarArrayCountMax)
                scalar_output_capacity = kIOUserClientScalarArrayCountMax;
            OSData* structure_input = has_structure ? OSData::withBytes(structure.data(), structure.size()) : nullptr;
            return dextlab::sdk::WorkItem { [client, selector, scalars, scalar_count, structure_input, input_descriptor,
                                                scalar_output_capacity, structure_output_max, output_descriptor, completion,
                                                input = dextlab::sdk::adopt(structure_input)] {
                uint64_t scalar_output[kIOUserClientScalarArrayCountMax] = {};
                uint32_t scalar_output_count = static_cast<uint32_t>(scalar_output_capacity);
                OSData* structure_output = nullptr;
                kern_return_t status = client->_ExternalMethod(selector, scalars->data(), static_cast<uint32_t>(scalar_count),
                    structure_input, input_descriptor, scalar_output, &scalar_output_count, structure_output_max,
                    &structure_output, output_descriptor, completion);
                auto* server = DextServer::of(client);
                if (scalar_output_count > scalar_output_capacity) {
                    server->log("runtime: ExternalMethod selector " + std::to_string(selector) + " set scalarOutputCount to "
                        + std::to_string(scalar_output_count) + " but the app passed room for "
                        + std::to_string(scalar_output_capacity) + " scalars; the extra values are dropped");
                    scalar_output_count = static_cast<uint32_t>(scalar_output_capacity);
                }
                if (structure_output && structure_output->getLength() > structure_output_max) {
                    server->log("runtime: ExternalMethod selector " + std::to_string(selector) + " returned "
                        + std::to_string(structure_output->getLength()) + " structure bytes but the app's buffer holds "
                        + std::to_string(structure_output_max) + "; the call fails with kIOReturnNoSpace");
                    if (status == kIOReturnSuccess)
                        status = kIOReturnNoSpace;
                }
                server->invoke_done(client, ipc::ids::IOUserClient_ExternalMethod, status, [&](ipc::WireWriter& w) {
                    w.u64(scalar_output_count);
                    for (uint32_t i = 0; i < scalar_output_count; ++i)
                        w.u64(scalar_output[i]);
                    bool send = structure_output && status == kIOReturnSuccess;
                    auto const* bytes = send ? static_cast<uint8_t const*>(structure_output->getBytesNoCopy()) : nullptr;
                    w.u64(send ? 1 : 0).bytes(bytes, send ? structure_output->getLength() : 0);
                });
                OSSafeReleaseNULL(structure_output);
            } };
        });

    dextlab::sdk::register_method_decoder(ipc::ids::IOUserClient_CopyClientMemoryForType,
        [](OSObject* target, ipc::WireReader& args) -> dextlab::ErrorOr<dextlab::sdk::WorkItem> {
            auto* client = OSDynamicCast(IOUserClient, target);
            if (!client)
                return dextlab::Error::with("not a user client");
            uint64_t type = TRY(args.u64());
            return dextlab::sdk::WorkItem { [client, type] {
                uint64_t options = 0;
                IOMemoryDescriptor* memory = nullptr;
                kern_return_t status = client->CopyClientMemoryForType(type, &options, &memory);
                if (status == kIOReturnSuccess && !memory)
                    status = kIOReturnNoMemory;
                auto* server = DextServer::of(client);
                server->invoke_done(client, ipc::ids::IOUserClient_CopyClientMemoryForType, status, [&](ipc::WireWriter& w) {
                    w.u64(options);
                    server->write_object(w, status == kIOReturnSuccess ? memory : nullptr);
                });
                // Copy semantics: the reference returned is the kernel's to consume. The app's
                // mapping keeps the memory itself alive.
                OSSafeReleaseNULL(memory);
            } };
        });
    return true;
}();

} // namespace

bool IOUserClient::init()
{
    if (!super::init())
        return false;
    ivars = IONewZero(IOUserClient_IVars, 1);
    return ivars != nullptr;
}

void IOUserClient::free()
{
    IOSafeDeleteNULL(ivars, IOUserClient_IVars, 1);
    super::free();
}

kern_return_t IOUserClient::ExternalMethod(uint64_t selector, IOUserClientMethodArguments* arguments,
    const IOUserClientMethodDispatch* dispatch, OSObject* target, void* reference)
{
    if (!arguments || !dispatch)
        return kIOReturnBadArgument;
    auto* server = DextServer::of(this);
    auto refuse = [&](char const* what, uint64_t got, uint32_t expected) {
        if (server)
            server->log(shape_error(selector, what, got, expected));
        return kIOReturnBadArgument;
    };
    if (dispatch->checkCompletionExists != static_cast<uint32_t>(-1)) {
        bool has = arguments->completion != nullptr;
        if (has != (dispatch->checkCompletionExists != 0))
            return refuse("whether it is async (has a completion)", has ? 1 : 0, dispatch->checkCompletionExists);
    }
    if (dispatch->checkScalarInputCount != kIOUserClientVariableStructureSize
        && dispatch->checkScalarInputCount != arguments->scalarInputCount)
        return refuse("the scalar input count", arguments->scalarInputCount, dispatch->checkScalarInputCount);
    if (dispatch->checkStructureInputSize != kIOUserClientVariableStructureSize) {
        uint64_t size = 0;
        if (arguments->structureInput)
            size = arguments->structureInput->getLength();
        else if (arguments->structureInputDescriptor)
            arguments->structureInputDescriptor->GetLength(&size);
        if (size != dispatch->checkStructureInputSize)
            return refuse("the structure input size", size, dispatch->checkStructureInputSize);
    }
    if (dispatch->checkScalarOutputCount != kIOUserClientVariableStructureSize
        && dispatch->checkScalarOutputCount != arguments->scalarOutputCount)
        return refuse("the scalar output count", arguments->scalarOutputCount, dispatch->checkScalarOutputCount);
    if (dispatch->checkStructureOutputSize != kIOUserClientVariableStructureSize
        && dispatch->checkStructureOutputSize != arguments->structureOutputMaximumSize)
        return refuse("the structure output size", arguments->structureOutputMaximumSize, dispatch->checkStructureOutputSize);
    if (!dispatch->function)
        return kIOReturnNoCompletion;
    return dispatch->function(target, reference, arguments);
}

kern_return_t IOUserClient::_ExternalMethod_Impl(uint64_t selector, const IOUserClientScalarArray scalarInput, uint32_t scalarInputCount,
    OSData* structureInput, IOMemoryDescriptor* structureInputDescriptor, IOUserClientScalarArray scalarOutput,
    uint32_t* scalarOutputCount, uint64_t structureOutputMaximumSize, OSData** structureOutput,
    IOMemoryDescriptor* structureOutputDescriptor, OSAction* completion)
{
    IOUserClientMethodArguments arguments {};
    arguments.version = kIOUserClientMethodArgumentsCurrentVersion;
    arguments.selector = selector;
    arguments.completion = completion;
    arguments.scalarInput = scalarInputCount ? scalarInput : nullptr;
    arguments.scalarInputCount = scalarInputCount;
    arguments.structureInput = structureInput;
    arguments.structureInputDescriptor = structureInputDescriptor;
    arguments.scalarOutput = scalarOutput;
    arguments.scalarOutputCount = scalarOutputCount ? *scalarOutputCount : 0;
    arguments.structureOutputDescriptor = structureOutputDescriptor;
    arguments.structureOutputMaximumSize = structureOutputMaximumSize;
    if (ivars)
        ++ivars->calls;
    kern_return_t status = ExternalMethod(selector, &arguments, nullptr, nullptr, nullptr);
    if (scalarOutputCount)
        *scalarOutputCount = arguments.scalarOutputCount;
    if (structureOutput)
        *structureOutput = arguments.structureOutput;
    else
        OSSafeReleaseNULL(arguments.structureOutput);
    return status;
}

void IOUserClient::AsyncCompletion_Impl(OSAction* action, IOReturn status, const IOUserClientAsyncArgumentsArray asyncData,
    uint32_t asyncDataCount)
{
    auto* server = DextServer::of(this);
    if (!server)
        return;
    if (!action) {
        server->log("runtime: AsyncCompletion with a NULL action: keep arguments->completion (retained) from the async "
                    "ExternalMethod call and pass it here");
        return;
    }
    if (asyncDataCount > kIOUserClientAsyncArgumentsCountMax) {
        server->log("runtime: AsyncCompletion with " + std::to_string(asyncDataCount) + " arguments; at most "
            + std::to_string(kIOUserClientAsyncArgumentsCountMax) + " are delivered");
        asyncDataCount = kIOUserClientAsyncArgumentsCountMax;
    }
    server->call_kernel(__dextlab_object_id, ipc::ids::IOUserClient_AsyncCompletion, [&](ipc::WireWriter& w) {
        server->write_object(w, action);
        w.u64(static_cast<uint32_t>(status)).u64(asyncDataCount);
        for (uint32_t i = 0; i < asyncDataCount; ++i)
            w.u64(asyncData ? asyncData[i] : 0);
    });
}
