#include "client_steps.h"

#include "kernel_model/ipc/ioreturn.h"
#include "sim/lab/lab.h"

namespace dextlab::lab {

namespace {

// What the scenario's app received: one record per async result, for `expect: {event: client_async}`.
constexpr TracePoint client_async { "client_async", TraceCategory::Lifecycle };

std::string join(std::vector<uint64_t> const& values)
{
    std::string text;
    for (uint64_t v : values)
        text += (text.empty() ? "" : ",") + std::to_string(v);
    return text;
}

std::string printable(std::vector<uint8_t> const& bytes)
{
    std::string text;
    size_t shown = std::min<size_t>(bytes.size(), 32);
    bool ascii = std::all_of(bytes.begin(), bytes.begin() + static_cast<long>(shown), [](uint8_t b) { return b >= 0x20 && b < 0x7f; });
    if (ascii)
        text = "\"" + std::string(bytes.begin(), bytes.begin() + static_cast<long>(shown)) + "\"";
    else
        for (size_t i = 0; i < shown; ++i)
            text += (i ? " " : "") + std::to_string(bytes[i]);
    if (bytes.size() > shown)
        text += " … (" + std::to_string(bytes.size()) + " bytes)";
    return text;
}

kernel::AppIdentity identity(AppSpec const& app) { return kernel::AppIdentity { app.name, app.entitlements }; }

} // namespace

ClientSession::ClientSession(Lab& lab, AppSpec const& app)
    : m_lab(lab)
    , m_port(lab, identity(app))
{
    m_port.set_always_in_run_loop(true);
}

std::string ClientSession::describe(ClientStep const& step)
{
    switch (step.op) {
    case ClientStep::Op::Open: return "client open " + step.service + " type " + std::to_string(step.type) + " as " + step.connection;
    case ClientStep::Op::Call:
        return "client call " + step.connection + " selector " + std::to_string(step.selector) + (step.async ? " (async)" : "");
    case ClientStep::Op::Map: return "client map " + step.connection + " type " + std::to_string(step.type);
    case ClientStep::Op::Close: return "client close " + step.connection;
    }
    return "client";
}

std::string ClientSession::perform(ClientStep const& step)
{
    switch (step.op) {
    case ClientStep::Op::Open: return open(step);
    case ClientStep::Op::Call: return call(step);
    case ClientStep::Op::Map: return map(step);
    case ClientStep::Op::Close: {
        auto it = m_connections.find(step.connection);
        uint32_t status = it == m_connections.end() ? ipc::kr::BadArgument : m_port.close(it->second);
        std::string got = ipc::kr::ioreturn_name(status);
        return got == step.status ? "" : "close returned " + got + ", expected " + step.status;
    }
    }
    return "unknown client step";
}

std::string ClientSession::open(ClientStep const& step)
{
    // IOServiceGetMatchingService(kIOMainPortDefault, IOServiceNameMatching(name)), then IOServiceOpen.
    auto found = m_port.matching_services(kernel::PropertyDict { { "IONameMatch", kernel::Property::string(step.service) } });
    uint32_t status = ipc::kr::NotFound;
    std::string why = "no registered service is named " + step.service + " (does it call RegisterService?)";
    if (!found.empty()) {
        auto opened = m_port.open(found.front(), static_cast<uint32_t>(step.type));
        status = opened.status;
        why = opened.message;
        if (opened.ok())
            m_connections[step.connection] = opened.value;
    }
    std::string got = ipc::kr::ioreturn_name(status);
    if (got == step.status)
        return "";
    return "open " + step.service + " returned " + got + ", expected " + step.status + (why.empty() ? "" : " (" + why + ")");
}

std::string ClientSession::call(ClientStep const& step)
{
    auto it = m_connections.find(step.connection);
    if (it == m_connections.end())
        return "connection " + step.connection + " is not open (its open step failed?)";
    ipc::MethodCall call;
    call.selector = step.selector;
    call.scalar_input = step.scalars;
    call.structure_input = step.structure;
    call.scalar_output_capacity = step.scalar_outputs.value_or(step.expect_scalars ? static_cast<uint32_t>(step.expect_scalars->size()) : 0);
    call.structure_output_capacity = step.structure_output.value_or(step.expect_struct ? step.expect_struct->size() : 0);
    call.async = step.async;
    if (step.async) {
        std::string connection = step.connection;
        std::string app = m_port.app().name;
        call.on_async_completion = [this, connection, app](uint32_t status, std::vector<uint64_t> const& args) {
            m_lab.trace().emit(client_async, app, "client", connection,
                { TraceField::text("status", ipc::kr::ioreturn_name(status)), TraceField::text("args", join(args)) });
        };
    }
    auto result = m_port.call_method(it->second, std::move(call));
    std::string got = ipc::kr::ioreturn_name(result.status);
    if (got != step.status)
        return "call selector " + std::to_string(step.selector) + " returned " + got + ", expected " + step.status;
    if (step.expect_scalars && result.scalar_output != *step.expect_scalars)
        return "call selector " + std::to_string(step.selector) + " returned scalars [" + join(result.scalar_output) + "], expected ["
            + join(*step.expect_scalars) + "]";
    if (step.expect_struct && result.structure_output != *step.expect_struct)
        return "call selector " + std::to_string(step.selector) + " returned structure " + printable(result.structure_output)
            + ", expected " + printable(*step.expect_struct);
    return "";
}

std::string ClientSession::map(ClientStep const& step)
{
    auto it = m_connections.find(step.connection);
    if (it == m_connections.end())
        return "connection " + step.connection + " is not open (its open step failed?)";
    auto mapped = m_port.map_memory(it->second, step.type, 0);
    std::string got = ipc::kr::ioreturn_name(mapped.status);
    if (got != step.status)
        return "map type " + std::to_string(step.type) + " returned " + got + ", expected " + step.status
            + (mapped.message.empty() ? "" : " (" + mapped.message + ")");
    if (!mapped.ok())
        return "";
    std::string found;
    if (step.expect_bytes) {
        auto const& want = *step.expect_bytes;
        if (step.offset + want.size() > mapped.value.size) {
            found = "the mapping holds " + std::to_string(mapped.value.size) + " bytes; expect-bytes reaches past its end";
        } else {
            std::vector<uint8_t> have(mapped.value.address + step.offset, mapped.value.address + step.offset + want.size());
            if (have != want)
                found = "mapped bytes at " + std::to_string(step.offset) + " are " + printable(have) + ", expected " + printable(want);
        }
    }
    m_port.unmap_memory(it->second, mapped.value.id);
    return found;
}

} // namespace dextlab::lab
