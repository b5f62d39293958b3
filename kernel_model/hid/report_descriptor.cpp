// The report-descriptor parser. Item layout (HID 1.11 §6.2.2.2): a prefix byte holding the tag
// (bits 7-4), the type (bits 3-2: Main, Global, Local, reserved) and the data size (bits 1-0:
// 0, 1, 2 or 4 bytes), then the data, little endian. 0xFE starts a long item (§6.2.2.3): a data
// size byte, a tag byte and the data. Global items set state that lasts (Push and Pop save and
// restore it); Local items describe the next Main item only; each Input, Output or Feature item
// appends Report Count fields of Report Size bits to the report of the current Report ID.

#include "report_descriptor.h"

#include <algorithm>
#include <cstdio>
#include <optional>

namespace dextlab::kernel::hid {

namespace {

enum class ItemType : uint8_t { Main = 0, Global = 1, Local = 2, Reserved = 3 };

// Tags (§6.2.2.4 Main, §6.2.2.7 Global, §6.2.2.8 Local).
enum MainTag : uint8_t { kInput = 0x8, kOutput = 0x9, kCollection = 0xA, kFeature = 0xB, kEndCollection = 0xC };
enum GlobalTag : uint8_t {
    kUsagePage = 0x0,
    kLogicalMinimum = 0x1,
    kLogicalMaximum = 0x2,
    kPhysicalMinimum = 0x3,
    kPhysicalMaximum = 0x4,
    kUnitExponent = 0x5,
    kUnit = 0x6,
    kReportSize = 0x7,
    kReportId = 0x8,
    kReportCount = 0x9,
    kPush = 0xA,
    kPop = 0xB,
};
enum LocalTag : uint8_t { kUsage = 0x0, kUsageMinimum = 0x1, kUsageMaximum = 0x2 };
constexpr uint8_t kLongItemPrefix = 0xFE;
constexpr size_t kMaxNotes = 16;

struct Item {
    size_t offset { 0 };
    uint8_t prefix { 0 };
    ItemType type { ItemType::Main };
    uint8_t tag { 0 };
    uint32_t size { 0 }; // data bytes
    uint32_t data { 0 }; // unsigned, little endian
};

char const* item_name(ItemType type, uint8_t tag)
{
    static constexpr char const* kMain[16] = { nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, "Input",
        "Output", "Collection", "Feature", "End Collection", nullptr, nullptr, nullptr };
    static constexpr char const* kGlobal[16] = { "Usage Page", "Logical Minimum", "Logical Maximum", "Physical Minimum",
        "Physical Maximum", "Unit Exponent", "Unit", "Report Size", "Report ID", "Report Count", "Push", "Pop", nullptr, nullptr,
        nullptr, nullptr };
    static constexpr char const* kLocal[16] = { "Usage", "Usage Minimum", "Usage Maximum", "Designator Index", "Designator Minimum",
        "Designator Maximum", nullptr, "String Index", "String Minimum", "String Maximum", "Delimiter", nullptr, nullptr, nullptr,
        nullptr, nullptr };
    char const* name = nullptr;
    switch (type) {
    case ItemType::Main: name = kMain[tag & 0xF]; break;
    case ItemType::Global: name = kGlobal[tag & 0xF]; break;
    case ItemType::Local: name = kLocal[tag & 0xF]; break;
    case ItemType::Reserved: break;
    }
    return name ? name : "reserved item";
}

std::string hex(uint64_t value, int digits = 2)
{
    char buffer[24];
    std::snprintf(buffer, sizeof buffer, "0x%0*llx", digits, static_cast<unsigned long long>(value));
    return buffer;
}

std::string describe(Item const& item) { return std::string(item_name(item.type, item.tag)) + " (" + hex(item.prefix) + ")"; }

char const* collection_type_name(uint8_t type)
{
    static constexpr char const* kNames[] = { "Physical", "Application", "Logical", "Report", "Named Array", "Usage Switch",
        "Usage Modifier" };
    return type < std::size(kNames) ? kNames[type] : "vendor/reserved";
}

// The state Global items set (§6.2.2.7); Push and Pop save and restore it whole.
struct Globals {
    uint32_t usage_page { 0 };
    uint32_t report_size { 0 };
    uint32_t report_count { 0 };
    uint8_t report_id { 0 };
};

// A usage as written: 1- and 2-byte usages take the Usage Page current at the Main item; a
// 4-byte usage carries its own page in the high 16 bits (§6.2.2.8).
struct RawUsage {
    uint32_t value { 0 };
    bool extended { false };
};

struct Locals {
    std::vector<std::pair<RawUsage, RawUsage>> usages; // first, last (equal for a single usage)
    std::optional<RawUsage> minimum;
    size_t minimum_offset { 0 };

    void clear() { *this = Locals {}; }
};

struct OpenCollection {
    size_t offset;
    uint8_t type;
    uint32_t usage_page;
    uint32_t usage;
};

class Parser {
public:
    explicit Parser(std::span<uint8_t const> bytes)
        : m_bytes(bytes)
    {
    }

    ErrorOr<ReportDescriptor> run(size_t* error_offset);

private:
    ErrorOr<Item> read_item(size_t offset);
    ErrorOr<void> main_item(Item const& item);
    ErrorOr<void> data_item(Item const& item, ReportKind kind);
    ErrorOr<void> global_item(Item const& item);
    ErrorOr<void> local_item(Item const& item);
    ErrorOr<void> finish();
    Error fail(size_t offset, std::string const& what)
    {
        m_error_offset = offset;
        return Error::with("byte " + std::to_string(offset) + ": " + what);
    }
    void note(std::string text)
    {
        if (m_result.notes.size() < kMaxNotes)
            m_result.notes.push_back(std::move(text));
    }
    UsageRange resolve(RawUsage first, RawUsage last) const;
    Report& report_for(ReportKind kind, uint8_t id);

    std::span<uint8_t const> m_bytes;
    ReportDescriptor m_result;
    Globals m_globals;
    std::vector<Globals> m_pushed;
    Locals m_locals;
    std::vector<OpenCollection> m_open;
    std::optional<size_t> m_first_report_id;  // offset of the first Report ID item
    std::optional<size_t> m_first_unnumbered; // offset of the first data item before any Report ID
    size_t m_error_offset { 0 };
};

ErrorOr<ReportDescriptor> Parser::run(size_t* error_offset)
{
    auto outcome = [&]() -> ErrorOr<void> {
        if (m_bytes.empty())
            return fail(0, "the report descriptor is empty; newReportDescriptor must return the descriptor's bytes");
        size_t offset = 0;
        while (offset < m_bytes.size()) {
            Item item = TRY(read_item(offset));
            if (item.prefix == kLongItemPrefix) {
                offset += 3 + item.size;
                continue;
            }
            switch (item.type) {
            case ItemType::Main: TRY(main_item(item)); break;
            case ItemType::Global: TRY(global_item(item)); break;
            case ItemType::Local: TRY(local_item(item)); break;
            case ItemType::Reserved:
                return fail(offset, hex(item.prefix) + " has the reserved item type 3 and is not a HID item; check that the "
                                                       "descriptor's bytes start where they should and that its length is right");
            }
            offset += 1 + item.size;
        }
        return finish();
    }();
    if (!outcome) {
        if (error_offset)
            *error_offset = m_error_offset;
        return outcome.release_error();
    }
    return std::move(m_result);
}

ErrorOr<Item> Parser::read_item(size_t offset)
{
    Item item;
    item.offset = offset;
    item.prefix = m_bytes[offset];
    size_t left = m_bytes.size() - offset - 1;
    if (item.prefix == kLongItemPrefix) {
        if (left < 2)
            return fail(offset, "a long item (0xfe) needs a size byte and a tag byte, but the descriptor ends after "
                    + std::to_string(left) + "; it was cut short");
        item.size = m_bytes[offset + 1];
        item.tag = m_bytes[offset + 2];
        if (left - 2 < item.size)
            return fail(offset, "the long item with tag " + hex(item.tag) + " says it holds " + std::to_string(item.size)
                    + " data bytes, but only " + std::to_string(left - 2) + " follow; it was cut short");
        note("byte " + std::to_string(offset) + ": long item (tag " + hex(item.tag) + ", " + std::to_string(item.size)
            + " data bytes) skipped: HID 1.11 §6.2.2.3 defines no long item tags");
        return item;
    }
    static constexpr uint32_t kSizes[4] = { 0, 1, 2, 4 };
    item.size = kSizes[item.prefix & 0x3];
    item.type = static_cast<ItemType>((item.prefix >> 2) & 0x3);
    item.tag = item.prefix >> 4;
    if (left < item.size)
        return fail(offset, describe(item) + " needs " + std::to_string(item.size) + " data byte" + (item.size == 1 ? "" : "s")
                + ", but the descriptor ends after " + std::to_string(left) + "; it was cut short (check the length of the "
                  "OSData newReportDescriptor returns)");
    for (uint32_t i = 0; i < item.size; ++i)
        item.data |= static_cast<uint32_t>(m_bytes[offset + 1 + i]) << (8 * i);
    return item;
}

UsageRange Parser::resolve(RawUsage first, RawUsage last) const
{
    auto page_of = [&](RawUsage u) { return u.extended ? u.value >> 16 : m_globals.usage_page; };
    auto id_of = [](RawUsage u) { return u.extended ? u.value & 0xFFFF : u.value; };
    return UsageRange { page_of(first), id_of(first), id_of(last) };
}

Report& Parser::report_for(ReportKind kind, uint8_t id)
{
    for (auto& report : m_result.reports) {
        if (report.kind == kind && report.id == id)
            return report;
    }
    m_result.reports.push_back(Report { kind, id, 0, {} });
    return m_result.reports.back();
}

ErrorOr<void> Parser::main_item(Item const& item)
{
    switch (item.tag) {
    case kInput: TRY(data_item(item, ReportKind::Input)); break;
    case kOutput: TRY(data_item(item, ReportKind::Output)); break;
    case kFeature: TRY(data_item(item, ReportKind::Feature)); break;
    case kCollection: {
        if (static_cast<int>(m_open.size()) >= kMaxCollectionDepth)
            return fail(item.offset, "Collection nested " + std::to_string(m_open.size() + 1) + " deep; the lab accepts "
                    + std::to_string(kMaxCollectionDepth) + " levels (is an End Collection missing?)");
        uint8_t type = static_cast<uint8_t>(item.data & 0xFF);
        UsageRange usage { m_globals.usage_page, 0, 0 };
        if (!m_locals.usages.empty())
            usage = resolve(m_locals.usages.front().first, m_locals.usages.front().first);
        m_result.collections.push_back(Collection { type, usage.page, usage.first, static_cast<int>(m_open.size()), item.offset });
        m_open.push_back(OpenCollection { item.offset, type, usage.page, usage.first });
        break;
    }
    case kEndCollection:
        if (m_open.empty())
            return fail(item.offset, "End Collection (0xc0) closes no open Collection; remove it, or add the Collection it "
                                     "should end before it");
        m_open.pop_back();
        break;
    default:
        return fail(item.offset, hex(item.prefix) + " is a reserved Main item tag (" + hex(item.tag, 1)
                + "); HID 1.11 defines Input 0x80, Output 0x90, Feature 0xb0, Collection 0xa0 and End Collection 0xc0");
    }
    m_locals.clear(); // Local items describe one Main item only
    return {};
}

ErrorOr<void> Parser::data_item(Item const& item, ReportKind kind)
{
    ReportField field;
    field.size = m_globals.report_size;
    field.count = m_globals.report_count;
    field.flags = item.data;
    field.offset = item.offset;
    for (auto const& [first, last] : m_locals.usages)
        field.usages.push_back(resolve(first, last));
    if (m_locals.minimum) {
        note("byte " + std::to_string(m_locals.minimum_offset) + ": Usage Minimum without a Usage Maximum; read as one usage");
        field.usages.push_back(resolve(*m_locals.minimum, *m_locals.minimum));
    }
    if (m_globals.report_id == 0 && !m_first_unnumbered)
        m_first_unnumbered = item.offset;
    Report& report = report_for(kind, m_globals.report_id);
    uint64_t bits = static_cast<uint64_t>(report.bits) + static_cast<uint64_t>(field.size) * field.count;
    if (bits > static_cast<uint64_t>(kMaxReportBytes) * 8)
        return fail(item.offset, describe(item) + " makes " + to_string(kind) + " report " + std::to_string(report.id) + " "
                + std::to_string((bits + 7) / 8) + " bytes long (Report Size " + std::to_string(field.size) + " x Report Count "
                + std::to_string(field.count) + "); the lab accepts reports up to " + std::to_string(kMaxReportBytes)
                + " bytes: check Report Count");
    report.bits = static_cast<uint32_t>(bits);
    report.fields.push_back(std::move(field));
    return {};
}

ErrorOr<void> Parser::global_item(Item const& item)
{
    switch (item.tag) {
    case kUsagePage:
        m_globals.usage_page = item.data;
        break;
    case kReportSize:
        if (item.data > kMaxFieldBits)
            return fail(item.offset, "Report Size " + std::to_string(item.data) + " bits is beyond any real field; the lab accepts up to "
                    + std::to_string(kMaxFieldBits) + " bits (Report Size counts bits, Report Count counts fields)");
        m_globals.report_size = item.data;
        break;
    case kReportCount:
        m_globals.report_count = item.data;
        break;
    case kReportId:
        if (item.data == 0 || item.data > 0xFF)
            return fail(item.offset, "Report ID " + std::to_string(item.data) + " is not allowed: report ids are 1 to 255 "
                                                                                "(0 is reserved, HID 1.11 §6.2.2.7)");
        m_globals.report_id = static_cast<uint8_t>(item.data);
        m_result.uses_report_ids = true;
        if (!m_first_report_id)
            m_first_report_id = item.offset;
        break;
    case kPush:
        if (static_cast<int>(m_pushed.size()) >= kMaxPushDepth)
            return fail(item.offset, "Push nested " + std::to_string(m_pushed.size() + 1) + " deep; the lab accepts "
                    + std::to_string(kMaxPushDepth) + " (is a Pop missing?)");
        m_pushed.push_back(m_globals);
        break;
    case kPop:
        if (m_pushed.empty())
            return fail(item.offset, "Pop (0xb4) with no Push before it; remove it or add the Push (0xa4) it pairs with");
        m_globals = m_pushed.back();
        m_pushed.pop_back();
        break;
    case kLogicalMinimum:
    case kLogicalMaximum:
    case kPhysicalMinimum:
    case kPhysicalMaximum:
    case kUnitExponent:
    case kUnit:
        break; // values of fields, not their layout
    default:
        note("byte " + std::to_string(item.offset) + ": reserved Global item " + hex(item.prefix) + " ignored");
        break;
    }
    return {};
}

ErrorOr<void> Parser::local_item(Item const& item)
{
    RawUsage usage { item.data, item.size == 4 };
    switch (item.tag) {
    case kUsage:
        m_locals.usages.emplace_back(usage, usage);
        break;
    case kUsageMinimum:
        m_locals.minimum = usage;
        m_locals.minimum_offset = item.offset;
        break;
    case kUsageMaximum: {
        if (!m_locals.minimum) {
            note("byte " + std::to_string(item.offset) + ": Usage Maximum without a Usage Minimum; read as one usage");
            m_locals.usages.emplace_back(usage, usage);
            break;
        }
        UsageRange range = resolve(*m_locals.minimum, usage);
        if (range.last < range.first)
            return fail(item.offset, "Usage Maximum " + hex(range.last) + " is below the Usage Minimum " + hex(range.first)
                    + " at byte " + std::to_string(m_locals.minimum_offset) + "; swap them");
        m_locals.usages.emplace_back(*m_locals.minimum, usage);
        m_locals.minimum.reset();
        break;
    }
    default:
        break; // designators, strings and delimiters say nothing about the layout
    }
    return {};
}

ErrorOr<void> Parser::finish()
{
    if (!m_open.empty()) {
        OpenCollection const& open = m_open.back();
        return fail(open.offset, std::string("the ") + collection_type_name(open.type) + " Collection (usage page " + hex(open.usage_page)
                + ", usage " + hex(open.usage) + ") is never closed; add End Collection (0xc0) for it");
    }
    if (m_result.uses_report_ids && m_first_unnumbered)
        return fail(*m_first_unnumbered, "this Input, Output or Feature item comes before any Report ID, but the descriptor uses report ids "
                                         "(the first at byte "
                + std::to_string(*m_first_report_id) + "); every report then needs one: put a Report ID item before it");
    if (m_result.reports.empty())
        note("the descriptor declares no Input, Output or Feature items: the device has no reports");
    return {};
}

} // namespace

char const* to_string(ReportKind kind)
{
    switch (kind) {
    case ReportKind::Input: return "input";
    case ReportKind::Output: return "output";
    case ReportKind::Feature: return "feature";
    }
    return "?";
}

Report const* ReportDescriptor::find(ReportKind kind, uint8_t id) const
{
    for (auto const& report : reports) {
        if (report.kind == kind && report.id == id)
            return &report;
    }
    return nullptr;
}

uint32_t ReportDescriptor::max_report_size(ReportKind kind) const
{
    uint32_t longest = 0;
    for (auto const& report : reports) {
        if (report.kind == kind)
            longest = std::max(longest, wire_length(report));
    }
    return longest;
}

std::vector<std::pair<uint32_t, uint32_t>> ReportDescriptor::device_usage_pairs() const
{
    std::vector<std::pair<uint32_t, uint32_t>> pairs;
    for (auto const& c : collections) {
        if (c.type > 1) // only Physical (0) and Application (1) collections name a device function
            continue;
        std::pair<uint32_t, uint32_t> pair { c.usage_page, c.usage };
        if (std::find(pairs.begin(), pairs.end(), pair) == pairs.end())
            pairs.push_back(pair);
    }
    return pairs;
}

std::vector<std::string> ReportDescriptor::summary() const
{
    std::vector<std::string> lines;
    for (auto const& report : reports) {
        uint32_t length = wire_length(report);
        std::string line = std::string(to_string(report.kind)) + " " + std::to_string(report.id) + ": " + std::to_string(length)
            + (length == 1 ? " byte" : " bytes");
        std::string usages;
        for (auto const& field : report.fields) {
            if (field.constant())
                continue;
            for (auto const& u : field.usages) {
                usages += " " + hex(u.page) + ":" + hex(u.first);
                if (u.last != u.first)
                    usages += "-" + hex(u.last);
            }
        }
        if (!usages.empty())
            line += ", usages" + usages;
        lines.push_back(std::move(line));
    }
    return lines;
}

ErrorOr<ReportDescriptor> parse_report_descriptor(std::span<uint8_t const> bytes, size_t* error_offset)
{
    return Parser(bytes).run(error_offset);
}

std::string hex_bytes(std::span<uint8_t const> bytes)
{
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        text += kDigits[b >> 4];
        text += kDigits[b & 0xF];
    }
    return text;
}

} // namespace dextlab::kernel::hid
