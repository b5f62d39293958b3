// IOUserServiceProperties as xnu keeps it: what a dext sets never replaces the kernel's keys,
// readers see it merged over them; SearchProperty's order; CopyProviderProperties' shape.

#include "kernel_model/properties/user_properties.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {

class Entry final : public RegistryEntry {
public:
    explicit Entry(std::vector<std::string> chain)
        : m_chain(std::move(chain))
    {
    }
    std::vector<std::string> class_chain() const override { return m_chain; }

private:
    std::vector<std::string> m_chain;
};

// Root > IOUSBHostDevice > IOUSBHostInterface > a dext's IOUserService.
struct Tree {
    RegistryRoot root;
    Entry device { { "IOUSBHostDevice", "IOService", "IORegistryEntry", "OSObject" } };
    Entry interface { { "IOUSBHostInterface", "IOService", "IORegistryEntry", "OSObject" } };
    Entry service { { "IOUserService", "IOService", "IORegistryEntry", "OSObject" } };

    Tree()
    {
        device.parent = &root;
        interface.parent = &device;
        service.parent = &interface;
        device.name = "Vendor Device";
        interface.name = "IOUSBHostInterface";
        service.name = "PropertySampleDriver";
        device.set_property("idVendor", Property::number(0x1209, 16));
        device.set_property("USB Product Name", Property::string("Sampler"));
        interface.set_property("idVendor", Property::number(0x1209, 16));
        interface.set_property("bInterfaceNumber", Property::number(0, 8));
        service.set_property("IOClass", Property::string("IOUserService"));
        service.set_property("IOUserClass", Property::string("PropertySampleDriver"));
    }
};

} // namespace

TEST_CASE("SetProperties merges into IOUserServiceProperties and never replaces the kernel's keys")
{
    Tree t;
    auto shadowed = set_user_properties(t.service, { { "Greeting", Property::string("hello") }, { "IOClass", Property::string("Mine") } });
    CHECK(shadowed == std::vector<std::string> { "IOClass" });
    CHECK(t.service.property("IOClass")->as_string() == "IOUserService"); // the registry's own
    REQUIRE(t.service.property(kIOUserServicePropertiesKey) != nullptr);
    CHECK(t.service.property(kIOUserServicePropertiesKey)->as_dict().size() == 2);
    CHECK(t.service.property("Greeting") == nullptr);

    // Readers: merged, the dext's value over the kernel's, the nested dictionary gone.
    auto merged = merged_properties(t.service);
    CHECK(merged.at("IOClass").as_string() == "Mine");
    CHECK(merged.at("Greeting").as_string() == "hello");
    CHECK(merged.at("IOUserClass").as_string() == "PropertySampleDriver");
    CHECK_FALSE(merged.contains(kIOUserServicePropertiesKey));
    // An app's single-key read prefers the entry's own key.
    CHECK(visible_property(t.service, "IOClass")->as_string() == "IOUserService");
    CHECK(visible_property(t.service, "Greeting")->as_string() == "hello");

    // A second call merges; it does not replace the dictionary.
    set_user_properties(t.service, { { "Count", Property::number(3, 32) } });
    CHECK(merged_properties(t.service).size() == 4); // IOClass, IOUserClass, Greeting, Count
}

TEST_CASE("RemoveProperty takes keys out of IOUserServiceProperties only")
{
    Tree t;
    CHECK_FALSE(remove_user_property(t.service, "IOClass")); // nothing set yet: kIOReturnNotFound
    set_user_properties(t.service, { { "Greeting", Property::string("hello") } });
    CHECK(remove_user_property(t.service, "Greeting"));
    CHECK(remove_user_property(t.service, "never-set")); // removeObject of an absent key succeeds
    CHECK(remove_user_property(t.service, "IOClass"));
    CHECK(t.service.property("IOClass")->as_string() == "IOUserService");
    CHECK(merged_properties(t.service).count("Greeting") == 0);
}

TEST_CASE("SearchProperty: own keys, then ancestors in the service plane, then the dext's own values")
{
    Tree t;
    set_user_properties(t.service, { { "Greeting", Property::string("hello") } });
    set_user_properties(t.interface, { { "InterfaceNote", Property::string("n") } });

    auto vendor = search_property(t.service, "idVendor", kIOServicePlane, kIOServiceSearchPropertyParents);
    REQUIRE(vendor.value != nullptr);
    CHECK(vendor.found_in == &t.interface); // the nearest ancestor that has it
    CHECK(vendor.value->as_number() == 0x1209);
    auto product = search_property(t.service, "USB Product Name", kIOServicePlane, kIOServiceSearchPropertyParents);
    REQUIRE(product.value != nullptr);
    CHECK(product.found_in == &t.device);

    CHECK(search_property(t.service, "idVendor", kIOServicePlane, 0).value == nullptr);     // no parents asked for
    CHECK(search_property(t.service, "idVendor", "IOPower", kIOServiceSearchPropertyParents).value == nullptr); // a plane the lab lacks
    CHECK(search_property(t.service, "Greeting", kIOServicePlane, 0).found_in == &t.service);
    // Ancestors' IOUserServiceProperties are not searched with kIOServiceSearchPropertyParents
    // (xnu's fallback loop tests kIORegistryIterateParents), only with that bit too.
    CHECK(search_property(t.service, "InterfaceNote", kIOServicePlane, kIOServiceSearchPropertyParents).value == nullptr);
    CHECK(search_property(t.service, "InterfaceNote", kIOServicePlane, kIOServiceSearchPropertyParents | kIORegistryIterateParents).found_in
        == &t.interface);
}

TEST_CASE("CopyProviderProperties: one dictionary per entry up to the root, IOClass as the class chain")
{
    Tree t;
    auto all = provider_properties(t.service, std::nullopt);
    REQUIRE(all.size() == 3); // service, interface, device; not the root
    auto const& classes = all[0].as_dict().at("IOClass").as_array();
    REQUIRE(classes.size() == 4);
    CHECK(classes[0].as_string() == "IOUserService");
    CHECK(classes[3].as_string() == "OSObject");
    CHECK(all[2].as_dict().at("USB Product Name").as_string() == "Sampler");

    auto some = provider_properties(t.service, std::vector<std::string> { "idVendor", "missing" });
    REQUIRE(some.size() == 3);
    CHECK(some[0].as_dict().empty()); // the service has no idVendor; no IOClass unless asked
    CHECK(some[1].as_dict().at("idVendor").as_number() == 0x1209);
    CHECK(some[1].as_dict().size() == 1);
    auto with_class = provider_properties(t.interface, std::vector<std::string> { "IOClass" });
    CHECK(with_class[0].as_dict().at("IOClass").as_array()[0].as_string() == "IOUSBHostInterface");
}
