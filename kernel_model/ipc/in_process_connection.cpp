#include "connection.h"

namespace dextlab::ipc {

namespace {

class InProcessConnection final : public DextConnection {
public:
    explicit InProcessConnection(MessageHandler& kernel_side)
    {
        m_link.set_kernel_handler(&kernel_side);
    }
    ~InProcessConnection() override { end(); }

    void start(DextSideFactory const& factory, std::string const& name)
    {
        m_dext = factory(m_link.dext_side(), name);
        m_link.set_dext_handler(m_dext.get());
    }

    ErrorOr<Message> call(Message const& request) override
    {
        if (!m_dext)
            return Error::with("ipc: the dext side is gone (" + m_death + ")");
        return m_link.kernel_side().call(request);
    }
    void share_region(std::shared_ptr<SharedRegion> region) override { m_link.share_region(std::move(region)); }
    void unshare_region(uint64_t region_id) override { m_link.unshare_region(region_id); }

    // In-process, a fault is modelled, not performed: the dext side disappears as a killed
    // process would, without free() on anything it held.
    void inject_fault(std::string const& how) override
    {
        end();
        if (how == "segv")
            m_death = "killed by SIGSEGV (modelled in-process)";
        else if (how == "abort")
            m_death = "killed by SIGABRT (modelled in-process)";
        else if (how == "exit")
            m_death = "exited with status 1 (modelled in-process)";
        else
            m_death = "hung and was killed by the watchdog (modelled in-process)";
    }
    bool isolated() const override { return false; }

private:
    void end()
    {
        m_link.set_dext_handler(nullptr);
        m_dext.reset();
    }

    InProcessLink m_link;
    std::unique_ptr<MessageHandler> m_dext;
};

} // namespace

DextLauncher in_process_launcher(DextSideFactory make_dext_side)
{
    return [make_dext_side = std::move(make_dext_side)](MessageHandler& kernel_side, std::string const& name)
               -> ErrorOr<std::unique_ptr<DextConnection>> {
        auto connection = std::make_unique<InProcessConnection>(kernel_side);
        connection->start(make_dext_side, name);
        return std::unique_ptr<DextConnection>(std::move(connection));
    };
}

} // namespace dextlab::ipc
