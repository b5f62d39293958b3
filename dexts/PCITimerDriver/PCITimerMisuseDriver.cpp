//
//  PCITimerMisuseDriver.cpp
//  Start makes the mistakes one by one and logs what each returned; then the timer runs in
//  three phases of 5 ms, moved on by an IOTimerDispatchSource:
//    1. bus mastering off: the function cannot write its MSI, nothing is delivered;
//    2. bus mastering on, the source disabled: each tick finds the vector masked, the function
//       holds one pending message;
//    3. the source enabled: the pending message arrives at once as one callback (count 1),
//       then every tick is delivered.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOInterruptDispatchSource.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <PCIDriverKit/PCIDriverKit.h>

#include "PCITimerMisuseDriver.h"
#include "PCITimerRegisters.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "PCITimerMisuseDriver: " fmt, ##__VA_ARGS__)

static const uint64_t kPhaseNs = 5 * NSEC_PER_MSEC;

struct PCITimerMisuseDriver_IVars
{
    IOPCIDevice               *pci;
    IOInterruptDispatchSource *source;
    OSAction                  *interruptAction;
    IOTimerDispatchSource     *phaseTimer;
    OSAction                  *phaseAction;
    uint8_t                    bar0;
    int                        phase;
    uint64_t                   callbacks;
    bool                       opened;
};

bool
PCITimerMisuseDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(PCITimerMisuseDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(PCITimerMisuseDriver, Start)
{
    uint32_t value = 0;
    uint16_t command = 0;
    uint64_t type = 0;
    IODispatchQueue *queue = NULL;
    IOInterruptDispatchSource *bad = NULL;
    IOMemoryDescriptor *memory = NULL;
    kern_return_t status;

    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->pci = OSDynamicCast(IOPCIDevice, provider);
    __Require_Action(NULL != ivars->pci, Exit, ret = kIOReturnNoDevice);
    ivars->pci->retain();
    ret = CopyDispatchQueue(kIOServiceDefaultQueueName, &queue);
    __Require(kIOReturnSuccess == ret, Exit);

    // 1. An accessor before Open: the kernel answers only the device's client.
    ivars->pci->ConfigurationRead32(kIOPCIConfigurationOffsetVendorID, &value);
    Log("ConfigurationRead32 before Open: 0x%x", value);

    ret = ivars->pci->Open(this, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->opened = true;
    ret = ivars->pci->GetBARInfo(kPCIMemoryRangeBAR0, &ivars->bar0);
    __Require(kIOReturnSuccess == ret, Exit);

    // 2. A register read with Memory Space off: the function does not answer.
    ivars->pci->MemoryRead32(ivars->bar0, kPCITimerRegID, &value);
    Log("MemoryRead32 with Memory Space off: 0x%x", value);

    // 3. Mapping BAR memory: not in the lab.
    status = ivars->pci->_CopyDeviceMemoryWithIndex(ivars->bar0, &memory, this);
    Log("_CopyDeviceMemoryWithIndex: 0x%x", status);
    OSSafeReleaseNULL(memory);

    // 4. An interrupt index the function does not have.
    status = IOInterruptDispatchSource::GetInterruptType(ivars->pci, 1, &type);
    Log("GetInterruptType(index 1): 0x%x", status);
    status = IOInterruptDispatchSource::Create(ivars->pci, 1, queue, &bad);
    Log("Create(index 1): 0x%x", status);
    OSSafeReleaseNULL(bad);

    // 5. Two sources on one vector.
    ret = IOInterruptDispatchSource::Create(ivars->pci, 0, queue, &ivars->source);
    __Require(kIOReturnSuccess == ret, Exit);
    status = IOInterruptDispatchSource::Create(ivars->pci, 0, queue, &bad);
    Log("Create(index 0) again: 0x%x", status);
    OSSafeReleaseNULL(bad);

    // 6. Asking for more vectors once they are allocated.
    status = ivars->pci->ConfigureInterrupts(kIOInterruptTypePCIMessaged, 2, 2);
    Log("ConfigureInterrupts(2 vectors) after Create: 0x%x", status);

    ret = CreateActionInterruptOccurred(0, &ivars->interruptAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->source->SetHandler(ivars->interruptAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->source->SetEnableWithCompletion(true, NULL);
    __Require(kIOReturnSuccess == ret, Exit);

    // Phase 1: memory decoding on, bus mastering forgotten.
    ivars->pci->ConfigurationRead16(kIOPCIConfigurationOffsetCommand, &command);
    ivars->pci->ConfigurationWrite16(kIOPCIConfigurationOffsetCommand, command | kIOPCICommandMemorySpace);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegIntervalUs, 1000);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegControl, kPCITimerControlRun | kPCITimerControlIrq);
    ivars->phase = 1;
    Log("phase 1: bus mastering off");

    ret = IOTimerDispatchSource::Create(queue, &ivars->phaseTimer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionPhaseTimerFired(0, &ivars->phaseAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->phaseTimer->SetHandler(ivars->phaseAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->phaseTimer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kPhaseNs, 0);
    __Require(kIOReturnSuccess == ret, Exit);

Exit:
    OSSafeReleaseNULL(queue);
    return ret;
}

void
IMPL(PCITimerMisuseDriver, PhaseTimerFired)
{
    uint16_t command = 0;
    uint32_t status = 0;

    (void)action;
    (void)time;
    if (ivars->phase == 1) {
        ivars->pci->ConfigurationRead16(kIOPCIConfigurationOffsetCommand, &command);
        ivars->pci->ConfigurationWrite16(kIOPCIConfigurationOffsetCommand, command | kIOPCICommandBusLead);
        ivars->source->SetEnableWithCompletion(false, NULL);
        ivars->phase = 2;
        Log("phase 2: bus mastering on, source disabled (%llu callbacks so far)", ivars->callbacks);
        ivars->phaseTimer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kPhaseNs, 0);
    } else if (ivars->phase == 2) {
        ivars->pci->MemoryRead32(ivars->bar0, kPCITimerRegStatus, &status);
        ivars->phase = 3;
        Log("phase 3: source enabled (%llu callbacks so far, status 0x%x)", ivars->callbacks, status);
        ivars->source->SetEnableWithCompletion(true, NULL);
    }
}

void
IMPL(PCITimerMisuseDriver, InterruptOccurred)
{
    uint32_t status = 0;

    (void)action;
    ivars->callbacks++;
    ivars->pci->MemoryRead32(ivars->bar0, kPCITimerRegStatus, &status);
    ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegStatus, status);
    if (ivars->callbacks <= 2) {
        Log("InterruptOccurred in phase %d: count %llu at %llu us", ivars->phase, count, time / 1000);
    }
}

kern_return_t
IMPL(PCITimerMisuseDriver, Stop)
{
    if (ivars->phaseTimer != NULL) {
        ivars->phaseTimer->Cancel(NULL);
    }
    if (ivars->source != NULL) {
        ivars->source->Cancel(NULL);
    }
    // The actions hold this driver: released now, not in free().
    OSSafeReleaseNULL(ivars->phaseTimer);
    OSSafeReleaseNULL(ivars->phaseAction);
    OSSafeReleaseNULL(ivars->source);
    OSSafeReleaseNULL(ivars->interruptAction);
    if (ivars->opened) {
        ivars->pci->MemoryWrite32(ivars->bar0, kPCITimerRegControl, 0);
        ivars->pci->Close(this, 0);
        ivars->opened = false;
    }
    Log("Stop: %llu callbacks", ivars->callbacks);
    return Stop(provider, SUPERDISPATCH);
}

void
PCITimerMisuseDriver::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->source);
        OSSafeReleaseNULL(ivars->interruptAction);
        OSSafeReleaseNULL(ivars->phaseTimer);
        OSSafeReleaseNULL(ivars->phaseAction);
        OSSafeReleaseNULL(ivars->pci);
    }
    IOSafeDeleteNULL(ivars, PCITimerMisuseDriver_IVars, 1);
    super::free();
}
