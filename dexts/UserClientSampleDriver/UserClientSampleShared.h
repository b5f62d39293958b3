#pragma once
// What UserClientSampleDriver and its app agree on: the user-client type, the method selectors
// with their argument shapes, and the memory types the app can map. Both sides include this
// header, the way a Mac project shares one between its dext and app targets.

#include <stdint.h>

#define kUserClientSampleClassName "UserClientSampleDriver"
#define kUserClientSampleConnectType 0

enum UserClientSampleSelector : uint32_t {
    kSampleSelectorAdd = 0,        // 2 scalars in -> 1 scalar out (their sum)
    kSampleSelectorReverse = 1,    // structure in (any size, > 4096 bytes arrives as a descriptor)
                                   // -> structure out of the same size, bytes reversed
    kSampleSelectorStats = 2,      // nothing in -> structure out: UserClientSampleStats
    kSampleSelectorStartTicks = 3, // async; 2 scalars in (count, period in microseconds): the dext
                                   // completes the call `count` times from a timer, each with
                                   // async args [tick number, mach_absolute_time()]
    kSampleSelectorFillShared = 4, // 1 scalar in (seed): the dext fills the shared page
    kSampleSelectorCount
};

struct UserClientSampleStats {
    uint64_t calls;          // ExternalMethod calls that reached a selector
    uint64_t bytes_reversed; // structure bytes handled by kSampleSelectorReverse
    uint64_t ticks_sent;     // async completions sent
};

// IOConnectMapMemory64 memory types.
enum UserClientSampleMemoryType : uint32_t {
    kSampleMemoryShared = 0, // 4096 bytes, filled by kSampleSelectorFillShared: byte i = (seed + i) & 0xff
};
#define kSampleSharedSize 4096
