// PCI matching as rows of data (STYLE habit 8): IOPCIFamily's four keys against one nub, with
// IOPCIMatch's +1000 for the primary ids. No dext runs.
#include "kernel_model/matching/matching.h"
#include "kernel_model/matching/match_rows_test_support.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;
using dextlab::kernel::test::check_rows;

namespace {

class PciNub final : public RegistryEntry {
public:
    std::vector<std::string> class_chain() const override { return { "IOPCIDevice", "IOService", "IORegistryEntry", "OSObject" }; }
};

Property le32(uint32_t v)
{
    return Property::data({ static_cast<uint8_t>(v), static_cast<uint8_t>(v >> 8), static_cast<uint8_t>(v >> 16), static_cast<uint8_t>(v >> 24) });
}

// pci1209,7471: subsystem 106b:00a1, class 0x088000 revision 3.
PciNub make_nub()
{
    PciNub n;
    n.name = "pci1209,7471";
    n.set_property("vendor-id", le32(0x1209));
    n.set_property("device-id", le32(0x7471));
    n.set_property("subsystem-vendor-id", le32(0x106B));
    n.set_property("subsystem-id", le32(0x00A1));
    n.set_property("class-code", le32(0x088000));
    n.set_property("revision-id", le32(3));
    return n;
}

PropertyDict pci(std::vector<std::pair<std::string, std::string>> keys, uint64_t probe = 0)
{
    PropertyDict d;
    d["IOProviderClass"] = Property::string("IOPCIDevice");
    for (auto const& [k, v] : keys)
        d[k] = Property::string(v);
    if (probe)
        d["IOProbeScore"] = Property::number(probe, 32);
    return d;
}

} // namespace

TEST_CASE("PCI registers are rebuilt from the nub's id properties")
{
    auto nub = make_nub();
    CHECK(pci_config_register(nub, 0x00) == 0x74711209u);
    CHECK(pci_config_register(nub, 0x08) == 0x08800003u);
    CHECK(pci_config_register(nub, 0x2C) == 0x00A1106Bu);
}

TEST_CASE("PCI matching follows IOPCIFamily's pciMatchNub")
{
    auto nub = make_nub();
    check_rows(
        {
            { "IOPCIMatch exact on the primary ids scores 1000", pci({ { "IOPCIMatch", "0x74711209" } }), true, 1000, "" },
            { "IOPCIMatch plus IOProbeScore", pci({ { "IOPCIMatch", "0x74711209" } }, 500), true, 1500, "" },
            { "IOPCIMatch with a vendor mask", pci({ { "IOPCIMatch", "0x00001209&0x0000ffff" } }), true, 1000, "" },
            { "IOPCIMatch list, second word matches", pci({ { "IOPCIMatch", "0x11111111 0x74711209" } }), true, 1000, "" },
            { "IOPCIMatch on the subsystem ids scores nothing", pci({ { "IOPCIMatch", "0x00a1106b" } }), true, 0, "" },
            { "IOPCIMatch without 0x", pci({ { "IOPCIMatch", "74711209" } }), true, 1000, "" },
            { "IOPCIMatch wrong device", pci({ { "IOPCIMatch", "0x74721209" } }), false, 0, "IOPCIMatch" },
            { "IOPCIPrimaryMatch", pci({ { "IOPCIPrimaryMatch", "0x74711209" } }), true, 0, "" },
            { "IOPCIPrimaryMatch ignores the subsystem", pci({ { "IOPCIPrimaryMatch", "0x00a1106b" } }), false, 0, "IOPCIPrimaryMatch" },
            { "IOPCISecondaryMatch", pci({ { "IOPCISecondaryMatch", "0x00a1106b" } }), true, 0, "" },
            { "IOPCISecondaryMatch wrong", pci({ { "IOPCISecondaryMatch", "0x74711209" } }), false, 0, "IOPCISecondaryMatch" },
            { "IOPCIClassMatch ignores the revision by default", pci({ { "IOPCIClassMatch", "0x08800000" } }), true, 0, "" },
            { "IOPCIClassMatch with a base-class mask", pci({ { "IOPCIClassMatch", "0x08000000&0xff000000" } }), true, 0, "" },
            { "IOPCIClassMatch wrong class", pci({ { "IOPCIClassMatch", "0x0c033000" } }), false, 0, "IOPCIClassMatch" },
            { "all keys must hold; the first failure decides", pci({ { "IOPCIPrimaryMatch", "0x74711209" }, { "IOPCIClassMatch", "0x02000000" } }), false, 0, "IOPCIClassMatch" },
            { "no PCI key: generic keys, IOProbeScore", pci({}, 42), true, 42, "" },
        },
        nub);
}

TEST_CASE("a PCI key that is not a string fails with a reason")
{
    auto nub = make_nub();
    PropertyDict d = pci({});
    d["IOPCIMatch"] = Property::number(0x74711209, 32);
    auto r = match_personality(d, nub);
    CHECK_FALSE(r.matched);
    CHECK(r.failed_key == "IOPCIMatch");
    CHECK(r.reason.find("must be a string") != std::string::npos);
}

TEST_CASE("text the family stops at is named in the explanation")
{
    auto nub = make_nub();
    auto r = match_personality(pci({ { "IOPCIMatch", "0x11111111,0x74711209" } }), nub);
    CHECK_FALSE(r.matched);
    CHECK(r.reason.find("\",0x74711209\" was not read") != std::string::npos);
    std::vector<PciWord> words;
    std::string leftover;
    pci_match_words("0x1209&0xffff  0x7471 &0xff00", 0xFFFFFFFF, words, leftover);
    REQUIRE(words.size() == 2);
    CHECK(words[0].value == 0x1209u);
    CHECK(words[0].mask == 0xFFFFu);
    CHECK(words[1].mask == 0xFF00u);
    CHECK(leftover.empty());
}

TEST_CASE("PCI keys are ignored on a nub that is not a PCI device")
{
    class Other final : public RegistryEntry {
    public:
        std::vector<std::string> class_chain() const override { return { "IOService", "IORegistryEntry", "OSObject" }; }
    } other;
    PropertyDict d = pci({ { "IOPCIMatch", "0x74711209" } });
    d["IOProviderClass"] = Property::string("IOService");
    auto r = match_personality(d, other);
    CHECK(r.matched);
    CHECK(r.score == 0);
}

TEST_CASE("a transport entitlement dictionary is matched with the same rules")
{
    auto nub = make_nub();
    PropertyDict dict;
    dict["IOPCIPrimaryMatch"] = Property::string("0x00001209&0x0000ffff");
    CHECK(pci_table_matches(dict, nub));
    dict["IOPCIPrimaryMatch"] = Property::string("0x000010b5&0x0000ffff");
    std::string why;
    CHECK_FALSE(pci_table_matches(dict, nub, &why));
    CHECK(why.find("IOPCIPrimaryMatch") == 0);
    CHECK(pci_table_matches(PropertyDict {}, nub)); // no keys: the family finds nothing to refuse
}
