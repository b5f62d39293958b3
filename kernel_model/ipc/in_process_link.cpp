#include "transport.h"

namespace dextlab::ipc {

// One direction of the link. Messages are passed as Message objects (header + encoded payload),
// exactly what a stream transport would frame; only the copy through a socket is skipped.
class InProcessLink::Side final : public Channel {
public:
    Side(InProcessLink& link, bool to_dext)
        : m_link(link)
        , m_to_dext(to_dext)
    {
    }

    ErrorOr<Message> call(Message const& request) override
    {
        MessageHandler* peer = m_to_dext ? m_link.m_dext_handler : m_link.m_kernel_handler;
        if (!peer)
            return Error::with("ipc: the peer of this in-process link is gone");
        ++m_link.m_messages;
        Message reply = peer->handle(request);
        ++m_link.m_messages;
        return reply;
    }

    ErrorOr<void> post(Message const& message) override
    {
        MessageHandler* peer = m_to_dext ? m_link.m_dext_handler : m_link.m_kernel_handler;
        if (!peer)
            return Error::with("ipc: the peer of this in-process link is gone");
        ++m_link.m_messages;
        peer->handle(message);
        return {};
    }

    uint8_t* map_region(uint64_t region_id, size_t size) override
    {
        auto it = m_link.m_regions.find(region_id);
        if (it == m_link.m_regions.end() || it->second->size() < size)
            return nullptr;
        return it->second->data();
    }

private:
    InProcessLink& m_link;
    bool m_to_dext;
};

InProcessLink::InProcessLink()
    : m_kernel_side(std::make_unique<Side>(*this, true))
    , m_dext_side(std::make_unique<Side>(*this, false))
{
}

InProcessLink::~InProcessLink() = default;

Channel& InProcessLink::kernel_side() { return *m_kernel_side; }
Channel& InProcessLink::dext_side() { return *m_dext_side; }

void InProcessLink::share_region(std::shared_ptr<SharedRegion> region)
{
    auto id = region->id();
    m_regions[id] = std::move(region);
}

void InProcessLink::unshare_region(uint64_t region_id) { m_regions.erase(region_id); }

} // namespace dextlab::ipc
