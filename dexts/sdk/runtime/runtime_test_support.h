#pragma once
// A dext server with a fake kernel, for runtime tests: it records what the runtime sends, answers
// calls (success, or as a test says), and lets a test run queue items as the kernel would.

#include "ivars.h"

#include "kernel_model/ipc/method_ids.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace dextlab::sdk::testing {

class FakeKernel final : public ipc::Channel {
public:
    std::vector<ipc::Message> calls;  // requests, in order
    std::vector<ipc::Message> posted; // one-way messages, in order
    std::function<ipc::Message(ipc::Message const&)> answer; // default: kIOReturnSuccess
    std::map<uint64_t, std::vector<uint8_t>> regions;        // memory for map_region

    ErrorOr<ipc::Message> call(ipc::Message const& request) override
    {
        calls.push_back(request);
        return answer ? answer(request) : ipc::make_reply(0);
    }
    ErrorOr<void> post(ipc::Message const& message) override
    {
        posted.push_back(message);
        return {};
    }
    uint8_t* map_region(uint64_t region_id, size_t size) override
    {
        auto it = regions.find(region_id);
        return it == regions.end() || it->second.size() < size ? nullptr : it->second.data();
    }

    // The log lines the runtime sent.
    std::vector<std::string> logs() const
    {
        std::vector<std::string> out;
        for (auto const& m : posted) {
            if (m.kind() == ipc::MessageKind::Log) {
                ipc::WireReader r(m);
                out.push_back(r.str().value());
            }
        }
        return out;
    }
    size_t count(ipc::MessageKind kind, uint64_t msgid = 0) const
    {
        size_t n = 0;
        for (auto const* list : { &calls, &posted }) {
            for (auto const& m : *list)
                n += m.kind() == kind && (msgid == 0 || m.header.msgid == msgid);
        }
        return n;
    }
    // Phases of the queue reports (ids::IODispatchQueue_DispatchSync), in order.
    std::vector<uint64_t> queue_reports() const
    {
        std::vector<uint64_t> out;
        for (auto const& m : posted) {
            if (m.kind() == ipc::MessageKind::Call && m.header.msgid == ipc::ids::IODispatchQueue_DispatchSync) {
                ipc::WireReader r(m);
                (void)r.str();
                (void)r.u64();
                out.push_back(r.u64().value());
            }
        }
        return out;
    }
    // Makes IOBufferMemoryDescriptor::Create succeed with real memory.
    void serve_buffers()
    {
        answer = [this](ipc::Message const& request) {
            if (request.header.msgid != ipc::ids::IOBufferMemoryDescriptor_Create)
                return ipc::make_reply(0);
            ipc::WireReader args(request);
            (void)args.u64();
            uint64_t capacity = args.u64().value();
            uint64_t id = m_next_buffer++;
            regions[id] = std::vector<uint8_t>(capacity, 0xEE);
            auto reply = ipc::make_reply(0);
            ipc::WireWriter(reply).object(id, "IOBufferMemoryDescriptor:IOMemoryDescriptor:OSObject").u64(id);
            return reply;
        };
    }

private:
    uint64_t m_next_buffer { 100 };
};

// A server to run runtime code in, current for the fixture's lifetime.
struct Runtime {
    FakeKernel kernel;
    std::unique_ptr<DextServer> server { std::make_unique<DextServer>(kernel, "RuntimeTest") };
    CurrentServerScope scope { server.get() };

    static uint64_t id_of(IODispatchQueue* queue) { return queue->IODispatchQueue::ivars->state->id; }
    // Runs one item of `queue` as the kernel's RunQueueItem does; returns what is left.
    uint64_t run_one(uint64_t queue_id)
    {
        auto reply = server->handle(ipc::Message::make(ipc::MessageKind::RunQueueItem, queue_id));
        ipc::WireReader r(reply);
        (void)ipc::reply_status(reply, r);
        return r.u64().value();
    }
    void run_all(uint64_t queue_id)
    {
        for (int guard = 0; guard < 1000 && run_one(queue_id) > 0; ++guard) {
        }
    }
};

} // namespace dextlab::sdk::testing
