// OS containers to OSSerialize bytes and back; what cannot be sent is refused with a reason;
// IOService's property calls carry those bytes; a leaked object names where it was created.

#include "container_serial.h"
#include "runtime_test_support.h"

#include <DriverKit/OSCollections.h>

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace dextlab;
using namespace dextlab::sdk;
using namespace dextlab::sdk::testing;
namespace osser = dextlab::ipc::osser;

namespace {

// A dictionary with one of every value type, nested.
OSDictionary* sample_dictionary()
{
    OSDictionary* dict = OSDictionary::withCapacity(4);
    OSNumber* vendor = OSNumber::withNumber(0x1209, 16);
    OSString* name = OSString::withCString("Property Sample");
    uint8_t raw[] = { 0xde, 0xad, 0xbe, 0xef };
    OSData* blob = OSData::withBytes(raw, sizeof raw);
    OSArray* list = OSArray::withCapacity(2);
    list->setObject(kOSBooleanTrue);
    list->setObject(name);
    OSDictionary* inner = OSDictionary::withCapacity(1);
    inner->setObject("blob", blob);
    dict->setObject("idVendor", vendor);
    dict->setObject("name", name);
    dict->setObject("list", list);
    dict->setObject("inner", inner);
    dict->setObject("off", kOSBooleanFalse);
    for (OSObject* o : std::initializer_list<OSObject*> { vendor, name, blob, list, inner })
        o->release();
    return dict;
}

std::vector<std::string> census(Runtime& rt)
{
    auto reply = rt.server->handle(ipc::Message::make(ipc::MessageKind::Census));
    ipc::WireReader r(reply);
    (void)ipc::reply_status(reply, r);
    std::vector<std::string> out;
    for (uint64_t n = r.u64().value(); n > 0; --n)
        out.push_back(r.str().value());
    return out;
}

} // namespace

TEST_CASE("OS containers become a value tree in insertion order, and come back equal")
{
    Runtime rt;
    OSDictionary* dict = sample_dictionary();
    auto value = to_serial_value(dict);
    REQUIRE(value.has_value());
    auto const& v = value.value();
    REQUIRE(v.kind == osser::Value::Kind::Dict);
    std::vector<std::string> keys;
    for (auto const& [key, member] : v.dict)
        keys.push_back(key);
    CHECK(keys == std::vector<std::string> { "idVendor", "name", "list", "inner", "off" });
    CHECK(*v.find("idVendor") == osser::Value::make_number(0x1209, 16));
    CHECK(*v.find("off") == osser::Value::make_bool(false));
    CHECK(v.find("inner")->find("blob")->data == std::vector<uint8_t> { 0xde, 0xad, 0xbe, 0xef });

    auto bytes = serialize_object(dict);
    REQUIRE(bytes.has_value());
    auto back = unserialize_object(bytes.value());
    REQUIRE(back.has_value());
    auto* copy = OSDynamicCast(OSDictionary, back.value());
    REQUIRE(copy != nullptr);
    CHECK(copy->isEqualTo(dict));
    CHECK(copy != dict);
    auto* list = OSDynamicCast(OSArray, copy->getObject("list"));
    REQUIRE(list != nullptr);
    CHECK(list->getObject(0) == kOSBooleanTrue); // the constant itself, as DriverKit compares
    CHECK(OSDynamicCast(OSNumber, copy->getObject("idVendor"))->numberOfBits() == 16);
    copy->release();
    dict->release();
    CHECK(census(rt).empty()); // every object made on the way was given back
}

TEST_CASE("what has no serialized form is refused, naming it")
{
    Runtime rt;
    SUBCASE("a non-string key")
    {
        OSDictionary* dict = OSDictionary::withCapacity(1);
        OSNumber* key = OSNumber::withNumber(1, 8);
        dict->setObject(key, kOSBooleanTrue);
        auto v = to_serial_value(dict);
        REQUIRE_FALSE(v.has_value());
        CHECK(v.error().message == "a dictionary key of class OSNumber; property keys must be OSStrings");
        key->release();
        dict->release();
    }
    SUBCASE("a service inside an array")
    {
        OSArray* array = OSArray::withCapacity(1);
        IODispatchQueue* queue = nullptr;
        REQUIRE(IODispatchQueue::Create("Q", 0, 0, &queue) == kIOReturnSuccess);
        array->setObject(queue);
        auto v = to_serial_value(array);
        REQUIRE_FALSE(v.has_value());
        CHECK(v.error().message.find("at index 0: a value of class IODispatchQueue; property values are") == 0);
        array->release();
        queue->release();
    }
    SUBCASE("an array that contains itself")
    {
        OSArray* array = OSArray::withCapacity(1);
        array->setObject(array);
        auto v = to_serial_value(array);
        REQUIRE_FALSE(v.has_value());
        CHECK(v.error().message.find("collections nested more than 63 deep (does a collection contain itself?)") != std::string::npos);
        array->removeObject(0);
        array->release();
    }
}

TEST_CASE("IOService's property calls carry OSSerialize bytes to the kernel and back")
{
    Runtime rt;
    OSDictionary* dict = sample_dictionary();
    auto expected = serialize_object(dict).value();
    // The kernel answers CopyProperties and SearchProperty with the same bytes it was given.
    std::vector<uint8_t> sent;
    rt.kernel.answer = [&](ipc::Message const& request) {
        ipc::WireReader args(request);
        auto reply = ipc::make_reply(kIOReturnSuccess);
        if (request.header.msgid == ipc::ids::IOService_SetProperties) {
            CHECK(args.u64().value() == 1);
            sent = args.bytes().value();
        } else if (request.header.msgid == ipc::ids::IOService_SearchProperty) {
            CHECK(args.str().value() == "idVendor");
            CHECK(args.str().value() == "IOService");
            CHECK(args.u64().value() == kIOServiceSearchPropertyParents);
            auto number = osser::serialize(osser::Value::make_number(0x1209, 16));
            ipc::WireWriter(reply).bytes(number.data(), number.size());
        } else {
            ipc::WireWriter(reply).bytes(sent.data(), sent.size());
        }
        return reply;
    };
    auto* service = OSTypeAlloc(IOService);
    REQUIRE(service->init());
    CHECK(service->SetProperties(dict) == kIOReturnSuccess);
    CHECK(sent == expected);

    OSDictionary* copy = nullptr;
    REQUIRE(service->CopyProperties(&copy) == kIOReturnSuccess);
    REQUIRE(copy != nullptr);
    CHECK(copy->isEqualTo(dict));

    OSContainer* found = nullptr;
    REQUIRE(service->SearchProperty("idVendor", "IOService", kIOServiceSearchPropertyParents, &found) == kIOReturnSuccess);
    REQUIRE(OSDynamicCast(OSNumber, found) != nullptr);
    CHECK(OSDynamicCast(OSNumber, found)->unsigned16BitValue() == 0x1209);

    // A value with no serialized form never leaves the dext.
    size_t calls = rt.kernel.calls.size();
    OSDictionary* bad = OSDictionary::withCapacity(1);
    bad->setObject("queue", service);
    CHECK(service->SetProperties(bad) == kIOReturnBadArgument);
    CHECK(rt.kernel.calls.size() == calls);
    CHECK(rt.kernel.logs().back().find("runtime: SetProperties refused: under key \"queue\": a value of class IOService") == 0);

    // The copy the kernel's reply became is the caller's: leaking it names this test's code.
    dict->release();
    bad->release();
    found->release();
    service->release();
    // The copy (its values and keys too, one unwind for them all) was made where this test
    // called CopyProperties.
    auto leaks = census(rt);
    REQUIRE(leaks.size() == 13); // 2 dictionaries, 6 keys, 5 values (the OSBooleans are constants)
    CHECK(leaks[0].find("OSDictionary retain=1 created in DOCTEST_ANON_FUNC_") == 0);
    std::string site = leaks[0].substr(leaks[0].find(" created in "));
    for (auto const& leak : leaks)
        CHECK(leak.ends_with(site));
    copy->release();
}
