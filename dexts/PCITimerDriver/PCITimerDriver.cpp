//
//  PCITimerDriver.cpp
//  Start: open the provider, enable Memory Space and Bus Master, find BAR0's memory index,
//  check the ID register, program the interval (the personality's PCITimerIntervalUs), create
//  the interrupt source for MSI vector 0 on the default queue, enable it, start the timer.
//  Each InterruptOccurred acknowledges TICK (and OVERRUN) in STATUS and adds `count` — the
//  interrupts coalesced into this callback — to the total. Stop cancels the source, stops the
//  timer and closes the provider (after a surprise removal the registers read all-ones).
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>
#include <DriverKit/IOInterruptDispatchSource.h>
#include <PCIDriverKit/PCIDriverKit.h>

#include "PCITimerDriver.h"
#include "PCITimerRegisters.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "PCITimerDriver: " fmt, ##__VA_ARGS__)

static const uint32_t kDefaultIntervalUs = 1000;
static const uint64_t kLoggedCallbacks   = 3; // each of the first few, then only the totals

struct PCITimerDriver_IVars
{
    IOPCIDevice               *pci;
    IOInterruptDispatchSource *source;
    OSAction                  *interruptAction;
    uint8_t                    bar0;        // BAR0's memory index
    uint64_t                   callbacks;   // InterruptOccurred calls
    uint64_t                   interrupts;  // the sum of their counts
    uint64_t                   largestCount;
    bool                       opened;
};

// The personality's PCITimerIntervalUs, or the default.
static uint32_t
IntervalFromPersonality(IOService *service)
{
    OSDictionary *properties = NULL;
    uint32_t interval = kDefaultIntervalUs;
    if (service->CopyProperties(&properties) == kIOReturnSuccess && properties != NULL) {
        OSNumber *number = OSDynamicCast(OSNumber, properties->getObject("PCITimerIntervalUs"));
        if (number != NULL && number->unsigned32BitValue() != 0) {
            interval = number->unsigned32BitValue();
        }
    }
    OSSafeReleaseNULL(properties);
    return interval;
}

bool
PCITimerDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(PCITimerDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(PCITimerDriver, Start)
{
    uint32_t ids = 0, id = 0;
    uint16_t command = 0;
    uint64_t barSize = 0, msiOffset = 0, interruptType = 0;
    uint8_t barType = 0;
    uint32_t interval = 0;
    IODispatchQueue *queue = NULL;

    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->pci = OSDynamicCast(IOPCIDevice, provider);
    __Require_Action(NULL != ivars->pci, Exit, ret = kIOReturnNoDevice);
    ivars->pci->retain();
    ret = ivars->pci->Open(this, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->opened = true;

    ivars->pci->ConfigurationRead32(kIOPCIConfigurationOffsetVendorID, &ids);
    ivars->pci->ConfigurationRead16(kIOPCIConfigurationOffsetCommand, &command);
    ivars->pci->ConfigurationWrite16(kIOPCIConfigurationOffsetCommand,
        command | kIOPCICommandMemorySpace | kIOPCICommandBusLead);

    ret = ivars->pci->GetBARInfo(kPCIMemoryRangeBAR0, &ivars->bar0, &barSize, &barType);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->pci->MemoryRead32(ivars->bar0, kPCITimerRegID, &id);
    __Require_Action(kPCITimerID == id, Exit, ret = kIOReturnNoDevice);
    ret = ivars->pci->FindPCICapability(kIOPCICapabilityIDMSI, 0, &msiOffset);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IOInterruptDispatchSource::GetInterruptType(ivars->pci, 0, &interruptType);
    __Require(kIOReturnSuccess == ret, Exit);
    Log("Start: device %04x:%04x, BAR0 memory index %u (%llu bytes, type %u), MSI capability at 0x%llx, interrupt 0 type 0x%llx",
        ids & 0xffff, ids >> 16, ivars->bar0, barSize, barType, msiOffset, interruptType);

    ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &queue);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IOInterruptDispatchSource::Create(ivars->pci, 0, queue, &ivars->source);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionInterruptOccurred(0, &ivars->interruptAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->source->SetHandler(ivars->interruptAction);
    __Require(kIOReturnSuccess == ret, Exit);
    // A new interrupt source is disabled.
    ret = ivars->source->SetEnableWithCompletion(true, NULL);
    __Require(kIOReturnSuccess == ret, Exit);

    interval = IntervalFromPersonality(this);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegIntervalUs, interval);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegControl, kPCITimerControlRun | kPCITimerControlIrq);
    Log("Start: ticking every %u us", interval);

Exit:
    OSSafeReleaseNULL(queue);
    if (ret != kIOReturnSuccess) {
        Log("Start failed: 0x%x", ret);
    }
    return ret;
}

void
IMPL(PCITimerDriver, InterruptOccurred)
{
    uint32_t status = 0;
    uint64_t ticks = 0;

    (void)action; // the source's action; nothing to do with it here
    ivars->callbacks++;
    ivars->interrupts += count;
    if (count > ivars->largestCount) {
        ivars->largestCount = count;
    }
    // Acknowledge: write back the bits that are set (write 1 to clear).
    ivars->pci->MemoryRead32(ivars->bar0, kPCITimerRegStatus, &status);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegStatus, status & (kPCITimerStatusTick | kPCITimerStatusOverrun));
    if (ivars->callbacks <= kLoggedCallbacks) {
        ivars->pci->MemoryRead64(ivars->bar0, kPCITimerRegCount, &ticks);
        Log("InterruptOccurred: count %llu at %llu us, status 0x%x, device ticks %llu",
            count, time / 1000, status, ticks);
    }
}

kern_return_t
IMPL(PCITimerDriver, Stop)
{
    uint64_t ticks = 0;

    // No callbacks after Cancel; the action holds this driver, so it goes now, not in free().
    if (ivars->source != NULL) {
        ivars->source->Cancel(NULL);
    }
    OSSafeReleaseNULL(ivars->source);
    OSSafeReleaseNULL(ivars->interruptAction);
    if (ivars->opened) {
        ivars->pci->MemoryRead64(ivars->bar0, kPCITimerRegCount, &ticks);
        ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegControl, 0);
        ivars->pci->Close(this, 0);
        ivars->opened = false;
    }
    Log("Stop: %llu callbacks, %llu interrupts (at most %llu in one), device ticks %llu",
        ivars->callbacks, ivars->interrupts, ivars->largestCount, ticks);
    return Stop(provider, SUPERDISPATCH);
}

void
PCITimerDriver::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->source);
        OSSafeReleaseNULL(ivars->interruptAction);
        OSSafeReleaseNULL(ivars->pci);
    }
    IOSafeDeleteNULL(ivars, PCITimerDriver_IVars, 1);
    super::free();
}
