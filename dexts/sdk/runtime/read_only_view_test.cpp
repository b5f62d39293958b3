// Read-only IOMemoryMap pages: the same bytes as the shared memory, and a write through them,
// contained as the lab contains it, lands in a private copy and is reported once.
#include "dexts/sdk/runtime/read_only_view.h"

#include <doctest/doctest.h>

#include <sys/mman.h>
#include <unistd.h>

using namespace dextlab::sdk;

TEST_CASE("a read-only view shows the shared bytes and a contained write never reaches them")
{
    int fd = memfd_create("read-only-view-test", MFD_CLOEXEC);
    REQUIRE(fd >= 0);
    REQUIRE(ftruncate(fd, 8192) == 0);
    auto* shared = static_cast<uint8_t*>(mmap(nullptr, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    REQUIRE(shared != MAP_FAILED);
    shared[100] = 7;

    auto view = map_read_only_view(shared + 96, 32, 42);
    REQUIRE(view.has_value());
    CHECK(view->first != shared + 96); // pages of its own
    CHECK(view->first[4] == 7);
    shared[101] = 9;
    CHECK(view->first[5] == 9); // the same memory, seen twice

    contain_read_only_faults();
    CHECK_FALSE(take_read_only_violation().has_value());
    reinterpret_cast<volatile uint8_t*>(view->first)[6] = 0x55;
    auto violation = take_read_only_violation();
    REQUIRE(violation.has_value());
    CHECK(violation->map_id == 42);
    CHECK(violation->offset == 6);
    CHECK(shared[102] == 0);          // the shared byte is untouched
    CHECK(view->first[6] == 0x55);    // the write went to the private copy
    CHECK(view->first[4] == 7);       // which kept what the page showed
    CHECK_FALSE(take_read_only_violation().has_value()); // reported once

    unmap_read_only_view(*view);
    munmap(shared, 8192);
    close(fd);
}
