#pragma once
// IOReturn values as the kernel model uses them (the dext sees the same numbers through
// <DriverKit/IOReturn.h>), and their names for traces.

#include <cstdint>
#include <string>

namespace dextlab::ipc::kr {

constexpr uint32_t Success = 0;
constexpr uint32_t Error = 0xe00002bc;
constexpr uint32_t NoMemory = 0xe00002bd;
constexpr uint32_t NoResources = 0xe00002be;
constexpr uint32_t IPCError = 0xe00002bf;
constexpr uint32_t NoDevice = 0xe00002c0;
constexpr uint32_t NotPrivileged = 0xe00002c1;
constexpr uint32_t BadArgument = 0xe00002c2;
constexpr uint32_t ExclusiveAccess = 0xe00002c5;
constexpr uint32_t Unsupported = 0xe00002c7;
constexpr uint32_t VMError = 0xe00002c8;
constexpr uint32_t NotOpen = 0xe00002cd;
constexpr uint32_t Busy = 0xe00002d5;
constexpr uint32_t Offline = 0xe00002d7;
constexpr uint32_t Timeout = 0xe00002d6;
constexpr uint32_t NotReady = 0xe00002d8;
constexpr uint32_t NotAttached = 0xe00002d9;
constexpr uint32_t NoSpace = 0xe00002db;
constexpr uint32_t NotPermitted = 0xe00002e2;
constexpr uint32_t Underrun = 0xe00002e7;
constexpr uint32_t Overrun = 0xe00002e8;
constexpr uint32_t NoInterrupt = 0xe00002df;
constexpr uint32_t Aborted = 0xe00002eb;
constexpr uint32_t NotResponding = 0xe00002ed;
constexpr uint32_t NotFound = 0xe00002f0;
constexpr uint32_t UsbPipeStalled = 0xe0005000; // kUSBHostReturnPipeStalled

// "kIOReturnAborted", or "0x…" for a value without a name here.
std::string ioreturn_name(uint32_t value);

} // namespace dextlab::ipc::kr
