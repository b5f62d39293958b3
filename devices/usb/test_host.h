#pragma once
// A minimal USB host for unit tests: it owns a real Scheduler, records every completion with
// its virtual time, and runs control requests and enumeration the way a host controller would
// — without any of the kernel model. Header-only, test code only.

#include "devices/usb/descriptors.h"
#include "devices/usb/usb_device.h"
#include "sim/core/scheduler.h"

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace dextlab::usb::testing {

struct Completion {
    uint64_t id;
    uint8_t endpoint;
    TransferStatus status;
    uint32_t actual;
    VirtualTime time;
    std::vector<uint8_t> data; // the first `actual` bytes of the buffer
};

class TestHost final : public UsbHostPort {
public:
    Scheduler& scheduler() override { return m_scheduler; }

    void transfer_completed(Transfer& transfer) override
    {
        auto const end = transfer.buffer.begin() + std::min<size_t>(transfer.actual, transfer.buffer.size());
        completions.push_back({ transfer.id, transfer.endpoint, transfer.status, transfer.actual, m_scheduler.now(),
            std::vector<uint8_t>(transfer.buffer.begin(), end) });
        if (on_completed)
            on_completed(transfer);
    }

    // Runs one control transfer; the device completes it inside submit().
    Transfer control(UsbDevice& device, uint8_t bmRequestType, uint8_t bRequest, uint16_t wValue, uint16_t wIndex,
        uint16_t wLength, std::vector<uint8_t> data_out = {})
    {
        Transfer transfer;
        transfer.id = ++m_next_id;
        transfer.endpoint = 0;
        transfer.type = EndpointType::Control;
        transfer.setup = SetupPacket { bmRequestType, bRequest, wValue, wIndex, wLength };
        bool const in = (bmRequestType & 0x80) != 0;
        transfer.buffer = in ? std::vector<uint8_t>(wLength) : std::move(data_out);
        transfer.length = in ? wLength : static_cast<uint32_t>(transfer.buffer.size());
        device.submit(transfer);
        return transfer;
    }

    Transfer get_descriptor(UsbDevice& device, DescriptorType type, uint8_t index, uint16_t wLength, uint16_t language = 0)
    {
        return control(device, 0x80, static_cast<uint8_t>(StandardRequest::GetDescriptor),
            static_cast<uint16_t>((static_cast<uint8_t>(type) << 8) | index), language, wLength);
    }

    // Attach, bus reset, SET_ADDRESS(address), SET_CONFIGURATION(configuration).
    void enumerate(UsbDevice& device, uint8_t address = 1, uint8_t configuration = 1)
    {
        device.attach(*this);
        device.reset();
        control(device, 0x00, static_cast<uint8_t>(StandardRequest::SetAddress), address, 0, 0);
        control(device, 0x00, static_cast<uint8_t>(StandardRequest::SetConfiguration), configuration, 0, 0);
    }

    // A data transfer, owned by the caller so it outlives the asynchronous completion.
    std::unique_ptr<Transfer> make_transfer(uint8_t endpoint, EndpointType type, uint32_t length)
    {
        auto transfer = std::make_unique<Transfer>();
        transfer->id = ++m_next_id;
        transfer->endpoint = endpoint;
        transfer->type = type;
        transfer->length = length;
        transfer->buffer.resize(length);
        return transfer;
    }

    // Completions on one endpoint only (control completions are usually noise in data tests).
    std::vector<Completion> completions_on(uint8_t endpoint) const
    {
        std::vector<Completion> out;
        for (auto const& completion : completions)
            if (completion.endpoint == endpoint)
                out.push_back(completion);
        return out;
    }

    std::vector<Completion> completions;
    std::function<void(Transfer&)> on_completed;

private:
    Scheduler m_scheduler;
    uint64_t m_next_id { 0 };
};

} // namespace dextlab::usb::testing
