// The process's one CFRunLoop. Running it in a mode delivers, one at a time and oldest first,
// the events pending on the sources added in that mode; while none is pending it asks the
// waiter (the lab) to let time pass. A stop request ends the innermost run after the event
// being delivered. With no source in the mode a run finishes at once, as CF's does.

#include "cf_object.h"

#include <algorithm>
#include <cstdio>
#include <limits>

using namespace dextlab::cf;

struct __CFRunLoopSource : CFObject {
    explicit __CFRunLoopSource(SourceClient* c)
        : CFObject(Kind::RunLoopSource, false)
        , client(c)
    {
    }
    SourceClient* client; // nullptr once invalidated
};

struct __CFRunLoop : CFObject {
    __CFRunLoop()
        : CFObject(Kind::RunLoop, true)
    {
    }
    struct Registration {
        __CFRunLoopSource* source;
        std::string mode;
    };
    std::vector<Registration> registrations; // each holds a reference on its source
    bool stop_requested { false };
    int depth { 0 };
};

namespace {

constinit __CFString s_default_mode { "kCFRunLoopDefaultMode", sizeof "kCFRunLoopDefaultMode" - 1 };
constinit __CFString s_common_modes { "kCFRunLoopCommonModes", sizeof "kCFRunLoopCommonModes" - 1 };
constinit Waiter s_waiter = nullptr;

__CFRunLoop& the_run_loop()
{
    static auto* loop = new __CFRunLoop();
    return *loop;
}

std::string mode_name(CFRunLoopMode mode) { return std::string(static_cast<__CFString const*>(mode)->text()); }

bool valid_mode(CFRunLoopMode mode, char const* function)
{
    if (!is(mode, Kind::String)) {
        misuse(function, "the mode is not a CFString");
        return false;
    }
    return true;
}

// A source added in the common modes runs in each common mode; the default mode is the only one.
bool active_in(std::string const& registered, std::string const& running)
{
    return registered == running
        || (registered == s_common_modes.text() && running == s_default_mode.text());
}

bool has_sources(__CFRunLoop const& rl, std::string const& mode)
{
    return std::any_of(rl.registrations.begin(), rl.registrations.end(),
        [&](auto const& r) { return active_in(r.mode, mode); });
}

// The source holding the oldest pending event in `mode`, or nullptr.
__CFRunLoopSource* next_ready(__CFRunLoop const& rl, std::string const& mode)
{
    __CFRunLoopSource* best = nullptr;
    uint64_t best_sequence = std::numeric_limits<uint64_t>::max();
    for (auto const& r : rl.registrations) {
        auto* client = r.source->client;
        if (!active_in(r.mode, mode) || !client || !client->has_pending())
            continue;
        if (client->next_sequence() < best_sequence) {
            best_sequence = client->next_sequence();
            best = r.source;
        }
    }
    return best;
}

bool perform_next(__CFRunLoop& rl, std::string const& mode)
{
    auto* source = next_ready(rl, mode);
    if (!source)
        return false;
    CFRetain(source); // the callback may invalidate or remove it
    source->client->perform_one();
    CFRelease(source);
    return true;
}

CFRunLoopRunResult run(__CFRunLoop& rl, std::string const& mode, bool single_pass, bool return_after_source)
{
    bool waited = false;
    for (;;) {
        if (rl.stop_requested) {
            rl.stop_requested = false;
            return kCFRunLoopRunStopped;
        }
        if (!has_sources(rl, mode))
            return kCFRunLoopRunFinished;
        if (perform_next(rl, mode)) {
            if (return_after_source && !rl.stop_requested)
                return kCFRunLoopRunHandledSource;
            continue;
        }
        if (single_pass && waited)
            return kCFRunLoopRunTimedOut;
        waited = true;
        if (!s_waiter || !s_waiter()) {
            if (next_ready(rl, mode))
                continue;
            return kCFRunLoopRunTimedOut; // nothing can ever arrive: a Mac would wait until the timeout
        }
    }
}

} // namespace

namespace dextlab::cf {

void set_run_loop_waiter(Waiter waiter) { s_waiter = waiter; }

CFRunLoopSourceRef create_source(SourceClient* client) { return new __CFRunLoopSource(client); }

void destroy_run_loop_source(CFObject* source) { delete static_cast<__CFRunLoopSource*>(source); }

} // namespace dextlab::cf

const CFRunLoopMode kCFRunLoopDefaultMode = &s_default_mode;
const CFRunLoopMode kCFRunLoopCommonModes = &s_common_modes;

CFTypeID CFRunLoopGetTypeID(void) { return type_id_of(Kind::RunLoop); }
CFTypeID CFRunLoopSourceGetTypeID(void) { return type_id_of(Kind::RunLoopSource); }

CFRunLoopRef CFRunLoopGetCurrent(void) { return &the_run_loop(); }
CFRunLoopRef CFRunLoopGetMain(void) { return &the_run_loop(); }

CFRunLoopRunResult CFRunLoopRunInMode(CFRunLoopMode mode, CFTimeInterval seconds, Boolean returnAfterSourceHandled)
{
    if (!valid_mode(mode, "CFRunLoopRunInMode"))
        return kCFRunLoopRunFinished;
    auto& rl = the_run_loop();
    ++rl.depth;
    auto result = run(rl, mode_name(mode), seconds <= 0, returnAfterSourceHandled);
    --rl.depth;
    return result;
}

void CFRunLoopRun(void)
{
    // CF's CFRunLoopRun repeats runs in the default mode until one is stopped or finishes; a
    // run here also ends when the lab is idle, which on a Mac would be a wait without end.
    if (CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1.0e10, false) == kCFRunLoopRunTimedOut)
        std::fprintf(stderr,
            "dextlab: CFRunLoopRun returns: nothing is left that could wake this run loop "
            "(no pending IOKit event and the lab is idle); on macOS it would wait forever\n");
}

void CFRunLoopStop(CFRunLoopRef rl)
{
    if (!is(rl, Kind::RunLoop)) {
        misuse("CFRunLoopStop", "the argument is not a CFRunLoop");
        return;
    }
    rl->stop_requested = true;
}

void CFRunLoopWakeUp(CFRunLoopRef) { }

Boolean CFRunLoopIsWaiting(CFRunLoopRef) { return false; }

Boolean CFRunLoopContainsSource(CFRunLoopRef rl, CFRunLoopSourceRef source, CFRunLoopMode mode)
{
    if (!is(rl, Kind::RunLoop) || !valid_mode(mode, "CFRunLoopContainsSource"))
        return false;
    std::string name = mode_name(mode);
    return std::any_of(rl->registrations.begin(), rl->registrations.end(),
        [&](auto const& r) { return r.source == source && active_in(r.mode, name); });
}

void CFRunLoopAddSource(CFRunLoopRef rl, CFRunLoopSourceRef source, CFRunLoopMode mode)
{
    if (!is(rl, Kind::RunLoop) || !is(source, Kind::RunLoopSource) || !valid_mode(mode, "CFRunLoopAddSource")) {
        misuse("CFRunLoopAddSource", "needs a run loop, a run loop source and a mode");
        return;
    }
    std::string name = mode_name(mode);
    bool present = std::any_of(rl->registrations.begin(), rl->registrations.end(),
        [&](auto const& r) { return r.source == source && r.mode == name; });
    if (present || !source->client) // an invalidated source is not added, as in CF
        return;
    CFRetain(source);
    rl->registrations.push_back({ source, name });
}

void CFRunLoopRemoveSource(CFRunLoopRef rl, CFRunLoopSourceRef source, CFRunLoopMode mode)
{
    if (!is(rl, Kind::RunLoop) || !valid_mode(mode, "CFRunLoopRemoveSource"))
        return;
    std::string name = mode_name(mode);
    auto found = std::find_if(rl->registrations.begin(), rl->registrations.end(),
        [&](auto const& r) { return r.source == source && r.mode == name; });
    if (found == rl->registrations.end())
        return;
    rl->registrations.erase(found);
    CFRelease(source);
}

void CFRunLoopSourceInvalidate(CFRunLoopSourceRef source)
{
    if (!is(source, Kind::RunLoopSource)) {
        misuse("CFRunLoopSourceInvalidate", "the argument is not a CFRunLoopSource");
        return;
    }
    source->client = nullptr;
    auto& rl = the_run_loop();
    std::vector<__CFRunLoop::Registration> removed;
    std::erase_if(rl.registrations, [&](auto const& r) {
        if (r.source != source)
            return false;
        removed.push_back(r);
        return true;
    });
    for (auto const& r : removed)
        CFRelease(r.source);
}

Boolean CFRunLoopSourceIsValid(CFRunLoopSourceRef source)
{
    return is(source, Kind::RunLoopSource) && source->client != nullptr;
}
