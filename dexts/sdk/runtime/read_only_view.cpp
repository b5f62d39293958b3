#include "read_only_view.h"

#include <array>
#include <csignal>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

namespace dextlab::sdk {

namespace {

// The views the fault handler knows, in a fixed table: the handler may not allocate, and reads
// the table while the interrupted code may be the one changing it (an entry is filled before
// `in_use` is set and cleared by `in_use` first).
struct ViewSlot {
    uintptr_t begin { 0 };
    uintptr_t end { 0 };
    uintptr_t first { 0 };
    uint64_t map_id { 0 };
    volatile sig_atomic_t in_use { 0 };
};
std::array<ViewSlot, 256> g_views;

volatile sig_atomic_t g_violated = 0;
uint64_t g_violation_map = 0;
uint64_t g_violation_offset = 0;

struct sigaction g_previous {};
bool g_installed = false;

size_t page_size()
{
    static size_t const size = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    return size;
}

// A write to a view: the page gets a private, writable copy of what it showed, so the write
// lands outside the shared memory, and the violation is recorded for the runtime to report.
void on_fault(int signal, siginfo_t* info, void* context)
{
    auto const address = reinterpret_cast<uintptr_t>(info->si_addr);
    for (auto& slot : g_views) {
        if (!slot.in_use || address < slot.begin || address >= slot.end)
            continue;
        size_t const page = page_size();
        uintptr_t const start = address & ~(page - 1);
        static unsigned char saved[65536];
        size_t const copied = page <= sizeof saved ? page : sizeof saved;
        std::memcpy(saved, reinterpret_cast<void*>(start), copied);
        void* replaced = ::mmap(reinterpret_cast<void*>(start), page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (replaced == MAP_FAILED)
            break; // cannot contain it: fall through to the previous handler
        std::memcpy(replaced, saved, copied);
        if (!g_violated) {
            g_violation_map = slot.map_id;
            g_violation_offset = address >= slot.first ? address - slot.first : 0;
            g_violated = 1;
        }
        return; // the write runs again, into the private page
    }
    // Not ours: whoever handled SIGSEGV before (a sanitizer, or the default action) does.
    if (g_previous.sa_flags & SA_SIGINFO) {
        if (g_previous.sa_sigaction) {
            g_previous.sa_sigaction(signal, info, context);
            return;
        }
    } else if (g_previous.sa_handler != SIG_DFL && g_previous.sa_handler != SIG_IGN && g_previous.sa_handler) {
        g_previous.sa_handler(signal);
        return;
    }
    ::signal(SIGSEGV, SIG_DFL); // returning re-runs the access, which now kills the process
}

} // namespace

std::optional<ReadOnlyView> map_read_only_view(uint8_t* data, size_t length, uint64_t map_id)
{
    if (!data)
        return std::nullopt;
    size_t const page = page_size();
    auto const begin = reinterpret_cast<uintptr_t>(data) & ~(page - 1);
    size_t const span = ((reinterpret_cast<uintptr_t>(data) + (length ? length : 1) + page - 1) & ~(page - 1)) - begin;
    // Linux: mremap with an old size of 0 makes a second mapping of the same shared pages.
    void* alias = ::mremap(reinterpret_cast<void*>(begin), 0, span, MREMAP_MAYMOVE);
    if (alias == MAP_FAILED)
        return std::nullopt;
    if (::mprotect(alias, span, PROT_READ) != 0) {
        ::munmap(alias, span);
        return std::nullopt;
    }
    ReadOnlyView view;
    view.pages = static_cast<uint8_t*>(alias);
    view.length = span;
    view.first = view.pages + (reinterpret_cast<uintptr_t>(data) - begin);
    for (auto& slot : g_views) {
        if (slot.in_use)
            continue;
        slot.begin = reinterpret_cast<uintptr_t>(view.pages);
        slot.end = slot.begin + view.length;
        slot.first = reinterpret_cast<uintptr_t>(view.first);
        slot.map_id = map_id;
        slot.in_use = 1;
        break; // a full table leaves the view unknown to the handler: a write then faults for real
    }
    return view;
}

void unmap_read_only_view(ReadOnlyView const& view)
{
    for (auto& slot : g_views) {
        if (slot.in_use && slot.begin == reinterpret_cast<uintptr_t>(view.pages))
            slot.in_use = 0;
    }
    if (view.pages)
        ::munmap(view.pages, view.length);
}

void contain_read_only_faults()
{
    if (g_installed)
        return;
    struct sigaction action {};
    action.sa_sigaction = on_fault;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    if (::sigaction(SIGSEGV, &action, &g_previous) == 0)
        g_installed = true;
}

std::optional<ReadOnlyViolation> take_read_only_violation()
{
    if (!g_violated)
        return std::nullopt;
    g_violated = 0;
    return ReadOnlyViolation { g_violation_map, g_violation_offset };
}

} // namespace dextlab::sdk
