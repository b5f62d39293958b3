// OSString, OSNumber, OSBoolean, OSData, OSArray, OSDictionary: DriverKit's documented
// behaviour, OSDynamicCast across them, reference counts, and the leak census.

#include "runtime_test_support.h"

#include <DriverKit/OSCollections.h>

#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace dextlab;
using namespace dextlab::sdk;
using namespace dextlab::sdk::testing;

namespace {

// The census the kernel asks for when a server exits: "Class retain=N" per live object.
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

TEST_CASE("OSString copies C strings and compares with strings, C strings and OSData")
{
    OSString* hello = OSString::withCString("hello");
    REQUIRE(hello != nullptr);
    CHECK(hello->getLength() == 5);
    CHECK(std::strcmp(hello->getCStringNoCopy(), "hello") == 0);
    CHECK(hello->isEqualTo("hello"));
    CHECK_FALSE(hello->isEqualTo("hell"));
    OSString* prefix = OSString::withCString("hello world", 4);
    CHECK(prefix->isEqualTo("hell"));
    OSString* copy = OSString::withString(hello);
    CHECK(copy->isEqualTo(hello));
    CHECK(copy != hello);
    OSData* bytes = OSData::withBytes("hello", 6); // with its NUL
    CHECK(hello->isEqualTo(bytes));
    CHECK(bytes->isEqualTo(hello));
    CHECK(hello->isEqualTo(static_cast<OSObject*>(bytes)));
    OSString* empty = OSString::withCString("");
    CHECK(empty->getLength() == 0);
    CHECK(empty->getCStringNoCopy() == nullptr); // as documented
    CHECK(OSString::withCString(nullptr) == nullptr);
    for (OSObject* o : std::initializer_list<OSObject*> { hello, prefix, copy, bytes, empty })
        o->release();
}

TEST_CASE("OSNumber keeps 8, 16, 32 or 64 bits and compares by value")
{
    OSNumber* byte = OSNumber::withNumber(0x1ff, 8);
    CHECK(byte->unsigned8BitValue() == 0xff);
    CHECK(byte->unsigned64BitValue() == 0xff);
    CHECK(byte->numberOfBits() == 8);
    OSNumber* wide = OSNumber::withNumber(0xffull, 64);
    CHECK(byte->isEqualTo(wide));
    OSNumber* parsed = OSNumber::withNumber("0x20", 32);
    CHECK(parsed->unsigned32BitValue() == 32);
    CHECK(OSNumber::withNumber(1, 12) == nullptr);
    CHECK_FALSE(parsed->isEqualTo(static_cast<OSObject*>(byte)));
    byte->release();
    wide->release();
    parsed->release();
}

TEST_CASE("OSBoolean is two constants that reference counting leaves alone")
{
    REQUIRE(kOSBooleanTrue != nullptr);
    CHECK(kOSBooleanTrue != kOSBooleanFalse);
    int before = kOSBooleanTrue->getRetainCount();
    kOSBooleanTrue->retain();
    kOSBooleanTrue->release();
    kOSBooleanTrue->release();
    CHECK(kOSBooleanTrue->getRetainCount() == before);
    CHECK(OSDynamicCast(OSBoolean, kOSBooleanFalse) == kOSBooleanFalse);
}

TEST_CASE("OSData grows by appending and hands out ranges only where it has bytes")
{
    OSData* data = OSData::withCapacity(4);
    CHECK(data->getLength() == 0);
    CHECK(data->getCapacity() == 4);
    CHECK(data->getBytesNoCopy() == nullptr);
    CHECK(data->appendBytes("abc", 3));
    CHECK(data->appendBytes(data)); // to itself
    CHECK(data->getLength() == 6);
    CHECK(data->isEqualTo("abcabc", 6));
    CHECK(std::memcmp(data->getBytesNoCopy(3, 3), "abc", 3) == 0);
    CHECK(data->getBytesNoCopy(4, 3) == nullptr);
    OSData* slice = OSData::withData(data, 1, 2);
    CHECK(slice->isEqualTo("bc", 2));
    CHECK(OSData::withData(data, 5, 2) == nullptr);
    data->release();
    slice->release();
}

TEST_CASE("OSArray retains its members and releases them when removed, replaced or freed")
{
    OSString* a = OSString::withCString("a");
    OSString* b = OSString::withCString("b");
    OSArray* array = OSArray::withCapacity(1);
    CHECK(array->setObject(a));
    CHECK(array->setObject(0, b)); // insert at the front
    CHECK_FALSE(array->setObject(5, a));
    CHECK_FALSE(array->setObject(nullptr));
    CHECK(array->getCount() == 2);
    CHECK(array->getCapacity() >= 2);
    CHECK(a->getRetainCount() == 2);
    CHECK(array->getObject(0) == b);
    CHECK(array->getLastObject() == a);
    CHECK(array->getObject(2) == nullptr);
    CHECK(array->getNextIndexOfObject(a, 0) == 1);
    CHECK(array->getNextIndexOfObject(a, 2) == -1U);
    OSArray* copy = OSArray::withArray(array, 0);
    CHECK(copy->isEqualTo(array));
    CHECK(array->replaceObject(0, a));
    CHECK(b->getRetainCount() == 2); // still in `copy`
    CHECK_FALSE(copy->isEqualTo(array));
    array->removeObject(0);
    CHECK(array->getCount() == 1);
    copy->release();
    CHECK(b->getRetainCount() == 1);
    array->release();
    CHECK(a->getRetainCount() == 1);
    a->release();
    b->release();
}

TEST_CASE("OSDictionary maps keys by equality, replaces values, and iterates in insertion order")
{
    OSDictionary* dict = OSDictionary::withCapacity(2);
    OSNumber* one = OSNumber::withNumber(1, 32);
    OSNumber* two = OSNumber::withNumber(2, 32);
    CHECK(dict->setObject("one", one));
    OSString* key = OSString::withCString("two");
    CHECK(dict->setObject(key, two));
    CHECK(dict->getCount() == 2);
    CHECK(dict->getObject("one") == one);
    OSString* lookup = OSString::withCString("two");
    CHECK(dict->getObject(lookup) == two); // an equal key, not the same object
    CHECK(dict->setObject("one", two));    // replaces, releasing the old value
    CHECK(dict->getCount() == 2);
    CHECK(one->getRetainCount() == 1);
    CHECK_FALSE(dict->setObject("none", nullptr));
    CHECK(dict->getObject("missing") == nullptr);

    std::vector<std::string> keys;
    dict->__dextlab_iterate(
        [](void* context, OSObject* k) {
            static_cast<std::vector<std::string>*>(context)->push_back(OSDynamicCast(OSString, k)->getCStringNoCopy());
            return true;
        },
        &keys);
    CHECK(keys == std::vector<std::string> { "one", "two" });

    OSDictionary* copy = OSDictionary::withDictionary(dict, 0);
    CHECK(copy->isEqualTo(dict));
    copy->removeObject("one");
    CHECK_FALSE(copy->isEqualTo(dict));
    OSArray* only_two = OSArray::withCapacity(1);
    only_two->setObject(lookup);
    CHECK(copy->isEqualTo(dict, only_two)); // equal on the keys asked about
    dict->flushCollection();
    CHECK(dict->getCount() == 0);
    for (OSObject* o : std::initializer_list<OSObject*> { dict, copy, only_two, one, two, key, lookup })
        o->release();
}

#if __BLOCKS__
TEST_CASE("iterateObjects with blocks: arrays in order, dictionaries as keys or as key-value pairs, stopping early")
{
    OSArray* array = OSArray::withCapacity(3);
    for (uint64_t v : { 1, 2, 3 }) {
        OSNumber* n = OSNumber::withNumber(v, 32);
        array->setObject(n);
        n->release();
    }
    __block uint64_t sum = 0;
    CHECK(array->iterateObjects(^bool(OSObject* object) {
        sum += OSDynamicCast(OSNumber, object)->unsigned64BitValue();
        return true;
    }));
    CHECK(sum == 6);
    CHECK_FALSE(array->iterateObjects(^bool(OSObject*) {
        return false;
    }));
    OSDictionary* dict = OSDictionary::withCapacity(1);
    dict->setObject("numbers", array);
    __block int pairs = 0;
    dict->iterateObjects(^bool(OSObject* key, OSObject* value) {
        pairs += OSDynamicCast(OSString, key) && OSDynamicCast(OSArray, value);
        return true;
    });
    CHECK(pairs == 1);
    array->release();
    dict->release();
}
#endif

TEST_CASE("OSDynamicCast tells the container classes apart")
{
    OSObject* objects[] = { OSString::withCString("s"), OSNumber::withNumber(1, 8), OSData::withCapacity(1),
        OSArray::withCapacity(1), OSDictionary::withCapacity(1) };
    CHECK(OSDynamicCast(OSString, objects[0]) != nullptr);
    CHECK(OSDynamicCast(OSNumber, objects[0]) == nullptr);
    CHECK(OSDynamicCast(OSNumber, objects[1]) != nullptr);
    CHECK(OSDynamicCast(OSData, objects[2]) != nullptr);
    CHECK(OSDynamicCast(OSCollection, objects[3]) != nullptr);
    CHECK(OSDynamicCast(OSCollection, objects[4]) != nullptr);
    CHECK(OSDynamicCast(OSArray, objects[4]) == nullptr);
    CHECK(OSDynamicCast(OSContainer, objects[0]) != nullptr);
    CHECK(std::string(objects[4]->getMetaClass()->getClassName()) == "OSDictionary");
    CHECK(OSTypeID(OSString) == objects[0]->getMetaClass());
    for (OSObject* o : objects)
        o->release();
}

TEST_CASE("containers count in the leak census of the server that made them")
{
    Runtime rt;
    OSString* kept = OSString::withCString("left behind");
    OSDictionary* freed = OSDictionary::withCapacity(1);
    freed->setObject("key", kept);
    freed->release(); // releases the key it made and its reference on `kept`
    auto live = census(rt);
    REQUIRE(live.size() == 1);
    // Made by this test's code: the census names the function (doctest's name for it) and where in it.
    CHECK(live[0].rfind("OSString retain=1 created in DOCTEST_ANON_FUNC_", 0) == 0);
    kept->release();
    CHECK(census(rt).empty());
}
