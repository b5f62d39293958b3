#include "devices/usb/vendor_loopback_device.h"
#include "devices/usb/test_host.h"

#include <doctest/doctest.h>

#include <string>

using namespace dextlab;
using namespace dextlab::usb;
using namespace dextlab::usb::testing;

using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint8_t out_ep = VendorLoopbackDevice::out_endpoint;
constexpr uint8_t in_ep = VendorLoopbackDevice::in_endpoint;

std::unique_ptr<VendorLoopbackDevice> make_device(std::map<std::string, uint64_t> numbers = {})
{
    DeviceParams params;
    params.numbers = std::move(numbers);
    auto device = VendorLoopbackDevice::create(params);
    REQUIRE(device.has_value());
    return std::move(device).value();
}

Bytes received(Transfer const& transfer) { return Bytes(transfer.buffer.begin(), transfer.buffer.begin() + transfer.actual); }

std::unique_ptr<Transfer> out_transfer(TestHost& host, Bytes const& data)
{
    auto transfer = host.make_transfer(out_ep, EndpointType::Bulk, static_cast<uint32_t>(data.size()));
    transfer->buffer = data;
    return transfer;
}

} // namespace

TEST_CASE("vendor-loopback has one vendor interface with bulk OUT 0x02 and bulk IN 0x82, protocol is bInterfaceProtocol")
{
    TestHost host;
    auto device = make_device({ { "protocol", 3 }, { "pid", 0x0006 } });
    host.enumerate(*device);
    auto configuration = host.get_descriptor(*device, DescriptorType::Configuration, 0, 255);
    Bytes const expected {
        // Configuration (USB 2.0 §9.6.3)
        0x09, 0x02, // bLength 9, CONFIGURATION
        0x20, 0x00, // wTotalLength: 32 = 9 + 9 + 7 + 7
        0x01,       // bNumInterfaces: 1
        0x01,       // bConfigurationValue: 1
        0x00,       // iConfiguration: none
        0x80,       // bmAttributes: bus-powered, no remote wakeup
        0x32,       // bMaxPower: 100 mA
        // Interface 0 (§9.6.5)
        0x09, 0x04, // bLength 9, INTERFACE
        0x00,       // bInterfaceNumber: 0
        0x00,       // bAlternateSetting: 0
        0x02,       // bNumEndpoints: 2
        0xff,       // bInterfaceClass: vendor-specific
        0x00,       // bInterfaceSubClass
        0x03,       // bInterfaceProtocol: the `protocol` parameter
        0x00,       // iInterface: none
        // Endpoint 0x02 (§9.6.6)
        0x07, 0x05, // bLength 7, ENDPOINT
        0x02,       // bEndpointAddress: 2 OUT
        0x02,       // bmAttributes: bulk
        0x40, 0x00, // wMaxPacketSize: 64
        0x00,       // bInterval: unused for bulk
        // Endpoint 0x82
        0x07, 0x05, // bLength 7, ENDPOINT
        0x82,       // bEndpointAddress: 2 IN
        0x02,       // bmAttributes: bulk
        0x40, 0x00, // wMaxPacketSize: 64
        0x00,       // bInterval
    };
    CHECK(received(configuration) == expected);
    CHECK(device->product_name() == "Vendor Loopback Device");
}

TEST_CASE("what is written to OUT comes back on IN, one transfer per latency step")
{
    TestHost host;
    auto device = make_device({ { "latency", 2 } });
    host.enumerate(*device);
    auto out = out_transfer(host, { 1, 2, 3, 4, 5 });
    auto in = host.make_transfer(in_ep, EndpointType::Bulk, 64);
    device->submit(*in);
    device->submit(*out);
    host.scheduler().run_until(10_ms);
    auto outs = host.completions_on(out_ep);
    auto ins = host.completions_on(in_ep);
    REQUIRE(outs.size() == 1);
    REQUIRE(ins.size() == 1);
    CHECK(outs[0].status == TransferStatus::Success);
    CHECK(outs[0].actual == 5);
    CHECK(outs[0].time == 2_ms); // the OUT goes first, after one latency
    CHECK(ins[0].time == 4_ms);  // then the waiting IN takes the bytes: a short packet
    CHECK(ins[0].data == Bytes { 1, 2, 3, 4, 5 });
    CHECK(device->queued() == 0);
}

TEST_CASE("an IN shorter than what is queued takes its length, the rest waits for the next IN")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto out = out_transfer(host, { 10, 11, 12, 13 });
    device->submit(*out);
    host.scheduler().run_until(5_ms);
    CHECK(device->queued() == 4);
    auto first = host.make_transfer(in_ep, EndpointType::Bulk, 3);
    auto second = host.make_transfer(in_ep, EndpointType::Bulk, 3);
    device->submit(*first);
    device->submit(*second);
    host.scheduler().run_until(10_ms);
    auto ins = host.completions_on(in_ep);
    REQUIRE(ins.size() == 2);
    CHECK(ins[0].data == Bytes { 10, 11, 12 });
    CHECK(ins[1].data == Bytes { 13 });
}

TEST_CASE("an OUT that does not fit the FIFO waits until IN transfers drain it")
{
    TestHost host;
    auto device = make_device({ { "fifo", 64 } });
    host.enumerate(*device);
    auto first = out_transfer(host, Bytes(48, 0xAA));
    auto second = out_transfer(host, Bytes(32, 0xBB));
    device->submit(*first);
    device->submit(*second);
    host.scheduler().run_until(10_ms);
    CHECK(host.completions_on(out_ep).size() == 1);
    CHECK(device->queued() == 48);
    auto in = host.make_transfer(in_ep, EndpointType::Bulk, 64);
    device->submit(*in);
    host.scheduler().run_until(20_ms);
    CHECK(host.completions_on(in_ep).size() == 1);
    CHECK(host.completions_on(out_ep).size() == 2);
    CHECK(device->queued() == 32);
}

TEST_CASE("detach completes waiting transfers with NoDevice, empties the FIFO and leaves no event behind")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto out = out_transfer(host, { 1 });
    auto in = host.make_transfer(in_ep, EndpointType::Bulk, 8);
    device->submit(*out);
    host.scheduler().run_until(1_ms);
    CHECK(device->queued() == 1);
    device->submit(*in); // a step is now scheduled
    device->detach();
    CHECK(device->queued() == 0);
    auto ins = host.completions_on(in_ep);
    REQUIRE(ins.size() == 1);
    CHECK(ins[0].status == TransferStatus::NoDevice);
    CHECK_FALSE(host.scheduler().has_pending());
}

TEST_CASE("vendor-loopback parameter errors name the parameter and the range")
{
    DeviceParams params;
    params.numbers = { { "fifo", 8 } };
    auto device = VendorLoopbackDevice::create(params);
    REQUIRE_FALSE(device.has_value());
    CHECK(device.error().message.find("fifo") != std::string::npos);
    CHECK(device.error().message.find("64..65536") != std::string::npos);
}
