//
//  DispatchSampleDriver.cpp
//  Reads endpoint 0x81 of a vendor interrupt device. Each completion (on the "Reader" queue)
//  puts the 8-byte sample into a 64-byte shared-memory ring; a poll timer on the "Poll" queue
//  drains the ring every 6 ms, so the ring wraps, sometimes fills (kIOReturnOverrun) and then
//  tells the producer when there is room again (DataServiced). Totals are kept in an
//  OSDictionary that only the Poll queue touches: the Reader queue updates it with
//  DispatchSync.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/OSCollections.h>
#include <DriverKit/IODispatchQueue.h>
#include <DriverKit/IOTimerDispatchSource.h>
#include <DriverKit/IODataQueueDispatchSource.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "DispatchSampleDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "DispatchSampleDriver: " fmt, ##__VA_ARGS__)

static const uint8_t  kInterruptIn     = 0x81;
static const uint16_t kSampleSize      = 8;
static const uint64_t kRingBytes       = 64;               // five 8-byte samples (12 bytes each with the header)
static const uint64_t kPollIntervalNs  = 6 * NSEC_PER_MSEC;
static const uint32_t kRecentSamples   = 4;

struct DispatchSampleDriver_IVars
{
    IOUSBHostInterface        *interface;
    IOUSBHostPipe             *pipe;
    IOBufferMemoryDescriptor  *buffer;
    OSAction                  *readDone;
    IODispatchQueue           *readerQueue;
    IODispatchQueue           *pollQueue;
    IOTimerDispatchSource     *pollTimer;
    OSAction                  *pollAction;
    IODataQueueDispatchSource *ring;
    OSAction                  *ringAvailable;
    OSAction                  *ringServiced;
    OSDictionary              *stats;      // name -> OSNumber, touched on the Poll queue only
    OSArray                   *recent;     // the last samples drained, as OSNumbers
    OSString                  *deviceName;
    bool                       stopping;
};

// Adds `amount` to the counter `key` of `stats` (a fresh OSNumber replaces the old one).
static void
Bump(OSDictionary *stats, const char *key, uint64_t amount = 1)
{
    OSNumber *old = OSDynamicCast(OSNumber, stats->getObject(key));
    OSNumber *updated = OSNumber::withNumber((old ? old->unsigned64BitValue() : 0) + amount, 64);
    if (updated != NULL) {
        stats->setObject(key, updated);
        updated->release();
    }
}

static uint64_t
Counter(OSDictionary *stats, const char *key)
{
    OSNumber *number = OSDynamicCast(OSNumber, stats->getObject(key));
    return number ? number->unsigned64BitValue() : 0;
}

bool
DispatchSampleDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(DispatchSampleDriver_IVars, 1);
    return ivars != NULL;
}

kern_return_t
IMPL(DispatchSampleDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);
    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CopyPipe(kInterruptIn, &ivars->pipe);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CreateIOBuffer(kIOMemoryDirectionIn, kSampleSize, &ivars->buffer);
    __Require(kIOReturnSuccess == ret, Exit);

    // Completions and the ring's DataServiced run on "Reader"; the timer and DataAvailable on "Poll".
    ret = IODispatchQueue::Create("Reader", 0, 0, &ivars->readerQueue);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = SetDispatchQueue("Reader", ivars->readerQueue);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IODispatchQueue::Create("Poll", 0, 0, &ivars->pollQueue);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = SetDispatchQueue("Poll", ivars->pollQueue);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->stats = OSDictionary::withCapacity(8);
    ivars->recent = OSArray::withCapacity(kRecentSamples);
    ivars->deviceName = OSString::withCString("vendor-interrupt");
    __Require_Action(ivars->stats && ivars->recent && ivars->deviceName, Exit, ret = kIOReturnNoMemory);
    ivars->stats->setObject("streaming", kOSBooleanTrue);

    ret = IODataQueueDispatchSource::Create(kRingBytes, ivars->readerQueue, &ivars->ring);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionRingDataAvailable(0, &ivars->ringAvailable);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->ring->SetDataAvailableHandler(ivars->ringAvailable);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionRingDataServiced(0, &ivars->ringServiced);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->ring->SetDataServicedHandler(ivars->ringServiced);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = IOTimerDispatchSource::Create(ivars->pollQueue, &ivars->pollTimer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionPollTimerFired(0, &ivars->pollAction);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->pollTimer->SetHandler(ivars->pollAction);
    __Require(kIOReturnSuccess == ret, Exit);
    // A new timer is enabled: no SetEnable(true) needed.
    ret = ivars->pollTimer->WakeAtTime(kIOTimerClockMachAbsoluteTime, mach_absolute_time() + kPollIntervalNs, kPollIntervalNs / 10);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = CreateActionReadComplete(0, &ivars->readDone);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->pipe->AsyncIO(ivars->buffer, kSampleSize, ivars->readDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);

    Log("Start: ring of %llu bytes (entry header %zu), polling every %llu us",
        kRingBytes, IODataQueueDispatchSource::GetDataQueueEntryHeaderSize(), kPollIntervalNs / 1000);

Exit:
    if (kIOReturnSuccess != ret) {
        Log("Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(DispatchSampleDriver, ReadComplete)
{
    IOAddressSegment range;
    uint64_t sample = 0; // kSampleSize bytes: a little-endian counter, then device data
    uint32_t counter = 0;

    (void)action;
    (void)completionTimestamp;
    if (kIOReturnSuccess != status || ivars->stopping) {
        Log("ReadComplete status 0x%08x, not re-arming", status);
        return;
    }
    if (kIOReturnSuccess == ivars->buffer->GetAddressRange(&range) && actualByteCount >= sizeof(sample)) {
        memcpy(&sample, reinterpret_cast<const void *>(range.address), sizeof(sample));
        counter = static_cast<uint32_t>(sample);
    }
    if (counter == 0) {
        Log("ReadComplete runs on the %{public}s queue", ivars->readerQueue->OnQueue() ? "Reader" : "wrong");
    }

    kern_return_t ret = ivars->ring->Enqueue(sizeof(sample), ^(void *data, size_t size) {
        memcpy(data, &sample, size);
    });
    bool full = (kIOReturnOverrun == ret);
    if (full) {
        Log("ring full at sample %u: dropped", counter);
    }

    // The totals belong to the Poll queue; update them there, and wait (GCD's DispatchSync).
    OSDictionary *stats = ivars->stats;
    ivars->pollQueue->DispatchSync(^{
        Bump(stats, "reads");
        if (full) {
            Bump(stats, "overruns");
        }
    });

    ivars->pipe->AsyncIO(ivars->buffer, kSampleSize, ivars->readDone, 0);
}

void
IMPL(DispatchSampleDriver, RingDataServiced)
{
    (void)action;
    OSDictionary *stats = ivars->stats;
    ivars->pollQueue->DispatchSync(^{
        Bump(stats, "serviced");
    });
    Log("ring serviced: room again (on the %{public}s queue)", ivars->readerQueue->OnQueue() ? "Reader" : "wrong");
}

void
IMPL(DispatchSampleDriver, RingDataAvailable)
{
    (void)action;
    if (Counter(ivars->stats, "available") == 0) {
        Log("RingDataAvailable runs on the %{public}s queue", ivars->pollQueue->OnQueue() ? "Poll" : "wrong");
    }
    Bump(ivars->stats, "available");
}

void
IMPL(DispatchSampleDriver, PollTimerFired)
{
    __block uint32_t drained = 0;
    __block uint32_t last = 0;
    OSArray *recent = ivars->recent;

    (void)action;
    while (kIOReturnSuccess == ivars->ring->Dequeue(^(const void *data, size_t size) {
        if (size >= sizeof(last)) {
            memcpy(&last, data, sizeof(last));
        }
        OSNumber *number = OSNumber::withNumber(last, 32);
        if (recent->getCount() == kRecentSamples) {
            recent->removeObject(0);
        }
        recent->setObject(number);
        number->release();
        drained++;
    })) {
    }
    Bump(ivars->stats, "polls");
    Bump(ivars->stats, "drained", drained);
    Log("poll at %llu us: drained %u, last sample %u", time / 1000, drained, last);

    if (!ivars->stopping) {
        ivars->pollTimer->WakeAtTime(kIOTimerClockMachAbsoluteTime, time + kPollIntervalNs, 0);
    }
}

kern_return_t
IMPL(DispatchSampleDriver, Stop)
{
    __block int pending = 3;
    OSDictionary *stats = ivars->stats;
    OSArray *recent = ivars->recent;

    ivars->stopping = true;
    stats->iterateObjects(^bool(OSObject *key, OSObject *value) {
        OSString *name = OSDynamicCast(OSString, key);
        OSNumber *number = OSDynamicCast(OSNumber, value);
        if (name != NULL && number != NULL) {
            Log("Stop: %{public}s = %llu", name->getCStringNoCopy(), number->unsigned64BitValue());
        }
        return true;
    });
    recent->iterateObjects(^bool(OSObject *object) {
        OSNumber *number = OSDynamicCast(OSNumber, object);
        Log("Stop: recent sample %u", number ? number->unsigned32BitValue() : 0);
        return true;
    });
    Log("Stop: %{public}s streaming=%{public}s", ivars->deviceName->getCStringNoCopy(),
        stats->getObject("streaming") == kOSBooleanTrue ? "true" : "false");

    // Sources and queues stop asynchronously; the last cancel handler finishes the Stop.
    void (^finish)(void) = ^{
        if (--pending > 0) {
            return;
        }
        Log("Stop: timer, ring and Reader queue canceled");
        if (ivars->interface != NULL) {
            ivars->interface->Close(this, 0);
        }
        OSSafeReleaseNULL(ivars->readDone);
        OSSafeReleaseNULL(ivars->pollAction);
        OSSafeReleaseNULL(ivars->ringAvailable);
        OSSafeReleaseNULL(ivars->ringServiced);
        Stop(provider, SUPERDISPATCH);
    };
    ivars->pollTimer->Cancel(^{
        finish();
    });
    ivars->ring->Cancel(^{
        finish();
    });
    ivars->readerQueue->Cancel(^{
        finish();
    });
    return kIOReturnSuccess;
}

void
DispatchSampleDriver::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->readDone);
        OSSafeReleaseNULL(ivars->pollAction);
        OSSafeReleaseNULL(ivars->ringAvailable);
        OSSafeReleaseNULL(ivars->ringServiced);
        OSSafeReleaseNULL(ivars->pollTimer);
        OSSafeReleaseNULL(ivars->ring);
        OSSafeReleaseNULL(ivars->buffer);
        OSSafeReleaseNULL(ivars->pipe);
        OSSafeReleaseNULL(ivars->readerQueue);
        OSSafeReleaseNULL(ivars->pollQueue);
        OSSafeReleaseNULL(ivars->stats);
        OSSafeReleaseNULL(ivars->recent);
        OSSafeReleaseNULL(ivars->deviceName);
    }
    IOSafeDeleteNULL(ivars, DispatchSampleDriver_IVars, 1);
    super::free();
}
