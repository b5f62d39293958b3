#include "dexts/sdk/iig/iig_generator.h"
#include "dexts/sdk/iig/iig_parser.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::iig;

namespace {

char const* const kServiceIig = R"(
#include <DriverKit/OSObject.iig>
class KERNEL IOService : public OSObject
{
public:
    virtual bool init() override;
    virtual kern_return_t Start(IOService * provider) LOCAL;
    virtual kern_return_t Stop(IOService * provider) LOCAL;
    IOService * GetProvider() const LOCALONLY;
};
class KERNEL IOUSBHostPipe : public OSObject
{
public:
    virtual void CompleteAsyncIO(OSAction * action TARGET, IOReturn status, uint32_t actualByteCount,
                                 uint64_t completionTimestamp) LOCAL = 0;
};
)";

char const* const kDriverIig = R"(// a comment with class inside it: class Foo { };
#include <Availability.h>
#include <DriverKit/IOService.iig>

class MyDriver: public IOService
{
public:
    virtual bool init() override;
    virtual kern_return_t
    Start(IOService * provider) override;
    virtual void free() override;
private:
    virtual void ReadComplete(OSAction * action,
                              IOReturn status,
                              uint32_t actualByteCount,
                              uint64_t completionTimestamp)
        TYPE(IOUSBHostPipe::CompleteAsyncIO);
    virtual kern_return_t Ping(uint32_t count, const char name[64], uint64_t flags = 0);
};
)";

struct Generated {
    File service;
    File driver;
    Output output;
};

Generated generate_driver()
{
    auto service = parse_iig(kServiceIig, "IOService.iig");
    REQUIRE(service.has_value());
    auto driver = parse_iig(kDriverIig, "MyDriver.iig");
    REQUIRE(driver.has_value());
    Generated g { std::move(service).value(), std::move(driver).value(), {} };
    ClassIndex index;
    for (auto const& c : g.service.classes)
        index[c.name] = &c;
    for (auto const& c : g.driver.classes)
        index[c.name] = &c;
    auto output = generate(g.driver, index, "\"MyDriver.h\"");
    if (!output)
        FAIL(output.error().message);
    g.output = std::move(output).value();
    return g;
}

bool contains(std::string const& haystack, std::string const& needle) { return haystack.find(needle) != std::string::npos; }

} // namespace

TEST_CASE("the parser reads methods, parameters and annotations")
{
    auto file = parse_iig(kDriverIig, "MyDriver.iig");
    REQUIRE(file.has_value());
    REQUIRE(file.value().classes.size() == 1);
    auto const& cls = file.value().classes[0];
    CHECK(cls.name == "MyDriver");
    CHECK(cls.super_name == "IOService");
    REQUIRE(cls.methods.size() == 5);
    CHECK(cls.methods[1].name == "Start");
    CHECK(cls.methods[1].is_override);
    CHECK(cls.methods[1].return_type == "kern_return_t");
    auto const& rc = cls.methods[3];
    CHECK(rc.type_of == "IOUSBHostPipe::CompleteAsyncIO");
    REQUIRE(rc.params.size() == 4);
    CHECK(rc.params[0].type == "OSAction *");
    CHECK(rc.params[0].name == "action");
    auto const& ping = cls.methods[4];
    CHECK(ping.params[1].array_suffix == "[64]");
    CHECK(ping.params[1].type == "const char");
    CHECK(ping.params[2].default_value == "0");
    CHECK(file.value().included_iigs == std::vector<std::string> { "DriverKit/IOService.iig" });
}

TEST_CASE("the header carries ids, argument macros, stubs and _Impl declarations")
{
    auto g = generate_driver();
    auto const& h = g.output.header;
    CHECK(contains(h, "#include <DriverKit/IOService.h>"));
    CHECK_FALSE(contains(h, "IOService.iig>"));
    CHECK(contains(h, "// a comment with class inside it")); // text outside classes is kept
    CHECK(contains(h, "#define MyDriver_ReadComplete_ID 0x"));
    CHECK(contains(h, "#define MyDriver_ReadComplete_Args OSAction * action, IOReturn status, uint32_t actualByteCount, uint64_t completionTimestamp"));
    CHECK(contains(h, "typedef IOUSBHostPipe_CompleteAsyncIO_Invocation MyDriver_ReadComplete_Invocation;"));
    CHECK(contains(h, "kern_return_t CreateActionReadComplete(size_t referenceSize, OSAction** action);"));
    CHECK(contains(h, "#define MyDriver_Start_Args IOService * provider"));
    CHECK(contains(h, "kern_return_t Start_Impl(MyDriver_Start_Args);"));
    CHECK_FALSE(contains(h, "MyDriver_Start_ID")); // an override travels under IOService_Start_ID
    CHECK(contains(h, "void ReadComplete_Impl(MyDriver_ReadComplete_Args);"));
    CHECK(contains(h, "virtual bool init() override;"));
    CHECK(contains(h, "kern_return_t Ping(uint32_t count, const char name[64], uint64_t flags = 0, OSDispatchMethod supermethod = NULL);"));
    CHECK(contains(h, "std::decay_t<const char[64]> a1;"));
    CHECK(contains(h, "MyDriver_IVars* ivars;"));
    CHECK_FALSE(contains(h, "kern_return_t Start(IOService * provider")); // the stub is IOService's
}

TEST_CASE("the implementation dispatches by id to the class's own _Impl, else to super")
{
    auto g = generate_driver();
    auto const& im = g.output.implementation;
    CHECK(contains(im, "case IOService_Start_ID:"));
    CHECK(contains(im, "return self->MyDriver::Start_Impl(invocation->a0);"));
    CHECK(contains(im, "case MyDriver_ReadComplete_ID:"));
    CHECK(contains(im, "return IOService::_Dispatch(self, rpc);"));
    CHECK(contains(im, "OSAction::Create(this, MyDriver_ReadComplete_ID, IOUSBHostPipe_CompleteAsyncIO_ID, referenceSize, action)"));
    CHECK(contains(im, "static OSClassRegistration MyDriver_Registration"));
}

TEST_CASE("bad input is an error with file:line and a way out")
{
    ClassIndex empty;
    SUBCASE("override of nothing")
    {
        auto f = parse_iig("class A : public IOService {\n virtual kern_return_t Nope() override;\n};\n", "a.iig");
        REQUIRE(f.has_value());
        auto out = generate(f.value(), empty, "a.h");
        REQUIRE_FALSE(out.has_value());
        CHECK(contains(out.error().message, "a.iig:2: A::Nope is marked override, but no superclass declares it"));
    }
    SUBCASE("unknown TYPE")
    {
        auto f = parse_iig("class A : public IOService {\n virtual void Cb(OSAction * a) TYPE(X::Y);\n};\n", "a.iig");
        REQUIRE(f.has_value());
        auto out = generate(f.value(), empty, "a.h");
        REQUIRE_FALSE(out.has_value());
        CHECK(contains(out.error().message, "a.iig:2: TYPE(X::Y)"));
    }
    SUBCASE("data member")
    {
        auto f = parse_iig("class A : public IOService {\n int x;\n};\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "a.iig:2: expected a method declaration"));
    }
    SUBCASE("inline body")
    {
        auto f = parse_iig("class A : public IOService {\n void f() { }\n};\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "a.iig:2:"));
    }
    SUBCASE("unknown annotation")
    {
        auto f = parse_iig("class A : public IOService {\n void f() BOGUS;\n};\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "unexpected 'BOGUS'"));
    }
    SUBCASE("missing semicolon after class")
    {
        auto f = parse_iig("class A : public IOService {\n void f();\n}\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "must end with '};'"));
    }
}

// ---- Fidelity: the shapes real dexts' .iig files take (issue 5, item 5) ----

namespace {

char const* const kSdkIig = R"(
#include <DriverKit/OSObject.iig>
typedef void (*IODispatchFunction)(void * context);
#if __BLOCKS__
typedef void (^IODispatchBlock)(void);
#endif
class NATIVE IODispatchQueue : public OSObject
{
public:
    static kern_return_t Create(const IODispatchQueueName name, uint64_t options, uint64_t priority,
        IODispatchQueue ** queue) LOCAL;
    void DispatchAsync_f(void * context, IODispatchFunction function) LOCALONLY;
#if __BLOCKS__
    void DispatchAsync(IODispatchBlock block) LOCALONLY;
#endif
};
class KERNEL IOService : public OSObject
{
public:
    virtual bool init() override;
    virtual kern_return_t Start(IOService * provider) LOCAL;
    virtual kern_return_t Stop(IOService * provider) LOCAL;
    virtual kern_return_t SetProperties(OSDictionary * properties);
protected:
    IOService * GetProvider() const LOCALONLY;
private:
    virtual kern_return_t Hidden(uint64_t options = 0, uint32_t timeout = 5000);
};
class KERNEL IOUSBHostPipe : public OSObject
{
public:
    virtual kern_return_t Abort(IOOptionBits options = 0, kern_return_t withError = kIOReturnAborted,
        IOService * forClient = NULL);
    virtual kern_return_t GetSpeed(uint8_t * speed) const;
    virtual void CompleteAsyncIO(OSAction * action TARGET, IOReturn status, uint32_t actualByteCount,
                                 uint64_t completionTimestamp) LOCAL = 0;
};
class KERNEL IOHIDDevice : public IOService
{
public:
    virtual bool handleStart(IOService * provider) LOCALONLY;
    virtual kern_return_t handleReport(uint64_t timestamp, IOMemoryDescriptor * report, uint32_t reportLength,
        IOHIDReportType reportType = kIOHIDReportTypeInput, IOOptionBits options = 0) LOCALONLY;
};
)";

// A dext's .iig in the shapes public dexts use.
char const* const kRealWorldIig = R"(//
//  RealWorld.iig
//
#ifndef RealWorld_h
#define RealWorld_h

#include <Availability.h>
#include <DriverKit/IOService.iig>

enum { kRealWorldSelectorCount = 3 };
struct RealWorldConfig { uint32_t rate; };
enum class RealWorldMode : uint8_t { Off, On };
template<class T> static inline T RealWorldMax(T a, T b) { return a > b ? a : b; }

class RealWorld: public IOHIDDevice
{
public:
    virtual bool init(void) override;
    virtual void free(void) override;
    virtual kern_return_t
    Start(
        IOService * provider
    ) override LOCAL;
    virtual kern_return_t Stop(IOService * provider) override LOCAL;
    virtual bool handleStart(IOService * provider) override LOCALONLY;
    static kern_return_t Helper(uint32_t value, uint64_t * out) LOCALONLY;

    virtual bool IsReady() LOCAL;
    virtual uint32_t
        GetCount(uint64_t since)
        LOCAL;
    virtual kern_return_t Describe(uint32_t * count) const;

protected:
    virtual void ReadComplete(OSAction * action, IOReturn status, uint32_t actualByteCount,
        uint64_t completionTimestamp) TYPE(IOUSBHostPipe::CompleteAsyncIO);
private:
    virtual void _DataReady(OSAction * action, IOReturn status, uint32_t actualByteCount,
        uint64_t completionTimestamp) TYPE(IOUSBHostPipe::CompleteAsyncIO);
#if DEBUG
    void DumpState() LOCALONLY;
#endif
};

#endif /* RealWorld_h */
)";

struct Indexed {
    File sdk;
    File dext;
    ClassIndex index;
};

Indexed index_real_world(char const* dext_text = kRealWorldIig)
{
    auto sdk = parse_iig(kSdkIig, "SDK.iig");
    if (!sdk)
        FAIL(sdk.error().message);
    auto dext = parse_iig(dext_text, "RealWorld.iig");
    if (!dext)
        FAIL(dext.error().message);
    Indexed indexed { std::move(sdk).value(), std::move(dext).value(), {} };
    for (auto const& c : indexed.sdk.classes)
        indexed.index[c.name] = &c;
    for (auto const& c : indexed.dext.classes)
        indexed.index[c.name] = &c;
    return indexed;
}

Output generate_real_world()
{
    auto indexed = index_real_world();
    auto out = generate(indexed.dext, indexed.index, "\"RealWorld.h\"");
    if (!out)
        FAIL(out.error().message);
    return std::move(out).value();
}

Output generate_sdk()
{
    auto indexed = index_real_world();
    auto out = generate(indexed.sdk, indexed.index, "<DriverKit/SDK.h>");
    if (!out)
        FAIL(out.error().message);
    return std::move(out).value();
}

size_t position(std::string const& haystack, std::string const& needle)
{
    auto at = haystack.find(needle);
    REQUIRE_MESSAGE(at != std::string::npos, "missing: " << needle);
    return at;
}

} // namespace

TEST_CASE("text outside classes passes through: guards, enums, structs, includes rewritten")
{
    auto h = generate_real_world().header;
    CHECK(contains(h, "#ifndef RealWorld_h"));
    CHECK(contains(h, "enum { kRealWorldSelectorCount = 3 };"));
    CHECK(contains(h, "struct RealWorldConfig { uint32_t rate; };"));
    CHECK(contains(h, "enum class RealWorldMode : uint8_t { Off, On };"));
    CHECK(contains(h, "template<class T> static inline T RealWorldMax(T a, T b) { return a > b ? a : b; }"));
    CHECK(contains(h, "#include <DriverKit/IOService.h>"));
    CHECK(contains(h, "#include <Availability.h>"));
    // The class sits between the guard and its #endif, as written.
    CHECK(position(h, "#ifndef RealWorld_h") < position(h, "class RealWorld : public IOHIDDevice"));
    CHECK(position(h, "class RealWorld : public IOHIDDevice") < position(h, "#endif /* RealWorld_h */"));
}

TEST_CASE("access specifiers in the .iig do not restrict the generated class")
{
    auto h = generate_real_world().header;
    CHECK_FALSE(contains(h, "private:"));
    CHECK_FALSE(contains(h, "protected:"));
    // _DataReady was private in the .iig: its stub and factory are public like the rest.
    CHECK(contains(h, "kern_return_t CreateAction_DataReady(size_t referenceSize, OSAction** action);"));
    auto sdk = generate_sdk().header;
    CHECK_FALSE(contains(sdk, "private:"));
    CHECK(contains(sdk, "kern_return_t Hidden(uint64_t options = 0, uint32_t timeout = 5000, OSDispatchMethod supermethod = NULL);"));
}

TEST_CASE("override LOCAL, override LOCALONLY, static LOCALONLY, init(void) and multi-line declarations")
{
    auto indexed = index_real_world();
    auto const& cls = indexed.dext.classes.at(0);
    REQUIRE(cls.methods.size() == 12);
    CHECK(cls.methods[0].name == "init");
    CHECK(cls.methods[0].params.empty()); // init(void)
    CHECK(cls.methods[2].name == "Start");
    CHECK(cls.methods[2].is_override);
    CHECK(cls.methods[2].local);
    CHECK(cls.methods[2].params.size() == 1);
    CHECK(cls.methods[7].name == "GetCount");
    CHECK(cls.methods[7].return_type == "uint32_t");

    auto h = generate_real_world().header;
    CHECK(contains(h, "virtual bool init() override;"));
    CHECK(contains(h, "virtual void free() override;"));
    CHECK(contains(h, "#define RealWorld_Start_Args IOService * provider"));
    CHECK(contains(h, "kern_return_t Start_Impl(RealWorld_Start_Args);"));
    CHECK_FALSE(contains(h, "RealWorld_Start_ID")); // travels as IOService_Start_ID
    CHECK(contains(h, "virtual bool handleStart(IOService * provider) override;"));
    CHECK_FALSE(contains(h, "handleStart_Impl"));
    CHECK(contains(h, "static kern_return_t Helper(uint32_t value, uint64_t * out);"));
    CHECK_FALSE(contains(h, "Helper_Impl"));
    auto im = generate_real_world().implementation;
    CHECK(contains(im, "case IOService_Start_ID:"));
    CHECK(contains(im, "case IOService_Stop_ID:"));
}

TEST_CASE("methods that return bool or uint32_t travel between a dext's own objects")
{
    auto out = generate_real_world();
    auto const& h = out.header;
    CHECK(contains(h, "#define RealWorld_IsReady_ID 0x"));
    CHECK(contains(h, "#define RealWorld_GetCount_ID 0x"));
    CHECK(contains(h, "bool IsReady(OSDispatchMethod supermethod = NULL);"));
    CHECK(contains(h, "uint32_t GetCount(uint64_t since, OSDispatchMethod supermethod = NULL);"));
    CHECK(contains(h, "bool result;"));
    CHECK(contains(h, "uint32_t result;"));
    auto const& im = out.implementation;
    // The result is value-initialised (no -Wmissing-field-initializers, false when the call fails)
    // and filled in by the dispatch case.
    CHECK(contains(im, "RealWorld_IsReady_Invocation __iig_invocation {{}};"));
    CHECK(contains(im, "RealWorld_GetCount_Invocation __iig_invocation {since, {}};"));
    CHECK(contains(im, "invocation->result = self->RealWorld::GetCount_Impl(invocation->a0);"));
    CHECK(contains(im, "return __iig_invocation.result;"));
}

TEST_CASE("const message methods keep const on the stub and the _Impl")
{
    auto out = generate_real_world();
    CHECK(contains(out.header, "kern_return_t Describe(uint32_t * count, OSDispatchMethod supermethod = NULL) const;"));
    CHECK(contains(out.header, "kern_return_t Describe_Impl(RealWorld_Describe_Args) const;"));
    CHECK(contains(out.implementation, "kern_return_t RealWorld::Describe(uint32_t * count, OSDispatchMethod supermethod) const"));
    auto sdk = generate_sdk();
    CHECK(contains(sdk.header, "kern_return_t GetSpeed(uint8_t * speed, OSDispatchMethod supermethod = NULL) const;"));
}

TEST_CASE("Class_Method_ID constants exist for the dext's and the SDK's message methods")
{
    auto h = generate_real_world().header;
    CHECK(contains(h, "#define RealWorld_ReadComplete_ID 0x"));
    CHECK(contains(h, "#define RealWorld__DataReady_ID 0x"));
    auto sdk = generate_sdk().header;
    CHECK(contains(sdk, "#define IOService_Start_ID 0xab6f76dde6d693f2ULL")); // Apple's published value
    CHECK(contains(sdk, "#define IOService_SetProperties_ID 0x"));
    CHECK(contains(sdk, "#define IOUSBHostPipe_CompleteAsyncIO_ID 0xc320a3eea932c04aULL"));
    CHECK(contains(sdk, "#define IODispatchQueue_Create_ID 0x"));
}

TEST_CASE("every TYPE() method gets its CreateAction factory, leading underscore included")
{
    auto out = generate_real_world();
    CHECK(contains(out.header, "kern_return_t CreateActionReadComplete(size_t referenceSize, OSAction** action);"));
    CHECK(contains(out.header, "kern_return_t CreateAction_DataReady(size_t referenceSize, OSAction** action);"));
    CHECK(contains(out.implementation,
        "OSAction::Create(this, RealWorld__DataReady_ID, IOUSBHostPipe_CompleteAsyncIO_ID, referenceSize, action)"));
}

TEST_CASE("default arguments of SDK methods survive in the stubs and plain declarations")
{
    auto sdk = generate_sdk().header;
    CHECK(contains(sdk,
        "kern_return_t Abort(IOOptionBits options = 0, kern_return_t withError = kIOReturnAborted, IOService * forClient = NULL, "
        "OSDispatchMethod supermethod = NULL);"));
    CHECK(contains(sdk,
        "virtual kern_return_t handleReport(uint64_t timestamp, IOMemoryDescriptor * report, uint32_t reportLength, "
        "IOHIDReportType reportType = kIOHIDReportTypeInput, IOOptionBits options = 0);"));
}

TEST_CASE("#if around plain methods inside a class is kept in place")
{
    auto sdk = generate_sdk().header;
    auto open = position(sdk, "#if __BLOCKS__\n    void DispatchAsync(IODispatchBlock block);\n#endif");
    CHECK(open > position(sdk, "class IODispatchQueue : public OSObject"));
    auto h = generate_real_world().header;
    CHECK(contains(h, "#if DEBUG\n    void DumpState();\n#endif"));
    // The typedef outside the class passes through too.
    CHECK(contains(sdk, "#if __BLOCKS__\ntypedef void (^IODispatchBlock)(void);\n#endif"));
}

TEST_CASE("bad input in the new shapes is an error with file:line")
{
    SUBCASE("a message method inside #if")
    {
        auto indexed = index_real_world("class A : public IOService {\n#if FEATURE\n virtual kern_return_t Go();\n#endif\n};\n");
        auto out = generate(indexed.dext, indexed.index, "a.h");
        REQUIRE_FALSE(out.has_value());
        CHECK(contains(out.error().message, "RealWorld.iig:3: A::Go is inside an #if in the class"));
    }
    SUBCASE("an #if never closed")
    {
        auto f = parse_iig("class A : public IOService {\n virtual bool init() override;\n#if X\n void f() LOCALONLY;\n};\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "a.iig:3: #if inside class A is never closed"));
    }
    SUBCASE("an override with the wrong parameter count")
    {
        auto indexed = index_real_world("class A : public IOService {\n virtual kern_return_t\n Start(IOService * p, int x) override;\n};\n");
        auto out = generate(indexed.dext, indexed.index, "a.h");
        REQUIRE_FALSE(out.has_value());
        CHECK(contains(out.error().message, "RealWorld.iig:2: A::Start overrides IOService::Start but takes 2 parameters instead of 1"));
    }
    SUBCASE("a TYPE() callback with the wrong parameters")
    {
        auto indexed = index_real_world("class A : public IOService {\n virtual void Done(OSAction * a) TYPE(IOUSBHostPipe::CompleteAsyncIO);\n};\n");
        auto out = generate(indexed.dext, indexed.index, "a.h");
        REQUIRE_FALSE(out.has_value());
        CHECK(contains(out.error().message, "RealWorld.iig:2: A::Done must take the 4 parameters of IOUSBHostPipe::CompleteAsyncIO"));
    }
    SUBCASE("a class without a superclass")
    {
        auto f = parse_iig("\n\nclass A {\n void f() LOCALONLY;\n};\n", "a.iig");
        REQUIRE_FALSE(f.has_value());
        CHECK(contains(f.error().message, "a.iig:3: class A needs a superclass"));
    }
}

TEST_CASE("QUEUENAME(x) on a message method goes into the class's queue table, keyed by message id")
{
    char const* const iig = R"(
#include <DriverKit/IOService.iig>
class QueuedDriver : public IOService
{
public:
    virtual kern_return_t Start(IOService * provider) override QUEUENAME(StartQueue);
    virtual void ReadDone(OSAction * action, IOReturn status, uint32_t actual, uint64_t time) TYPE(IOUSBHostPipe::CompleteAsyncIO) QUEUENAME(ReadQueue);
    virtual void Plain() LOCALONLY QUEUENAME(Ignored);
    virtual kern_return_t Unqueued(uint32_t x);
};
)";
    auto service = parse_iig(kServiceIig, "IOService.iig");
    REQUIRE(service.has_value());
    auto driver = parse_iig(iig, "QueuedDriver.iig");
    REQUIRE(driver.has_value());
    ClassIndex index;
    for (auto const& c : service.value().classes)
        index[c.name] = &c;
    for (auto const& c : driver.value().classes)
        index[c.name] = &c;
    auto out = generate(driver.value(), index, "\"QueuedDriver.h\"");
    REQUIRE_MESSAGE(out.has_value(), (out ? "" : out.error().message));
    auto const& im = out.value().implementation;
    CHECK(contains(im, "static const OSMethodQueueName QueuedDriver_MethodQueues[] = {"));
    CHECK(contains(im, "{ IOService_Start_ID, \"StartQueue\" },")); // an override: the declaring class's id
    CHECK(contains(im, "{ QueuedDriver_ReadDone_ID, \"ReadQueue\" },"));
    CHECK_FALSE(contains(im, "Ignored"));
    CHECK(contains(im, "&QueuedDriver_New, QueuedDriver_MethodQueues);"));
    // A class without QUEUENAME methods registers no table.
    CHECK(contains(generate_driver().output.implementation, "&MyDriver_New);"));
}
