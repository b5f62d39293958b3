// IOKitLib's connection half: IOServiceOpen/Close, the IOConnectCall* family (scalars and
// structures, synchronous and async), and IOConnectMapMemory64. Argument checks give the codes
// IOKit's MIG stubs and kernel give: more than 16 scalars is MIG_ARRAY_TOO_LARGE, a name the
// task does not hold MACH_SEND_INVALID_DEST, anything else malformed kIOReturnBadArgument.

#include "iokit_async.h"
#include "iokit_port.h"

#include <algorithm>
#include <cstring>

using namespace dextlab;
using namespace dextlab::iokit;

namespace {

constexpr uint32_t kMaxScalars = 16; // io_scalar_inband64_t
constexpr uint64_t kAsync64Flag = 1; // kIOUCAsync64Flag: the kernel marks a 64-bit task's reference

struct CallArguments {
    uint32_t selector;
    uint64_t const* input;
    uint32_t input_count;
    void const* input_struct;
    size_t input_struct_size;
    uint64_t* output;
    uint32_t* output_count;
    void* output_struct;
    size_t* output_struct_size;
};

kern_return_t check_arguments(CallArguments const& a)
{
    if (a.input_count > kMaxScalars)
        return MIG_ARRAY_TOO_LARGE;
    if ((a.input_count && !a.input) || (a.input_struct_size && !a.input_struct))
        return kIOReturnBadArgument;
    if (a.output_count && *a.output_count && !a.output)
        return kIOReturnBadArgument;
    if (a.output_struct_size && *a.output_struct_size == static_cast<size_t>(kIOConnectMethodVarOutputSize))
        return kIOReturnUnsupported; // variable-size output (a buffer the kernel allocates) is not modelled
    if (a.output_struct_size && *a.output_struct_size && !a.output_struct)
        return kIOReturnBadArgument;
    return KERN_SUCCESS;
}

ipc::MethodCall method_call(CallArguments const& a)
{
    ipc::MethodCall call;
    call.selector = a.selector;
    call.scalar_input.assign(a.input, a.input + a.input_count);
    auto const* bytes = static_cast<uint8_t const*>(a.input_struct);
    call.structure_input.assign(bytes, bytes + a.input_struct_size);
    call.scalar_output_capacity = a.output_count ? std::min(*a.output_count, kMaxScalars) : 0;
    call.structure_output_capacity = a.output_struct_size ? *a.output_struct_size : 0;
    return call;
}

kern_return_t finish(CallArguments const& a, ipc::MethodCall call, ipc::AppPort& port, uint64_t connection)
{
    uint32_t scalar_capacity = call.scalar_output_capacity;
    size_t struct_capacity = call.structure_output_capacity;
    auto result = port.call_method(connection, std::move(call));
    if (result.status != 0)
        return to_ioreturn(result.status); // an error reply carries no outputs
    auto scalars = std::min<size_t>(result.scalar_output.size(), scalar_capacity);
    std::copy_n(result.scalar_output.begin(), scalars, a.output);
    if (a.output_count)
        *a.output_count = static_cast<uint32_t>(scalars);
    auto bytes = std::min(result.structure_output.size(), struct_capacity);
    if (bytes)
        std::memcpy(a.output_struct, result.structure_output.data(), bytes);
    if (a.output_struct_size)
        *a.output_struct_size = bytes;
    return KERN_SUCCESS;
}

kern_return_t call(mach_port_t connection, CallArguments const& a)
{
    kern_return_t status = check_arguments(a);
    if (status != KERN_SUCCESS)
        return status;
    auto* c = lookup<ConnectionObject>(connection, status);
    if (!c)
        return status;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    return finish(a, method_call(a), *p, c->id);
}

kern_return_t call_async(mach_port_t connection, mach_port_t wake_port, uint64_t const* reference, uint32_t reference_count,
    CallArguments const& a)
{
    kern_return_t status = check_arguments(a);
    if (status != KERN_SUCCESS)
        return status;
    if (reference_count > kOSAsyncRef64Count)
        return MIG_ARRAY_TOO_LARGE;
    auto* c = lookup<ConnectionObject>(connection, status);
    if (!c)
        return status;
    if (!reference || reference_count < 1) // the kernel needs the reserved word
        return kIOReturnBadArgument;
    auto notify = wake_port_state(wake_port, status);
    if (!notify)
        return status;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    std::vector<uint64_t> words(reference, reference + reference_count);
    words[kIOAsyncReservedIndex] = static_cast<uint64_t>(wake_port) | kAsync64Flag;
    auto request = method_call(a);
    request.async = true;
    request.async_reference = words;
    request.on_async_completion = async_completion(notify, std::move(words));
    return finish(a, std::move(request), *p, c->id);
}

} // namespace

namespace dextlab::iokit {

void connection_released(ConnectionObject& connection)
{
    // The last send right gone: the kernel sees the client die and closes it.
    if (!connection.open)
        return;
    connection.open = false;
    if (auto* p = port())
        p->close(connection.id);
}

} // namespace dextlab::iokit

kern_return_t IOServiceOpen(io_service_t service, task_port_t owningTask, uint32_t type, io_connect_t* connect)
{
    if (connect)
        *connect = IO_OBJECT_NULL;
    kern_return_t status;
    auto* entry = lookup_entry(service, status);
    if (!entry)
        return status;
    if (!connect || owningTask != mach_task_self())
        return kIOReturnBadArgument;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto opened = p->open(entry->id, type);
    if (!opened.ok())
        return to_ioreturn(opened.status);
    *connect = ObjectTable::shared().add(ConnectionObject { opened.value, entry->id, true, {} });
    return KERN_SUCCESS;
}

kern_return_t IOServiceClose(io_connect_t connect)
{
    kern_return_t status;
    auto* c = lookup<ConnectionObject>(connect, status);
    if (!c)
        return status;
    if (c->open) {
        c->open = false;
        c->mappings.clear(); // closing unmaps everything the connection mapped
        if (auto* p = port())
            status = to_ioreturn(p->close(c->id));
    }
    ObjectTable::shared().release(connect);
    return status;
}

kern_return_t IOConnectAddRef(io_connect_t connect) { return ObjectTable::shared().retain(connect); }

kern_return_t IOConnectRelease(io_connect_t connect) { return ObjectTable::shared().release(connect); }

kern_return_t IOConnectGetService(io_connect_t connect, io_service_t* service)
{
    kern_return_t status;
    auto* c = lookup<ConnectionObject>(connect, status);
    if (!c)
        return status;
    if (!service)
        return kIOReturnBadArgument;
    *service = ObjectTable::shared().entry_name(c->service);
    return KERN_SUCCESS;
}

kern_return_t IOConnectMapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t intoTask,
    mach_vm_address_t* atAddress, mach_vm_size_t* ofSize, IOOptionBits options)
{
    kern_return_t status;
    auto* c = lookup<ConnectionObject>(connect, status);
    if (!c)
        return status;
    if (!atAddress || !ofSize || intoTask != mach_task_self())
        return kIOReturnBadArgument;
    // The lab chooses where a mapping goes; a caller-chosen address cannot be honoured.
    if (!(options & kIOMapAnywhere))
        return kIOReturnUnsupported;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    auto mapped = p->map_memory(c->id, memoryType, options);
    if (!mapped.ok())
        return to_ioreturn(mapped.status);
    auto address = static_cast<mach_vm_address_t>(reinterpret_cast<uintptr_t>(mapped.value.address));
    c->mappings.push_back({ mapped.value.id, memoryType, address });
    *atAddress = address;
    *ofSize = mapped.value.size;
    return KERN_SUCCESS;
}

kern_return_t IOConnectUnmapMemory64(io_connect_t connect, uint32_t memoryType, task_port_t fromTask,
    mach_vm_address_t atAddress)
{
    kern_return_t status;
    auto* c = lookup<ConnectionObject>(connect, status);
    if (!c)
        return status;
    if (fromTask != mach_task_self())
        return kIOReturnBadArgument;
    auto found = std::find_if(c->mappings.begin(), c->mappings.end(),
        [&](Mapping const& m) { return m.memory_type == memoryType && m.address == atAddress; });
    if (found == c->mappings.end())
        return kIOReturnBadArgument;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;
    uint64_t id = found->id;
    c->mappings.erase(found);
    return to_ioreturn(p->unmap_memory(c->id, id));
}

kern_return_t IOConnectCallMethod(mach_port_t connection, uint32_t selector, const uint64_t* input, uint32_t inputCnt,
    const void* inputStruct, size_t inputStructCnt, uint64_t* output, uint32_t* outputCnt, void* outputStruct,
    size_t* outputStructCnt)
{
    return call(connection,
        { selector, input, inputCnt, inputStruct, inputStructCnt, output, outputCnt, outputStruct, outputStructCnt });
}

kern_return_t IOConnectCallAsyncMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const uint64_t* input, uint32_t inputCnt, const void* inputStruct,
    size_t inputStructCnt, uint64_t* output, uint32_t* outputCnt, void* outputStruct, size_t* outputStructCnt)
{
    return call_async(connection, wake_port, reference, referenceCnt,
        { selector, input, inputCnt, inputStruct, inputStructCnt, output, outputCnt, outputStruct, outputStructCnt });
}

kern_return_t IOConnectCallStructMethod(mach_port_t connection, uint32_t selector, const void* inputStruct,
    size_t inputStructCnt, void* outputStruct, size_t* outputStructCnt)
{
    return call(connection,
        { selector, nullptr, 0, inputStruct, inputStructCnt, nullptr, nullptr, outputStruct, outputStructCnt });
}

kern_return_t IOConnectCallAsyncStructMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const void* inputStruct, size_t inputStructCnt, void* outputStruct,
    size_t* outputStructCnt)
{
    return call_async(connection, wake_port, reference, referenceCnt,
        { selector, nullptr, 0, inputStruct, inputStructCnt, nullptr, nullptr, outputStruct, outputStructCnt });
}

kern_return_t IOConnectCallScalarMethod(mach_port_t connection, uint32_t selector, const uint64_t* input,
    uint32_t inputCnt, uint64_t* output, uint32_t* outputCnt)
{
    return call(connection, { selector, input, inputCnt, nullptr, 0, output, outputCnt, nullptr, nullptr });
}

kern_return_t IOConnectCallAsyncScalarMethod(mach_port_t connection, uint32_t selector, mach_port_t wake_port,
    uint64_t* reference, uint32_t referenceCnt, const uint64_t* input, uint32_t inputCnt, uint64_t* output,
    uint32_t* outputCnt)
{
    return call_async(connection, wake_port, reference, referenceCnt,
        { selector, input, inputCnt, nullptr, 0, output, outputCnt, nullptr, nullptr });
}
