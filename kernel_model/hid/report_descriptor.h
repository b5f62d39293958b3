#pragma once
// A HID report descriptor, parsed and checked (Device Class Definition for HID 1.11, §6.2.2):
// which input, output and feature reports the device sends or takes, their report ids, sizes and
// usages, and the collections that give the device its usage pairs. The kernel parses what a
// dext's newReportDescriptor returns before the device is published, and checks every report
// against it. A descriptor the lab cannot trust is an error naming the byte where it goes wrong,
// never a guess.

#include "sim/core/error.h"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace dextlab::kernel::hid {

// IOHIDReportType's values (IOHIDDeviceTypes.h).
enum class ReportKind : uint8_t { Input = 0, Output = 1, Feature = 2 };
char const* to_string(ReportKind kind); // "input", "output", "feature"

// Usages `first`..`last` of `page` (one usage when first == last).
struct UsageRange {
    uint32_t page { 0 };
    uint32_t first { 0 };
    uint32_t last { 0 };
    bool operator==(UsageRange const&) const = default;
};

// One Input, Output or Feature main item: `count` fields of `size` bits.
struct ReportField {
    uint32_t size { 0 };
    uint32_t count { 0 };
    uint32_t flags { 0 }; // the main item's data bits (bit 0: constant, bit 1: variable)
    std::vector<UsageRange> usages;
    size_t offset { 0 }; // of the main item in the descriptor

    bool constant() const { return flags & 0x1; }
};

// Every field of one report type with one report id, in order.
struct Report {
    ReportKind kind { ReportKind::Input };
    uint8_t id { 0 }; // 0 when the descriptor declares no report ids
    uint32_t bits { 0 };
    std::vector<ReportField> fields;

    // The report's bytes on the wire, without the report-id byte.
    uint32_t payload_bytes() const { return (bits + 7) / 8; }
};

struct Collection {
    uint8_t type { 0 }; // 0 Physical, 1 Application, 2 Logical, ... (§6.2.2.6)
    uint32_t usage_page { 0 };
    uint32_t usage { 0 };
    int depth { 0 }; // 0 for a top-level collection
    size_t offset { 0 };
};

struct ReportDescriptor {
    bool uses_report_ids { false };
    std::vector<Report> reports;         // in the order they first appear
    std::vector<Collection> collections; // in document order
    std::vector<std::string> notes;      // well-formed oddities worth telling (a skipped long item, ...)

    Report const* find(ReportKind kind, uint8_t id) const;
    // A report's full length on the wire: its payload plus the report-id byte when ids are used.
    uint32_t wire_length(Report const& report) const { return report.payload_bytes() + (uses_report_ids ? 1 : 0); }
    // IOHIDDevice's MaxInputReportSize / MaxOutputReportSize / MaxFeatureReportSize: the longest
    // report of that kind, report-id byte included; 0 when there is none.
    uint32_t max_report_size(ReportKind kind) const;
    // DeviceUsagePairs as IOHIDDevice publishes them: the usage page and usage of every
    // Application or Physical collection, at any depth, in order, each pair once.
    std::vector<std::pair<uint32_t, uint32_t>> device_usage_pairs() const;
    // One line per report: "input 0: 8 bytes, usages 0x07:0xe0-0xe7 0x07:0x00-0x65".
    std::vector<std::string> summary() const;
};

// Limits the lab puts on one descriptor (HID 1.11 sets none; these keep a broken descriptor from
// describing reports no device sends). Linux's hid-core refuses the same kind of values.
inline constexpr uint32_t kMaxFieldBits = 256;        // Report Size
inline constexpr uint32_t kMaxReportBytes = 16384;    // one report, id byte excluded
inline constexpr int kMaxCollectionDepth = 32;
inline constexpr int kMaxPushDepth = 16;

// Parses and checks `bytes`. An error message starts with "byte N" (N the offset of the item at
// fault), says what is wrong and how to fix it; `error_offset`, if given, receives N.
ErrorOr<ReportDescriptor> parse_report_descriptor(std::span<uint8_t const> bytes, size_t* error_offset = nullptr);

// "c0ffee": bytes as lower-case hex without separators, as the USB traces print data.
std::string hex_bytes(std::span<uint8_t const> bytes);

} // namespace dextlab::kernel::hid
