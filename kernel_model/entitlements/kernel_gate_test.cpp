// The kernel's gate end to end, without a dext: a bundle built in memory, a vendor device
// plugged, and a launcher that only counts how often the kernel asks for a server.
#include "devices/usb/usb_device.h"
#include "kernel_model/entitlements/entitlements.h"
#include "kernel_model/kernel.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

DextBundle bundle(std::string name, PropertyDict entitlements, uint64_t vid = 0x1209, int64_t probe = 0)
{
    DextBundle b;
    b.name = name;
    b.path = "/nowhere/" + name + ".dext";
    b.bundle_identifier = "org.dextlab." + name;
    b.executable_path = b.path + "/" + name;
    b.entitlements = std::move(entitlements);
    Personality p { name, {} };
    p.properties["IOProviderClass"] = Property::string("IOUSBHostInterface");
    p.properties["IOClass"] = Property::string("IOUserService");
    p.properties["IOUserClass"] = Property::string(name);
    p.properties["IOUserServerName"] = Property::string(b.bundle_identifier);
    p.properties["idVendor"] = Property::number(vid, 32);
    p.properties["bInterfaceSubClass"] = Property::number(0, 32);
    if (probe)
        p.properties["IOProbeScore"] = Property::number(static_cast<uint64_t>(probe), 32);
    b.personalities.push_back(std::move(p));
    return b;
}

PropertyDict driverkit_only() { return { { entitlement_keys::driverkit, Property::boolean(true) } }; }
PropertyDict usb_allowed()
{
    return { { entitlement_keys::driverkit, Property::boolean(true) }, { entitlement_keys::transport_usb, Property::boolean(true) } };
}

struct Rig {
    Scheduler scheduler;
    TraceBus trace { [this] { return scheduler.now(); } };
    std::vector<std::string> launched;
    std::vector<TraceRecord> records;
    Kernel kernel { scheduler, trace, [this](ipc::MessageHandler&, std::string const& server) -> ErrorOr<std::unique_ptr<ipc::DextConnection>> {
                       launched.push_back(server);
                       return Error::with("no dext runs in this test");
                   } };

    Rig()
    {
        trace.subscribe([this](TraceRecord const& r) { records.push_back(r); });
    }

    void plug_vendor_device()
    {
        usb::DeviceParams params;
        params.numbers["vid"] = 0x1209;
        auto device = usb::DeviceModels::find("vendor-interrupt")->create(params);
        REQUIRE(device);
        REQUIRE(kernel.plug_usb("dev0", std::move(device.value())));
        scheduler.run_until(scheduler.now() + 20_ms);
    }

    std::vector<TraceRecord const*> find(std::string_view point) const
    {
        std::vector<TraceRecord const*> out;
        for (auto const& r : records) {
            if (r.point == point)
                out.push_back(&r);
        }
        return out;
    }
};

} // namespace

TEST_CASE("a dext without transport.usb is refused at start and its server never launches")
{
    Rig rig;
    REQUIRE(rig.kernel.install_dext(bundle("Unentitled", driverkit_only())));
    rig.plug_vendor_device();
    auto refused = rig.find("entitlement_refused");
    REQUIRE(refused.size() == 1);
    CHECK(refused[0]->field("missing")->value_text() == entitlement_keys::transport_usb);
    CHECK(refused[0]->field("personality")->value_text() == "Unentitled");
    CHECK(rig.launched.empty());
    CHECK(rig.find("match_winner").empty());
    CHECK(rig.kernel.services().empty());

    // The explanation says the same.
    auto explanations = rig.kernel.explain_registry();
    bool found = false;
    for (auto const& e : explanations) {
        for (auto const& c : e.candidates)
            found = found || (c.verdict == Verdict::Refused && c.why.find(entitlement_keys::transport_usb) != std::string::npos);
    }
    CHECK(found);
}

TEST_CASE("development mode lets the start through with a warning")
{
    Rig rig;
    rig.kernel.set_development_mode(true);
    REQUIRE(rig.kernel.install_dext(bundle("Unentitled", driverkit_only())));
    rig.plug_vendor_device();
    CHECK(rig.find("entitlement_refused").empty());
    CHECK(rig.find("entitlement_warning").size() == 1);
    CHECK(rig.find("match_winner").size() == 1);
    CHECK(rig.launched.size() == 1); // the gate let it through; the fake launcher then fails
}

TEST_CASE("a refused winner hands its category to the next candidate")
{
    Rig rig;
    // The better score (probe 100) lacks the entitlement; the other has it.
    REQUIRE(rig.kernel.install_dext(bundle("Entitled", usb_allowed())));
    REQUIRE(rig.kernel.install_dext(bundle("Unentitled", driverkit_only(), 0x1209, 100)));
    rig.plug_vendor_device();
    CHECK(rig.find("entitlement_refused").size() == 1);
    auto winners = rig.find("match_winner");
    REQUIRE(winners.size() == 1);
    CHECK(winners[0]->field("dext")->value_text() == "Entitled");
    CHECK(rig.launched == std::vector<std::string> { "org.dextlab.Entitled" });
}
