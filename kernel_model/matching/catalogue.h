#pragma once
// The catalogue of installed personalities (IOCatalogue's job) and the choice of winners for a
// nub. Personalities are filed by IOProviderClass, as IOCatalogue::findDrivers files them, and
// USB personalities also by the idVendor they name, so matching a nub looks only at personalities
// that can match it: at 10,000 installed personalities a device is matched in a few microseconds
// instead of a scan of everything (bench/matching_bench.cpp, docs/PERFORMANCE.md).

#include "kernel_model/bundle/dext_bundle.h"
#include "kernel_model/matching/matching.h"

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

namespace dextlab::kernel {

// One installed personality, as the catalogue files it.
struct CatalogueEntry {
    std::string bundle; // DextBundle::name
    Personality personality;
};

class Catalogue {
public:
    // Files the entry; returns its install index (install order breaks score ties).
    size_t add(CatalogueEntry entry);
    // Removes every personality of a bundle (a dext replaced or deactivated) and files the rest
    // again, keeping their install order. Returns how many were removed.
    size_t remove_bundle(std::string const& bundle);

    std::vector<CatalogueEntry> const& entries() const { return m_entries; }
    size_t size() const { return m_entries.size(); }
    CatalogueEntry const& operator[](size_t index) const { return m_entries[index]; }
    // What the catalogue worked out when the entry was added: the keys it names, its category.
    TableKeys const& keys(size_t index) const { return m_filed[index].keys; }
    std::string const& category(size_t index) const { return m_filed[index].category; }

    // The entries that can match `nub`, in install order: those filed under a class the nub
    // conforms to; on a USB nub, of those only the ones naming the nub's idVendor or naming none
    // (a personality naming another vendor fails every row of the USB table).
    void candidates(NubFacts const& nub, std::vector<size_t>& out) const;
    // Every entry whose IOProviderClass the nub conforms to, by scanning them all: the way before
    // the index, kept as the benchmark's baseline and to test that both agree.
    void candidates_linear(NubFacts const& nub, std::vector<size_t>& out) const;
    // The entries filed under the nub's classes that candidates() left out (another idVendor),
    // in install order: the kernel traces them for a nub nothing matched.
    void passed_over(NubFacts const& nub, std::vector<size_t>& out) const;

private:
    struct ClassBucket {
        std::vector<size_t> all;
        std::vector<size_t> no_vendor; // no idVendor, or a wildcard
        std::unordered_map<uint64_t, std::vector<size_t>> by_vendor;
    };
    struct Filed {
        TableKeys keys;
        std::string category;
    };
    std::vector<CatalogueEntry> m_entries;
    std::vector<Filed> m_filed; // parallel to m_entries
    std::unordered_map<std::string, ClassBucket> m_by_class;
};

struct RankedCandidate {
    size_t index; // into the catalogue
    int64_t score;
};

// The matched candidates of one IOMatchCategory, highest score first, ties in install order
// (OSOrderedSet inserts after every element that compares equal; reference 4.1).
struct CategoryRanking {
    std::string category;
    std::vector<RankedCandidate> ranked;
};

enum class CandidateSource : uint8_t { Index, LinearScan };

// Sees every candidate's result, matched or not (the kernel traces them).
using CandidateVisitor = std::function<void(size_t index, MatchResult const&)>;

// Matches the nub against the catalogue's candidates and ranks those that matched, per category,
// categories in the order they first appear. A category in `held` (a live client of the nub
// holds it) is not offered again: its candidates are visited but not ranked.
std::vector<CategoryRanking> rank_candidates(Catalogue const& catalogue, NubFacts const& nub, std::vector<std::string> const& held,
    CandidateVisitor const& visit = {}, CandidateSource source = CandidateSource::Index);

} // namespace dextlab::kernel
