#include "sim/lab/trace_export.h"

#include <doctest/doctest.h>

using namespace dextlab;
using namespace dextlab::lab;

TEST_CASE("Chrome trace JSON: processes, lanes, phases and escaped text")
{
    std::vector<TraceRecord> records(3);
    records[0].time = 1500;
    records[0].point = "dext_queue_run";
    records[0].phase = TracePhase::Begin;
    records[0].process = "MyDriver";
    records[0].lane = "Default";
    records[1].time = 2500;
    records[1].point = "dext_log";
    records[1].process = "MyDriver";
    records[1].lane = "log";
    records[1].fields = { TraceField::text("text", "say \"hi\"\n") };
    records[2].time = 3000;
    records[2].point = "usb_transfer_complete";
    records[2].phase = TracePhase::AsyncEnd;
    records[2].process = "kernel";
    records[2].lane = "usb ep 0x81";
    records[2].async_id = 12;
    std::string json = to_chrome_trace_json(records);
    CHECK(json.find("\"name\":\"process_name\",\"pid\":1,\"tid\":0,\"args\":{\"name\":\"MyDriver\"}") != std::string::npos);
    CHECK(json.find("\"ph\":\"B\",\"name\":\"run Default\"") != std::string::npos);
    CHECK(json.find("\"ts\":1.500") != std::string::npos);
    CHECK(json.find("say \\\"hi\\\"\\n") != std::string::npos);
    CHECK(json.find("\"ph\":\"e\"") != std::string::npos);
    CHECK(json.find("\"id\":12") != std::string::npos);
    CHECK(json.find(",\n]") == std::string::npos); // no trailing comma
    CHECK(json.rfind("]}\n") == json.size() - 3);
}
