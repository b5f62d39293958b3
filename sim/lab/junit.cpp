#include "junit.h"

#include <cstdio>

namespace dextlab::lab {

namespace {

std::string xml_escape(std::string const& text)
{
    std::string out;
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
        }
    }
    return out;
}

} // namespace

std::string to_junit_xml(std::vector<ScenarioResult> const& results)
{
    size_t failures = 0;
    for (auto const& r : results)
        failures += !r.passed;
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    xml += "<testsuite name=\"dextlab scenarios\" tests=\"" + std::to_string(results.size()) + "\" failures=\""
        + std::to_string(failures) + "\" errors=\"0\">\n";
    for (auto const& r : results) {
        // Virtual time is what a scenario costs in the lab; it is the stable figure to report.
        char time[32];
        std::snprintf(time, sizeof time, "%.6f", static_cast<double>(r.end_time) / 1e9);
        xml += "  <testcase classname=\"scenarios\" name=\"" + xml_escape(r.file) + "\" time=\"" + time + "\">\n";
        if (!r.passed) {
            std::string all;
            for (auto const& f : r.failures)
                all += f + "\n";
            xml += "    <failure message=\"" + xml_escape(r.failures.empty() ? "failed" : r.failures.front()) + "\">"
                + xml_escape(all) + "</failure>\n";
        }
        xml += "  </testcase>\n";
    }
    xml += "</testsuite>\n";
    return xml;
}

} // namespace dextlab::lab
