// The clang dialect dexts are written in (issue 5, items 1 and 4): blocks, C11 atomics in C++,
// C99 array designators, os_log with Apple's format conventions and users' wrapper macros. This
// file is compiled with the flags dexts get (dextlab_dext_sdk) plus -Wall -Wextra -Wshadow
// -Wswitch-enum; with -DDEXTLAB_WERROR=ON also -Werror.

#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <os/log.h>

#include <doctest/doctest.h>

#define Log(fmt, ...) os_log(OS_LOG_DISABLED, "Driver - " fmt "\n", ##__VA_ARGS__)
#define LogFunction(fmt, ...) os_log_info(OS_LOG_DISABLED, "[%{public}s] " fmt, __FUNCTION__, ##__VA_ARGS__)

namespace {

enum Selector : uint32_t {
    kSelectorOpen,
    kSelectorClose,
    kSelectorCount
};

struct Entry {
    uint32_t inputs;
    uint32_t outputs;
};

uint32_t outputs_of(Selector selector)
{
#if defined(__clang__)
    // C99 array designators, the way ExternalMethod dispatch tables are written.
    static const Entry kTable[kSelectorCount] = {
        [kSelectorOpen] = { 1, 0 },
        [kSelectorClose] = { 0, 2 },
    };
#else
    static const Entry kTable[kSelectorCount] = { { 1, 0 }, { 0, 2 } };
#endif
    switch (selector) {
    case kSelectorOpen:
    case kSelectorClose:
        return kTable[selector].outputs;
    case kSelectorCount:
        break;
    }
    return 0;
}

// Apple's os_log formats, compiled with clang's format checker on and run with logging disabled
// (the text itself is checked in dexts/sdk/runtime/log_format_test.cpp).
void log_everything(void* object, uint64_t sixty_four, size_t size, const char* name, IOReturn status)
{
    os_log(OS_LOG_DISABLED, "%{public}s: %p %llu %zu 0x%08x", name, object, sixty_four, size, status);
    os_log_error(OS_LOG_DISABLED, "%{private}s failed: %d", name, status);
    os_log_debug(OS_LOG_DISABLED, "no arguments");
    Log("wrapper %llu", sixty_four);
    Log("wrapper without arguments");
    LogFunction("count %u", 3u);
    if (object == nullptr) // compiled, not run: IOLog always prints
        IOLog("IOLog too: %llu %s\n", sixty_four, name);
}

} // namespace

TEST_CASE("os_log and its wrappers compile cleanly under strict warnings")
{
    int object = 0;
    uint64_t value = 1ULL << 40;
    log_everything(&object, value, sizeof value, "name", kIOReturnSuccess);
    CHECK(os_log_type_enabled(OS_LOG_DEFAULT, OS_LOG_TYPE_INFO));
    CHECK_FALSE(os_log_type_enabled(OS_LOG_DISABLED, OS_LOG_TYPE_INFO));
    CHECK(os_log_create("org.dextlab.test", "compat") == os_log_create("org.dextlab.test", "compat"));
}

TEST_CASE("C99 array designators index tables by enumerator")
{
    CHECK(outputs_of(kSelectorOpen) == 0);
    CHECK(outputs_of(kSelectorClose) == 2);
}

#if defined(__clang__)
TEST_CASE("C11 atomics in C++: _Atomic and the __c11_atomic builtins")
{
    _Atomic uint32_t counter = 0;
    counter += 2;
    __c11_atomic_fetch_add(&counter, 3u, __ATOMIC_RELAXED);
    uint32_t old = __c11_atomic_fetch_sub(&counter, 1u, __ATOMIC_ACQ_REL);
    CHECK(old == 5);
    CHECK(__c11_atomic_load(&counter, __ATOMIC_RELAXED) == 4);
}
#endif

#if __BLOCKS__
TEST_CASE("blocks: __block variables, block-typed SDK APIs, Block_copy through the runtime")
{
    __block uint32_t runs = 0;
    IODispatchBlock block = ^{
        runs++;
    };
    block();
    void (^twice)(IODispatchBlock) = ^(IODispatchBlock inner) {
        inner();
        inner();
    };
    twice(block);
    CHECK(runs == 3);
    // The SDK's handler types are blocks too.
    OSActionCancelHandler cancel = ^{
        runs += 10;
    };
    IODispatchQueueCancelHandler queue_cancel = cancel;
    queue_cancel();
    CHECK(runs == 13);
}
#endif
