#pragma once
// A scenario's app: performs `client` steps through the lab's AppPort, exactly the calls the
// IOKitLib shim makes for a real app, and checks what each step expects (docs/scenarios.md).

#include "sim/lab/app_port_lab.h"
#include "sim/lab/scenario.h"

#include <map>
#include <string>

namespace dextlab::lab {

class Lab;

class ClientSession {
public:
    ClientSession(Lab& lab, AppSpec const& app);

    // Performs the step. Empty when it went as the step expects; else what happened instead.
    std::string perform(ClientStep const& step);
    // One line saying what the step does, for the trace.
    static std::string describe(ClientStep const& step);

private:
    std::string open(ClientStep const& step);
    std::string call(ClientStep const& step);
    std::string map(ClientStep const& step);

    Lab& m_lab;
    LabAppPort m_port;
    std::map<std::string, uint64_t> m_connections;
};

} // namespace dextlab::lab
