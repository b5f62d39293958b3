#include "kernel_model/bundle/plist_reader.h"
#include "kernel_model/bundle/test_temp_dir.h"

#include <doctest/doctest.h>

#include <plist/plist.h>

using namespace dextlab;
using namespace dextlab::kernel;

namespace {

std::vector<uint8_t> bytes_of(std::string const& text) { return { text.begin(), text.end() }; }

std::string xml_plist(std::string const& body)
{
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<!DOCTYPE plist PUBLIC \"-//Apple//DTD PLIST 1.0//EN\" \"http://www.apple.com/DTDs/PropertyList-1.0.dtd\">\n"
           "<plist version=\"1.0\">\n"
        + body + "\n</plist>\n";
}

Property read_ok(std::string const& text)
{
    auto result = read_plist_bytes(bytes_of(text), "Test.plist");
    if (!result.has_value())
        FAIL(result.error().message);
    return std::move(result).value();
}

std::string read_error(std::string const& text)
{
    auto result = read_plist_bytes(bytes_of(text), "Foo.dext/Info.plist");
    REQUIRE_FALSE(result.has_value());
    return result.error().message;
}

Property integer_value(std::string const& text)
{
    Property root = read_ok(xml_plist("<dict><key>n</key><integer>" + text + "</integer></dict>"));
    REQUIRE(root.find("n") != nullptr);
    REQUIRE(root.find("n")->is_number());
    return *root.find("n");
}

// Builds a binary plist with libplist's own writer, as a Mac's `plutil -convert binary1` would.
std::vector<uint8_t> to_binary(plist_t root)
{
    char* bin = nullptr;
    uint32_t length = 0;
    plist_to_bin(root, &bin, &length);
    REQUIRE(bin != nullptr);
    std::vector<uint8_t> bytes(bin, bin + length);
    plist_to_bin_free(bin);
    plist_free(root);
    return bytes;
}

} // namespace

TEST_CASE("an XML plist maps every plist type to its OSObject counterpart")
{
    Property root = read_ok(xml_plist(R"(<dict>
	<key>yes</key><true/>
	<key>no</key><false/>
	<key>count</key><integer>42</integer>
	<key>name</key><string>a &amp; b &lt;c&gt;</string>
	<key>blob</key><data>AQID
	BA==</data>
	<key>list</key><array><string>x</string><integer>7</integer></array>
	<key>inner</key><dict><key>k</key><string>v</string></dict>
	<key>empty</key><dict/>
</dict>)"));
    REQUIRE(root.is_dict());
    CHECK(root.as_dict().size() == 8);
    CHECK(*root.find("yes") == Property::boolean(true));
    CHECK(*root.find("no") == Property::boolean(false));
    CHECK(root.find("count")->as_number() == 42);
    CHECK(root.find("name")->as_string() == "a & b <c>");
    CHECK(root.find("blob")->as_data() == std::vector<uint8_t> { 1, 2, 3, 4 });
    REQUIRE(root.find("list")->is_array());
    CHECK(root.find("list")->as_array().size() == 2);
    CHECK(root.find("list")->as_array()[1].as_number() == 7);
    CHECK(root.find("inner")->find("k")->as_string() == "v");
    CHECK(root.find("empty")->is_dict());
    CHECK(root.find("empty")->as_dict().empty());
}

TEST_CASE("XML integers: hex as Xcode writes it, leading zeros stay decimal, signs")
{
    struct Row {
        char const* text;
        uint64_t value;
    };
    Row const rows[] = {
        { "0x781", 0x781 },
        { "0X781", 0x781 },
        { "0x0001", 1 },
        { "  0x1209\n", 0x1209 },
        // libplist alone would read this as octal 8; CoreFoundation reads 10.
        { "010", 10 },
        { "0", 0 },
        { "+5", 5 },
        { "-1", UINT64_MAX },
        { "-0x10", static_cast<uint64_t>(-16) },
        { "18446744073709551615", UINT64_MAX },
        { "-9223372036854775808", uint64_t { 1 } << 63 },
    };
    for (Row const& row : rows) {
        CAPTURE(row.text);
        CHECK(integer_value(row.text).as_number() == row.value);
    }
}

TEST_CASE("integer widths follow the value: 32 bits when it fits unsigned, else 64")
{
    CHECK(integer_value("0").number_bits() == 32);
    CHECK(integer_value("0x781").number_bits() == 32);
    CHECK(integer_value("4294967295").number_bits() == 32);
    CHECK(integer_value("4294967296").number_bits() == 64);
    CHECK(integer_value("4294967296").as_number() == 4294967296ULL);
    CHECK(integer_value("-1").number_bits() == 64);
    CHECK(plist_integer_bits(UINT32_MAX) == 32);
    CHECK(plist_integer_bits(uint64_t { UINT32_MAX } + 1) == 64);
}

TEST_CASE("malformed integers are errors with the file, line and key path")
{
    std::string text = xml_plist("<dict>\n<key>IOKitPersonalities</key>\n<dict>\n<key>Foo</key>\n<dict>\n"
                                 "<key>idVendor</key>\n<integer>12abc</integer>\n</dict></dict></dict>");
    std::string message = read_error(text);
    CHECK(message.find("Foo.dext/Info.plist:10:") == 0);
    CHECK(message.find(":IOKitPersonalities:Foo:idVendor") != std::string::npos);
    CHECK(message.find("12abc") != std::string::npos);
    CHECK(message.find("0x781") != std::string::npos); // the fix shows both spellings

    CHECK(read_error(xml_plist("<dict><key>n</key><integer>1.5</integer></dict>")).find("not a whole number") != std::string::npos);
    CHECK(read_error(xml_plist("<dict><key>n</key><integer></integer></dict>")).find("is empty") != std::string::npos);
    CHECK(read_error(xml_plist("<dict><key>n</key><integer/></dict>")).find("is empty") != std::string::npos);
    CHECK(read_error(xml_plist("<dict><key>n</key><integer>0x</integer></dict>")).find("not a number") != std::string::npos);
    CHECK(read_error(xml_plist("<dict><key>n</key><integer>18446744073709551616</integer></dict>")).find("64 bits") != std::string::npos);
    CHECK(read_error(xml_plist("<dict><key>n</key><integer>-9223372036854775809</integer></dict>")).find("64 bits") != std::string::npos);
    CHECK(read_error(xml_plist("<array><integer>1</integer><integer>x</integer></array>")).find("key :1 ") != std::string::npos);
}

TEST_CASE("a binary plist made by libplist reads like the same XML")
{
    plist_t root = plist_new_dict();
    plist_dict_set_item(root, "flag", plist_new_bool(1));
    plist_dict_set_item(root, "small", plist_new_uint(0x781));
    plist_dict_set_item(root, "large", plist_new_uint(0x123456789ULL));
    plist_dict_set_item(root, "text", plist_new_string("IOUSBHostInterface"));
    plist_dict_set_item(root, "blob", plist_new_data("\x01\x02\x03", 3));
    plist_t list = plist_new_array();
    plist_array_append_item(list, plist_new_string("a"));
    plist_array_append_item(list, plist_new_uint(2));
    plist_dict_set_item(root, "list", list);
    std::vector<uint8_t> bytes = to_binary(root);
    REQUIRE(std::string(bytes.begin(), bytes.begin() + 8) == "bplist00");

    auto result = read_plist_bytes(bytes, "binary.plist");
    REQUIRE(result.has_value());
    Property const& value = result.value();
    CHECK(*value.find("flag") == Property::boolean(true));
    CHECK(value.find("small")->as_number() == 0x781);
    CHECK(value.find("small")->number_bits() == 32);
    CHECK(value.find("large")->as_number() == 0x123456789ULL);
    CHECK(value.find("large")->number_bits() == 64);
    CHECK(value.find("text")->as_string() == "IOUSBHostInterface");
    CHECK(value.find("blob")->as_data() == std::vector<uint8_t> { 1, 2, 3 });
    REQUIRE(value.find("list")->as_array().size() == 2);
    CHECK(value.find("list")->as_array()[1].as_number() == 2);
}

TEST_CASE("reals and dates are rejected with the key path, in XML and binary plists")
{
    std::string message = read_error(xml_plist(
        "<dict><key>IOKitPersonalities</key><dict><key>Foo</key><dict><key>IOProbeScore</key><real>1.5</real></dict></dict></dict>"));
    CHECK(message.find("Foo.dext/Info.plist: ") == 0);
    CHECK(message.find("key :IOKitPersonalities:Foo:IOProbeScore holds a <real> (1.5)") != std::string::npos);
    CHECK(message.find("write an <integer>") != std::string::npos);

    message = read_error(xml_plist("<dict><key>when</key><date>2020-01-01T00:00:00Z</date></dict>"));
    CHECK(message.find("key :when holds a <date>") != std::string::npos);

    plist_t root = plist_new_dict();
    plist_t list = plist_new_array();
    plist_array_append_item(list, plist_new_real(2.5));
    plist_dict_set_item(root, "scores", list);
    auto result = read_plist_bytes(to_binary(root), "scores.plist");
    REQUIRE_FALSE(result.has_value());
    CHECK(result.error().message.find("scores.plist: key :scores:0 holds a <real>") == 0);
}

TEST_CASE("structural mistakes libplist would swallow are reported")
{
    std::string message = read_error(xml_plist("<dict>\n<key>IOClass</key>\n</dict>"));
    CHECK(message.find("Foo.dext/Info.plist:5:") == 0);
    CHECK(message.find("key :IOClass has no value") != std::string::npos);

    message = read_error(xml_plist("<dict><key>a</key><key>b</key><true/></dict>"));
    CHECK(message.find("key :a has no value") != std::string::npos);

    message = read_error(xml_plist("<dict><key>d</key><dict><key>x</key><true/><key>x</key><false/></dict></dict>"));
    CHECK(message.find("key :d:x appears twice") != std::string::npos);

    message = read_error(xml_plist("<dict><key>a</key><true/><string>stray</string></dict>"));
    CHECK(message.find("a <string> in the <dict> at the top level has no <key>") != std::string::npos);

    // The same key in two different dictionaries is fine.
    Property root = read_ok(xml_plist("<dict><key>a</key><dict><key>x</key><true/></dict><key>b</key><dict><key>x</key><true/></dict></dict>"));
    CHECK(root.find("b")->find("x") != nullptr);
}

TEST_CASE("integer-looking text inside comments, CDATA and strings is left alone")
{
    Property root = read_ok(xml_plist("<dict>\n<!-- <integer>nonsense</integer> <key>a</key> -->\n"
                                      "<key>a</key><string><![CDATA[<integer>010</integer>]]></string>\n"
                                      "<key>b&amp;c</key><integer>010</integer></dict>"));
    CHECK(root.find("a")->as_string() == "<integer>010</integer>");
    REQUIRE(root.find("b&c") != nullptr);
    CHECK(root.find("b&c")->as_number() == 10);
}

TEST_CASE("unreadable input gets a message that names the file and the fix")
{
    std::string message = read_error("<plist><dict><key>a</key><string>x</string>");
    CHECK(message == "Foo.dext/Info.plist: not a valid XML or binary property list (libplist could not "
                     "parse it); check that the file is well-formed XML, for example with "
                     "`xmllint --noout Foo.dext/Info.plist`");
    CHECK(read_error("").find("is empty") != std::string::npos);
    CHECK(read_error(" \n").find("is empty") != std::string::npos);
    CHECK(read_error("{ a = 1; }").find("OpenStep or JSON") != std::string::npos);
    CHECK(read_error("bplist00garbagegarbagegarbagegarbage").find("truncated or corrupt") != std::string::npos);
    CHECK(read_error("bplist15whatever").find("format \"bplist15\"") != std::string::npos);
}

TEST_CASE("a UTF-8 byte-order mark before the XML declaration is accepted")
{
    Property root = read_ok("\xEF\xBB\xBF" + xml_plist("<dict><key>a</key><true/></dict>"));
    CHECK(*root.find("a") == Property::boolean(true));
}

TEST_CASE("read_plist_file reads a file and names it in errors")
{
    test::TempDir dir;
    std::string path = dir.write("x.plist", xml_plist("<dict><key>n</key><integer>0x10</integer></dict>"));
    auto result = read_plist_file(path);
    REQUIRE(result.has_value());
    CHECK(result.value().find("n")->as_number() == 16);

    auto missing = read_plist_file(dir.path() + "/absent.plist");
    REQUIRE_FALSE(missing.has_value());
    CHECK(missing.error().message == dir.path() + "/absent.plist: cannot be opened for reading; check that "
                                                  "the file exists and is readable");

    auto folder = read_plist_file(dir.path());
    REQUIRE_FALSE(folder.has_value());
    CHECK(folder.error().message.find("is a folder") != std::string::npos);
}

TEST_CASE("write_plist_xml writes sorted keys and reads back to the same value")
{
    PropertyDict dict;
    dict.emplace("zeta", Property::string("a<b&c"));
    dict.emplace("alpha", Property::number(0x781, 32));
    dict.emplace("huge", Property::number(UINT64_MAX, 64));
    dict.emplace("flag", Property::boolean(false));
    dict.emplace("blob", Property::data({ 0xde, 0xad }));
    dict.emplace("list", Property::array({ Property::string("x"), Property::dict({}) }));
    Property value = Property::dict(dict);

    std::string xml = write_plist_xml(value);
    CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    CHECK(xml.find("<integer>1921</integer>") != std::string::npos);
    CHECK(xml.find("<string>a&lt;b&amp;c</string>") != std::string::npos);
    CHECK(xml.find("<key>alpha</key>") < xml.find("<key>blob</key>"));
    CHECK(xml.find("<key>list</key>") < xml.find("<key>zeta</key>"));

    auto back = read_plist_bytes(bytes_of(xml), "written.plist");
    REQUIRE(back.has_value());
    CHECK(back.value() == value);
    CHECK(back.value().find("huge")->as_number() == UINT64_MAX);
    CHECK(back.value().find("alpha")->number_bits() == 32);
}
