#pragma once
// The kernel's half of IOInterruptDispatchSource: which source owns which vector of which PCI
// function, what has been counted and not yet delivered, and when InterruptOccurred goes out.
//
// Semantics (xnu IOUserServer.cpp, IOInterruptDispatchSource's Create/SetEnableWithCompletion/
// Cancel/CheckForWork/GetLastInterrupt, and IOInterruptController::registerInterrupt):
//   - Create registers the source on one vector; a vector has one owner (kIOReturnNoResources
//     for a second). A new source is disabled: its vector stays masked until SetEnable(true).
//   - Each message for the vector adds one to the source's count and records the time (the
//     interrupt handler's count++ and mach_absolute_time()).
//   - Delivery: when the count is non-zero, a handler is set and no delivery is in flight, the
//     kernel sends InterruptOccurred(count, time) through the handler's OSAction and the count
//     starts again at 0. While that callback waits on the dext's queue and runs, further
//     messages only count; the runtime's CheckForWork after the callback (libDriverKit's loop
//     calls it again once the handler returns) sends what accumulated as one callback. So the
//     `count` a handler sees is the number of interrupts coalesced into it.
//   - Disabled: the vector is masked at the function (the MSI mask bit: the function holds one
//     pending message and sends it when unmasked, so an enable after interrupts while disabled
//     delivers count 1); a function without per-vector masking cannot hold it, and what
//     arrives while disabled is dropped at the controller (traced dropped_disabled).
//   - Cancel unregisters the source and masks its vector; nothing more is delivered, and the
//     count not yet delivered is reported (interrupt_cancel pending=).
// Each source belongs to one launch of its server: a relaunched process never gets a callback
// armed by the one that died, and a dead owner's vector is free to register again.

#include "sim/core/scheduler.h"
#include "sim/core/trace.h"

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace dextlab::kernel {

class InterruptModel {
public:
    struct Caller {
        uint64_t server_tag { 0 };
        int launch { 0 };
        std::string process;
    };
    // Sends InterruptOccurred(count, time) through `action` to the caller's server.
    using Deliver = std::function<void(Caller const& caller, uint64_t action_id, uint64_t source_id, uint64_t count, VirtualTime time)>;
    // Whether that launch of that server still runs.
    using Alive = std::function<bool(uint64_t server_tag, int launch)>;
    // Masks or unmasks a vector at the function; false if the function cannot (no per-vector
    // masking, or it is gone), and the controller drops what arrives while disabled.
    using Mask = std::function<bool(uint64_t nub_id, unsigned vector, bool masked)>;

    InterruptModel(Scheduler& scheduler, TraceBus& trace, Deliver deliver, Alive alive, Mask mask);

    // Each returns an IOReturn for the dext. `queue` names the source's queue (the trace lane).
    uint32_t attach(Caller const& caller, uint64_t source_id, uint64_t nub_id, unsigned vector, std::string const& queue,
        std::string const& provider);
    uint32_t set_handler(Caller const& caller, uint64_t source_id, uint64_t action_id);
    uint32_t set_enabled(Caller const& caller, uint64_t source_id, bool enabled);
    uint32_t cancel(Caller const& caller, uint64_t source_id, char const* reason = "Cancel");
    // The runtime ran the last InterruptOccurred: deliver what accumulated since.
    uint32_t check_for_work(Caller const& caller, uint64_t source_id);
    // GetLastInterrupt: the count not yet delivered and the time of the last interrupt.
    std::optional<std::pair<uint64_t, VirtualTime>> last_interrupt(Caller const& caller, uint64_t source_id) const;

    // A message for `vector` of the function behind `nub_id` arrived. False if no live source
    // owns the vector (a spurious interrupt).
    bool raise(uint64_t nub_id, unsigned vector);
    // The function is gone: its sources stay (the dext cancels them in Stop) but own nothing.
    void forget_nub(uint64_t nub_id);
    // Sources of dead launches: dropped (their vectors become free).
    void sweep();

    // For tests and the GUI.
    size_t registered() const { return m_sources.size(); }
    bool owns(uint64_t nub_id, unsigned vector) const;

private:
    using Key = std::pair<uint64_t, uint64_t>; // server tag, source id
    struct Source {
        Caller owner;
        std::string queue;
        uint64_t nub_id { 0 };
        unsigned vector { 0 };
        uint64_t action_id { 0 };
        bool enabled { false };
        bool function_masks { true }; // the function holds a masked vector as pending
        uint64_t count { 0 };
        VirtualTime time { 0 };
        bool in_flight { false };     // an InterruptOccurred is on its way or running
        bool scheduled { false };     // a delivery event is pending
    };

    Source* find(Caller const& caller, uint64_t source_id);
    Source const* find(Caller const& caller, uint64_t source_id) const;
    void maybe_deliver(Key key);
    void deliver_now(Key key, int launch);
    void drop(std::map<Key, Source>::iterator it, char const* reason);
    void emit(TracePoint const& point, Source const& source, uint64_t source_id, std::vector<TraceField> fields) const;

    Scheduler& m_scheduler;
    TraceBus& m_trace;
    Deliver m_deliver;
    Alive m_alive;
    Mask m_mask;
    std::map<Key, Source> m_sources;
    std::map<std::pair<uint64_t, unsigned>, Key> m_owners; // (nub id, vector) -> source
};

} // namespace dextlab::kernel
