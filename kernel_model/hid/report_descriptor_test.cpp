// The report-descriptor parser on good descriptors (the HID 1.11 boot keyboard, report ids,
// extended usages, Push/Pop) and on broken ones: each error must name the byte at fault.
#include "kernel_model/hid/report_descriptor.h"

#include <doctest/doctest.h>

#include <vector>

using namespace dextlab::kernel::hid;

namespace {

using Bytes = std::vector<uint8_t>;

// HID 1.11 Appendix B.1: the boot-protocol keyboard, 8-byte input report, 1-byte LED output.
Bytes const kBootKeyboard = {
    0x05, 0x01, // Usage Page (Generic Desktop)          §6.2.2.7
    0x09, 0x06, // Usage (Keyboard)                      §6.2.2.8
    0xA1, 0x01, // Collection (Application)              §6.2.2.6
    0x05, 0x07, //   Usage Page (Keyboard/Keypad)
    0x19, 0xE0, //   Usage Minimum (Left Control)
    0x29, 0xE7, //   Usage Maximum (Right GUI)
    0x15, 0x00, //   Logical Minimum (0)
    0x25, 0x01, //   Logical Maximum (1)
    0x75, 0x01, //   Report Size (1 bit)
    0x95, 0x08, //   Report Count (8)
    0x81, 0x02, //   Input (Data, Variable, Absolute): modifier bits
    0x95, 0x01, //   Report Count (1)
    0x75, 0x08, //   Report Size (8)
    0x81, 0x01, //   Input (Constant): reserved byte
    0x95, 0x05, //   Report Count (5)
    0x75, 0x01, //   Report Size (1)
    0x05, 0x08, //   Usage Page (LEDs)
    0x19, 0x01, //   Usage Minimum (Num Lock)
    0x29, 0x05, //   Usage Maximum (Kana)
    0x91, 0x02, //   Output (Data, Variable, Absolute): LED bits
    0x95, 0x01, //   Report Count (1)
    0x75, 0x03, //   Report Size (3)
    0x91, 0x01, //   Output (Constant): padding to a byte
    0x95, 0x06, //   Report Count (6)
    0x75, 0x08, //   Report Size (8)
    0x15, 0x00, //   Logical Minimum (0)
    0x25, 0x65, //   Logical Maximum (101)
    0x05, 0x07, //   Usage Page (Keyboard/Keypad)
    0x19, 0x00, //   Usage Minimum (0)
    0x29, 0x65, //   Usage Maximum (101)
    0x81, 0x00, //   Input (Data, Array): six key codes
    0xC0,       // End Collection
};

ReportDescriptor parse_ok(Bytes const& bytes)
{
    auto parsed = parse_report_descriptor(bytes);
    REQUIRE_MESSAGE(parsed.has_value(), (parsed ? std::string() : parsed.error().message));
    return std::move(parsed).value();
}

// The error's offset and message for a descriptor that must be refused.
std::pair<size_t, std::string> parse_bad(Bytes const& bytes)
{
    size_t offset = 9999;
    auto parsed = parse_report_descriptor(bytes, &offset);
    REQUIRE_FALSE(parsed.has_value());
    return { offset, parsed.error().message };
}

bool contains(std::string const& text, std::string const& part) { return text.find(part) != std::string::npos; }

} // namespace

TEST_CASE("the boot keyboard: one 8-byte input report, one 1-byte output report, no report ids")
{
    ReportDescriptor d = parse_ok(kBootKeyboard);
    CHECK_FALSE(d.uses_report_ids);
    REQUIRE(d.reports.size() == 2);
    Report const* input = d.find(ReportKind::Input, 0);
    Report const* output = d.find(ReportKind::Output, 0);
    REQUIRE(input);
    REQUIRE(output);
    CHECK(input->bits == 64);
    CHECK(d.wire_length(*input) == 8);
    CHECK(output->bits == 8);
    CHECK(d.max_report_size(ReportKind::Input) == 8);
    CHECK(d.max_report_size(ReportKind::Output) == 1);
    CHECK(d.max_report_size(ReportKind::Feature) == 0);
    CHECK(d.find(ReportKind::Feature, 0) == nullptr);
    REQUIRE(output->fields.size() == 2);
    CHECK(output->fields[0].usages == std::vector<UsageRange> { { 0x08, 0x01, 0x05 } });
    CHECK(output->fields[1].constant());
    CHECK(input->fields[2].usages == std::vector<UsageRange> { { 0x07, 0x00, 0x65 } });
    CHECK(d.device_usage_pairs() == std::vector<std::pair<uint32_t, uint32_t>> { { 0x01, 0x06 } });
    REQUIRE(d.collections.size() == 1);
    CHECK(d.collections[0].type == 1);
    CHECK(d.notes.empty());
    auto summary = d.summary();
    REQUIRE(summary.size() == 2);
    CHECK(summary[0] == "input 0: 8 bytes, usages 0x07:0xe0-0xe7 0x07:0x00-0x65");
    CHECK(summary[1] == "output 0: 1 byte, usages 0x08:0x01-0x05");
}

TEST_CASE("report ids prefix every report and count in the maximum sizes")
{
    Bytes bytes = {
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, // Generic Desktop / Keyboard, Application
        0x85, 0x01,                         //   Report ID (1)
        0x05, 0x07, 0x19, 0xE0, 0x29, 0xE7, //   Keyboard page, modifiers
        0x75, 0x01, 0x95, 0x08, 0x81, 0x02, //   8 x 1 bit, Input
        0xC0,                               // End Collection
        0x05, 0x0C, 0x09, 0x01, 0xA1, 0x01, // Consumer / Consumer Control, Application
        0x85, 0x02,                         //   Report ID (2)
        0x0A, 0xE9, 0x00,                   //   Usage (Volume Increment), two data bytes
        0x75, 0x10, 0x95, 0x02, 0x81, 0x00, //   2 x 16 bits, Input (Array)
        0x85, 0x03, 0x75, 0x08, 0x95, 0x04, //   Report ID (3), 4 x 8 bits
        0xB1, 0x02,                         //   Feature
        0xC0,                               // End Collection
    };
    ReportDescriptor d = parse_ok(bytes);
    CHECK(d.uses_report_ids);
    Report const* keys = d.find(ReportKind::Input, 1);
    Report const* consumer = d.find(ReportKind::Input, 2);
    Report const* feature = d.find(ReportKind::Feature, 3);
    REQUIRE(keys);
    REQUIRE(consumer);
    REQUIRE(feature);
    CHECK(d.wire_length(*keys) == 2);     // id + 1 byte
    CHECK(d.wire_length(*consumer) == 5); // id + 4 bytes
    CHECK(d.max_report_size(ReportKind::Input) == 5);
    CHECK(d.max_report_size(ReportKind::Feature) == 5);
    CHECK(d.find(ReportKind::Input, 0) == nullptr);
    CHECK(consumer->fields[0].usages == std::vector<UsageRange> { { 0x0C, 0xE9, 0xE9 } });
    CHECK(d.device_usage_pairs() == std::vector<std::pair<uint32_t, uint32_t>> { { 0x01, 0x06 }, { 0x0C, 0x01 } });
}

TEST_CASE("a 4-byte usage carries its own page, Push and Pop save and restore the globals")
{
    Bytes bytes = {
        0x05, 0x01, 0x09, 0x02, 0xA1, 0x01,             // Generic Desktop / Mouse, Application
        0x09, 0x01, 0xA1, 0x00,                         //   Pointer, Physical
        0x75, 0x08, 0x95, 0x02,                         //     2 x 8 bits
        0xA4,                                           //     Push
        0x05, 0x09, 0x75, 0x01, 0x95, 0x03,             //     Button page, 3 x 1 bit
        0x19, 0x01, 0x29, 0x03, 0x81, 0x02,             //     Input: buttons
        0x95, 0x05, 0x81, 0x01,                         //     5 bits padding
        0xB4,                                           //     Pop: back to 2 x 8 bits, Generic Desktop
        0x0B, 0x30, 0x00, 0x01, 0x00,                   //     Usage (Generic Desktop:X), extended
        0x09, 0x31, 0x81, 0x06,                         //     Usage (Y), Input (Relative)
        0xC0, 0xC0,
    };
    ReportDescriptor d = parse_ok(bytes);
    Report const* input = d.find(ReportKind::Input, 0);
    REQUIRE(input);
    CHECK(input->bits == 3 + 5 + 16);
    REQUIRE(input->fields.size() == 3);
    CHECK(input->fields[0].usages == std::vector<UsageRange> { { 0x09, 0x01, 0x03 } });
    CHECK(input->fields[2].usages == std::vector<UsageRange> { { 0x01, 0x30, 0x30 }, { 0x01, 0x31, 0x31 } });
    // Both collections name a device function (Physical counts too), each pair once.
    CHECK(d.device_usage_pairs() == std::vector<std::pair<uint32_t, uint32_t>> { { 0x01, 0x02 }, { 0x01, 0x01 } });
    CHECK(d.collections[1].depth == 1);
}

TEST_CASE("a well-formed long item is skipped with a note, a truncated one is an error")
{
    Bytes good = kBootKeyboard;
    good.insert(good.begin() + 6, { 0xFE, 0x02, 0xF0, 0xAA, 0xBB }); // long item, tag 0xf0, 2 data bytes
    ReportDescriptor d = parse_ok(good);
    CHECK(d.find(ReportKind::Input, 0)->bits == 64);
    REQUIRE(d.notes.size() == 1);
    CHECK(contains(d.notes[0], "byte 6: long item (tag 0xf0, 2 data bytes) skipped"));

    auto [offset, message] = parse_bad({ 0x05, 0x01, 0xFE, 0x05, 0xF0, 0x01, 0x02 });
    CHECK(offset == 2);
    CHECK(contains(message, "byte 2: the long item with tag 0xf0 says it holds 5 data bytes, but only 2 follow"));
    auto [header_offset, header_message] = parse_bad({ 0x05, 0x01, 0xFE, 0x05 });
    CHECK(header_offset == 2);
    CHECK(contains(header_message, "needs a size byte and a tag byte"));
}

TEST_CASE("truncated short items name the item and the byte")
{
    Bytes cut(kBootKeyboard.begin(), kBootKeyboard.begin() + 19); // ends inside Report Count (0x95)
    auto [offset, message] = parse_bad(cut);
    CHECK(offset == 18);
    CHECK(contains(message, "byte 18: Report Count (0x95) needs 1 data byte, but the descriptor ends after 0"));
    auto [offset2, message2] = parse_bad({ 0x05, 0x01, 0x0A, 0xE9 }); // 2-byte usage with one byte
    CHECK(offset2 == 2);
    CHECK(contains(message2, "Usage (0x0a) needs 2 data bytes"));
}

TEST_CASE("unbalanced collections are refused where they go wrong")
{
    Bytes extra_end = kBootKeyboard;
    extra_end.push_back(0xC0);
    auto [offset, message] = parse_bad(extra_end);
    CHECK(offset == kBootKeyboard.size());
    CHECK(contains(message, "End Collection (0xc0) closes no open Collection"));

    Bytes unclosed(kBootKeyboard.begin(), kBootKeyboard.end() - 1);
    auto [open_offset, open_message] = parse_bad(unclosed);
    CHECK(open_offset == 4);
    CHECK(contains(open_message, "the Application Collection (usage page 0x01, usage 0x06) is never closed"));

    Bytes deep;
    for (int i = 0; i <= kMaxCollectionDepth; ++i)
        deep.insert(deep.end(), { 0xA1, 0x02 });
    auto [deep_offset, deep_message] = parse_bad(deep);
    CHECK(deep_offset == static_cast<size_t>(2 * kMaxCollectionDepth));
    CHECK(contains(deep_message, "nested 33 deep"));
}

TEST_CASE("absurd sizes are refused")
{
    auto [size_offset, size_message] = parse_bad({ 0x05, 0x01, 0x76, 0x2C, 0x01 }); // Report Size 300
    CHECK(size_offset == 2);
    CHECK(contains(size_message, "Report Size 300 bits"));
    // 65535 fields of 8 bits: a 64 KiB report.
    auto [count_offset, count_message] = parse_bad({ 0x05, 0x01, 0xA1, 0x01, 0x75, 0x08, 0x96, 0xFF, 0xFF, 0x81, 0x02, 0xC0 });
    CHECK(count_offset == 9);
    CHECK(contains(count_message, "makes input report 0 65535 bytes long"));
}

TEST_CASE("report ids: 0 is reserved, and once ids are used every report needs one")
{
    auto [zero_offset, zero_message] = parse_bad({ 0x05, 0x01, 0x85, 0x00 });
    CHECK(zero_offset == 2);
    CHECK(contains(zero_message, "Report ID 0 is not allowed"));
    Bytes mixed = {
        0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x75, 0x08, 0x95, 0x01,
        0x81, 0x02,       // byte 10: an input field with no Report ID yet
        0x85, 0x02, 0x81, 0x02, 0xC0,
    };
    auto [offset, message] = parse_bad(mixed);
    CHECK(offset == 10);
    CHECK(contains(message, "comes before any Report ID, but the descriptor uses report ids (the first at byte 12)"));
}

TEST_CASE("reserved items, stray Pop, reversed usage ranges and an empty descriptor")
{
    CHECK(parse_bad({ 0x05, 0x01, 0xD0 }).first == 2);                                   // reserved Main tag
    CHECK(contains(parse_bad({ 0x05, 0x01, 0xD0 }).second, "reserved Main item tag"));
    CHECK(contains(parse_bad({ 0x05, 0x01, 0x0C }).second, "byte 2: 0x0c has the reserved item type 3"));
    CHECK(contains(parse_bad({ 0x05, 0x01, 0xB4 }).second, "byte 2: Pop (0xb4) with no Push"));
    CHECK(contains(parse_bad({ 0x05, 0x07, 0x19, 0x10, 0x29, 0x05 }).second, "byte 4: Usage Maximum 0x05 is below the Usage Minimum 0x10"));
    auto [offset, message] = parse_bad({});
    CHECK(offset == 0);
    CHECK(contains(message, "the report descriptor is empty"));
}

TEST_CASE("hex_bytes prints what the USB traces print")
{
    Bytes bytes { 0x00, 0x0a, 0xff };
    CHECK(hex_bytes(bytes) == "000aff");
    CHECK(hex_bytes({}).empty());
}
