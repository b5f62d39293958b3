#pragma once
// The layout of a PCI function's configuration space as software sees it: the type-0 header
// (PCI Local Bus Specification 3.0 §6.1, figure 6-1), the Command and Status bits (§6.2.2,
// §6.2.3), Base Address Registers (§6.2.5.1) and the MSI capability (§6.8.1). Names follow the
// specification; IOPCIFamily's IOPCIFamilyDefinitions.h gives the same offsets under kIOPCI*.

#include <cstdint>

namespace dextlab::pci {

// §6.1: the predefined header of a type-0 (endpoint) function, 64 bytes.
struct [[gnu::packed]] Type0Header {
    uint16_t vendor_id;          // 0x00
    uint16_t device_id;          // 0x02
    uint16_t command;            // 0x04
    uint16_t status;             // 0x06
    uint8_t revision_id;         // 0x08
    uint8_t class_code[3];       // 0x09: programming interface, sub-class, base class
    uint8_t cache_line_size;     // 0x0C
    uint8_t latency_timer;       // 0x0D
    uint8_t header_type;         // 0x0E: bits 6:0 the layout (0 = this one), bit 7 multi-function
    uint8_t bist;                // 0x0F
    uint32_t bar[6];             // 0x10..0x27
    uint32_t cardbus_cis;        // 0x28
    uint16_t subsystem_vendor_id; // 0x2C
    uint16_t subsystem_id;       // 0x2E
    uint32_t expansion_rom;      // 0x30
    uint8_t capabilities_pointer; // 0x34
    uint8_t reserved[7];         // 0x35..0x3B
    uint8_t interrupt_line;      // 0x3C
    uint8_t interrupt_pin;       // 0x3D: 1..4 = INTA#..INTD#, 0 = none
    uint8_t min_grant;           // 0x3E
    uint8_t max_latency;         // 0x3F
};
static_assert(sizeof(Type0Header) == 64);

// Conventional configuration space (PCI 3.0); PCI Express extends it to 4096 bytes.
inline constexpr uint16_t kConfigSpaceSize = 256;

namespace cfg {
inline constexpr uint16_t VendorId = 0x00;
inline constexpr uint16_t DeviceId = 0x02;
inline constexpr uint16_t Command = 0x04;
inline constexpr uint16_t Status = 0x06;
inline constexpr uint16_t RevisionId = 0x08;
inline constexpr uint16_t ClassCode = 0x09;
inline constexpr uint16_t HeaderType = 0x0E;
inline constexpr uint16_t Bar0 = 0x10;
inline constexpr uint16_t SubsystemVendorId = 0x2C;
inline constexpr uint16_t SubsystemId = 0x2E;
inline constexpr uint16_t ExpansionRom = 0x30;
inline constexpr uint16_t CapabilitiesPointer = 0x34;
inline constexpr uint16_t InterruptLine = 0x3C;
inline constexpr uint16_t InterruptPin = 0x3D;
} // namespace cfg

// §6.2.2 Command register.
namespace command {
inline constexpr uint16_t IoSpace = 1u << 0;
inline constexpr uint16_t MemorySpace = 1u << 1; // the function answers accesses to its memory BARs
inline constexpr uint16_t BusMaster = 1u << 2;   // the function may master memory writes (DMA, MSI)
inline constexpr uint16_t ParityErrorResponse = 1u << 6;
inline constexpr uint16_t Serr = 1u << 8;
inline constexpr uint16_t InterruptDisable = 1u << 10; // INTx# is not asserted
// The bits a function without I/O space implements here.
inline constexpr uint16_t kWritable = MemorySpace | BusMaster | ParityErrorResponse | Serr | InterruptDisable;
} // namespace command

// §6.2.3 Status register; the error bits are write-1-to-clear.
namespace status {
inline constexpr uint16_t InterruptStatus = 1u << 3; // INTx# would be asserted (read-only)
inline constexpr uint16_t CapabilitiesList = 1u << 4; // the capabilities pointer is valid (read-only)
inline constexpr uint16_t kWriteOneToClear = 0xF900; // parity, target/master aborts, SERR, parity error detected
} // namespace status

// §6.2.5.1: the low bits of a Base Address Register.
namespace bar {
inline constexpr uint32_t IoSpace = 1u << 0;     // 1 = I/O, 0 = memory
inline constexpr uint32_t Type64 = 2u << 1;      // memory: 64-bit, the next BAR holds the upper half
inline constexpr uint32_t Prefetchable = 1u << 3;
inline constexpr uint32_t kMemoryFlags = 0xF;    // read-only type bits of a memory BAR
} // namespace bar

// Capability ids (PCI Code and ID Assignment Specification).
inline constexpr uint8_t kCapabilityMsi = 0x05;

// §6.8.1: the MSI capability with a 64-bit message address and per-vector masking, 24 bytes.
namespace msi {
inline constexpr uint16_t Control = 0x02;     // from the capability's start
inline constexpr uint16_t AddressLow = 0x04;
inline constexpr uint16_t AddressHigh = 0x08;
inline constexpr uint16_t Data = 0x0C;
inline constexpr uint16_t MaskBits = 0x10;
inline constexpr uint16_t PendingBits = 0x14;
inline constexpr uint16_t kSize = 0x18;
// Message Control.
inline constexpr uint16_t Enable = 1u << 0;
inline constexpr uint16_t MultipleMessageCapableShift = 1; // bits 3:1, log2 of the vectors requested
inline constexpr uint16_t MultipleMessageEnableShift = 4;  // bits 6:4, log2 of the vectors allocated
inline constexpr uint16_t Address64 = 1u << 7;
inline constexpr uint16_t PerVectorMasking = 1u << 8;
} // namespace msi

} // namespace dextlab::pci
