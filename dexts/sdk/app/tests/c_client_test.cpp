// The C client (c_client.c) against the test lab.

#include "fixture.h"

#include <doctest/doctest.h>

extern "C" kern_return_t c_client_add(const char* service_name, uint64_t a, uint64_t b, uint64_t* sum, char* user_class,
    CFIndex user_class_size);

using namespace dextlab::test;

TEST_CASE_FIXTURE(LabFixture, "a C client finds, opens and calls a service")
{
    uint64_t sum = 0;
    char user_class[64] = {};
    CHECK(c_client_add(kUserClientSampleClassName, 40, 2, &sum, user_class, sizeof user_class) == KERN_SUCCESS);
    CHECK(sum == 42);
    CHECK(std::string(user_class) == kUserClientSampleClassName);
    CHECK(lab.open_connections() == 0);
    CHECK(c_client_add("Nobody", 1, 1, &sum, user_class, sizeof user_class) == kIOReturnNoDevice);
}
