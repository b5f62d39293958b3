#include "user_server.h"

#include "kernel_model/ipc/ioreturn.h"
#include "kernel_model/kernel.h"
#include "kernel_model/trace_points.h"

namespace dextlab::kernel {

char const* to_string(ServiceState state)
{
    switch (state) {
    case ServiceState::Instantiated: return "instantiated";
    case ServiceState::Starting: return "starting";
    case ServiceState::Started: return "started";
    case ServiceState::Stopping: return "stopping";
    case ServiceState::Stopped: return "stopped";
    case ServiceState::Failed: return "failed";
    }
    return "?";
}

UserServer::UserServer(Kernel& kernel, DextBundle const& bundle, uint64_t tag)
    : m_kernel(kernel)
    , m_bundle(bundle)
    , m_tag(tag)
{
    m_name = bundle.bundle_identifier;
    for (auto const& p : bundle.personalities) {
        if (auto server_name = p.properties.find("IOUserServerName"); server_name != p.properties.end()
            && server_name->second.is_string()) {
            m_name = server_name->second.as_string();
            break;
        }
    }
}

UserServer::~UserServer() { m_connection.reset(); }

ErrorOr<void> UserServer::launch()
{
    m_connection = TRY(m_kernel.m_launcher(*this, m_name));
    ++m_launches;
    m_kernel.trace().emit(tp::server_launch, m_bundle.name, "lifecycle", m_name,
        { TraceField::dec("launch", static_cast<uint64_t>(m_launches)),
            TraceField::text("transport", m_connection->isolated() ? "isolated" : "in-process"),
            TraceField::text("version", (m_bundle.short_version.empty() ? "-" : m_bundle.short_version) + " ("
                    + (m_bundle.version.empty() ? "-" : m_bundle.version) + ")") });
    auto load = ipc::Message::make(ipc::MessageKind::LoadModule);
    ipc::WireWriter(load).str(m_bundle.executable_path);
    auto reply = send(load);
    if (!reply)
        return reply.release_error();
    ipc::WireReader reader(reply.value());
    auto status = ipc::reply_status(reply.value(), reader);
    if (!status || status.value() != ipc::kr::Success) {
        auto why = reader.str();
        exit();
        return Error::with(m_bundle.executable_path + ": the dext could not be loaded: "
            + (why ? why.value() : std::string("bad reply")));
    }
    return {};
}

std::vector<std::string> UserServer::exit()
{
    if (!running())
        return {};
    std::vector<std::string> leaks;
    auto reply = send(ipc::Message::make(ipc::MessageKind::Census));
    if (reply) {
        ipc::WireReader reader(reply.value());
        auto status = ipc::reply_status(reply.value(), reader);
        auto count = reader.u64();
        for (uint64_t i = 0; status && count && i < count.value(); ++i) {
            auto what = reader.str();
            if (!what)
                break;
            leaks.push_back(what.value());
        }
    }
    m_connection.reset();
    m_queues.clear();
    ++m_exits;
    m_last_leaks = leaks;
    return leaks;
}

ErrorOr<ipc::Message> UserServer::send(ipc::Message const& message) { return send(ipc::Message(message)); }

ErrorOr<ipc::Message> UserServer::send(ipc::Message&& message)
{
    if (!running())
        return Error::with("server " + m_name + " is not running");
    if (message.kind() != ipc::MessageKind::RunQueueItem) {
        // Every completion passes here: build the record only for a subscriber that wants it.
        m_kernel.trace().emit_lazily(tp::ipc_to_dext, [&] {
            return TraceArgs { "kernel", "ipc", m_bundle.name,
                { TraceField::text("kind", ipc::to_string(message.kind())),
                    TraceField::text("method", m_kernel.method_name(message.header.msgid)),
                    TraceField::hex("target", message.header.target) } };
        });
    }
    // The dext reads the virtual time of the event that sent this (mach_absolute_time).
    message.header.now_ns = m_kernel.scheduler().now();
    auto reply = m_connection->call(message);
    if (!reply && !m_connection->death().empty())
        m_kernel.server_died(*this);
    return reply;
}

void UserServer::inject_fault(std::string const& how)
{
    if (!running())
        return;
    m_connection->inject_fault(how);
    if (!m_connection->death().empty())
        m_kernel.server_died(*this);
}

void UserServer::forget_dead_process()
{
    ++m_crashes;
    m_connection.reset();
    m_queues.clear();
    m_services.clear();
}

ipc::Message UserServer::handle(ipc::Message const& message) { return m_kernel.handle_from_dext(*this, message); }

} // namespace dextlab::kernel
