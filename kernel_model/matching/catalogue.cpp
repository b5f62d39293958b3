#include "catalogue.h"

#include <algorithm>

namespace dextlab::kernel {

size_t Catalogue::add(CatalogueEntry entry)
{
    size_t index = m_entries.size();
    auto const& props = entry.personality.properties;
    // Without an IOProviderClass string a personality is filed nowhere and never matches, as
    // IOCatalogue cannot file it; bundle_checks reports it when the dext is loaded.
    if (auto it = props.find("IOProviderClass"); it != props.end() && it->second.is_string()) {
        auto& bucket = m_by_class[it->second.as_string()];
        bucket.all.push_back(index);
        auto vendor = props.find("idVendor");
        if (vendor != props.end() && vendor->second.is_number())
            bucket.by_vendor[vendor->second.as_number()].push_back(index);
        else
            bucket.no_vendor.push_back(index);
    }
    m_filed.push_back(Filed { TableKeys::of(props), match_category(props) });
    m_entries.push_back(std::move(entry));
    return index;
}

void Catalogue::candidates(NubFacts const& nub, std::vector<size_t>& out) const
{
    out.clear();
    bool usb = nub.usb_device || nub.usb_interface;
    Property const* vendor = usb ? nub.entry.property("idVendor") : nullptr;
    for (auto const& class_name : nub.chain) {
        auto it = m_by_class.find(class_name);
        if (it == m_by_class.end())
            continue;
        auto const& bucket = it->second;
        if (!usb) {
            out.insert(out.end(), bucket.all.begin(), bucket.all.end());
            continue;
        }
        out.insert(out.end(), bucket.no_vendor.begin(), bucket.no_vendor.end());
        if (vendor && vendor->is_number()) {
            if (auto v = bucket.by_vendor.find(vendor->as_number()); v != bucket.by_vendor.end())
                out.insert(out.end(), v->second.begin(), v->second.end());
        }
    }
    // Each entry is filed once, so there are no duplicates; only the order needs restoring.
    std::sort(out.begin(), out.end());
}

void Catalogue::passed_over(NubFacts const& nub, std::vector<size_t>& out) const
{
    out.clear();
    if (!nub.usb_device && !nub.usb_interface)
        return;
    Property const* vendor = nub.entry.property("idVendor");
    for (auto const& class_name : nub.chain) {
        auto it = m_by_class.find(class_name);
        if (it == m_by_class.end())
            continue;
        for (auto const& [vid, indices] : it->second.by_vendor) {
            if (!vendor || !vendor->is_number() || vid != vendor->as_number())
                out.insert(out.end(), indices.begin(), indices.end());
        }
    }
    std::sort(out.begin(), out.end()); // by_vendor is unordered: install order makes it deterministic
}

void Catalogue::candidates_linear(NubFacts const& nub, std::vector<size_t>& out) const
{
    out.clear();
    for (size_t i = 0; i < m_entries.size(); ++i) {
        auto const& props = m_entries[i].personality.properties;
        auto provider = props.find("IOProviderClass");
        if (provider != props.end() && provider->second.is_string() && nub.conforms_to(provider->second.as_string()))
            out.push_back(i);
    }
}

std::vector<CategoryRanking> rank_candidates(Catalogue const& catalogue, NubFacts const& nub, std::vector<std::string> const& held,
    CandidateVisitor const& visit, CandidateSource source)
{
    std::vector<size_t> indices;
    if (source == CandidateSource::Index)
        catalogue.candidates(nub, indices);
    else
        catalogue.candidates_linear(nub, indices);

    std::vector<CategoryRanking> rankings;
    for (size_t index : indices) {
        auto const& props = catalogue[index].personality.properties;
        MatchResult result = match_personality(props, nub, MatchDetail::Summary, &catalogue.keys(index));
        if (visit)
            visit(index, result);
        if (!result.matched)
            continue;
        std::string const& category = catalogue.category(index);
        if (std::find(held.begin(), held.end(), category) != held.end())
            continue;
        auto it = std::find_if(rankings.begin(), rankings.end(), [&](auto const& r) { return r.category == category; });
        if (it == rankings.end()) {
            rankings.push_back(CategoryRanking { category, {} });
            it = rankings.end() - 1;
        }
        // Candidates arrive in install order: insert after every equal score.
        auto pos = std::upper_bound(it->ranked.begin(), it->ranked.end(), result.score,
            [](int64_t score, RankedCandidate const& c) { return score > c.score; });
        it->ranked.insert(pos, RankedCandidate { index, result.score });
    }
    return rankings;
}

size_t Catalogue::remove_bundle(std::string const& bundle)
{
    std::vector<CatalogueEntry> kept;
    size_t removed = 0;
    for (auto& entry : m_entries) {
        if (entry.bundle == bundle)
            ++removed;
        else
            kept.push_back(std::move(entry));
    }
    m_entries.clear();
    m_filed.clear();
    m_by_class.clear();
    for (auto& entry : kept)
        add(std::move(entry));
    return removed;
}

} // namespace dextlab::kernel
