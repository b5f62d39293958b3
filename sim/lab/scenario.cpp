// Scenario files: YAML read by yaml-cpp 0.7, then checked against our own strict schema.
//
// yaml-cpp is used only to build the node tree and to report positions. Every scalar is read
// as text and converted here, because yaml-cpp's own conversions follow YAML 1.1 (`010` is
// octal 8, `no` is false) and would silently change what the author wrote.
//
// [SECTION] SourceLocation and Comparison (public helpers)
// [SECTION] Source: the file's text, positions and error messages
// [SECTION] Plain-text number, duration and comparison parsing
// [SECTION] Typed readers: a map entry's value as string, number, duration, bool, comparison
// [SECTION] Maps: entries, duplicate keys, known keys
// [SECTION] ScenarioParser: top level, dexts, steps
// [SECTION] ScenarioParser: the app and its client steps; hid steps
// [SECTION] ScenarioParser: plug, unplug, ioreg, crash
// [SECTION] ScenarioParser: expect
// [SECTION] Loading: syntax errors, unterminated quotes, files

#include "sim/lab/scenario.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <set>
#include <span>
#include <sstream>
#include <string_view>

namespace dextlab::lab {

// [SECTION] SourceLocation and Comparison (public helpers)

std::string SourceLocation::to_string() const
{
    return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

bool Comparison::holds(uint64_t actual) const
{
    switch (op) {
    case Op::Equal:
        return actual == value;
    case Op::NotEqual:
        return actual != value;
    case Op::Less:
        return actual < value;
    case Op::LessEqual:
        return actual <= value;
    case Op::Greater:
        return actual > value;
    case Op::GreaterEqual:
        return actual >= value;
    }
    return false;
}

namespace {

struct OperatorSpelling {
    std::string_view text;
    Comparison::Op op;
};

// Two-character operators come first so that ">=" is not read as ">" followed by "=".
constexpr std::array<OperatorSpelling, 6> k_operators { {
    { "==", Comparison::Op::Equal },
    { "!=", Comparison::Op::NotEqual },
    { "<=", Comparison::Op::LessEqual },
    { ">=", Comparison::Op::GreaterEqual },
    { "<", Comparison::Op::Less },
    { ">", Comparison::Op::Greater },
} };

} // namespace

std::string Comparison::to_string() const
{
    for (auto const& spelling : k_operators) {
        if (spelling.op == op)
            return std::string(spelling.text) + " " + std::to_string(value);
    }
    return "?? " + std::to_string(value);
}

namespace {

// [SECTION] Source: the file's text, positions and error messages

// The text being parsed. yaml-cpp positions are byte offsets into the text it was given, so we
// keep the same text to look at what the author actually typed (quotes, tabs, null values).
class Source {
public:
    Source(std::string file, std::string text)
        : m_file(std::move(file))
        , m_text(std::move(text))
    {
    }

    std::string const& file() const { return m_file; }
    std::string const& text() const { return m_text; }

    SourceLocation where(YAML::Mark const& mark) const
    {
        // yaml-cpp counts lines and columns from 0; editors and compilers count from 1.
        if (mark.is_null())
            return { m_file, 1, 1 };
        return { m_file, mark.line + 1, mark.column + 1 };
    }

    // An empty value (`run:` with nothing after it) carries the mark of the *next* token,
    // often on the next line; point at the `:` or `-` that introduced it instead.
    SourceLocation where(YAML::Node const& node) const
    {
        YAML::Mark mark = node.Mark();
        if (!node.IsNull() || mark.is_null() || mark.pos <= 0 || written_null_at(mark.pos))
            return where(mark);
        size_t pos = std::min(static_cast<size_t>(mark.pos), m_text.size());
        while (pos > 0 && std::isspace(static_cast<unsigned char>(m_text[pos - 1])))
            --pos;
        return pos == 0 ? where(mark) : location_of_offset(pos - 1);
    }

    std::string_view line_text(int line_from_zero) const
    {
        size_t start = 0;
        for (int line = 0; line < line_from_zero && start != std::string::npos; ++line) {
            start = m_text.find('\n', start);
            if (start != std::string::npos)
                ++start;
        }
        if (start == std::string::npos || start > m_text.size())
            return {};
        size_t end = m_text.find('\n', start);
        return std::string_view(m_text).substr(start, end == std::string::npos ? std::string::npos : end - start);
    }

    Error error(SourceLocation const& at, std::string const& message) const
    {
        return Error::with(at.to_string() + ": " + message);
    }

    SourceLocation location_of_offset(size_t offset) const
    {
        int line = 1;
        size_t line_start = 0;
        for (size_t i = 0; i < offset && i < m_text.size(); ++i) {
            if (m_text[i] == '\n') {
                ++line;
                line_start = i + 1;
            }
        }
        return { m_file, line, static_cast<int>(offset - line_start) + 1 };
    }

private:
    bool written_null_at(int pos) const
    {
        if (static_cast<size_t>(pos) >= m_text.size())
            return false;
        std::string_view rest = std::string_view(m_text).substr(static_cast<size_t>(pos));
        return rest.starts_with("~") || rest.starts_with("null") || rest.starts_with("Null") || rest.starts_with("NULL");
    }

    std::string m_file;
    std::string m_text;
};

std::string in_quotes(std::string_view text)
{
    // Long or multi-line values are cut so that an error stays one readable line.
    text = text.substr(0, text.find_last_not_of('\n') + 1);
    std::string shown(text.substr(0, text.find('\n')));
    if (shown.size() > 40 || shown.size() < text.size())
        shown = shown.substr(0, 40) + "...";
    return "'" + shown + "'";
}

// What a node is, for "got ..." in messages.
std::string describe(YAML::Node const& node)
{
    switch (node.Type()) {
    case YAML::NodeType::Scalar:
        return in_quotes(node.Scalar());
    case YAML::NodeType::Sequence:
        return node.size() == 0 ? "an empty list" : "a list";
    case YAML::NodeType::Map:
        return node.size() == 0 ? "an empty map" : "a map";
    default:
        return "nothing";
    }
}

std::string join(std::span<std::string_view const> words)
{
    std::string out;
    for (auto word : words)
        out += (out.empty() ? "" : ", ") + std::string(word);
    return out;
}

// [SECTION] Plain-text number, duration and comparison parsing
//
// These return an Error whose message is only the reason ("'010' has a leading zero ..."); the
// typed readers below prefix the location and the key.

ErrorOr<uint64_t> parse_digits(std::string_view digits, unsigned base, std::string_view whole)
{
    if (digits.empty())
        return Error::with(in_quotes(whole) + " has no digits");
    uint64_t value = 0;
    for (char c : digits) {
        unsigned digit;
        if (c >= '0' && c <= '9')
            digit = static_cast<unsigned>(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f')
            digit = static_cast<unsigned>(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F')
            digit = static_cast<unsigned>(c - 'A' + 10);
        else
            return Error::with(in_quotes(whole) + " is not a number");
        if (value > (std::numeric_limits<uint64_t>::max() - digit) / base)
            return Error::with(in_quotes(whole) + " does not fit in 64 bits");
        value = value * base + digit;
    }
    return value;
}

enum class Radix : uint8_t { DecimalOnly, DecimalOrHex };

// Decimal digits, or hex written 0x…. A leading zero is refused rather than read as octal.
ErrorOr<uint64_t> parse_unsigned(std::string_view text, Radix radix)
{
    bool hex_allowed = radix == Radix::DecimalOrHex;
    if (text.starts_with("0x")) {
        if (!hex_allowed)
            return Error::with(in_quotes(text) + " is hex, and only decimal is accepted here");
        return parse_digits(text.substr(2), 16, text);
    }
    bool all_digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!all_digits) {
        return Error::with(in_quotes(text) + " is not a number; write decimal digits like 1209"
            + std::string(hex_allowed ? " or hex like 0x1209" : ""));
    }
    if (text.size() > 1 && text[0] == '0') {
        size_t first = text.find_first_not_of('0');
        std::string trimmed = first == std::string_view::npos ? "0" : std::string(text.substr(first));
        return Error::with(in_quotes(text) + " has a leading zero; write " + trimmed
            + (hex_allowed ? " for decimal or 0x" + trimmed + " for hex" : "") + " (octal is not supported)");
    }
    return parse_digits(text, 10, text);
}

// sim/core's parse_duration knows the units; this adds the 64-bit overflow check it lacks
// (e.g. 99999999999s would wrap around).
bool parse_duration_checked(std::string const& text, Duration& out)
{
    if (!parse_duration(text, out))
        return false;
    size_t digits = text.find_first_not_of("0123456789");
    Duration scale = 0;
    if (!parse_duration("1" + text.substr(digits), scale) || scale == 0)
        return false;
    auto count = parse_digits(std::string_view(text).substr(0, digits), 10, text);
    return count.has_value() && count.value() <= std::numeric_limits<uint64_t>::max() / scale;
}

std::string_view trim(std::string_view text)
{
    size_t start = text.find_first_not_of(" \t");
    if (start == std::string_view::npos)
        return {};
    size_t end = text.find_last_not_of(" \t");
    return text.substr(start, end - start + 1);
}

ErrorOr<Comparison> parse_comparison(std::string_view text)
{
    Comparison comparison;
    std::string_view rest = trim(text);
    for (auto const& spelling : k_operators) {
        if (rest.starts_with(spelling.text)) {
            comparison.op = spelling.op;
            rest = trim(rest.substr(spelling.text.size()));
            break;
        }
    }
    comparison.value = TRY(parse_unsigned(rest, Radix::DecimalOrHex));
    return comparison;
}

// [SECTION] Typed readers: a map entry's value as string, number, duration, bool, comparison

// One `key: value` entry of a map, with where the key was written.
struct Field {
    std::string key;
    SourceLocation key_at;
    YAML::Node value;
};

struct ScalarText {
    std::string text;
    bool was_quoted { false }; // '…', "…" and block scalars; plain scalars are not
    SourceLocation at;
};

// Empty values are reported at their key, which is where the author will look.
SourceLocation value_location(Source const& source, Field const& field)
{
    return field.value.IsNull() ? field.key_at : source.where(field.value);
}

ErrorOr<ScalarText> read_scalar(Source const& source, Field const& field, std::string const& needs)
{
    if (!field.value.IsScalar())
        return source.error(value_location(source, field), in_quotes(field.key) + " needs " + needs + "; got " + describe(field.value));
    // yaml-cpp marks plain scalars with the tag "?" and quoted or block ones with "!"; anything
    // else was written as a tag, usually by accident (`!= 2` unquoted is the tag "!=").
    std::string const& tag = field.value.Tag();
    if (tag != "?" && tag != "!") {
        return source.error(source.where(field.value), in_quotes(field.key) + " has the YAML tag " + in_quotes(tag)
            + "; scenario files use no tags, so quote a value that starts with '!', like \"!= 2\"");
    }
    return ScalarText { field.value.Scalar(), tag == "!", source.where(field.value) };
}

ErrorOr<std::string> read_string(Source const& source, Field const& field, std::string const& needs)
{
    auto scalar = TRY(read_scalar(source, field, needs));
    if (scalar.text.empty())
        return source.error(scalar.at, in_quotes(field.key) + " needs " + needs + "; got an empty string");
    return scalar.text;
}

ErrorOr<uint64_t> read_unsigned(Source const& source, Field const& field, Radix radix, std::string const& needs)
{
    auto scalar = TRY(read_scalar(source, field, needs));
    if (scalar.was_quoted)
        return source.error(scalar.at, in_quotes(field.key) + " needs " + needs + " without quotes; got \"" + scalar.text + "\"");
    auto number = parse_unsigned(scalar.text, radix);
    if (!number.has_value())
        return source.error(scalar.at, in_quotes(field.key) + " needs " + needs + "; " + number.error().message);
    return number.value();
}

ErrorOr<Duration> read_duration(Source const& source, Field const& field)
{
    std::string const needs = "a duration with a unit, like 10ms";
    auto scalar = TRY(read_scalar(source, field, needs));
    Duration duration = 0;
    if (!parse_duration_checked(scalar.text, duration)) {
        return source.error(scalar.at, in_quotes(field.key) + " needs " + needs + "; got " + in_quotes(scalar.text)
            + " (units: ns, us, ms, s; whole numbers only)");
    }
    return duration;
}

// Only `true` and `false`: YAML 1.1's yes/no/on/off are refused because they read as words.
ErrorOr<bool> read_bool(Source const& source, Field const& field)
{
    auto scalar = TRY(read_scalar(source, field, "true or false"));
    if (!scalar.was_quoted && (scalar.text == "true" || scalar.text == "false"))
        return scalar.text == "true";
    std::string got = scalar.was_quoted ? "\"" + scalar.text + "\" (quoted)" : in_quotes(scalar.text);
    return source.error(scalar.at, in_quotes(field.key) + " needs true or false; got " + got
        + (scalar.was_quoted ? "; remove the quotes" : "; yes/no/on/off are not accepted"));
}

ErrorOr<Comparison> read_comparison(Source const& source, Field const& field)
{
    std::string const needs = "a number or a comparison like \">= 8\"";
    auto scalar = TRY(read_scalar(source, field, needs));
    auto comparison = parse_comparison(scalar.text);
    if (!comparison.has_value()) {
        return source.error(scalar.at, in_quotes(field.key) + " needs " + needs + " (operators: == != < <= > >=); "
            + comparison.error().message);
    }
    return comparison.value();
}

// [SECTION] Maps: entries, duplicate keys, known keys

// A map's entries in the order written. yaml-cpp keeps both entries of a duplicated key and
// lookups would see only one, so duplicates are refused here.
ErrorOr<std::vector<Field>> read_fields(Source const& source, YAML::Node const& map, std::string const& place)
{
    std::vector<Field> fields;
    // Each entry is taken by value: yaml-cpp's iterator hands out a temporary proxy, and a
    // reference into `it->first` would dangle after the statement.
    for (auto const& entry : map) {
        YAML::Node const key = entry.first;
        SourceLocation at = source.where(key);
        if (!key.IsScalar() || key.Scalar().empty())
            return source.error(at, "keys " + place + " must be plain names; got " + describe(key));
        for (Field const& seen : fields) {
            if (seen.key == key.Scalar()) {
                return source.error(at, "duplicate key " + in_quotes(seen.key) + " " + place + " (first at "
                    + seen.key_at.to_string() + "); keep only one");
            }
        }
        fields.push_back(Field { key.Scalar(), at, entry.second });
    }
    return fields;
}

Field const* find_field(std::vector<Field> const& fields, std::string_view key)
{
    auto it = std::find_if(fields.begin(), fields.end(), [&](Field const& field) { return field.key == key; });
    return it == fields.end() ? nullptr : &*it;
}

size_t edit_distance(std::string_view a, std::string_view b)
{
    std::vector<size_t> row(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t above = row[j];
            row[j] = std::min({ above + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1) });
            diagonal = above;
        }
    }
    return row[b.size()];
}

// " (did you mean 'name'?)" for a near miss, so typos are fixed without reading the list.
std::string suggestion(std::string_view key, std::span<std::string_view const> known)
{
    std::string_view best;
    size_t best_distance = 3;
    for (auto candidate : known) {
        size_t distance = edit_distance(key, candidate);
        if (distance < best_distance && distance < key.size()) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best.empty() ? "" : " (did you mean " + in_quotes(best) + "?)";
}

// `noun` is "key" or "step verb"; `place` is " in expect step", " at the top level", or "".
ErrorOr<void> check_known(Source const& source, Field const& field, std::span<std::string_view const> known,
    std::string const& noun, std::string const& place)
{
    if (std::find(known.begin(), known.end(), field.key) != known.end())
        return {};
    return source.error(field.key_at, "unknown " + noun + " " + in_quotes(field.key) + place + suggestion(field.key, known)
        + "; known " + noun + "s: " + join(known));
}

constexpr std::array<std::string_view, 8> k_top_level_keys { "name", "description", "seed", "isolate", "development", "dexts", "steps",
    "app" };
constexpr std::array<std::string_view, 11> k_verbs { "plug", "unplug", "run", "expect", "ioreg", "crash", "activate", "approve",
    "deactivate", "client", "hid" };
constexpr std::array<std::string_view, 2> k_app_keys { "name", "entitlements" };
constexpr std::array<std::string_view, 4> k_client_ops { "open", "call", "map", "close" };
constexpr std::array<std::string_view, 18> k_client_keys { "open", "call", "map", "close", "as", "type", "selector", "scalars",
    "struct", "struct-pattern", "scalar-outputs", "struct-output", "async", "status", "expect-scalars", "expect-struct", "expect-bytes",
    "offset" };
constexpr std::array<std::string_view, 8> k_hid_keys { "device", "set-report", "get-report", "type", "report-id", "timeout",
    "status", "expect-bytes" };
constexpr std::array<std::string_view, 3> k_report_types { "input", "output", "feature" };
constexpr std::array<std::string_view, 2> k_activate_keys { "dext", "approval" };
constexpr std::array<std::string_view, 2> k_crash_keys { "dext", "how" };
constexpr std::array<std::string_view, 4> k_crash_kinds { "segv", "abort", "exit", "hang" };
constexpr std::array<std::string_view, 1> k_unplug_keys { "id" };
constexpr std::array<std::string_view, 1> k_ioreg_keys { "properties" };
constexpr std::array<std::string_view, 17> k_expect_keys { "service", "state", "launches", "log", "services-of", "count",
    "leaked-objects", "registry", "present", "within", "event", "with", "sysext", "version", "dext", "property", "value" };
constexpr std::array<std::string_view, 7> k_expect_subjects { "service", "log", "services-of", "registry", "event", "sysext", "dext" };
constexpr std::array<std::string_view, 3> k_service_states { "started", "stopped", "absent" };
constexpr std::array<std::string_view, 4> k_sysext_states { "waiting", "enabled", "terminated", "absent" };

// Which subjects each qualifier key of an expect step may accompany.
struct QualifierRule {
    std::string_view key;
    std::array<std::string_view, 3> subjects;
};
constexpr std::array<QualifierRule, 9> k_qualifier_rules { {
    { "state", { "service", "sysext" } },
    { "version", { "sysext", "" } },
    { "launches", { "service", "" } },
    { "leaked-objects", { "service", "services-of", "dext" } },
    { "count", { "log", "services-of", "event" } },
    { "present", { "registry", "" } },
    { "with", { "event", "dext" } },
    { "property", { "registry", "" } },
    { "value", { "registry", "" } },
} };

// [SECTION] ScenarioParser: top level, dexts, steps

class ScenarioParser {
public:
    explicit ScenarioParser(Source const& source)
        : m_source(source)
    {
        m_scenario.file = source.file();
    }

    ErrorOr<Scenario> parse(std::vector<YAML::Node> const& documents);

private:
    ErrorOr<void> parse_top_level_field(Field const&);
    ErrorOr<void> parse_dexts(Field const&);
    ErrorOr<void> parse_steps(Field const&);
    ErrorOr<Step> parse_step(YAML::Node const& item);
    ErrorOr<PlugStep> parse_plug(Field const& verb);
    ErrorOr<void> parse_plug_parameter(Field const&, PlugStep&);
    ErrorOr<UnplugStep> parse_unplug(Field const& verb);
    ErrorOr<IoregStep> parse_ioreg(Field const& verb);
    ErrorOr<CrashStep> parse_crash(Field const& verb);
    ErrorOr<ActivateStep> parse_activate(Field const& verb);
    ErrorOr<ExpectStep> parse_expect(Field const& verb);
    ErrorOr<void> parse_expect_field(Field const&, ExpectStep&);
    ErrorOr<void> parse_app(Field const&);
    ErrorOr<ClientStep> parse_client(Field const& verb);
    ErrorOr<HidStep> parse_hid(Field const& verb);
    ErrorOr<std::vector<uint64_t>> read_numbers(Field const& field, std::string const& needs);
    ErrorOr<std::vector<uint8_t>> read_bytes(Field const& field);
    ErrorOr<void> check_expect(Field const& verb, std::vector<Field> const& fields);

    Error error(SourceLocation const& at, std::string const& message) const { return m_source.error(at, message); }

    Source const& m_source;
    Scenario m_scenario;
    // Device ids plugged at the current point of the step list, and where they were plugged or
    // last unplugged, so that plug/unplug mistakes are caught before anything runs.
    std::map<std::string, SourceLocation> m_plugged;
    std::map<std::string, SourceLocation> m_unplugged;
    std::set<std::string> m_connections; // client connections opened so far (`as` names)
};

ErrorOr<Scenario> ScenarioParser::parse(std::vector<YAML::Node> const& documents)
{
    SourceLocation start { m_source.file(), 1, 1 };
    if (documents.empty() || documents[0].IsNull())
        return error(start, "the file holds no scenario; it needs at least 'name', 'dexts' and 'steps' (see docs/scenarios.md)");
    if (documents.size() > 1)
        return error(m_source.where(documents[1]), "a scenario file holds one YAML document; remove this '---' and what follows, or split the file");
    YAML::Node const& root = documents[0];
    if (!root.IsMap())
        return error(m_source.where(root), "the top level must be a map with 'name', 'dexts' and 'steps'; got " + describe(root));
    auto fields = TRY(read_fields(m_source, root, "at the top level"));
    for (Field const& field : fields)
        TRY(parse_top_level_field(field));
    std::array<std::pair<std::string_view, std::string_view>, 3> required { {
        { "name", "name: demo driver reads interrupt data" },
        { "dexts", "dexts: [MyUserUSBInterfaceDriver]" },
        { "steps", "steps: [run: 10ms]" },
    } };
    for (auto const& [key, example] : required) {
        if (!find_field(fields, key))
            return error(m_source.where(root), "missing required key " + in_quotes(key) + " at the top level; add it, like '" + std::string(example) + "'");
    }
    return std::move(m_scenario);
}

ErrorOr<void> ScenarioParser::parse_top_level_field(Field const& field)
{
    TRY(check_known(m_source, field, k_top_level_keys, "key", " at the top level"));
    if (field.key == "name") {
        m_scenario.name = TRY(read_string(m_source, field, "a one-line title"));
    } else if (field.key == "description") {
        m_scenario.description = TRY(read_scalar(m_source, field, "text")).text;
    } else if (field.key == "seed") {
        m_scenario.seed = TRY(read_unsigned(m_source, field, Radix::DecimalOnly, "an unsigned decimal number, like 7"));
        m_scenario.seed_given = true;
    } else if (field.key == "isolate") {
        m_scenario.isolate = TRY(read_bool(m_source, field));
    } else if (field.key == "development") {
        m_scenario.development = TRY(read_bool(m_source, field));
    } else if (field.key == "dexts") {
        TRY(parse_dexts(field));
    } else if (field.key == "app") {
        TRY(parse_app(field));
    } else {
        TRY(parse_steps(field));
    }
    return {};
}

ErrorOr<void> ScenarioParser::parse_dexts(Field const& field)
{
    if (!field.value.IsSequence()) {
        return error(value_location(m_source, field), "'dexts' needs a list of dext bundle names, like [MyUserUSBInterfaceDriver] or []; got "
            + describe(field.value));
    }
    for (YAML::Node const& item : field.value) {
        Field entry { field.key, m_source.where(item), item };
        auto name = TRY(read_string(m_source, entry, "bundle names in its list, like MyUserUSBInterfaceDriver"));
        if (auto it = m_scenario.dext_locations.find(name); it != m_scenario.dext_locations.end())
            return error(entry.key_at, "dext " + in_quotes(name) + " is listed twice (first at " + it->second.to_string() + "); list it once");
        m_scenario.dexts.push_back(name);
        m_scenario.dext_locations[name] = entry.key_at;
    }
    return {};
}

ErrorOr<void> ScenarioParser::parse_steps(Field const& field)
{
    if (!field.value.IsSequence()) {
        return error(value_location(m_source, field), "'steps' needs a list of steps, each a line like '- run: 10ms'; got "
            + describe(field.value));
    }
    for (YAML::Node const& item : field.value)
        m_scenario.steps.push_back(TRY(parse_step(item)));
    return {};
}

ErrorOr<Step> ScenarioParser::parse_step(YAML::Node const& item)
{
    if (!item.IsMap() || item.size() == 0)
        return error(m_source.where(item), "each step is a one-key map like '- run: 10ms' or '- unplug: dev0'; got " + describe(item));
    auto fields = TRY(read_fields(m_source, item, "in a step"));
    Field const& verb = fields[0];
    if (fields.size() > 1) {
        // The usual cause is arguments indented at the verb's level instead of under it.
        return error(fields[1].key_at, "a step has one verb, but this one has " + in_quotes(verb.key) + " and " + in_quotes(fields[1].key)
            + "; put a step's arguments in a map under its verb, like '- plug: {id: dev0, device: vendor-interrupt}'");
    }
    TRY(check_known(m_source, verb, k_verbs, "step verb", ""));
    Step step { verb.key_at, {} };
    if (verb.key == "plug")
        step.action = TRY(parse_plug(verb));
    else if (verb.key == "unplug")
        step.action = TRY(parse_unplug(verb));
    else if (verb.key == "run")
        step.action = RunStep { TRY(read_duration(m_source, verb)) };
    else if (verb.key == "ioreg")
        step.action = TRY(parse_ioreg(verb));
    else if (verb.key == "crash")
        step.action = TRY(parse_crash(verb));
    else if (verb.key == "activate")
        step.action = TRY(parse_activate(verb));
    else if (verb.key == "approve")
        step.action = ApproveStep { TRY(read_string(m_source, verb, "the name of an activated dext, like MyUserUSBInterfaceDriver")) };
    else if (verb.key == "deactivate")
        step.action = DeactivateStep { TRY(read_string(m_source, verb, "the name of an installed dext, like MyUserUSBInterfaceDriver")) };
    else if (verb.key == "client")
        step.action = TRY(parse_client(verb));
    else if (verb.key == "hid")
        step.action = TRY(parse_hid(verb));
    else
        step.action = TRY(parse_expect(verb));
    return step;
}

// [SECTION] ScenarioParser: the app and its client steps

ErrorOr<void> ScenarioParser::parse_app(Field const& field)
{
    if (!field.value.IsMap())
        return error(value_location(m_source, field), "'app' needs a map like {name: SampleApp, entitlements: {…}}; got " + describe(field.value));
    for (Field const& f : TRY(read_fields(m_source, field.value, "in app"))) {
        TRY(check_known(m_source, f, k_app_keys, "key", " in app"));
        if (f.key == "name") {
            m_scenario.app.name = TRY(read_string(m_source, f, "the app's name for traces"));
            continue;
        }
        if (!f.value.IsMap())
            return error(value_location(m_source, f), "'entitlements' needs a map of entitlement names to true, a string or a list of strings");
        for (Field const& e : TRY(read_fields(m_source, f.value, "in entitlements"))) {
            if (e.value.IsSequence()) {
                kernel::PropertyArray list;
                for (YAML::Node const& item : e.value) {
                    Field entry { e.key, m_source.where(item), item };
                    list.push_back(kernel::Property::string(TRY(read_string(m_source, entry, "strings in its list, like bundle ids"))));
                }
                m_scenario.app.entitlements[e.key] = kernel::Property::array(std::move(list));
                continue;
            }
            auto scalar = TRY(read_scalar(m_source, e, "true, false, a string or a list of strings"));
            if (!scalar.was_quoted && (scalar.text == "true" || scalar.text == "false"))
                m_scenario.app.entitlements[e.key] = kernel::Property::boolean(scalar.text == "true");
            else
                m_scenario.app.entitlements[e.key] = kernel::Property::string(scalar.text);
        }
    }
    return {};
}

ErrorOr<std::vector<uint64_t>> ScenarioParser::read_numbers(Field const& field, std::string const& needs)
{
    if (!field.value.IsSequence())
        return error(value_location(m_source, field), in_quotes(field.key) + " needs " + needs + "; got " + describe(field.value));
    std::vector<uint64_t> numbers;
    for (YAML::Node const& item : field.value) {
        Field entry { field.key, m_source.where(item), item };
        numbers.push_back(TRY(read_unsigned(m_source, entry, Radix::DecimalOrHex, "numbers in its list (decimal or 0x hex)")));
    }
    return numbers;
}

// A structure: text (its bytes, no terminator) or a list of byte values.
ErrorOr<std::vector<uint8_t>> ScenarioParser::read_bytes(Field const& field)
{
    if (field.value.IsSequence()) {
        std::vector<uint8_t> bytes;
        for (uint64_t v : TRY(read_numbers(field, "a list of byte values"))) {
            if (v > 0xff)
                return error(value_location(m_source, field), in_quotes(field.key) + " holds " + std::to_string(v) + ", which is not a byte (0..255)");
            bytes.push_back(static_cast<uint8_t>(v));
        }
        return bytes;
    }
    auto text = TRY(read_scalar(m_source, field, "text or a list of byte values"));
    return std::vector<uint8_t>(text.text.begin(), text.text.end());
}

ErrorOr<ClientStep> ScenarioParser::parse_client(Field const& verb)
{
    if (!verb.value.IsMap())
        return error(value_location(m_source, verb), "'client' needs a map like {open: MyDriver, as: c} or {call: c, selector: 0}; got "
            + describe(verb.value));
    ClientStep client;
    auto fields = TRY(read_fields(m_source, verb.value, "in client step"));
    Field const* op_field = nullptr;
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_client_keys, "key", " in client step"));
        if (std::find(k_client_ops.begin(), k_client_ops.end(), field.key) == k_client_ops.end())
            continue;
        if (op_field)
            return error(field.key_at, "a client step does one thing, but this one has " + in_quotes(op_field->key) + " and "
                + in_quotes(field.key) + "; split it into two steps");
        op_field = &field;
    }
    if (!op_field)
        return error(verb.key_at, "a client step needs one of open, call, map or close, like {call: c, selector: 0}");
    std::string const& op = op_field->key;
    client.op = op == "open" ? ClientStep::Op::Open : op == "call" ? ClientStep::Op::Call : op == "map" ? ClientStep::Op::Map : ClientStep::Op::Close;
    if (client.op == ClientStep::Op::Open) {
        client.service = TRY(read_string(m_source, *op_field, "the registry name of the service to open, like UserClientSampleDriver"));
    } else {
        client.connection = TRY(read_string(m_source, *op_field, "a connection opened earlier with {open: …, as: name}"));
        if (!m_connections.contains(client.connection))
            return error(m_source.where(op_field->value), "no connection named " + in_quotes(client.connection)
                + " was opened before this step; open it first with {open: Service, as: " + client.connection + "}");
    }
    // Which keys go with which operation.
    auto allowed = [&](std::string const& key) {
        if (key == op || key == "status")
            return true;
        switch (client.op) {
        case ClientStep::Op::Open: return key == "as" || key == "type";
        case ClientStep::Op::Map: return key == "type" || key == "expect-bytes" || key == "offset";
        case ClientStep::Op::Close: return false;
        case ClientStep::Op::Call: return key != "as" && key != "type" && key != "expect-bytes";
        }
        return false;
    };
    for (Field const& field : fields) {
        if (!allowed(field.key))
            return error(field.key_at, in_quotes(field.key) + " does not go with " + in_quotes(op) + " in a client step");
        if (field.key == op)
            continue;
        if (field.key == "as") {
            client.connection = TRY(read_string(m_source, field, "a name for the connection, used by later client steps"));
        } else if (field.key == "type") {
            client.type = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a number"));
        } else if (field.key == "selector") {
            client.selector = static_cast<uint32_t>(TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a selector number")));
        } else if (field.key == "scalars") {
            client.scalars = TRY(read_numbers(field, "a list of scalar inputs, like [2, 3]"));
            if (client.scalars.size() > 16)
                return error(field.key_at, "at most 16 scalars travel to a user client; this list has " + std::to_string(client.scalars.size()));
        } else if (field.key == "struct") {
            client.structure = TRY(read_bytes(field));
        } else if (field.key == "struct-pattern") {
            uint64_t n = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a byte count"));
            if (n > (1u << 24))
                return error(field.key_at, "struct-pattern is limited to 16 MiB");
            client.structure.resize(n);
            for (uint64_t i = 0; i < n; ++i)
                client.structure[i] = static_cast<uint8_t>(i & 0xff);
        } else if (field.key == "scalar-outputs") {
            client.scalar_outputs = static_cast<uint32_t>(TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a count (0..16)")));
        } else if (field.key == "struct-output") {
            client.structure_output = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a byte count"));
        } else if (field.key == "async") {
            client.async = TRY(read_bool(m_source, field));
        } else if (field.key == "status") {
            client.status = TRY(read_string(m_source, field, "an IOReturn name, like kIOReturnBadArgument"));
        } else if (field.key == "expect-scalars") {
            client.expect_scalars = TRY(read_numbers(field, "a list of the scalars expected back"));
        } else if (field.key == "expect-struct") {
            client.expect_struct = TRY(read_bytes(field));
        } else if (field.key == "expect-bytes") {
            client.expect_bytes = TRY(read_bytes(field));
        } else if (field.key == "offset") {
            client.offset = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a byte offset"));
        }
    }
    if (client.op == ClientStep::Op::Open) {
        if (client.connection.empty())
            return error(verb.key_at, "an open step needs 'as', the name later steps use for the connection, like {open: " + client.service + ", as: c}");
        m_connections.insert(client.connection);
    }
    return client;
}

// The HID event system's requests to a dext's HID device.
ErrorOr<HidStep> ScenarioParser::parse_hid(Field const& verb)
{
    if (!verb.value.IsMap())
        return error(value_location(m_source, verb), "'hid' needs a map like {device: VirtualHIDKeyboard, set-report: [0x02], type: output}; got "
            + describe(verb.value));
    HidStep hid;
    bool has_device = false, has_request = false;
    Field const* expect_bytes = nullptr;
    auto fields = TRY(read_fields(m_source, verb.value, "in hid step"));
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_hid_keys, "key", " in hid step"));
        if (field.key == "device") {
            hid.device = TRY(read_string(m_source, field, "the HID device's registry name, like VirtualHIDKeyboard"));
            has_device = true;
        } else if (field.key == "set-report" || field.key == "get-report") {
            if (has_request)
                return error(field.key_at, "a hid step sends one request; this one has both set-report and get-report: split it into two steps");
            has_request = true;
            hid.get = field.key == "get-report";
            if (hid.get) {
                uint64_t length = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "the report buffer's size in bytes, like 8"));
                if (length == 0 || length > 16384)
                    return error(value_location(m_source, field), "get-report needs a buffer of 1 to 16384 bytes; got " + std::to_string(length));
                hid.length = static_cast<uint32_t>(length);
            } else {
                hid.report = TRY(read_bytes(field));
                if (hid.report.empty())
                    return error(value_location(m_source, field), "set-report needs the report's bytes, like [0x02]");
            }
        } else if (field.key == "type") {
            hid.type = TRY(read_string(m_source, field, "input, output or feature"));
            if (std::find(k_report_types.begin(), k_report_types.end(), hid.type) == k_report_types.end())
                return error(value_location(m_source, field), "unknown report type " + in_quotes(hid.type) + "; use input, output or feature");
        } else if (field.key == "report-id") {
            uint64_t id = TRY(read_unsigned(m_source, field, Radix::DecimalOrHex, "a report id (0..255)"));
            if (id > 0xFF)
                return error(value_location(m_source, field), "a report id is one byte (0..255); got " + std::to_string(id));
            hid.report_id = static_cast<uint8_t>(id);
        } else if (field.key == "timeout") {
            hid.timeout = TRY(read_duration(m_source, field));
        } else if (field.key == "status") {
            hid.status = TRY(read_string(m_source, field, "an IOReturn name, like kIOReturnAborted"));
        } else {
            hid.expect_bytes = TRY(read_bytes(field));
            expect_bytes = &field;
        }
    }
    if (!has_device)
        return error(verb.key_at, "a hid step needs 'device', the HID device's registry name, like {device: VirtualHIDKeyboard, set-report: [0x02]}");
    if (!has_request)
        return error(verb.key_at, "a hid step needs set-report (bytes to send) or get-report (a buffer size)");
    if (expect_bytes && !hid.get)
        return error(expect_bytes->key_at, "'expect-bytes' goes with get-report: a set-report sends bytes and gets only a status back");
    if (hid.type.empty())
        hid.type = hid.get ? "input" : "output";
    return hid;
}

// [SECTION] ScenarioParser: plug, unplug, ioreg, crash

ErrorOr<PlugStep> ScenarioParser::parse_plug(Field const& verb)
{
    if (!verb.value.IsMap()) {
        return error(value_location(m_source, verb), "'plug' needs a map like {id: dev0, device: vendor-interrupt, vid: 0x1209}; got "
            + describe(verb.value));
    }
    PlugStep plug;
    SourceLocation id_at;
    auto fields = TRY(read_fields(m_source, verb.value, "in plug step"));
    for (Field const& field : fields) {
        if (field.key == "id") {
            plug.id = TRY(read_string(m_source, field, "a device id, like dev0"));
            id_at = m_source.where(field.value);
        } else if (field.key == "device") {
            plug.model = TRY(read_string(m_source, field, "a device model name, like vendor-interrupt"));
        } else {
            TRY(parse_plug_parameter(field, plug));
        }
    }
    if (plug.id.empty())
        return error(verb.key_at, "plug step needs 'id' (the name unplug will use), like {id: dev0, device: vendor-interrupt}");
    if (plug.model.empty())
        return error(verb.key_at, "plug step needs 'device' (the device model), like {id: dev0, device: vendor-interrupt}");
    if (auto it = m_plugged.find(plug.id); it != m_plugged.end())
        return error(id_at, "device id " + in_quotes(plug.id) + " is already plugged (at " + it->second.to_string() + "); unplug it first or use another id");
    m_plugged[plug.id] = id_at;
    m_unplugged.erase(plug.id);
    return plug;
}

// Model parameters: numbers (1209, 0x1209), durations (1ms, stored in ns), or strings. A plain
// value that starts like a number must be one, so `010` or `1.5` cannot slip through as text.
ErrorOr<void> ScenarioParser::parse_plug_parameter(Field const& field, PlugStep& plug)
{
    auto scalar = TRY(read_scalar(m_source, field, "a number (1209 or 0x1209), a duration (1ms) or a string"));
    plug.param_locations[field.key] = field.key_at;
    std::string const& text = scalar.text;
    bool starts_numeric = !text.empty()
        && (std::isdigit(static_cast<unsigned char>(text[0]))
            || (text.size() > 1 && std::strchr("+-.", text[0]) && std::isdigit(static_cast<unsigned char>(text[1]))));
    if (scalar.was_quoted || !starts_numeric) {
        plug.strings[field.key] = text;
        return {};
    }
    bool digits_only = text.starts_with("0x") || text.find_first_not_of("0123456789") == std::string::npos;
    if (digits_only) {
        auto number = parse_unsigned(text, Radix::DecimalOrHex);
        if (!number.has_value())
            return error(scalar.at, "plug parameter " + in_quotes(field.key) + ": " + number.error().message);
        plug.numbers[field.key] = number.value();
        return {};
    }
    Duration duration = 0;
    if (!parse_duration_checked(text, duration)) {
        return error(scalar.at, "plug parameter " + in_quotes(field.key) + ": " + in_quotes(text)
            + " is neither a number (1209, 0x1209) nor a duration (1ms; units ns, us, ms, s); quote it if it is text");
    }
    plug.durations[field.key] = duration;
    return {};
}

ErrorOr<UnplugStep> ScenarioParser::parse_unplug(Field const& verb)
{
    Field id_field = verb;
    if (verb.value.IsMap()) {
        auto fields = TRY(read_fields(m_source, verb.value, "in unplug step"));
        for (Field const& field : fields)
            TRY(check_known(m_source, field, k_unplug_keys, "key", " in unplug step"));
        if (fields.empty())
            return error(m_source.where(verb.value), "unplug step needs 'id', like 'unplug: dev0' or 'unplug: {id: dev0}'");
        id_field = fields[0];
    }
    UnplugStep unplug { TRY(read_string(m_source, id_field, "a device id, like 'unplug: dev0'")) };
    SourceLocation at = value_location(m_source, id_field);
    if (m_plugged.erase(unplug.id) == 1) {
        m_unplugged[unplug.id] = at;
        return unplug;
    }
    if (auto it = m_unplugged.find(unplug.id); it != m_unplugged.end())
        return error(at, "device " + in_quotes(unplug.id) + " is not plugged here: it was already unplugged at " + it->second.to_string());
    std::string plugged_now;
    for (auto const& [id, where] : m_plugged)
        plugged_now += (plugged_now.empty() ? "" : ", ") + id;
    return error(at, "unplug of " + in_quotes(unplug.id) + ", which is not plugged at this point; "
        + (plugged_now.empty() ? "no device is plugged" : "plugged now: " + plugged_now));
}

// `ioreg:` alone or `ioreg: {}` prints the registry; `ioreg: {properties: true}` adds properties.
ErrorOr<IoregStep> ScenarioParser::parse_ioreg(Field const& verb)
{
    IoregStep ioreg;
    if (verb.value.IsNull())
        return ioreg;
    if (!verb.value.IsMap())
        return error(m_source.where(verb.value), "'ioreg' takes a map, like 'ioreg: {}' or 'ioreg: {properties: true}'; got " + describe(verb.value));
    auto fields = TRY(read_fields(m_source, verb.value, "in ioreg step"));
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_ioreg_keys, "key", " in ioreg step"));
        ioreg.properties = TRY(read_bool(m_source, field));
    }
    return ioreg;
}

// `crash: {dext: MyDriver, how: segv}`; the dext must be one the scenario loads.
ErrorOr<CrashStep> ScenarioParser::parse_crash(Field const& verb)
{
    if (!verb.value.IsMap())
        return error(value_location(m_source, verb), "'crash' needs a map like {dext: MyUserUSBInterfaceDriver, how: segv}; got " + describe(verb.value));
    CrashStep crash;
    bool named = false;
    auto fields = TRY(read_fields(m_source, verb.value, "in crash step"));
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_crash_keys, "key", " in crash step"));
        std::string value = TRY(read_string(m_source, field, field.key == "dext" ? "a dext bundle name" : "one of segv, abort, exit, hang"));
        if (field.key == "dext") {
            if (!m_scenario.dext_locations.contains(value))
                return error(field.key_at, "crash names dext " + in_quotes(value) + ", which this scenario does not load; add it to 'dexts'");
            crash.dext = value;
            named = true;
        } else {
            if (std::find(k_crash_kinds.begin(), k_crash_kinds.end(), value) == k_crash_kinds.end())
                return error(field.key_at, "crash 'how' must be one of segv, abort, exit, hang; got " + in_quotes(value));
            crash.how = value;
        }
    }
    if (!named)
        return error(verb.key_at, "'crash' needs the dext to crash, like {dext: MyUserUSBInterfaceDriver}");
    return crash;
}

// `activate: {dext: v2/MyDriver, approval: manual}` or `activate: MyDriver`.
ErrorOr<ActivateStep> ScenarioParser::parse_activate(Field const& verb)
{
    ActivateStep activate;
    if (!verb.value.IsMap()) {
        activate.dext = TRY(read_string(m_source, verb, "a dext bundle name, or a map like {dext: v2/MyDriver, approval: manual}"));
        return activate;
    }
    auto fields = TRY(read_fields(m_source, verb.value, "in activate step"));
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_activate_keys, "key", " in activate step"));
        std::string value = TRY(read_string(m_source, field, field.key == "dext" ? "a dext bundle name" : "automatic or manual"));
        if (field.key == "dext") {
            activate.dext = value;
        } else if (value == "manual" || value == "automatic") {
            activate.manual = value == "manual";
        } else {
            return error(m_source.where(field.value), "'approval' is automatic or manual; got " + in_quotes(value));
        }
    }
    if (activate.dext.empty())
        return error(verb.key_at, "'activate' needs the dext, like {dext: MyUserUSBInterfaceDriver}");
    return activate;
}

// [SECTION] ScenarioParser: expect

ErrorOr<ExpectStep> ScenarioParser::parse_expect(Field const& verb)
{
    if (!verb.value.IsMap()) {
        return error(value_location(m_source, verb), "'expect' needs a map like {service: MyUserUSBInterfaceDriver, state: started}; got "
            + describe(verb.value));
    }
    ExpectStep expect;
    auto fields = TRY(read_fields(m_source, verb.value, "in expect step"));
    for (Field const& field : fields) {
        TRY(check_known(m_source, field, k_expect_keys, "key", " in expect step"));
        TRY(parse_expect_field(field, expect));
    }
    TRY(check_expect(verb, fields));
    // A log line is expected at least once unless a count says otherwise; a registry path is
    // expected to be present unless `present: false`.
    if ((expect.log || expect.event) && !expect.count)
        expect.count = Comparison { Comparison::Op::GreaterEqual, 1 };
    if (expect.registry && !expect.present)
        expect.present = true;
    return expect;
}

ErrorOr<void> ScenarioParser::parse_expect_field(Field const& field, ExpectStep& expect)
{
    std::string const& key = field.key;
    if (key == "service")
        expect.service = TRY(read_string(m_source, field, "a service name, like MyUserUSBInterfaceDriver"));
    else if (key == "log")
        expect.log = TRY(read_string(m_source, field, "text to find in the dext log"));
    else if (key == "services-of")
        expect.services_of = TRY(read_string(m_source, field, "a dext bundle name, like MyUserUSBInterfaceDriver"));
    else if (key == "registry")
        expect.registry = TRY(read_string(m_source, field, "a registry path, like IOUSBHostDevice/IOUSBHostInterface/MyDriver"));
    else if (key == "launches")
        expect.launches = TRY(read_comparison(m_source, field));
    else if (key == "count")
        expect.count = TRY(read_comparison(m_source, field));
    else if (key == "leaked-objects")
        expect.leaked_objects = TRY(read_comparison(m_source, field));
    else if (key == "present")
        expect.present = TRY(read_bool(m_source, field));
    else if (key == "within")
        expect.within = TRY(read_duration(m_source, field));
    else if (key == "event")
        expect.event = TRY(read_string(m_source, field, "a trace point name, like entitlement_refused"));
    else if (key == "with")
        expect.with = TRY(read_string(m_source, field, "text the event's record must contain"));
    else if (key == "sysext")
        expect.sysext = TRY(read_string(m_source, field, "a dext bundle name or identifier"));
    else if (key == "version")
        expect.version = TRY(read_string(m_source, field, "a CFBundleVersion, quoted, like \"2\""));
    else if (key == "dext")
        expect.dext = TRY(read_string(m_source, field, "a dext bundle name, like MyUserUSBInterfaceDriver"));
    else if (key == "property")
        expect.property = TRY(read_string(m_source, field, "a property name, like idVendor"));
    else if (key == "value")
        expect.value = TRY(read_string(m_source, field, "the property's value: a number, text, true or false, or ioreg's form like <0102>"));
    else {
        // Which states are valid depends on the subject; check_expect checks the pair.
        auto state = TRY(read_string(m_source, field, "started, stopped or absent"));
        bool known = std::find(k_service_states.begin(), k_service_states.end(), state) != k_service_states.end()
            || std::find(k_sysext_states.begin(), k_sysext_states.end(), state) != k_sysext_states.end();
        if (!known)
            return error(m_source.where(field.value), "'state' needs started, stopped or absent (or, for a sysext, waiting, enabled, terminated or absent); got " + in_quotes(state));
        expect.state = state;
    }
    return {};
}

// One subject per expect step; each qualifier only with the subjects it applies to; and a
// service or services-of subject must be given something to check.
ErrorOr<void> ScenarioParser::check_expect(Field const& verb, std::vector<Field> const& fields)
{
    std::vector<Field const*> subjects;
    for (Field const& field : fields) {
        if (std::find(k_expect_subjects.begin(), k_expect_subjects.end(), field.key) != k_expect_subjects.end())
            subjects.push_back(&field);
    }
    if (subjects.empty()) {
        if (Field const* leaked = find_field(fields, "leaked-objects"))
            return error(leaked->key_at, "'leaked-objects' needs 'service', 'services-of' or 'dext' beside it, to say whose objects to count");
        return error(verb.key_at, "expect step needs a subject: one of " + join(k_expect_subjects));
    }
    if (subjects.size() > 1) {
        return error(subjects[1]->key_at, "expect step has two subjects, " + in_quotes(subjects[0]->key) + " and "
            + in_quotes(subjects[1]->key) + "; write one expect step for each");
    }
    std::string const& subject = subjects[0]->key;
    for (auto const& rule : k_qualifier_rules) {
        Field const* qualifier = find_field(fields, rule.key);
        if (!qualifier || std::find(rule.subjects.begin(), rule.subjects.end(), subject) != rule.subjects.end())
            continue;
        std::string allowed = in_quotes(rule.subjects[0]);
        for (size_t i = 1; i < rule.subjects.size() && !rule.subjects[i].empty(); ++i)
            allowed += (i + 1 < rule.subjects.size() && !rule.subjects[i + 1].empty() ? ", " : " or ") + in_quotes(rule.subjects[i]);
        return error(qualifier->key_at, in_quotes(rule.key) + " goes with " + allowed + ", and this expect step checks " + in_quotes(subject));
    }
    auto has = [&](std::string_view key) { return find_field(fields, key) != nullptr; };
    if (Field const* state = find_field(fields, "state")) {
        std::string value = state->value.Scalar();
        auto const& allowed = subject == "sysext" ? std::vector<std::string_view>(k_sysext_states.begin(), k_sysext_states.end())
                                                   : std::vector<std::string_view>(k_service_states.begin(), k_service_states.end());
        if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
            return error(m_source.where(state->value), "a " + subject + "'s 'state' is one of " + join(allowed) + "; got " + in_quotes(value));
    }
    if (subject == "sysext" && !has("state") && !has("version"))
        return error(subjects[0]->key_at, "'sysext' needs something to check: state or version, like {sysext: MyDriver, state: enabled}");
    if (subject == "service" && !has("state") && !has("launches") && !has("leaked-objects"))
        return error(subjects[0]->key_at, "'service' needs something to check: state, launches or leaked-objects, like {service: MyDriver, state: started}");
    if (subject == "services-of" && !has("count") && !has("leaked-objects"))
        return error(subjects[0]->key_at, "'services-of' needs something to check: count or leaked-objects, like {services-of: MyDriver, count: 0}");
    if (subject == "dext" && !has("leaked-objects"))
        return error(subjects[0]->key_at, "'dext' needs leaked-objects, like {dext: MyDriver, leaked-objects: 0}");
    if (Field const* value = find_field(fields, "value"); value && !has("property"))
        return error(value->key_at, "'value' needs 'property' beside it, to say which property, like {registry: MyDriver, property: idVendor, value: 0x1209}");
    return {};
}

// [SECTION] Loading: syntax errors, unterminated quotes, files

// Where an unclosed '[' or '{' was opened, found by scanning the text before the error. Quotes
// count only at the start of a token (so "it's" in a plain value is not one) and comments are
// skipped; this is a hint for the message, not a second YAML parser.
std::optional<size_t> unclosed_bracket(std::string_view text)
{
    std::vector<size_t> open;
    for (size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        char previous = i == 0 ? '\n' : text[i - 1];
        bool token_start = std::string_view(" \t\n[{,:-").find(previous) != std::string_view::npos;
        if (c == '#' && (previous == ' ' || previous == '\t' || previous == '\n')) {
            i = std::min(text.find('\n', i), text.size());
        } else if ((c == '"' || c == '\'') && token_start) {
            for (++i; i < text.size() && text[i] != c; ++i) {
                if (c == '"' && text[i] == '\\')
                    ++i;
            }
        } else if (c == '[' || c == '{') {
            open.push_back(i);
        } else if ((c == ']' || c == '}') && !open.empty()) {
            open.pop_back();
        }
    }
    if (open.empty())
        return std::nullopt;
    return open.back();
}

// Common causes that yaml-cpp's terse messages do not name.
std::string syntax_hint(Source const& source, YAML::ParserException const& exception)
{
    std::string_view line = exception.mark.is_null() ? std::string_view {} : source.line_text(exception.mark.line);
    std::string_view indentation = line.substr(0, line.find_first_not_of(" \t"));
    if (indentation.find('\t') != std::string_view::npos || exception.msg.find("tab") != std::string::npos)
        return "; indent with spaces: YAML does not allow tabs";
    if (line.find(": >") != std::string_view::npos)
        return "; a value starting with '>' must be quoted, like count: \">= 8\"";
    if (exception.msg.find("illegal map value") != std::string::npos)
        return "; check the indentation, and quote values that contain ': '";
    if (exception.msg == "end of map not found" || exception.msg == "end of sequence not found")
        return "; check the indentation: the entries of one map or list must start in the same column";
    if (exception.msg == "illegal block entry")
        return "; a '- ' list item cannot start here: put it on its own line, indented under its key";
    return "";
}

Error syntax_error(Source const& source, YAML::ParserException const& exception)
{
    std::string message = "YAML syntax error: " + exception.msg;
    if (exception.mark.is_null())
        return Error::with(source.file() + ": " + message);
    // yaml-cpp notices a missing ']' or '}' only at the next key, lines later; point at the
    // bracket that needs closing instead.
    if (exception.msg.find("flow not found") != std::string::npos && exception.mark.pos >= 0) {
        std::string_view before = std::string_view(source.text()).substr(0, static_cast<size_t>(exception.mark.pos));
        if (auto bracket = unclosed_bracket(before)) {
            std::string noticed = std::to_string(exception.mark.line + 1) + ":" + std::to_string(exception.mark.column + 1);
            return source.error(source.location_of_offset(*bracket), message + "; this '" + source.text()[*bracket]
                + "' is never closed (noticed at " + noticed + "), add the matching '" + (source.text()[*bracket] == '[' ? ']' : '}') + "'");
        }
    }
    return source.error(source.where(exception.mark), message + syntax_hint(source, exception));
}

// yaml-cpp 0.7 accepts a quoted scalar that is never closed and swallows the rest of the file
// into it; the author then gets a baffling "missing key" error. Catch it at the opening quote.
bool quote_is_closed(std::string_view text, size_t open)
{
    char quote = text[open];
    for (size_t i = open + 1; i < text.size(); ++i) {
        if (quote == '"' && text[i] == '\\') {
            ++i;
            continue;
        }
        if (text[i] != quote)
            continue;
        if (quote == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
            ++i;
            continue;
        }
        return true;
    }
    return false;
}

ErrorOr<void> check_quotes_closed(Source const& source, YAML::Node const& node)
{
    if (node.IsScalar() && node.Tag() == "!" && node.Mark().pos >= 0) {
        size_t open = static_cast<size_t>(node.Mark().pos);
        std::string const& text = source.text();
        if (open < text.size() && (text[open] == '"' || text[open] == '\'') && !quote_is_closed(text, open))
            return source.error(source.where(node), std::string("this quoted string is never closed; add the closing ") + text[open]);
    }
    if (node.IsSequence()) {
        for (YAML::Node const& item : node)
            TRY(check_quotes_closed(source, item));
    }
    if (node.IsMap()) {
        for (auto const& entry : node) {
            TRY(check_quotes_closed(source, entry.first));
            TRY(check_quotes_closed(source, entry.second));
        }
    }
    return {};
}

ErrorOr<Scenario> parse_source(Source const& source)
{
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(source.text());
    } catch (YAML::ParserException const& exception) {
        return syntax_error(source, exception);
    }
    for (YAML::Node const& document : documents)
        TRY(check_quotes_closed(source, document));
    return ScenarioParser(source).parse(documents);
}

} // namespace

ErrorOr<Scenario> parse_scenario_text(std::string const& text, std::string const& file)
{
    // yaml-cpp skips a UTF-8 byte-order mark without counting it in positions; drop it here
    // too so that our offsets match its marks.
    std::string_view bom = "\xEF\xBB\xBF";
    Source source(file, text.starts_with(bom) ? text.substr(bom.size()) : text);
    // Nothing may escape as an exception: yaml-cpp throws on misuse as well as on syntax.
    try {
        return parse_source(source);
    } catch (YAML::Exception const& exception) {
        return source.error(source.where(exception.mark), std::string("could not read the scenario: ") + exception.what());
    } catch (std::exception const& exception) {
        return Error::with(file + ": could not read the scenario: " + exception.what());
    }
}

ErrorOr<Scenario> parse_scenario_file(std::string const& path)
{
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored))
        return Error::with(path + ": is a directory, not a scenario file");
    std::ifstream stream(path, std::ios::binary);
    if (!stream)
        return Error::with(path + ": cannot open scenario file (" + std::strerror(errno) + "); check the path");
    std::ostringstream text;
    text << stream.rdbuf();
    if (stream.bad())
        return Error::with(path + ": cannot read scenario file (" + std::strerror(errno) + ")");
    return parse_scenario_text(text.str(), path);
}

} // namespace dextlab::lab
