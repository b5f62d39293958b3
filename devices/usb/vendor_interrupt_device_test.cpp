#include "devices/usb/vendor_interrupt_device.h"
#include "devices/usb/test_host.h"

#include <doctest/doctest.h>

#include <string>

using namespace dextlab;
using namespace dextlab::usb;
using namespace dextlab::usb::testing;

using Bytes = std::vector<uint8_t>;

namespace {

constexpr uint8_t ep = VendorInterruptDevice::interrupt_endpoint;

std::unique_ptr<VendorInterruptDevice> make_device(DeviceParams const& params = {})
{
    auto device = VendorInterruptDevice::create(params);
    REQUIRE(device.has_value());
    return std::move(device).value();
}

DeviceParams with_numbers(std::map<std::string, uint64_t> numbers, uint64_t seed = 0)
{
    DeviceParams params;
    params.numbers = std::move(numbers);
    params.seed = seed;
    return params;
}

Bytes received(Transfer const& transfer) { return Bytes(transfer.buffer.begin(), transfer.buffer.begin() + transfer.actual); }

uint32_t counter_of(Bytes const& packet)
{
    REQUIRE(packet.size() >= 4);
    return static_cast<uint32_t>(packet[0] | packet[1] << 8 | packet[2] << 16 | packet[3] << 24);
}

// The bytes of `count` consecutive samples, each read by a transfer re-armed on completion.
std::vector<Bytes> collect_samples(uint64_t seed, size_t count, uint64_t max_packet = 16)
{
    TestHost host;
    auto device = make_device(with_numbers({ { "max_packet", max_packet } }, seed));
    host.enumerate(*device);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 64);
    host.on_completed = [&](Transfer& t) {
        if (t.endpoint == ep && host.completions_on(ep).size() < count)
            device->submit(t);
    };
    device->submit(*transfer);
    host.scheduler().run_until(100_ms);
    std::vector<Bytes> samples;
    for (auto const& completion : host.completions_on(ep))
        samples.push_back(completion.data);
    device->detach();
    return samples;
}

} // namespace

TEST_CASE("vendor-interrupt enumerates with the descriptors of a vendor-specific interrupt device")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto device_descriptor = host.get_descriptor(*device, DescriptorType::Device, 0, 18);
    Bytes const expected_device {
        0x12,       // bLength: 18
        0x01,       // bDescriptorType: DEVICE
        0x00, 0x02, // bcdUSB: 2.00
        0x00,       // bDeviceClass: defined by the interface
        0x00,       // bDeviceSubClass
        0x00,       // bDeviceProtocol
        0x40,       // bMaxPacketSize0: 64
        0x09, 0x12, // idVendor: 0x1209 (pid.codes)
        0x01, 0x00, // idProduct: 0x0001
        0x00, 0x01, // bcdDevice: 1.00
        0x01,       // iManufacturer: "dextlab"
        0x02,       // iProduct: "Vendor Interrupt Device"
        0x00,       // iSerialNumber: none by default
        0x01,       // bNumConfigurations: 1
    };
    CHECK(received(device_descriptor) == expected_device);

    auto configuration = host.get_descriptor(*device, DescriptorType::Configuration, 0, 255);
    Bytes const expected_configuration {
        // Configuration (USB 2.0 §9.6.3)
        0x09, 0x02, // bLength 9, CONFIGURATION
        0x19, 0x00, // wTotalLength: 25 = 9 + 9 + 7
        0x01,       // bNumInterfaces: 1
        0x01,       // bConfigurationValue: 1
        0x00,       // iConfiguration: none
        0x80,       // bmAttributes: bus-powered, no remote wakeup
        0x32,       // bMaxPower: 100 mA
        // Interface 0 (§9.6.5)
        0x09, 0x04, // bLength 9, INTERFACE
        0x00,       // bInterfaceNumber: 0
        0x00,       // bAlternateSetting: 0
        0x01,       // bNumEndpoints: 1
        0xff,       // bInterfaceClass: vendor-specific
        0x00,       // bInterfaceSubClass
        0x00,       // bInterfaceProtocol
        0x00,       // iInterface: none
        // Endpoint 0x81 (§9.6.6)
        0x07, 0x05, // bLength 7, ENDPOINT
        0x81,       // bEndpointAddress: 1 IN
        0x03,       // bmAttributes: interrupt
        0x08, 0x00, // wMaxPacketSize: 8
        0x01,       // bInterval: 1 ms
    };
    CHECK(received(configuration) == expected_configuration);

    auto product = host.get_descriptor(*device, DescriptorType::String, 2, 255, 0x0409);
    CHECK(product.actual == 2 + 2 * 23); // "Vendor Interrupt Device"
    CHECK(device->product_name() == "Vendor Interrupt Device");
}

TEST_CASE("parameters reach the descriptors: IDs, packet size, interval, strings")
{
    DeviceParams params = with_numbers({ { "vid", 0x05ac }, { "pid", 0x1234 }, { "bcd_device", 0x0210 }, { "max_packet", 64 } });
    params.strings = { { "interval", "10ms" }, { "manufacturer", "Acme" }, { "product", "Sensor" }, { "serial", "A1" } };
    TestHost host;
    auto device = make_device(params);
    host.enumerate(*device);
    auto d = received(host.get_descriptor(*device, DescriptorType::Device, 0, 18));
    CHECK(Bytes(d.begin() + 8, d.begin() + 14) == Bytes { 0xac, 0x05, 0x34, 0x12, 0x10, 0x02 });
    CHECK(Bytes(d.begin() + 14, d.begin() + 17) == Bytes { 1, 2, 3 }); // all three strings present
    auto c = received(host.get_descriptor(*device, DescriptorType::Configuration, 0, 255));
    CHECK(Bytes(c.end() - 3, c.end()) == Bytes { 0x40, 0x00, 0x0a }); // wMaxPacketSize 64, bInterval 10
    auto serial = received(host.get_descriptor(*device, DescriptorType::String, 3, 255));
    CHECK(serial == Bytes { 0x06, 0x03, 'A', 0, '1', 0 });
    CHECK(device->product_name() == "Sensor");
}

TEST_CASE("with interval 2, a transfer submitted at t=0 completes at 2 ms with sample 0")
{
    TestHost host;
    auto device = make_device(with_numbers({ { "interval", 2 } }));
    host.enumerate(*device);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*transfer);

    host.scheduler().run_until(2_ms - 1);
    CHECK(transfer->status == TransferStatus::Pending);
    host.scheduler().run_until(2_ms);
    REQUIRE(transfer->status == TransferStatus::Success);
    auto completions = host.completions_on(ep);
    REQUIRE(completions.size() == 1);
    CHECK(completions[0].time == 2_ms);
    CHECK(completions[0].actual == 8);
    CHECK(counter_of(completions[0].data) == 0);
}

TEST_CASE("re-armed on every completion, 10 ms at interval 1 gives 10 samples, one per ms, counting from 0")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    host.on_completed = [&](Transfer& t) {
        if (t.endpoint == ep && t.status == TransferStatus::Success)
            device->submit(t);
    };
    device->submit(*transfer);
    host.scheduler().run_until(10_ms);

    auto completions = host.completions_on(ep);
    REQUIRE(completions.size() == 10);
    for (size_t i = 0; i < completions.size(); ++i) {
        CHECK(completions[i].time == (i + 1) * 1_ms);
        CHECK(counter_of(completions[i].data) == i);
    }
    CHECK(device->samples_delivered() == 10);
    CHECK(device->samples_dropped() == 0);
}

TEST_CASE("a sample with no transfer waiting is dropped and the counter still advances")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    host.scheduler().run_until(5_ms);
    CHECK(device->samples_produced() == 5);
    CHECK(device->samples_dropped() == 5);

    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*transfer);
    host.scheduler().run_until(6_ms);
    REQUIRE(transfer->status == TransferStatus::Success);
    CHECK(counter_of(received(*transfer)) == 5);
    CHECK(device->samples_dropped() == 5);
    CHECK(device->samples_delivered() == 1);
}

TEST_CASE("a packet is min(max_packet, length) bytes")
{
    TestHost host;
    auto device = make_device(with_numbers({ { "max_packet", 8 } }));
    host.enumerate(*device);
    auto shorter = host.make_transfer(ep, EndpointType::Interrupt, 3);
    device->submit(*shorter);
    host.scheduler().run_until(1_ms);
    CHECK(shorter->status == TransferStatus::Success);
    CHECK(shorter->actual == 3);
    CHECK(received(*shorter) == Bytes { 0x00, 0x00, 0x00 }); // counter 0, first three bytes

    auto longer = host.make_transfer(ep, EndpointType::Interrupt, 512);
    device->submit(*longer);
    host.scheduler().run_until(2_ms);
    CHECK(longer->actual == 8);
    CHECK(counter_of(received(*longer)) == 1);
}

TEST_CASE("sample bytes depend only on the seed and the sample number")
{
    auto const a = collect_samples(42, 6);
    auto const b = collect_samples(42, 6);
    auto const other = collect_samples(43, 6);
    REQUIRE(a.size() == 6);
    REQUIRE(other.size() == 6);
    CHECK(a == b);
    for (size_t i = 0; i < a.size(); ++i) {
        REQUIRE(a[i].size() == 16);
        CHECK(counter_of(a[i]) == i);
        CHECK(counter_of(other[i]) == i);
        CHECK(Bytes(a[i].begin() + 4, a[i].end()) != Bytes(other[i].begin() + 4, other[i].end()));
    }
    CHECK(a[0] != a[1]); // the random tail moves on from sample to sample

    // A dropped sample still consumes its random bytes: sample 3 read after three drops equals
    // sample 3 of a run that read everything.
    TestHost host;
    auto device = make_device(with_numbers({ { "max_packet", 16 } }, 42));
    host.enumerate(*device);
    host.scheduler().run_until(3_ms);
    CHECK(device->peek_next_sample() == a[3]);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 16);
    device->submit(*transfer);
    host.scheduler().run_until(4_ms);
    CHECK(received(*transfer) == a[3]);
}

TEST_CASE("cancel drops the transfer without completing it")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    {
        auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
        device->submit(*transfer);
        host.scheduler().run_until(500_us);
        device->cancel(*transfer);
    } // freed: a completion now would be a use-after-free (ASan builds catch it)
    host.scheduler().run_until(3_ms);
    CHECK(host.completions_on(ep).empty());
    CHECK(device->samples_dropped() == 3);
}

TEST_CASE("sampling starts at configuration and stops on unconfigure, reset and detach")
{
    TestHost host;
    auto device = make_device(with_numbers({ { "interval", 4 } }));
    device->attach(host);
    device->reset();
    host.scheduler().run_until(10_ms);
    CHECK_FALSE(device->is_sampling());
    CHECK(device->samples_produced() == 0);

    host.control(*device, 0x00, 5, 1, 0, 0); // SET_ADDRESS 1
    host.control(*device, 0x00, 9, 1, 0, 0); // SET_CONFIGURATION 1 at t = 10 ms
    CHECK(device->is_sampling());
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*transfer);
    host.scheduler().run_until(20_ms);
    CHECK(host.completions_on(ep).at(0).time == 14_ms); // the phase is set by configuration
    CHECK(device->samples_produced() == 2);              // 14 ms, 18 ms

    host.control(*device, 0x00, 9, 0, 0, 0); // SET_CONFIGURATION 0
    CHECK_FALSE(device->is_sampling());
    host.scheduler().run_until(40_ms);
    CHECK(device->samples_produced() == 2);

    host.control(*device, 0x00, 9, 1, 0, 0);
    CHECK(device->is_sampling());
    device->reset();
    CHECK_FALSE(device->is_sampling());
    CHECK_FALSE(host.scheduler().has_pending());
}

TEST_CASE("detach completes the waiting transfer with NoDevice and leaves no event behind")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*transfer);
    host.scheduler().run_until(500_us);

    device->detach();
    CHECK(transfer->status == TransferStatus::NoDevice);
    CHECK_FALSE(device->is_sampling());
    CHECK_FALSE(host.scheduler().has_pending());

    auto late = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*late);
    CHECK(late->status == TransferStatus::NoDevice);
    host.scheduler().run_until(10_ms);
    CHECK(device->samples_produced() == 0);
}

TEST_CASE("a host may detach and destroy the device from inside a completion")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    host.on_completed = [&](Transfer& t) {
        if (t.endpoint == ep && t.status == TransferStatus::Success) {
            device->detach();
            device.reset();
        }
    };
    device->submit(*transfer);
    host.scheduler().run_until(5_ms);
    CHECK(device == nullptr);
    CHECK(host.completions_on(ep).size() == 1);
    CHECK_FALSE(host.scheduler().has_pending());
}

TEST_CASE("destroying a device that is still attached cancels its sampling event")
{
    TestHost host;
    {
        auto device = make_device();
        host.enumerate(*device);
        CHECK(host.scheduler().has_pending());
    }
    CHECK_FALSE(host.scheduler().has_pending());
    host.scheduler().run_until(5_ms); // nothing left to call into the freed device
}

TEST_CASE("a halted interrupt endpoint stalls until CLEAR_FEATURE(ENDPOINT_HALT), and samples are dropped meanwhile")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    host.control(*device, 0x02, 3, 0, ep, 0); // SET_FEATURE(ENDPOINT_HALT, 0x81)
    auto transfer = host.make_transfer(ep, EndpointType::Interrupt, 8);
    device->submit(*transfer);
    CHECK(transfer->status == TransferStatus::Stall);
    host.scheduler().run_until(2_ms);
    CHECK(device->samples_dropped() == 2);

    host.control(*device, 0x02, 1, 0, ep, 0); // CLEAR_FEATURE(ENDPOINT_HALT, 0x81)
    device->submit(*transfer);
    host.scheduler().run_until(3_ms);
    CHECK(transfer->status == TransferStatus::Success);
    CHECK(counter_of(received(*transfer)) == 2);
}

TEST_CASE("the vendor-interrupt device stalls class and vendor requests")
{
    TestHost host;
    auto device = make_device();
    host.enumerate(*device);
    CHECK(host.control(*device, 0xc0, 0x01, 0, 0, 8).status == TransferStatus::Stall);
    CHECK(host.control(*device, 0x21, 0x0a, 0, 0, 0).status == TransferStatus::Stall);
}

TEST_CASE("vendor-interrupt parameter validation names the parameter and the allowed range")
{
    auto error_for = [](DeviceParams const& params) {
        auto result = VendorInterruptDevice::create(params);
        REQUIRE_FALSE(result.has_value());
        return result.error().message;
    };
    auto with_string = [](std::string key, std::string value) {
        DeviceParams params;
        params.strings[std::move(key)] = std::move(value);
        return params;
    };

    CHECK(error_for(with_numbers({ { "max_packet", 65 } })) == "vendor-interrupt: parameter 'max_packet' is 65; allowed range is 1..64");
    CHECK(error_for(with_numbers({ { "max_packet", 0 } })) == "vendor-interrupt: parameter 'max_packet' is 0; allowed range is 1..64");
    CHECK(error_for(with_numbers({ { "interval", 0 } })) == "vendor-interrupt: parameter 'interval' is 0ms; allowed range is 1ms..255ms");
    CHECK(error_for(with_numbers({ { "interval", 256 } })) == "vendor-interrupt: parameter 'interval' is 256ms; allowed range is 1ms..255ms");
    CHECK(error_for(with_numbers({ { "vid", 0x10000 } })) == "vendor-interrupt: parameter 'vid' is 0x10000; allowed range is 0x0000..0xffff");
    CHECK(error_for(with_numbers({ { "pid", 0x12345 } })).find("'pid' is 0x12345") != std::string::npos);
    CHECK(error_for(with_numbers({ { "bcd_device", 0x10000 } })).find("'bcd_device'") != std::string::npos);
    CHECK(error_for(with_numbers({ { "speed", 2 } }))
        == "vendor-interrupt: unknown parameter 'speed'; accepted parameters: bcd_device, interval, manufacturer, max_packet, "
           "pid, product, serial, vid");
    CHECK(error_for(with_numbers({ { "product", 1 } })) == "vendor-interrupt: parameter 'product' takes text, not a number");
    CHECK(error_for(with_string("vid", "0x1209")) == "vendor-interrupt: parameter 'vid' takes a number, not text");
    CHECK(error_for(with_string("interval", "1500us"))
        == "vendor-interrupt: parameter 'interval' is \"1500us\"; write a whole number of milliseconds such as \"1ms\"");
    CHECK(error_for(with_string("interval", "300ms")) == "vendor-interrupt: parameter 'interval' is \"300ms\"; allowed range is 1ms..255ms");
    CHECK(error_for(with_string("product", "bad \xff")).find("'product' is not valid UTF-8") != std::string::npos);
    // A duration written with a unit in a scenario arrives in `durations`, in ns.
    DeviceParams timed;
    timed.durations["interval"] = 1500_us;
    CHECK(error_for(timed) == "vendor-interrupt: parameter 'interval' is 1500000ns; write a whole number of milliseconds such as 1ms");
    timed.durations["interval"] = 300_ms;
    CHECK(error_for(timed) == "vendor-interrupt: parameter 'interval' is 300ms; allowed range is 1ms..255ms");
    timed.durations["interval"] = 4_ms;
    CHECK(VendorInterruptDevice::create(timed).has_value());
    CHECK(error_for(with_string("serial", std::string(127, '7'))).find("'serial' is 127 UTF-16 units long") != std::string::npos);

    auto ok = VendorInterruptDevice::parse_options(with_string("interval", "2000us"));
    REQUIRE(ok.has_value());
    CHECK(ok.value().interval_ms == 2);
}
