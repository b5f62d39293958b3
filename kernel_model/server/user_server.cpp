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
    m_link.set_kernel_handler(this);
}

UserServer::~UserServer()
{
    m_link.set_dext_handler(nullptr);
    m_dext.reset();
}

ErrorOr<void> UserServer::launch()
{
    m_dext = m_kernel.m_dext_side_factory(m_link.dext_side(), m_name);
    m_link.set_dext_handler(m_dext.get());
    ++m_launches;
    m_kernel.trace().emit(tp::server_launch, m_bundle.name, "lifecycle", m_name,
        { TraceField::dec("launch", static_cast<uint64_t>(m_launches)) });
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
    if (!m_dext)
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
    m_link.set_dext_handler(nullptr);
    m_dext.reset();
    m_queues.clear();
    ++m_exits;
    m_last_leaks = leaks;
    return leaks;
}

ErrorOr<ipc::Message> UserServer::send(ipc::Message const& message)
{
    if (!m_dext)
        return Error::with("server " + m_name + " is not running");
    if (message.kind() != ipc::MessageKind::RunQueueItem) {
        m_kernel.trace().emit(tp::ipc_to_dext, "kernel", "ipc", m_bundle.name,
            { TraceField::text("kind", ipc::to_string(message.kind())),
                TraceField::text("method", m_kernel.method_name(message.header.msgid)),
                TraceField::hex("target", message.header.target) });
    }
    return m_link.kernel_side().call(message);
}

ipc::Message UserServer::handle(ipc::Message const& message) { return m_kernel.handle_from_dext(*this, message); }

} // namespace dextlab::kernel
