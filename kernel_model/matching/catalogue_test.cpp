// The catalogue index must offer exactly the personalities that can match, and the kernel's
// choice (rank_candidates) must not depend on whether the index or a scan found them.
#include "kernel_model/matching/catalogue.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <doctest/doctest.h>

using namespace dextlab::kernel;

namespace {

Personality personality(std::string name, std::string provider, std::vector<std::pair<std::string, uint64_t>> keys, PropertyDict extra = {})
{
    Personality p { std::move(name), std::move(extra) };
    p.properties["IOProviderClass"] = Property::string(std::move(provider));
    for (auto const& [k, v] : keys)
        p.properties[k] = Property::number(v, 32);
    return p;
}

UsbInterfaceNub interface_nub(uint64_t vid, uint64_t pid)
{
    UsbInterfaceNub n;
    n.name = "IOUSBHostInterface";
    for (auto const& [k, v] : std::vector<std::pair<char const*, uint64_t>> { { "idVendor", vid }, { "idProduct", pid },
             { "bcdDevice", 0x100 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 }, { "bInterfaceClass", 0xff },
             { "bInterfaceSubClass", 0 }, { "bInterfaceProtocol", 0 } })
        n.set_property(k, Property::number(v, 16));
    return n;
}

std::vector<std::string> names(Catalogue const& catalogue, std::vector<size_t> const& indices)
{
    std::vector<std::string> out;
    for (size_t i : indices)
        out.push_back(catalogue[i].personality.name);
    return out;
}

} // namespace

TEST_CASE("the index offers personalities of the nub's classes, and on USB only its vendor's or none")
{
    Catalogue catalogue;
    catalogue.add({ "A", personality("vendor-1209", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 } }) });
    catalogue.add({ "A", personality("vendor-05ac", "IOUSBHostInterface", { { "idVendor", 0x05ac }, { "idProduct", 1 } }) });
    catalogue.add({ "B", personality("class-only", "IOUSBHostInterface", { { "bInterfaceClass", 0xff } }) });
    catalogue.add({ "B", personality("any-service", "IOService", { { "idVendor", 0x1209 } }) });
    catalogue.add({ "B", personality("device", "IOUSBHostDevice", { { "idVendor", 0x1209 } }) });
    PropertyDict wildcard;
    wildcard["idVendor"] = Property::string("*");
    catalogue.add({ "C", personality("wildcard-vendor", "IOUSBHostInterface", {}, wildcard) });
    catalogue.add({ "C", Personality { "no-provider", {} } });

    auto nub = interface_nub(0x1209, 1);
    NubFacts facts(nub);
    std::vector<size_t> indexed, scanned;
    catalogue.candidates(facts, indexed);
    catalogue.candidates_linear(facts, scanned);
    CHECK(names(catalogue, indexed) == std::vector<std::string> { "vendor-1209", "class-only", "any-service", "wildcard-vendor" });
    CHECK(names(catalogue, scanned) == std::vector<std::string> { "vendor-1209", "vendor-05ac", "class-only", "any-service", "wildcard-vendor" });
    std::vector<size_t> others;
    catalogue.passed_over(facts, others);
    CHECK(names(catalogue, others) == std::vector<std::string> { "vendor-05ac" });

    // A nub of no USB class sees everything filed under its classes, vendor or not: USB rules
    // do not apply to it, so a personality's idVendor does not rule it out.
    struct ServiceNub final : RegistryEntry {
        std::vector<std::string> class_chain() const override { return { "IOService", "IORegistryEntry", "OSObject" }; }
    } service;
    NubFacts service_facts(service);
    catalogue.candidates(service_facts, indexed);
    CHECK(names(catalogue, indexed) == std::vector<std::string> { "any-service" });
}

TEST_CASE("index and scan rank the same winners for many devices")
{
    // 400 personalities over 40 vendors, some class-only; 120 devices. Deterministic.
    Catalogue catalogue;
    uint64_t state = 12345;
    auto next = [&] {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        return state >> 33;
    };
    for (int i = 0; i < 400; ++i) {
        uint64_t vid = 0x1000 + next() % 40;
        uint64_t pid = next() % 8;
        std::string name = "p" + std::to_string(i);
        switch (next() % 4) {
        case 0: catalogue.add({ "D", personality(name, "IOUSBHostInterface", { { "idVendor", vid }, { "idProduct", pid }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) }); break;
        case 1: catalogue.add({ "D", personality(name, "IOUSBHostInterface", { { "idVendor", vid }, { "bInterfaceSubClass", 0 } }) }); break;
        case 2: catalogue.add({ "D", personality(name, "IOUSBHostDevice", { { "idVendor", vid }, { "idProduct", pid } }) }); break;
        default: catalogue.add({ "D", personality(name, "IOUSBHostInterface", { { "bInterfaceClass", 0xff }, { "bInterfaceSubClass", 0 }, { "IOProbeScore", next() % 3 } }) }); break;
        }
    }
    int matched = 0;
    for (int d = 0; d < 120; ++d) {
        auto nub = interface_nub(0x1000 + next() % 40, next() % 8);
        NubFacts facts(nub);
        auto a = rank_candidates(catalogue, facts, {}, {}, CandidateSource::Index);
        auto b = rank_candidates(catalogue, facts, {}, {}, CandidateSource::LinearScan);
        REQUIRE(a.size() == b.size());
        for (size_t i = 0; i < a.size(); ++i) {
            CHECK(a[i].category == b[i].category);
            REQUIRE(a[i].ranked.size() == b[i].ranked.size());
            for (size_t j = 0; j < a[i].ranked.size(); ++j) {
                CHECK(a[i].ranked[j].index == b[i].ranked[j].index);
                CHECK(a[i].ranked[j].score == b[i].ranked[j].score);
            }
        }
        matched += !a.empty();
    }
    CHECK(matched > 30); // the comparison must be about something
}

TEST_CASE("ranking: highest score first, ties in install order, one list per category, held categories left out")
{
    Catalogue catalogue;
    catalogue.add({ "A", personality("first-90000", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
    catalogue.add({ "B", personality("80000", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceSubClass", 0 }, { "bInterfaceProtocol", 0 } }) });
    catalogue.add({ "C", personality("second-90000", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
    PropertyDict logger;
    logger["IOMatchCategory"] = Property::string("Logger");
    catalogue.add({ "D", personality("logger", "IOUSBHostInterface", { { "IOProbeScore", 5 } }, logger) });

    auto nub = interface_nub(0x1209, 1);
    NubFacts facts(nub);
    std::vector<std::string> visited;
    auto rankings = rank_candidates(catalogue, facts, {}, [&](size_t i, MatchResult const&) { visited.push_back(catalogue[i].personality.name); });
    CHECK(visited.size() == 4);
    REQUIRE(rankings.size() == 2);
    CHECK(rankings[0].category == "IODefaultMatchCategory");
    REQUIRE(rankings[0].ranked.size() == 3);
    CHECK(catalogue[rankings[0].ranked[0].index].personality.name == "first-90000");
    CHECK(catalogue[rankings[0].ranked[1].index].personality.name == "second-90000");
    CHECK(catalogue[rankings[0].ranked[2].index].personality.name == "80000");
    CHECK(rankings[1].category == "Logger");
    CHECK(rankings[1].ranked[0].score == 5);

    auto held = rank_candidates(catalogue, facts, { "IODefaultMatchCategory" });
    REQUIRE(held.size() == 1);
    CHECK(held[0].category == "Logger");
}

TEST_CASE("removing a bundle refiles the rest in install order")
{
    Catalogue catalogue;
    PropertyDict logger;
    logger["IOMatchCategory"] = Property::string("Logger");
    catalogue.add({ "Old", personality("old", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "idProduct", 1 }, { "bConfigurationValue", 1 }, { "bInterfaceNumber", 0 } }) });
    catalogue.add({ "Keep", personality("logger", "IOUSBHostInterface", { { "IOProbeScore", 5 } }, logger) });
    catalogue.add({ "Keep", personality("fallback", "IOUSBHostInterface", { { "idVendor", 0x1209 }, { "bInterfaceSubClass", 0 } }) });
    CHECK(catalogue.remove_bundle("Old") == 1);
    CHECK(catalogue.remove_bundle("Nothing") == 0);
    REQUIRE(catalogue.size() == 2);
    CHECK(catalogue[0].personality.name == "logger");
    CHECK(catalogue.category(0) == "Logger");
    CHECK(catalogue.category(1) == "IODefaultMatchCategory");
    CHECK(catalogue.keys(1).has(MatchKey::idVendor));
    CHECK_FALSE(catalogue.keys(0).has(MatchKey::idVendor));

    auto nub = interface_nub(0x1209, 1);
    NubFacts facts(nub);
    std::vector<size_t> indexed;
    catalogue.candidates(facts, indexed);
    CHECK(names(catalogue, indexed) == std::vector<std::string> { "logger", "fallback" });
    auto rankings = rank_candidates(catalogue, facts, {});
    REQUIRE(rankings.size() == 2);
    CHECK(rankings[1].ranked[0].score == 70000);
}
