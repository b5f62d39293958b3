//
//  PCITimerRegisters.h
//  The BAR0 register file of the lab's "pci-timer" function, as its data sheet
//  (devices/pci/pci_timer_device.h) gives it.
//

#ifndef PCITimerRegisters_h
#define PCITimerRegisters_h

#include <stdint.h>

enum {
    kPCITimerRegID         = 0x00, // RO  0x544D5231
    kPCITimerRegControl    = 0x04, // RW  bit 0 RUN, bit 1 IRQ_ENABLE
    kPCITimerRegIntervalUs = 0x08, // RW  period in microseconds
    kPCITimerRegStatus     = 0x0C, // W1C bit 0 TICK, bit 1 OVERRUN
    kPCITimerRegCount      = 0x10, // RO  64-bit tick counter
    kPCITimerRegVector     = 0x18, // RW  MSI vector to raise
};

static const uint32_t kPCITimerID            = 0x544D5231;
static const uint32_t kPCITimerControlRun    = 1u << 0;
static const uint32_t kPCITimerControlIrq    = 1u << 1;
static const uint32_t kPCITimerStatusTick    = 1u << 0;
static const uint32_t kPCITimerStatusOverrun = 1u << 1;

#endif /* PCITimerRegisters_h */
