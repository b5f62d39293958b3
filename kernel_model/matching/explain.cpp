#include "explain.h"

#include "kernel_model/server/kernel_driver.h"
#include "kernel_model/server/user_service.h"
#include "kernel_model/pci/pci_objects.h"
#include "kernel_model/usb_host/usb_objects.h"

#include <algorithm>
#include <cstdio>

namespace dextlab::kernel {

char const* to_string(Verdict verdict)
{
    switch (verdict) {
    case Verdict::WrongProvider: return "not a candidate";
    case Verdict::Failed: return "FAILED";
    case Verdict::Won: return "WON";
    case Verdict::Lost: return "lost";
    case Verdict::Refused: return "REFUSED";
    case Verdict::CategoryHeld: return "category held";
    }
    return "?";
}

namespace {

std::string entry_label(RegistryEntry const& e) { return e.location.empty() ? e.name : e.name + "@" + e.location; }

std::string registry_path(RegistryEntry const& nub)
{
    std::vector<RegistryEntry const*> chain;
    for (auto const* e = &nub; e && e->parent; e = e->parent)
        chain.push_back(e);
    std::string path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it)
        path += (path.empty() ? "" : "/") + entry_label(**it);
    return path;
}

std::string device_of(RegistryEntry const& nub)
{
    for (auto const* e = &nub; e; e = e->parent) {
        if (auto const* device = dynamic_cast<UsbDeviceNub const*>(e))
            return device->device_id;
        if (auto const* function = dynamic_cast<PciDeviceNub const*>(e))
            return function->device_id;
    }
    return "";
}

std::string compare_scores(int64_t winner, int64_t loser)
{
    if (winner == loser)
        return "tied at " + std::to_string(winner) + "; the one installed first wins";
    return std::to_string(winner) + " > " + std::to_string(loser);
}

// The services attached to the nub now, by category.
struct Client {
    std::string category;
    std::string personality;
    std::string text;
};

std::vector<Client> live_clients(RegistryEntry const& nub)
{
    std::vector<Client> clients;
    for (auto const* child : nub.children) {
        auto const* s = dynamic_cast<UserService const*>(child);
        if (!s || !s->active)
            continue;
        clients.push_back(Client { match_category(s->properties), s->personality,
            s->name + " (personality " + s->personality + ", " + to_string(s->state) + ")" });
    }
    return clients;
}

void settle_category(NubExplanation& out, CategoryRanking const& ranking, StartGate const& gate, RegistryEntry const& nub,
    std::vector<Client> const& clients, Catalogue const& catalogue)
{
    CategoryOutcome outcome { ranking.category, std::nullopt, "", "" };
    for (auto const& ranked : ranking.ranked) {
        auto& candidate = out.candidates[ranked.index];
        if (outcome.winner) {
            auto const& winner = out.candidates[*outcome.winner];
            candidate.verdict = Verdict::Lost;
            candidate.why = "lost to " + winner.personality + " of " + winner.dext + " (" + compare_scores(winner.result.score, ranked.score) + ")";
            continue;
        }
        GateOutcome gated = gate ? gate(catalogue[ranked.index], nub) : GateOutcome {};
        if (gated.refused) {
            candidate.verdict = Verdict::Refused;
            candidate.why = "best score, but refused at start: " + gated.message;
            continue;
        }
        candidate.verdict = Verdict::Won;
        candidate.why = ranking.ranked.size() == 1 ? "the only match in " + ranking.category
                                                   : "the highest score in " + ranking.category;
        if (!gated.message.empty())
            candidate.why += "; entitlement warning (development mode): " + gated.message;
        outcome.winner = ranked.index;
    }
    if (outcome.winner) {
        auto const& w = out.candidates[*outcome.winner];
        outcome.why = w.personality + " of " + w.dext + " won with " + std::to_string(w.result.score) + ": " + w.why;
    } else {
        outcome.why = "every match was refused at start; nothing runs in this category";
    }
    for (auto const& client : clients) {
        if (client.category != outcome.category)
            continue;
        outcome.client = client.text;
        if (outcome.winner && out.candidates[*outcome.winner].personality != client.personality) {
            auto& w = out.candidates[*outcome.winner];
            w.verdict = Verdict::CategoryHeld;
            w.why = "the best score now, but " + client.text + " already holds " + outcome.category
                + " on this nub (it matched first; IOKit offers a held category to no one)";
            outcome.why = w.why;
        }
    }
    out.categories.push_back(std::move(outcome));
}

void find_closest(NubExplanation& out, size_t count)
{
    // Only personalities for the nub's class: one for another provider class is not a near miss.
    std::vector<size_t> misses;
    for (size_t i = 0; i < out.candidates.size(); ++i) {
        if (out.candidates[i].verdict == Verdict::Failed)
            misses.push_back(i);
    }
    // The most keys that held first, then install order.
    std::stable_sort(misses.begin(), misses.end(), [&](size_t a, size_t b) {
        return out.candidates[a].result.keys_passed() > out.candidates[b].result.keys_passed();
    });
    misses.resize(std::min(misses.size(), count));
    out.closest = std::move(misses);
}

} // namespace

NubExplanation explain_nub(Catalogue const& catalogue, RegistryEntry const& nub, StartGate const& gate, size_t closest_count)
{
    NubFacts facts(nub);
    NubExplanation out;
    out.id = nub.id();
    out.name = nub.name;
    out.class_name = facts.chain.front();
    out.path = registry_path(nub);
    out.device = device_of(nub);
    for (auto const* child : nub.children) {
        if (auto const* driver = dynamic_cast<KernelDriver const*>(child); driver && driver->active) {
            out.kernel_driver = driver->ioclass;
            break;
        }
    }
    for (size_t i = 0; i < catalogue.size(); ++i) {
        auto const& entry = catalogue[i];
        CandidateExplanation c;
        c.index = i;
        c.dext = entry.bundle;
        c.personality = entry.personality.name;
        c.category = match_category(entry.personality.properties);
        c.result = match_personality(entry.personality.properties, facts);
        if (!c.result.matched) {
            bool provider = c.result.failed_key == "IOProviderClass" && c.result.compared.size() == 1;
            c.verdict = provider ? Verdict::WrongProvider : Verdict::Failed;
            c.why = c.result.reason;
        }
        out.candidates.push_back(std::move(c));
    }
    // The kernel's own choice, over every candidate; no category held (as when the nub was published).
    auto rankings = rank_candidates(catalogue, facts, {}, {}, CandidateSource::LinearScan);
    auto clients = live_clients(nub);
    for (auto const& ranking : rankings)
        settle_category(out, ranking, gate, nub, clients, catalogue);
    if (std::none_of(out.categories.begin(), out.categories.end(), [](auto const& c) { return c.winner.has_value(); }))
        find_closest(out, closest_count);
    return out;
}

namespace {

std::string pad(std::string text, size_t width)
{
    // A value wider than its column still gets one space before the next.
    text.append(text.size() < width ? width - text.size() : 1, ' ');
    return text;
}

void format_keys(std::string& out, MatchResult const& result)
{
    for (auto const& k : result.compared) {
        std::string line = "        " + pad(k.key, 22) + " wants " + pad(k.wanted, 20) + " has " + pad(k.found, 20)
            + (k.passed ? "ok" : "FAILED");
        if (k.score > 0)
            line += " +" + std::to_string(k.score);
        if (!k.note.empty())
            line += "  (" + k.note + ")";
        out += line + "\n";
    }
}

void format_candidate(std::string& out, NubExplanation const& e, CandidateExplanation const& c, ExplainFormat format)
{
    char head[32];
    std::snprintf(head, sizeof head, "    [%zu] ", c.index + 1);
    std::string line = head + c.personality + " (dext " + c.dext + ")  " + to_string(c.verdict);
    bool matched = c.result.matched;
    if (matched)
        line += " " + std::to_string(c.result.score);
    if (c.verdict == Verdict::Failed)
        line += " at " + c.result.failed_key;
    if (c.verdict == Verdict::WrongProvider) {
        out += line + ": " + c.why + "\n";
        if (format.all_keys)
            format_keys(out, c.result);
        return;
    }
    if (matched && c.category != "IODefaultMatchCategory")
        line += "  [" + c.category + "]";
    out += line + "\n";
    out += "        " + (matched ? c.result.rule + "; " + c.why : c.why) + "\n";
    format_keys(out, c.result);
    (void)e;
}

} // namespace

std::string format_explanation(NubExplanation const& e, ExplainFormat format)
{
    std::string out = e.path + "  <class " + e.class_name + ", id " + std::to_string(e.id)
        + (e.device.empty() ? "" : ", device " + e.device) + ">\n";
    if (e.candidates.empty()) {
        out += "  no personalities are installed\n";
        return out;
    }
    bool any_for_class = std::any_of(e.candidates.begin(), e.candidates.end(), [](auto const& c) { return c.verdict != Verdict::WrongProvider; });
    if (e.categories.empty())
        out += any_for_class ? "  nothing matched\n" : "  nothing matched: no installed personality is for " + e.class_name + " (IOProviderClass)\n";
    if (!e.kernel_driver.empty())
        out += "  the kernel's " + e.kernel_driver + " drives it" + (e.categories.empty() ? " (no dext personality won it)" : "") + "\n";
    for (auto const& category : e.categories) {
        out += "  " + category.category + ": " + category.why + "\n";
        if (!category.client.empty())
            out += "    attached now: " + category.client + "\n";
    }
    out += "  personalities (" + std::to_string(e.candidates.size()) + " installed, in install order):\n";
    for (auto const& c : e.candidates)
        format_candidate(out, e, c, format);
    if (!e.closest.empty()) {
        out += "  closest candidates:\n";
        for (size_t i : e.closest) {
            auto const& c = e.candidates[i];
            out += "    " + c.personality + " (dext " + c.dext + "): " + std::to_string(c.result.keys_passed()) + " keys held, then "
                + c.result.failed_key + " failed: " + c.why + "\n";
        }
    }
    return out;
}

} // namespace dextlab::kernel
