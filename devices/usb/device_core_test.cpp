#include "devices/usb/device_core.h"
#include "devices/usb/test_host.h"

#include <doctest/doctest.h>

#include <string>

using namespace dextlab;
using namespace dextlab::usb;
using namespace dextlab::usb::testing;

using Bytes = std::vector<uint8_t>;

namespace {

// bmRequestType values used below (USB 2.0 Table 9-2).
constexpr uint8_t out_device = 0x00, out_interface = 0x01, out_endpoint = 0x02;
constexpr uint8_t in_device = 0x80, in_interface = 0x81, in_endpoint = 0x82;
constexpr uint8_t in_vendor_device = 0xc0, out_vendor_device = 0x40;

constexpr auto request(StandardRequest r) { return static_cast<uint8_t>(r); }
constexpr uint16_t endpoint_halt = 0, device_remote_wakeup = 1;

// Configuration 1: interface 0 (setting 0: interrupt IN 0x81 + bulk OUT 0x02; setting 1:
// interrupt IN 0x81 only), interface 1 (bulk IN 0x83). Configuration 2: interface 0, nothing.
DeviceDescription test_description()
{
    DeviceDescription device {
        .idVendor = 0x1209,
        .idProduct = 0x0002,
        .bcdDevice = 0x0100,
        .configurations = {
            ConfigurationDescription {
                .bConfigurationValue = 1,
                .bmAttributes = 0xe0, // self-powered, remote wakeup
                .interfaces = {
                    InterfaceDescription { .bInterfaceNumber = 0, .alternate_settings = {
                        AlternateSettingDescription { .bAlternateSetting = 0, .bInterfaceClass = 0xff, .endpoints = {
                            EndpointDescription { .bEndpointAddress = 0x81, .type = EndpointType::Interrupt, .wMaxPacketSize = 8, .bInterval = 1 },
                            EndpointDescription { .bEndpointAddress = 0x02, .type = EndpointType::Bulk, .wMaxPacketSize = 64 },
                        } },
                        AlternateSettingDescription { .bAlternateSetting = 1, .bInterfaceClass = 0xff, .endpoints = {
                            EndpointDescription { .bEndpointAddress = 0x81, .type = EndpointType::Interrupt, .wMaxPacketSize = 64, .bInterval = 1 },
                        } },
                    } },
                    InterfaceDescription { .bInterfaceNumber = 1, .alternate_settings = {
                        AlternateSettingDescription { .bAlternateSetting = 0, .bInterfaceClass = 0xff, .endpoints = {
                            EndpointDescription { .bEndpointAddress = 0x83, .type = EndpointType::Bulk, .wMaxPacketSize = 64 },
                        } },
                    } },
                },
            },
            ConfigurationDescription {
                .bConfigurationValue = 2,
                .interfaces = { InterfaceDescription { .bInterfaceNumber = 0, .alternate_settings = {
                    AlternateSettingDescription { .bAlternateSetting = 0, .bInterfaceClass = 0xff } } } },
            },
        },
    };
    device.iProduct = device.strings.add("Core Test Device");
    return device;
}

// A model on the core: vendor request 0x42 (IN) answers "hello", 0x43 (OUT) keeps its data;
// bulk OUT 0x02 swallows whatever it is sent; 0x81 and 0x83 wait until the test says.
class TestDevice final : public UsbDeviceCore {
public:
    TestDevice()
        : UsbDeviceCore(test_description())
    {
    }

    using UsbDeviceCore::complete_with_data;
    using UsbDeviceCore::halt_endpoint;
    using UsbDeviceCore::next_pending;

    std::vector<std::pair<uint8_t, uint8_t>> configuration_changes;
    std::vector<std::pair<uint8_t, uint8_t>> alternate_changes;
    Bytes vendor_data;

protected:
    ControlReply handle_class_request(SetupPacket const& setup, std::span<uint8_t const> data_out) override
    {
        if (setup.bmRequestType == in_vendor_device && setup.bRequest == 0x42)
            return ControlReply::with_data({ 'h', 'e', 'l', 'l', 'o' });
        if (setup.bmRequestType == out_vendor_device && setup.bRequest == 0x43) {
            vendor_data.assign(data_out.begin(), data_out.end());
            return ControlReply::ack();
        }
        return ControlReply::stalled();
    }

    void handle_data(Transfer& transfer) override
    {
        if (transfer.endpoint == 0x02)
            complete(transfer, TransferStatus::Success, transfer.length);
    }

    void on_configuration_changed(uint8_t old_value, uint8_t new_value) override
    {
        configuration_changes.emplace_back(old_value, new_value);
    }

    void on_alternate_setting_changed(uint8_t interface_number, uint8_t setting) override
    {
        alternate_changes.emplace_back(interface_number, setting);
    }
};

struct Fixture {
    TestHost host;
    TestDevice device;

    Transfer control(uint8_t type, StandardRequest r, uint16_t value, uint16_t index, uint16_t length)
    {
        return host.control(device, type, request(r), value, index, length);
    }
    uint16_t status_of(uint8_t type, uint16_t index)
    {
        auto t = control(type, StandardRequest::GetStatus, 0, index, 2);
        REQUIRE(t.status == TransferStatus::Success);
        REQUIRE(t.actual == 2);
        return static_cast<uint16_t>(t.buffer[0] | (t.buffer[1] << 8));
    }
};

} // namespace

TEST_CASE("a device answers nothing before its first bus reset, then answers at address 0")
{
    Fixture f;
    CHECK(f.device.state() == DeviceState::Detached);
    f.device.attach(f.host);
    CHECK(f.device.state() == DeviceState::Powered);
    CHECK(f.host.get_descriptor(f.device, DescriptorType::Device, 0, 18).status == TransferStatus::NoDevice);

    f.device.reset();
    CHECK(f.device.state() == DeviceState::Default);
    auto t = f.host.get_descriptor(f.device, DescriptorType::Device, 0, 18);
    CHECK(t.status == TransferStatus::Success);
    CHECK(t.actual == 18);
}

TEST_CASE("enumeration: descriptors, truncation to wLength, SET_ADDRESS and SET_CONFIGURATION")
{
    Fixture f;
    f.device.attach(f.host);
    f.device.reset();

    // Hosts first read 8 bytes to learn bMaxPacketSize0; the reply is truncated (§9.3.5).
    auto head = f.host.get_descriptor(f.device, DescriptorType::Device, 0, 8);
    CHECK(head.status == TransferStatus::Success);
    CHECK(head.actual == 8);
    CHECK(Bytes(head.buffer.begin(), head.buffer.begin() + 8) == Bytes { 0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40 });

    // Asking for more than there is returns what there is: a short, successful reply.
    auto full = f.host.get_descriptor(f.device, DescriptorType::Device, 0, 255);
    CHECK(full.actual == 18);
    CHECK(full.buffer[17] == 2); // bNumConfigurations

    CHECK(f.control(out_device, StandardRequest::SetAddress, 7, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.address() == 7);
    CHECK(f.device.state() == DeviceState::Address);

    // The 9-byte header first, for wTotalLength; then the whole configuration.
    auto config_head = f.host.get_descriptor(f.device, DescriptorType::Configuration, 0, 9);
    REQUIRE(config_head.actual == 9);
    uint16_t const total = static_cast<uint16_t>(config_head.buffer[2] | (config_head.buffer[3] << 8));
    CHECK(total == 9 + 9 + 7 + 7 + 9 + 7 + 9 + 7); // config, if0 alt0 + 2 eps, if0 alt1 + ep, if1 + ep
    CHECK(f.host.get_descriptor(f.device, DescriptorType::Configuration, 0, total).actual == total);

    CHECK(f.control(in_device, StandardRequest::GetConfiguration, 0, 0, 1).buffer[0] == 0);
    CHECK(f.control(out_device, StandardRequest::SetConfiguration, 1, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.state() == DeviceState::Configured);
    CHECK(f.device.configuration_value() == 1);
    CHECK(f.control(in_device, StandardRequest::GetConfiguration, 0, 0, 1).buffer[0] == 1);
    CHECK(f.device.configuration_changes == std::vector<std::pair<uint8_t, uint8_t>> { { 0, 1 } });
    CHECK(f.device.has_endpoint(0x81));
    CHECK(f.device.has_endpoint(0x02));
    CHECK(f.device.has_endpoint(0x83));
    CHECK(f.device.alternate_setting(0) == uint8_t(0));
}

TEST_CASE("string descriptors come from the table, the product string names the device")
{
    Fixture f;
    f.host.enumerate(f.device);
    CHECK(f.device.product_name() == "Core Test Device");
    auto languages = f.host.get_descriptor(f.device, DescriptorType::String, 0, 255);
    CHECK(Bytes(languages.buffer.begin(), languages.buffer.begin() + languages.actual) == Bytes { 0x04, 0x03, 0x09, 0x04 });
    auto product = f.host.get_descriptor(f.device, DescriptorType::String, 1, 255, 0x0409);
    CHECK(product.actual == 2 + 2 * 16);
    CHECK(product.buffer[2] == 'C');
}

TEST_CASE("requests the device cannot honour complete with Stall and change nothing")
{
    Fixture f;
    f.host.enumerate(f.device, 3, 1);
    auto stalls = [&](uint8_t type, uint8_t bRequest, uint16_t value, uint16_t index, uint16_t length) {
        return f.host.control(f.device, type, bRequest, value, index, length).status == TransferStatus::Stall;
    };
    CHECK(stalls(in_device, request(StandardRequest::GetDescriptor), 0x0600, 0, 10));  // DEVICE_QUALIFIER
    CHECK(stalls(in_device, request(StandardRequest::GetDescriptor), 0x0202, 0, 9));   // configuration index 2
    CHECK(stalls(in_device, request(StandardRequest::GetDescriptor), 0x0309, 0, 255)); // string 9
    CHECK(stalls(out_device, request(StandardRequest::GetDescriptor), 0x0100, 0, 0));  // wrong direction
    CHECK(stalls(out_device, request(StandardRequest::SetConfiguration), 7, 0, 0));    // no configuration 7
    CHECK(stalls(out_device, request(StandardRequest::SetAddress), 9, 0, 0));          // not while configured
    CHECK(stalls(out_interface, request(StandardRequest::SetInterface), 5, 0, 0));     // no setting 5
    CHECK(stalls(in_interface, request(StandardRequest::GetInterface), 0, 2, 1));      // no interface 2
    CHECK(stalls(in_endpoint, request(StandardRequest::GetStatus), 0, 0x04, 2));       // no endpoint 4
    CHECK(stalls(in_endpoint, request(StandardRequest::SynchFrame), 0, 0x81, 2));      // isochronous only
    CHECK(stalls(0x60, 0x01, 0, 0, 0));                                                // reserved type
    CHECK(stalls(0xa1, 0x01, 0, 0, 8));                                                // class request: default STALL
    CHECK(stalls(in_vendor_device, 0x99, 0, 0, 8));                                    // unknown vendor request

    CHECK(f.device.address() == 3);
    CHECK(f.device.configuration_value() == 1);
    CHECK(f.device.alternate_setting(0) == uint8_t(0));
    // A stall on the control pipe is per request: the next request works (§8.5.3.4).
    CHECK(f.host.get_descriptor(f.device, DescriptorType::Device, 0, 18).status == TransferStatus::Success);
}

TEST_CASE("SET_ADDRESS rejects addresses above 127 and address 0 returns to the Default state")
{
    Fixture f;
    f.device.attach(f.host);
    f.device.reset();
    CHECK(f.control(out_device, StandardRequest::SetAddress, 128, 0, 0).status == TransferStatus::Stall);
    CHECK(f.device.state() == DeviceState::Default);
    CHECK(f.control(out_device, StandardRequest::SetAddress, 127, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.state() == DeviceState::Address);
    CHECK(f.control(out_device, StandardRequest::SetAddress, 0, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.state() == DeviceState::Default);
}

TEST_CASE("interfaces and endpoints other than zero exist only while configured")
{
    Fixture f;
    f.device.attach(f.host);
    f.device.reset();
    f.control(out_device, StandardRequest::SetAddress, 1, 0, 0);
    CHECK(f.control(in_interface, StandardRequest::GetInterface, 0, 0, 1).status == TransferStatus::Stall);
    CHECK(f.control(in_interface, StandardRequest::GetStatus, 0, 0, 2).status == TransferStatus::Stall);
    CHECK(f.control(in_endpoint, StandardRequest::GetStatus, 0, 0x81, 2).status == TransferStatus::Stall);
    CHECK(f.status_of(in_endpoint, 0x80) == 0); // the control endpoint always answers

    auto early = f.host.make_transfer(0x81, EndpointType::Interrupt, 8);
    f.device.submit(*early);
    CHECK(early->status == TransferStatus::Stall);
}

TEST_CASE("GET_STATUS reports self-powered, remote wakeup and halt bits")
{
    Fixture f;
    f.host.enumerate(f.device);
    CHECK(f.status_of(in_device, 0) == 0x0001); // self-powered, remote wakeup not enabled
    CHECK(f.control(out_device, StandardRequest::SetFeature, device_remote_wakeup, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.remote_wakeup_enabled());
    CHECK(f.status_of(in_device, 0) == 0x0003);
    CHECK(f.control(out_device, StandardRequest::ClearFeature, device_remote_wakeup, 0, 0).status == TransferStatus::Success);
    CHECK(f.status_of(in_device, 0) == 0x0001);
    CHECK(f.control(out_device, StandardRequest::SetFeature, 2, 0, 0).status == TransferStatus::Stall); // TEST_MODE

    CHECK(f.status_of(in_interface, 1) == 0);
    CHECK(f.status_of(in_endpoint, 0x83) == 0);
}

TEST_CASE("SET_FEATURE(ENDPOINT_HALT) stalls queued and new transfers until CLEAR_FEATURE")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto queued = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*queued);
    CHECK(queued->status == TransferStatus::Pending);
    CHECK(f.device.pending_count(0x83) == 1);

    CHECK(f.control(out_endpoint, StandardRequest::SetFeature, endpoint_halt, 0x83, 0).status == TransferStatus::Success);
    CHECK(f.device.is_halted(0x83));
    CHECK(queued->status == TransferStatus::Stall);
    CHECK(f.device.pending_count(0x83) == 0);
    CHECK(f.status_of(in_endpoint, 0x83) == 0x0001);

    auto next = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*next);
    CHECK(next->status == TransferStatus::Stall);
    CHECK_FALSE(f.device.is_halted(0x81)); // other endpoints are unaffected

    CHECK(f.control(out_endpoint, StandardRequest::ClearFeature, endpoint_halt, 0x83, 0).status == TransferStatus::Success);
    CHECK_FALSE(f.device.is_halted(0x83));
    CHECK(f.status_of(in_endpoint, 0x83) == 0);
    f.device.submit(*next);
    CHECK(next->status == TransferStatus::Pending);
    CHECK(f.device.pending_count(0x83) == 1);

    // The control endpoint: clearing its halt is accepted, setting it is not.
    CHECK(f.control(out_endpoint, StandardRequest::ClearFeature, endpoint_halt, 0x00, 0).status == TransferStatus::Success);
    CHECK(f.control(out_endpoint, StandardRequest::SetFeature, endpoint_halt, 0x00, 0).status == TransferStatus::Stall);
    // Unknown endpoint; unknown endpoint feature.
    CHECK(f.control(out_endpoint, StandardRequest::SetFeature, endpoint_halt, 0x05, 0).status == TransferStatus::Stall);
    CHECK(f.control(out_endpoint, StandardRequest::SetFeature, 7, 0x83, 0).status == TransferStatus::Stall);
}

TEST_CASE("a model can halt its own endpoint (a functional stall)")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto queued = f.host.make_transfer(0x81, EndpointType::Interrupt, 8);
    f.device.submit(*queued);
    f.device.halt_endpoint(0x81);
    CHECK(queued->status == TransferStatus::Stall);
    CHECK(f.device.is_halted(0x81));
    CHECK(f.status_of(in_endpoint, 0x81) == 0x0001);
}

TEST_CASE("data transfers: unknown endpoint, wrong type, immediate and later completion")
{
    Fixture f;
    f.host.enumerate(f.device);

    auto unknown = f.host.make_transfer(0x84, EndpointType::Bulk, 64);
    f.device.submit(*unknown);
    CHECK(unknown->status == TransferStatus::Stall);

    auto wrong_direction = f.host.make_transfer(0x01, EndpointType::Interrupt, 8); // 0x81 is IN
    f.device.submit(*wrong_direction);
    CHECK(wrong_direction->status == TransferStatus::Stall);

    auto wrong_type = f.host.make_transfer(0x81, EndpointType::Bulk, 8);
    f.device.submit(*wrong_type);
    CHECK(wrong_type->status == TransferStatus::Stall);

    auto bulk_out = f.host.make_transfer(0x02, EndpointType::Bulk, 0);
    bulk_out->buffer = { 1, 2, 3 };
    bulk_out->length = 3;
    f.device.submit(*bulk_out);
    CHECK(bulk_out->status == TransferStatus::Success);
    CHECK(bulk_out->actual == 3);

    auto first = f.host.make_transfer(0x81, EndpointType::Interrupt, 8);
    auto second = f.host.make_transfer(0x81, EndpointType::Interrupt, 4);
    f.device.submit(*first);
    f.device.submit(*second);
    REQUIRE(f.device.next_pending(0x81) == first.get());
    Bytes const packet { 9, 8, 7, 6, 5, 4 };
    f.device.complete_with_data(*first, packet);
    CHECK(first->status == TransferStatus::Success);
    CHECK(first->actual == 6);
    REQUIRE(f.device.next_pending(0x81) == second.get());
    // Six bytes into a four-byte buffer: babble (§8.4.1), the host sees Overrun.
    f.device.complete_with_data(*second, packet);
    CHECK(second->status == TransferStatus::Overrun);
    CHECK(second->actual == 4);
    CHECK(f.device.next_pending(0x81) == nullptr);
}

TEST_CASE("class and vendor requests reach the model, IN data is truncated to wLength")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto hello = f.host.control(f.device, in_vendor_device, 0x42, 0, 0, 3);
    CHECK(hello.status == TransferStatus::Success);
    CHECK(hello.actual == 3);
    CHECK(Bytes(hello.buffer.begin(), hello.buffer.begin() + 3) == Bytes { 'h', 'e', 'l' });

    auto sent = f.host.control(f.device, out_vendor_device, 0x43, 0, 0, 4, { 0xde, 0xad, 0xbe, 0xef });
    CHECK(sent.status == TransferStatus::Success);
    CHECK(sent.actual == 4);
    CHECK(f.device.vendor_data == Bytes { 0xde, 0xad, 0xbe, 0xef });
}

TEST_CASE("SET_INTERFACE switches endpoints, aborting what the old setting had queued")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto queued = f.host.make_transfer(0x81, EndpointType::Interrupt, 8);
    auto other_interface = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*queued);
    f.device.submit(*other_interface);

    CHECK(f.control(out_interface, StandardRequest::SetInterface, 1, 0, 0).status == TransferStatus::Success);
    CHECK(queued->status == TransferStatus::Aborted);
    CHECK(other_interface->status == TransferStatus::Pending); // interface 1 is untouched
    CHECK(f.device.alternate_setting(0) == uint8_t(1));
    CHECK(f.control(in_interface, StandardRequest::GetInterface, 0, 0, 1).buffer[0] == 1);
    CHECK(f.device.alternate_changes == std::vector<std::pair<uint8_t, uint8_t>> { { 0, 1 } });
    CHECK_FALSE(f.device.has_endpoint(0x02));

    auto gone = f.host.make_transfer(0x02, EndpointType::Bulk, 0);
    f.device.submit(*gone);
    CHECK(gone->status == TransferStatus::Stall);
}

TEST_CASE("SET_CONFIGURATION clears halts and aborts queued transfers, even with the same value")
{
    Fixture f;
    f.host.enumerate(f.device);
    f.control(out_endpoint, StandardRequest::SetFeature, endpoint_halt, 0x81, 0);
    auto queued = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*queued);

    CHECK(f.control(out_device, StandardRequest::SetConfiguration, 1, 0, 0).status == TransferStatus::Success);
    CHECK_FALSE(f.device.is_halted(0x81));
    CHECK(queued->status == TransferStatus::Aborted);

    CHECK(f.control(out_device, StandardRequest::SetConfiguration, 2, 0, 0).status == TransferStatus::Success);
    CHECK_FALSE(f.device.has_endpoint(0x81));
    CHECK(f.control(out_device, StandardRequest::SetConfiguration, 0, 0, 0).status == TransferStatus::Success);
    CHECK(f.device.state() == DeviceState::Address);
    CHECK(f.device.configuration_changes == std::vector<std::pair<uint8_t, uint8_t>> { { 0, 1 }, { 1, 1 }, { 1, 2 }, { 2, 0 } });
}

TEST_CASE("bus reset returns to the Default state and aborts queued transfers")
{
    Fixture f;
    f.host.enumerate(f.device, 9);
    f.control(out_endpoint, StandardRequest::SetFeature, endpoint_halt, 0x81, 0);
    auto queued = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*queued);

    f.device.reset();
    CHECK(queued->status == TransferStatus::Aborted);
    CHECK(f.device.state() == DeviceState::Default);
    CHECK(f.device.address() == 0);
    CHECK(f.device.configuration_value() == 0);
    CHECK_FALSE(f.device.is_halted(0x81));
    CHECK(f.device.configuration_changes.back() == std::pair<uint8_t, uint8_t> { 1, 0 });
}

TEST_CASE("cancel() forgets a queued transfer without completing it")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto kept = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    {
        auto cancelled = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
        f.device.submit(*cancelled);
        f.device.submit(*kept);
        f.device.cancel(*cancelled);
        CHECK(f.device.pending_count(0x83) == 1);
        CHECK(f.device.next_pending(0x83) == kept.get());
    } // freed: if the device still held it, the reset below would touch freed memory

    auto const before = f.host.completions_on(0x83).size();
    f.device.reset();
    auto const after = f.host.completions_on(0x83);
    REQUIRE(after.size() == before + 1);
    CHECK(after.back().id == kept->id);
    // Cancelling what is not queued (already completed, or never submitted) does nothing.
    f.device.cancel(*kept);
}

TEST_CASE("a host that cancels one transfer inside another's completion never sees the cancelled one")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto first = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    auto second = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*first);
    f.device.submit(*second);
    f.host.on_completed = [&](Transfer& t) {
        if (t.id == first->id)
            f.device.cancel(*second);
    };
    f.device.reset();
    auto completions = f.host.completions_on(0x83);
    REQUIRE(completions.size() == 1);
    CHECK(completions[0].id == first->id);
    CHECK(second->status == TransferStatus::Pending);
}

TEST_CASE("a transfer resubmitted from its completion during reset is stalled, not lost")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto transfer = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*transfer);
    int resubmits = 0;
    f.host.on_completed = [&](Transfer& t) {
        if (t.status == TransferStatus::Aborted && resubmits++ == 0)
            f.device.submit(t);
    };
    f.device.reset();
    CHECK(resubmits == 1);
    CHECK(transfer->status == TransferStatus::Stall); // unconfigured now
}

TEST_CASE("detach completes queued transfers with NoDevice, later submits do the same")
{
    Fixture f;
    f.host.enumerate(f.device);
    auto queued = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    f.device.submit(*queued);

    f.device.detach();
    CHECK(queued->status == TransferStatus::NoDevice);
    CHECK(f.device.state() == DeviceState::Detached);
    CHECK(f.device.configuration_changes.back() == std::pair<uint8_t, uint8_t> { 1, 0 });

    auto late = f.host.make_transfer(0x83, EndpointType::Bulk, 64);
    auto const before = f.host.completions.size();
    f.device.submit(*late);
    CHECK(late->status == TransferStatus::NoDevice);
    CHECK(f.host.completions.size() == before + 1); // reported, as any completion is
    CHECK(f.host.get_descriptor(f.device, DescriptorType::Device, 0, 18).status == TransferStatus::NoDevice);
    f.device.detach(); // twice is harmless
    f.device.reset();  // and so is a reset with nothing attached
    CHECK(f.device.state() == DeviceState::Detached);

    // Plugged in again, it starts over.
    f.host.enumerate(f.device);
    CHECK(f.device.state() == DeviceState::Configured);
}

TEST_CASE("a device that was never attached reports NoDevice on the transfer itself")
{
    TestDevice device;
    Transfer transfer;
    transfer.endpoint = 0x81;
    transfer.type = EndpointType::Interrupt;
    device.submit(transfer);
    CHECK(transfer.status == TransferStatus::NoDevice);
}

TEST_CASE("a device without a product string is named by its IDs")
{
    auto description = test_description();
    description.iProduct = 0;
    description.strings.entries.clear();
    struct Plain : UsbDeviceCore {
        using UsbDeviceCore::UsbDeviceCore;
    };
    Plain plain(description);
    CHECK(plain.product_name() == "USB device 1209:0002");
}

TEST_CASE("to_string names device states")
{
    CHECK(std::string(to_string(DeviceState::Configured)) == "configured");
    CHECK(std::string(to_string(DeviceState::Powered)) == "powered");
}
