//
//  USBDeviceLevelDriver.cpp
//  Start: open the device, read its device, string and configuration descriptors, GET_STATUS
//  (DeviceRequest), select configuration 1 (SetConfiguration), then GET_CONFIGURATION
//  (AsyncDeviceRequest). With DriveInterface, walk the interfaces (CreateInterfaceIterator /
//  CopyInterface), open the first, keep eight bulk-IN reads in flight on 0x82 and write numbered
//  packets to 0x02, which the loopback device echoes back. Stop aborts the pipes and finishes
//  stopping once every outstanding transfer has come back. Only DriverKit headers: this file
//  builds for macOS unchanged.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSAction.h>
#include <DriverKit/OSBoolean.h>
#include <DriverKit/OSDictionary.h>
#include <DriverKit/OSNumber.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/USBDriverKit.h>

#include "USBDeviceLevelDriver.h"

#define kReadsInFlight       8
#define kPacketSize          64
#define kInEndpoint          0x82
#define kOutEndpoint         0x02
#define kLogEveryReads       16
#define kMisuseConfiguration 7

struct ReadSlot {
    uint32_t index;
};

struct USBDeviceLevelDriver_IVars
{
    IOUSBHostDevice          *device;
    IOUSBHostInterface       *interface;
    IOUSBHostPipe            *inPipe;
    IOUSBHostPipe            *outPipe;
    IOBufferMemoryDescriptor *inBuffers[kReadsInFlight];
    OSAction                 *readActions[kReadsInFlight];
    IOBufferMemoryDescriptor *outBuffer;
    OSAction                 *writeAction;
    IOBufferMemoryDescriptor *requestBuffer;
    OSAction                 *requestAction;
    IOService                *stoppingProvider;
    bool                      driveInterface;
    bool                      matchInterfaces;
    bool                      probeMisuse;
    uint32_t                  resetAfterReads;
    bool                      resetPending;
    bool                      stopping;
    bool                      writeInFlight;
    bool                      requestInFlight;
    uint32_t                  readsInFlight;
    uint32_t                  nextSequenceOut;
    uint32_t                  nextSequenceIn;
    uint64_t                  readsCompleted;
    uint64_t                  writesCompleted;
    uint64_t                  abortedCompletions;
    uint64_t                  outOfOrder;
};

static bool
PersonalityFlag(IOService *service, const char *key, bool fallback)
{
    OSDictionary *properties = NULL;
    bool          value = fallback;

    if (kIOReturnSuccess == service->CopyProperties(&properties) && NULL != properties) {
        OSBoolean *flag = OSDynamicCast(OSBoolean, properties->getObject(key));
        if (NULL != flag) {
            value = (flag == kOSBooleanTrue);
        }
        properties->release();
    }
    return value;
}

static uint32_t
PersonalityNumber(IOService *service, const char *key)
{
    OSDictionary *properties = NULL;
    uint32_t      value = 0;

    if (kIOReturnSuccess == service->CopyProperties(&properties) && NULL != properties) {
        OSNumber *number = OSDynamicCast(OSNumber, properties->getObject(key));
        if (NULL != number) {
            value = number->unsigned32BitValue();
        }
        properties->release();
    }
    return value;
}

// A string descriptor's UTF-16LE text, ASCII only (what a log line needs).
static void
StringText(const IOUSBStringDescriptor *descriptor, char *text, size_t size)
{
    size_t out = 0;

    if (NULL != descriptor) {
        for (size_t i = 2; i + 1 < descriptor->bLength && out + 1 < size; i += 2) {
            uint8_t low = ((const uint8_t *)descriptor)[i];
            uint8_t high = ((const uint8_t *)descriptor)[i + 1];
            text[out++] = (high == 0 && low >= 0x20 && low < 0x7f) ? (char)low : '?';
        }
    }
    text[out] = '\0';
}

// Fills the OUT buffer with the next numbered packet and sends it.
static void
SendNextPacket(USBDeviceLevelDriver_IVars *ivars)
{
    IOAddressSegment range;
    kern_return_t    ret;

    ret = ivars->outBuffer->GetAddressRange(&range);
    if (kIOReturnSuccess != ret) {
        return;
    }
    // Each packet starts with its sequence number; the echo must bring them back in order.
    memset((void *)range.address, 0xa5, kPacketSize);
    memcpy((void *)range.address, &ivars->nextSequenceOut, sizeof(ivars->nextSequenceOut));
    ret = ivars->outPipe->AsyncIO(ivars->outBuffer, kPacketSize, ivars->writeAction, 1000);
    if (kIOReturnSuccess == ret) {
        ivars->nextSequenceOut++;
        ivars->writeInFlight = true;
    } else {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: write AsyncIO failed: 0x%08x", ret);
    }
}

// Stop waits for every outstanding transfer; the last completion finishes it.
static bool
EverythingBack(const USBDeviceLevelDriver_IVars *ivars)
{
    return 0 == ivars->readsInFlight && !ivars->writeInFlight && !ivars->requestInFlight;
}

bool
USBDeviceLevelDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(USBDeviceLevelDriver_IVars, 1);
    return NULL != ivars;
}

kern_return_t
IMPL(USBDeviceLevelDriver, Start)
{
    kern_return_t                       ret;
    const IOUSBDeviceDescriptor        *deviceDescriptor = NULL;
    const IOUSBConfigurationDescriptor *configuration = NULL;
    const IOUSBStringDescriptor        *product = NULL;
    uint16_t                            transferred = 0;
    uint16_t                            status = 0;
    IOAddressSegment                    range;
    char                                productText[64];
    uint8_t                             address = 0;
    uint8_t                             speed = 0;
    uint64_t                            frame = 0;

    ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->device = OSDynamicCast(IOUSBHostDevice, provider);
    __Require_Action(NULL != ivars->device, Exit, ret = kIOReturnNoDevice);
    ivars->driveInterface = PersonalityFlag(this, "DriveInterface", true);
    ivars->matchInterfaces = PersonalityFlag(this, "MatchInterfaces", true);
    ivars->probeMisuse = PersonalityFlag(this, "ProbeMisuse", false);
    ivars->resetAfterReads = PersonalityNumber(this, "ResetAfterReads");

    if (ivars->probeMisuse) {
        // Selecting a configuration takes the device-level session first.
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: SetConfiguration before Open -> 0x%08x",
               ivars->device->SetConfiguration(1, true));
    }
    ret = ivars->device->Open(this, 0, 0);
    __Require(kIOReturnSuccess == ret, Exit);

    deviceDescriptor = ivars->device->CopyDeviceDescriptor();
    __Require_Action(NULL != deviceDescriptor, Exit, ret = kIOReturnNoDevice);
    product = ivars->device->CopyStringDescriptor(deviceDescriptor->iProduct);
    StringText(product, productText, sizeof(productText));
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: Start on %04x:%04x '%s', %u configuration(s)",
           USBToHost16(deviceDescriptor->idVendor), USBToHost16(deviceDescriptor->idProduct), productText,
           deviceDescriptor->bNumConfigurations);

    ret = ivars->device->GetAddress(&address);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->device->GetSpeed(&speed);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->device->GetFrameNumber(&frame, NULL);
    __Require(kIOReturnSuccess == ret, Exit);
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: address %u, %s speed, frame %llu", address,
           kIOUSBDeviceSpeedFull == speed ? "full" : "other", frame);
    // A reset device comes back at another address (USB 2.0 §9.1.2): the driver that starts on
    // it does not reset it again. (Its process may have exited in between: state lives in the device.)
    ivars->resetPending = 0 != ivars->resetAfterReads && PersonalityNumber(this, "ResetOnAddress") == address;

    configuration = ivars->device->CopyConfigurationDescriptor((uint8_t)0);
    __Require_Action(NULL != configuration, Exit, ret = kIOReturnNotFound);
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: configuration %u: %u interface(s), %u bytes",
           configuration->bConfigurationValue, configuration->bNumInterfaces, USBToHost16(configuration->wTotalLength));

    // GET_STATUS to the device (USB 2.0 §9.4.5), answered before DeviceRequest returns.
    ret = ivars->device->CreateIOBuffer(kIOMemoryDirectionIn, sizeof(status), &ivars->requestBuffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->device->DeviceRequest(this,
                                       kIOUSBDeviceRequestDirectionIn | kIOUSBDeviceRequestTypeStandard |
                                           kIOUSBDeviceRequestRecipientDevice,
                                       kIOUSBDeviceRequestGetStatus, 0, 0, sizeof(status), ivars->requestBuffer,
                                       &transferred, 1000);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->requestBuffer->GetAddressRange(&range);
    __Require(kIOReturnSuccess == ret, Exit);
    memcpy(&status, (const void *)range.address, sizeof(status));
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: GET_STATUS 0x%04x (%u bytes)%s", USBToHost16(status), transferred,
           (USBToHost16(status) & kIOUSBDeviceStatusSelfPowered) ? ", self-powered" : "");

    if (ivars->probeMisuse) {
        // A value the device does not have, and SET_CONFIGURATION behind the host's back.
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: SetConfiguration(%u) -> 0x%08x", kMisuseConfiguration,
               ivars->device->SetConfiguration(kMisuseConfiguration, true));
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: DeviceRequest(SET_CONFIGURATION) -> 0x%08x",
               ivars->device->DeviceRequest(this, kIOUSBDeviceRequestDirectionOut | kIOUSBDeviceRequestTypeStandard |
                                                      kIOUSBDeviceRequestRecipientDevice,
                                            kIOUSBDeviceRequestSetConfiguration, 1, 0, 0, NULL, NULL, 0));
    }

    ret = ivars->device->SetConfiguration(configuration->bConfigurationValue, ivars->matchInterfaces);
    __Require(kIOReturnSuccess == ret, Exit);
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: SetConfiguration(%u, %s)", configuration->bConfigurationValue,
           ivars->matchInterfaces ? "true" : "false");

    // GET_CONFIGURATION (§9.4.2), asynchronously: the answer arrives in ConfigurationReadComplete.
    ret = CreateActionConfigurationReadComplete(0, &ivars->requestAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->device->AsyncDeviceRequest(this,
                                            kIOUSBDeviceRequestDirectionIn | kIOUSBDeviceRequestTypeStandard |
                                                kIOUSBDeviceRequestRecipientDevice,
                                            kIOUSBDeviceRequestGetConfiguration, 0, 0, 1, ivars->requestBuffer,
                                            ivars->requestAction, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    ivars->requestInFlight = true;

    if (ivars->driveInterface) {
        uintptr_t iterator = 0;

        ret = ivars->device->CreateInterfaceIterator(&iterator);
        __Require(kIOReturnSuccess == ret, Exit);
        ret = ivars->device->CopyInterface(iterator, &ivars->interface);
        ivars->device->DestroyInterfaceIterator(iterator);
        __Require(kIOReturnSuccess == ret, Exit);
        __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNotFound);

        ret = ivars->interface->Open(this, 0, NULL);
        __Require(kIOReturnSuccess == ret, Exit);
        ret = ivars->interface->CopyPipe(kInEndpoint, &ivars->inPipe);
        __Require(kIOReturnSuccess == ret, Exit);
        ret = ivars->interface->CopyPipe(kOutEndpoint, &ivars->outPipe);
        __Require(kIOReturnSuccess == ret, Exit);

        // One buffer and one action per read: each read owns its memory until it completes,
        // and the action's reference says which slot came back.
        for (uint32_t i = 0; i < kReadsInFlight; i++) {
            ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, kPacketSize, &ivars->inBuffers[i]);
            __Require(kIOReturnSuccess == ret, Exit);
            ret = CreateActionReadComplete(sizeof(ReadSlot), &ivars->readActions[i]);
            __Require(kIOReturnSuccess == ret, Exit);
            ((ReadSlot *)ivars->readActions[i]->GetReference())->index = i;
        }
        ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionOut, kPacketSize, &ivars->outBuffer);
        __Require(kIOReturnSuccess == ret, Exit);
        ret = CreateActionWriteComplete(0, &ivars->writeAction);
        __Require(kIOReturnSuccess == ret, Exit);

        for (uint32_t i = 0; i < kReadsInFlight; i++) {
            ret = ivars->inPipe->AsyncIO(ivars->inBuffers[i], kPacketSize, ivars->readActions[i], 0);
            __Require(kIOReturnSuccess == ret, Exit);
            ivars->readsInFlight++;
        }
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: driving interface %u: %u reads in flight on 0x%02x, writes on 0x%02x",
               ivars->interface->GetInterfaceDescriptor(configuration)->bInterfaceNumber, ivars->readsInFlight,
               kInEndpoint, kOutEndpoint);
        SendNextPacket(ivars);
    } else {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: keeping the device open; its interfaces are for interface drivers");
    }

Exit:
    IOUSBHostFreeDescriptor(configuration);
    IOUSBHostFreeDescriptor(product);
    IOUSBHostFreeDescriptor(deviceDescriptor);
    if (kIOReturnSuccess != ret) {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(USBDeviceLevelDriver, ConfigurationReadComplete)
{
    IOAddressSegment range;
    uint8_t          value = 0;

    (void)action;
    ivars->requestInFlight = false;
    if (kIOReturnSuccess == status && bytesTransferred == 1 &&
        kIOReturnSuccess == ivars->requestBuffer->GetAddressRange(&range)) {
        value = *(const uint8_t *)range.address;
    }
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: GET_CONFIGURATION status 0x%08x, configuration %u", status, value);
    if (ivars->stopping && EverythingBack(ivars)) {
        Stop(ivars->stoppingProvider);
    }
}

void
IMPL(USBDeviceLevelDriver, WriteComplete)
{
    (void)action;
    (void)actualByteCount;
    (void)completionTimestamp;

    ivars->writeInFlight = false;
    if (kIOReturnSuccess == status) {
        ivars->writesCompleted++;
    } else if (kIOReturnAborted == status) {
        ivars->abortedCompletions++;
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: write completed with 0x%08x", status);
    }
    if (ivars->stopping) {
        if (EverythingBack(ivars)) {
            Stop(ivars->stoppingProvider);
        }
        return;
    }
    if (kIOReturnSuccess == status) {
        SendNextPacket(ivars);
    }
}

void
IMPL(USBDeviceLevelDriver, ReadComplete)
{
    uint32_t         slot = ((ReadSlot *)action->GetReference())->index;
    uint32_t         sequence = 0;
    IOAddressSegment range;
    kern_return_t    ret;

    (void)completionTimestamp;
    ivars->readsInFlight--;

    if (kIOReturnSuccess != status) {
        if (kIOReturnAborted == status) {
            ivars->abortedCompletions++;
        }
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: read %u completed with 0x%08x, %u still in flight", slot, status,
               ivars->readsInFlight);
        if (ivars->stopping && EverythingBack(ivars)) {
            Stop(ivars->stoppingProvider); // runs Stop again, which now finishes
        }
        return;
    }

    if (kIOReturnSuccess == ivars->inBuffers[slot]->GetAddressRange(&range) && actualByteCount >= sizeof(sequence)) {
        memcpy(&sequence, (const void *)range.address, sizeof(sequence));
    }
    if (sequence != ivars->nextSequenceIn) {
        ivars->outOfOrder++;
    }
    ivars->nextSequenceIn = sequence + 1;
    ivars->readsCompleted++;
    if (0 == ivars->readsCompleted % kLogEveryReads) {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: %llu reads, last packet %u in slot %u, %llu out of order",
               ivars->readsCompleted, sequence, slot, ivars->outOfOrder);
    }
    if (ivars->stopping) {
        return;
    }
    if (ivars->resetPending && ivars->readsCompleted == ivars->resetAfterReads) {
        // The device goes through a port reset: this driver stops, a new device nub is matched.
        ivars->resetPending = false;
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: Reset after %llu reads -> 0x%08x", ivars->readsCompleted,
               ivars->device->Reset());
    }
    ret = ivars->inPipe->AsyncIO(ivars->inBuffers[slot], kPacketSize, action, 0);
    if (kIOReturnSuccess == ret) {
        ivars->readsInFlight++;
    } else {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: read AsyncIO failed: 0x%08x", ret);
    }
}

kern_return_t
IMPL(USBDeviceLevelDriver, Stop)
{
    if (!ivars->stopping) {
        os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: Stop after %llu reads, %llu writes; %u reads in flight, aborting",
               ivars->readsCompleted, ivars->writesCompleted, ivars->readsInFlight);
        ivars->stopping = true;
        ivars->stoppingProvider = provider;
        if (NULL != ivars->inPipe) {
            ivars->inPipe->Abort(0, kIOReturnAborted, this);
        }
        if (NULL != ivars->outPipe) {
            ivars->outPipe->Abort(0, kIOReturnAborted, this);
        }
        if (NULL != ivars->device) {
            ivars->device->AbortDeviceRequests(this, 0, kIOReturnAborted);
        }
        // The aborted transfers complete on this queue after Stop returns: finish stopping in
        // the last of those completions.
        if (!EverythingBack(ivars)) {
            return kIOReturnSuccess;
        }
    }

    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: every transfer is back (%llu aborted, %llu out of order); closing",
           ivars->abortedCompletions, ivars->outOfOrder);
    if (NULL != ivars->interface) {
        ivars->interface->Close(this, 0);
    }
    if (NULL != ivars->device) {
        ivars->device->Close(this, 0);
    }
    // The completion actions hold references on this driver: release them here, not in free().
    for (uint32_t i = 0; i < kReadsInFlight; i++) {
        OSSafeReleaseNULL(ivars->readActions[i]);
        OSSafeReleaseNULL(ivars->inBuffers[i]);
    }
    OSSafeReleaseNULL(ivars->writeAction);
    OSSafeReleaseNULL(ivars->requestAction);
    OSSafeReleaseNULL(ivars->outBuffer);
    OSSafeReleaseNULL(ivars->requestBuffer);
    OSSafeReleaseNULL(ivars->inPipe);
    OSSafeReleaseNULL(ivars->outPipe);
    OSSafeReleaseNULL(ivars->interface);
    return Stop(provider, SUPERDISPATCH);
}

void
USBDeviceLevelDriver::free()
{
    os_log(OS_LOG_DEFAULT, "USBDeviceLevelDriver: free");
    IOSafeDeleteNULL(ivars, USBDeviceLevelDriver_IVars, 1);
    super::free();
}
