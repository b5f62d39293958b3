#pragma once
// `dextlab match --explain` as data: for one nub, every installed personality with the keys it
// compared and how each fared, the winner of each IOMatchCategory and why, and for a nub nothing
// matched, the nearest misses. The GUI reads NubExplanation; the CLI prints format_explanation.
// Nothing here changes the kernel: it replays the kernel's choice (rank_candidates) over the
// whole catalogue and reads who is attached now.

#include "kernel_model/matching/catalogue.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dextlab::kernel {

enum class Verdict : uint8_t {
    WrongProvider, // IOProviderClass: the nub is not of that class, so it is not a candidate
    Failed,        // a key failed
    Won,           // the best score in its category that may start
    Lost,          // matched, but a better score (or an equal one installed earlier) won
    Refused,       // best in its category, but its dext lacks an entitlement; the next was offered
    CategoryHeld,  // matched, but another service already holds the category on this nub
};
char const* to_string(Verdict);

struct CandidateExplanation {
    size_t index { 0 }; // install order in the catalogue
    std::string dext;
    std::string personality;
    std::string category;
    MatchResult result;
    Verdict verdict { Verdict::Failed };
    std::string why; // one sentence
};

struct CategoryOutcome {
    std::string category;
    std::optional<size_t> winner; // index into NubExplanation::candidates
    std::string why;
    std::string client; // the service attached in this category now ("MyDriver, started"), if any
};

struct NubExplanation {
    uint64_t id { 0 };
    std::string name;
    std::string class_name;
    std::string path;   // names from the registry root, "Vendor Interrupt Device/IOUSBHostInterface@0"
    std::string device; // the scenario's id of the USB device the nub belongs to, if any
    std::vector<CandidateExplanation> candidates; // every installed personality, in install order
    std::vector<CategoryOutcome> categories;      // in the order the kernel offers them
    std::vector<size_t> closest;                  // when nothing matched: nearest misses first (indices into candidates)
    // A kernel driver attached to the nub (IOUSBHostFamily's AppleUSBHostCompositeDevice on a
    // device no dext claimed, a codeless dext's driver), by class; "" when there is none.
    std::string kernel_driver;

    bool matched() const { return !categories.empty(); }
};

// What the kernel's start gate says about a candidate on this nub: refused (the kernel offers the
// next candidate of the category), or a warning (development mode), or nothing.
struct GateOutcome {
    bool refused { false };
    std::string message;
};
using StartGate = std::function<GateOutcome(CatalogueEntry const&, RegistryEntry const& nub)>;

NubExplanation explain_nub(Catalogue const& catalogue, RegistryEntry const& nub, StartGate const& gate = {}, size_t closest_count = 3);

struct ExplainFormat {
    bool all_keys { false }; // also list the keys of personalities for another provider class
};
std::string format_explanation(NubExplanation const& explanation, ExplainFormat format = {});

} // namespace dextlab::kernel
