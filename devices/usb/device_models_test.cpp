#include "devices/usb/device_params.h"
#include "devices/usb/test_host.h"
#include "devices/usb/usb_device.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <string>

using namespace dextlab;
using namespace dextlab::usb;

TEST_CASE("the registry finds vendor-interrupt by name, registered by its macro alone")
{
    // Nothing in this test references vendor_interrupt_device.cpp: finding the model proves the
    // whole-archive link kept its static registration.
    auto const* model = DeviceModels::find("vendor-interrupt");
    REQUIRE(model != nullptr);
    CHECK(model->name == "vendor-interrupt");
    CHECK_FALSE(model->description.empty());
    CHECK(std::find(model->number_params.begin(), model->number_params.end(), "max_packet") != model->number_params.end());
    CHECK(std::find(model->string_params.begin(), model->string_params.end(), "serial") != model->string_params.end());
    CHECK(DeviceModels::find("no-such-device") == nullptr);
}

TEST_CASE("a model from the registry creates a working device")
{
    DeviceParams params;
    params.strings["product"] = "From The Registry";
    auto device = DeviceModels::find("vendor-interrupt")->create(params);
    REQUIRE(device.has_value());
    CHECK(device.value()->product_name() == "From The Registry");
    CHECK(device.value()->speed() == UsbSpeed::Full);

    testing::TestHost host;
    host.enumerate(*device.value());
    auto transfer = host.make_transfer(0x81, EndpointType::Interrupt, 8);
    device.value()->submit(*transfer);
    host.scheduler().run_until(1_ms);
    CHECK(transfer->status == TransferStatus::Success);
    device.value()->detach();

    params.numbers["max_packet"] = 100;
    auto bad = DeviceModels::find("vendor-interrupt")->create(params);
    REQUIRE_FALSE(bad.has_value());
    CHECK(bad.error().message.find("max_packet") != std::string::npos);
}

TEST_CASE("DeviceModels::all is sorted by name and includes later additions")
{
    DeviceModels::add(DeviceModel {
        .name = "aaa-test-model",
        .description = "registered by a test",
        .number_params = {},
        .string_params = {},
        .create = [](DeviceParams const&) -> ErrorOr<std::unique_ptr<UsbDevice>> { return Error::with("not buildable"); },
    });
    auto const all = DeviceModels::all();
    REQUIRE(all.size() >= 2);
    CHECK(all.front()->name == "aaa-test-model");
    CHECK(std::is_sorted(all.begin(), all.end(), [](auto* a, auto* b) { return a->name < b->name; }));
    CHECK(std::any_of(all.begin(), all.end(), [](auto* m) { return m->name == "vendor-interrupt"; }));
    CHECK(DeviceModels::find("aaa-test-model")->create({}).error().message == "not buildable");
}

TEST_CASE("to_string names every transfer status")
{
    CHECK(std::string(to_string(TransferStatus::Pending)) == "pending");
    CHECK(std::string(to_string(TransferStatus::Success)) == "success");
    CHECK(std::string(to_string(TransferStatus::Stall)) == "stall");
    CHECK(std::string(to_string(TransferStatus::Aborted)) == "aborted");
    CHECK(std::string(to_string(TransferStatus::NoDevice)) == "no-device");
    CHECK(std::string(to_string(TransferStatus::Overrun)) == "overrun");
}

TEST_CASE("number_param: absent gives the fallback, present is range-checked")
{
    DeviceParams params;
    params.numbers["n"] = 5;
    CHECK(number_param("m", params, "absent", { 7, 1, 9 }).value() == 7);
    CHECK(number_param("m", params, "n", { 7, 1, 9 }).value() == 5);
    CHECK(number_param("m", params, "n", { 7, 6, 9 }).error().message == "m: parameter 'n' is 5; allowed range is 6..9");
}

TEST_CASE("check_param_names with no accepted parameters says so")
{
    DeviceParams params;
    params.strings["x"] = "y";
    CHECK(check_param_names("m", params, {}, {}).error().message == "m: unknown parameter 'x'; accepted parameters: none");
    CHECK(check_param_names("m", DeviceParams {}, {}, {}).has_value());
}
