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
