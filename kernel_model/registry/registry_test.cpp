#include "kernel_model/registry/registry.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

TEST_CASE("objects get ids in creation order and conform to their class chain")
{
    ObjectTable table;
    auto& device = table.create<UsbDeviceNub>();
    auto& interface = table.create<UsbInterfaceNub>();
    CHECK(device.id() == 1);
    CHECK(interface.id() == 2);
    CHECK(interface.conforms_to("IOService"));
    CHECK_FALSE(interface.conforms_to("IOUSBHostDevice"));
    CHECK(interface.class_chain_text() == "IOUSBHostInterface:IOService:IORegistryEntry:OSObject");
    CHECK(table.find_as<UsbDeviceNub>(1) == &device);
    CHECK(table.find_as<UsbDeviceNub>(2) == nullptr);
    table.destroy(1);
    CHECK(table.find(1) == nullptr);
    CHECK(table.ids_where([](KernelObject const&) { return true; }) == std::vector<uint64_t> { 2 });
    // Ids are never reused; ids that never were, and 0, find nothing.
    auto& third = table.create<UsbInterfaceNub>();
    CHECK(third.id() == 3);
    CHECK(table.find(0) == nullptr);
    CHECK(table.find(4) == nullptr);
    CHECK(table.find(UINT64_MAX) == nullptr);
    CHECK(table.size() == 2);
    table.destroy(1); // again: nothing happens
    table.destroy(99);
    CHECK(table.size() == 2);
    CHECK(table.ids_where([](KernelObject const& o) { return o.id() != 2; }) == std::vector<uint64_t> { 3 });
}

TEST_CASE("paths find entries by name or class, each step a child of the last")
{
    RegistryRoot root;
    root.name = "Root";
    UsbDeviceNub device;
    device.name = "Vendor Interrupt Device";
    UsbInterfaceNub interface;
    interface.name = "IOUSBHostInterface";
    root.children.push_back(&device);
    device.parent = &root;
    device.children.push_back(&interface);
    interface.parent = &device;

    CHECK(find_by_path(root, "IOUSBHostDevice/IOUSBHostInterface").size() == 1);
    CHECK(find_by_path(root, "Vendor Interrupt Device/IOUSBHostInterface").front() == &interface);
    CHECK(find_by_path(root, "IOUSBHostInterface/IOUSBHostDevice").empty());
    CHECK(find_by_path(root, "IOService").size() == 2);
    CHECK(find_by_path(root, "").empty());

    int visited = 0;
    int deepest = 0;
    for_each_entry(root, [&](RegistryEntry const&, int depth) {
        ++visited;
        deepest = std::max(deepest, depth);
    });
    CHECK(visited == 3);
    CHECK(deepest == 2);
}

TEST_CASE("properties compare by value and print like ioreg")
{
    CHECK(Property::number(5, 8) == Property::number(5, 32));
    CHECK_FALSE(Property::number(5) == Property::string("5"));
    CHECK(Property::boolean(true).to_ioreg_text() == "Yes");
    CHECK(Property::data({ 1, 0xab }).to_ioreg_text() == "<01ab>");
    CHECK(Property::dict({ { "b", Property::number(2) }, { "a", Property::string("x") } }).to_ioreg_text() == "{\"a\"=\"x\",\"b\"=2}");
    Property original = Property::array({ Property::number(1) });
    Property copy = original;
    copy.as_array().push_back(Property::number(2));
    CHECK(original.as_array().size() == 1); // copies are deep
}
