// IONotificationPort, matching notifications and the delivery of async completions. Whatever
// the lab hands the app (a matching entry, an async result) is queued on the notification port
// it belongs to and delivered by the app's run loop through the port's run-loop source, in
// arrival order, never from inside the IOKit call during which it arrived.

#include "cf_object.h"
#include "cf_osserialize.h"
#include "io_objects.h"
#include "iokit_async.h"
#include "iokit_port.h"

#include <cstdio>
#include <cstring>
#include <deque>
#include <functional>
#include <set>

using namespace dextlab;
using namespace dextlab::iokit;

namespace dextlab::iokit {

namespace {
uint64_t g_next_sequence = 1;
}

struct NotifyPortState final : cf::SourceClient, std::enable_shared_from_this<NotifyPortState> {
    struct Event {
        uint64_t sequence;
        std::function<void()> deliver;
    };

    bool has_pending() const override { return !pending.empty(); }
    uint64_t next_sequence() const override { return pending.front().sequence; }
    void perform_one() override
    {
        auto keep_alive = shared_from_this(); // the callback may destroy the port
        auto event = std::move(pending.front());
        pending.pop_front();
        event.deliver();
    }
    void post(std::function<void()> deliver)
    {
        if (!destroyed)
            pending.push_back({ g_next_sequence++, std::move(deliver) });
    }

    mach_port_t wake_port { MACH_PORT_NULL };
    CFRunLoopSourceRef source { nullptr };
    std::deque<Event> pending;
    bool destroyed { false };
};

struct NotificationState : std::enable_shared_from_this<NotificationState> {
    void entry_arrived(uint64_t entry);
    void fire();

    uint64_t port_id { 0 }; // the AppPort's notification id
    std::weak_ptr<NotifyPortState> port;
    IOServiceMatchingCallback callback { nullptr };
    void* refcon { nullptr };
    mach_port_t name { MACH_PORT_NULL }; // the iterator the app holds
    std::deque<uint64_t> queue;          // entries IOIteratorNext has not returned yet
    bool armed { false };                // not armed until the app first drains the iterator
    bool alive { true };
    // The entries already in the iterator at arming, which the lab reports again during the
    // first run after arming (app_port.h); they are not news.
    std::set<uint64_t> reported_at_arming;
    uint64_t armed_at_run { 0 };
};

void NotificationState::entry_arrived(uint64_t entry)
{
    if (!alive)
        return;
    if (run_count() <= armed_at_run + 1 && reported_at_arming.erase(entry))
        return;
    queue.push_back(entry);
    if (!armed)
        return;
    armed = false;
    if (auto p = port.lock())
        p->post([weak = weak_from_this()] {
            if (auto self = weak.lock())
                self->fire();
        });
}

void NotificationState::fire()
{
    if (alive && callback)
        callback(refcon, name);
}

io_object_t notification_next(NotificationState& state)
{
    if (state.queue.empty()) {
        state.armed = true;
        return IO_OBJECT_NULL;
    }
    uint64_t entry = state.queue.front();
    state.queue.pop_front();
    return ObjectTable::shared().entry_name(entry);
}

void notification_released(NotificationState& state)
{
    state.alive = false;
    if (auto* p = port())
        p->remove_notification(state.port_id);
}

std::shared_ptr<NotifyPortState> wake_port_state(mach_port_t wake_port, kern_return_t& status)
{
    if (wake_port == MACH_PORT_NULL) {
        status = kIOReturnBadArgument; // an async call needs a port to complete to
        return nullptr;
    }
    auto* wake = ObjectTable::shared().find_as<WakePortObject>(wake_port);
    auto state = wake ? wake->port.lock() : nullptr;
    status = state && !state->destroyed ? KERN_SUCCESS : MACH_SEND_INVALID_RIGHT;
    return status == KERN_SUCCESS ? state : nullptr;
}

namespace {

void call_async_callback(std::vector<uint64_t> const& reference, uint32_t status, std::vector<uint64_t> const& args)
{
    uint64_t function = reference.size() > kIOAsyncCalloutFuncIndex ? reference[kIOAsyncCalloutFuncIndex] : 0;
    void* refcon = reference.size() > kIOAsyncCalloutRefconIndex
        ? reinterpret_cast<void*>(static_cast<uintptr_t>(reference[kIOAsyncCalloutRefconIndex]))
        : nullptr;
    if (!function) {
        std::fprintf(stderr, "dextlab IOKit: an async completion arrived for a call whose reference has no callback "
                             "(reference[kIOAsyncCalloutFuncIndex] is 0); dropped\n");
        return;
    }
    auto result = static_cast<IOReturn>(status);
    std::vector<void*> words;
    for (size_t i = 0; i < args.size() && i < kMaxAsyncArgs; ++i)
        words.push_back(reinterpret_cast<void*>(static_cast<uintptr_t>(args[i])));
    auto address = static_cast<uintptr_t>(function);
    // IOKit picks the callback's shape from the number of arguments the completion carries.
    switch (words.size()) {
    case 0: reinterpret_cast<IOAsyncCallback0>(address)(refcon, result); break;
    case 1: reinterpret_cast<IOAsyncCallback1>(address)(refcon, result, words[0]); break;
    case 2: reinterpret_cast<IOAsyncCallback2>(address)(refcon, result, words[0], words[1]); break;
    default:
        reinterpret_cast<IOAsyncCallback>(address)(refcon, result, words.data(), static_cast<uint32_t>(words.size()));
        break;
    }
}

ipc::ServiceNotification notification_kind(char const* type, bool& known)
{
    known = true;
    if (std::strcmp(type, kIOFirstMatchNotification) == 0)
        return ipc::ServiceNotification::FirstMatch;
    if (std::strcmp(type, kIOMatchedNotification) == 0)
        return ipc::ServiceNotification::Matched;
    // The lab registers each service once, so a first publication is the only publication.
    if (std::strcmp(type, kIOPublishNotification) == 0 || std::strcmp(type, kIOFirstPublishNotification) == 0)
        return ipc::ServiceNotification::Published;
    if (std::strcmp(type, kIOTerminatedNotification) == 0)
        return ipc::ServiceNotification::Terminated;
    known = false;
    return ipc::ServiceNotification::Matched;
}

} // namespace

std::function<void(uint32_t, std::vector<uint64_t> const&)> async_completion(
    std::shared_ptr<NotifyPortState> const& port, std::vector<uint64_t> reference)
{
    return [weak = std::weak_ptr<NotifyPortState>(port), reference = std::move(reference)](
               uint32_t status, std::vector<uint64_t> const& args) {
        if (auto p = weak.lock())
            p->post([reference, status, args] { call_async_callback(reference, status, args); });
    };
}

} // namespace dextlab::iokit

// The type behind IONotificationPortRef.
struct IONotificationPort {
    std::shared_ptr<NotifyPortState> state;
};

IONotificationPortRef IONotificationPortCreate(mach_port_t mainPort)
{
    if (mainPort != MACH_PORT_NULL && !ObjectTable::shared().find_as<MainPortObject>(mainPort))
        return nullptr;
    auto* notify = new IONotificationPort { std::make_shared<NotifyPortState>() };
    notify->state->source = cf::create_source(notify->state.get());
    notify->state->wake_port = ObjectTable::shared().add(WakePortObject { notify->state });
    return notify;
}

void IONotificationPortDestroy(IONotificationPortRef notify)
{
    if (!notify)
        return;
    auto& state = *notify->state;
    // Notifications armed on this port stay registered until their iterators are released, as
    // in IOKit, but nothing reaches the app through this port any more.
    state.destroyed = true;
    state.pending.clear();
    CFRunLoopSourceInvalidate(state.source);
    CFRelease(state.source);
    state.source = nullptr;
    ObjectTable::shared().destroy(state.wake_port);
    delete notify;
}

CFRunLoopSourceRef IONotificationPortGetRunLoopSource(IONotificationPortRef notify)
{
    return notify ? notify->state->source : nullptr;
}

mach_port_t IONotificationPortGetMachPort(IONotificationPortRef notify)
{
    return notify ? notify->state->wake_port : MACH_PORT_NULL;
}

kern_return_t IOServiceAddMatchingNotification(IONotificationPortRef notifyPort, const io_name_t notificationType,
    CFDictionaryRef matching, IOServiceMatchingCallback callback, void* refCon, io_iterator_t* notification)
{
    auto bytes = matching && CFGetTypeID(matching) == CFDictionaryGetTypeID()
        ? serialize_cf(matching)
        : ErrorOr<std::vector<uint8_t>>(Error::with("no matching dictionary"));
    if (matching)
        CFRelease(matching);
    if (notification)
        *notification = IO_OBJECT_NULL;
    if (!notifyPort || !notificationType || !notification || !matching)
        return kIOReturnBadArgument;
    if (!bytes)
        return kIOReturnUnsupported;
    bool known;
    auto kind = notification_kind(notificationType, known);
    if (!known) // kIOWillTerminateNotification and unknown types: the lab has no such event
        return kIOReturnUnsupported;
    auto* p = port();
    if (!p)
        return kIOReturnNotReady;

    auto state = std::make_shared<NotificationState>();
    state->port = notifyPort->state;
    state->callback = callback;
    state->refcon = refCon;
    state->armed_at_run = run_count();
    for (uint64_t entry : p->current_matches(kind, bytes.value())) {
        state->queue.push_back(entry);
        state->reported_at_arming.insert(entry);
    }
    auto added = p->add_notification(kind, bytes.value(), [weak = std::weak_ptr<NotificationState>(state)](uint64_t entry) {
        if (auto s = weak.lock())
            s->entry_arrived(entry);
    });
    if (!added.ok())
        return to_ioreturn(added.status);
    state->port_id = added.value;
    state->name = ObjectTable::shared().add(NotificationObject { state });
    *notification = state->name;
    return KERN_SUCCESS;
}
