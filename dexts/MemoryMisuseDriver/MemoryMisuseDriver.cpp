//
//  MemoryMisuseDriver.cpp
//  Exercises DriverKit memory on a loopback device: what goes out on bulk OUT 0x02 comes back
//  on bulk IN 0x82. The device's bInterfaceProtocol picks the run (enum Run): protocol 0 moves
//  data through sub-descriptors and IOMemoryMaps the way DriverKit intends; every other
//  protocol makes one mistake with a buffer that macOS would let corrupt memory silently, and
//  that the lab reports as a driver error.
//

#include <os/log.h>

#include <DriverKit/IOLib.h>
#include <DriverKit/IOBufferMemoryDescriptor.h>
#include <DriverKit/IOMemoryMap.h>
#include <USBDriverKit/IOUSBHostInterface.h>
#include <USBDriverKit/IOUSBHostPipe.h>

#include "MemoryMisuseDriver.h"

#define Log(fmt, ...) os_log(OS_LOG_DEFAULT, "MemoryMisuseDriver: " fmt, ##__VA_ARGS__)

enum Run : uint8_t {
    kRunWellBehaved = 0,     // sub-descriptors and maps, a loopback through them, maps outliving the buffer
    kRunDirection = 1,       // IN into a kIOMemoryDirectionOut buffer, OUT from a kIOMemoryDirectionIn one
    kRunLength = 2,          // a transfer longer than the buffer's length; SetLength past the capacity
    kRunOverrun = 3,         // memset past the end of two buffers
    kRunBusy = 4,            // the same buffer in two reads at once
    kRunChangedInFlight = 5, // the buffer of a write changed before its completion
    kRunReleaseInFlight = 6, // buffers released while their transfers are in flight
    kRunBadArguments = 7,    // CreateMapping, CreateSubMemoryDescriptor and Create arguments DriverKit refuses
    kRunReadOnlyWrite = 8,   // a write through a kIOMemoryMapReadOnly mapping: the dext faults, as on macOS
};

static const uint8_t  kBulkOut   = 0x02;
static const uint8_t  kBulkIn    = 0x82;
static const uint32_t kChunk     = 16;

struct MemoryMisuseDriver_IVars
{
    IOUSBHostInterface        *interface;
    IOUSBHostPipe             *outPipe;
    IOUSBHostPipe             *inPipe;
    OSAction                  *writeDone;
    OSAction                  *readDone;
    uint8_t                    run;
    IOBufferMemoryDescriptor  *buffer;   // the run's buffer
    IOBufferMemoryDescriptor  *other;    // a second one, where the run needs it
    IOMemoryDescriptor        *outPart;  // well-behaved: bytes 0..15 of `buffer`, which the device reads
    IOMemoryDescriptor        *inPart;   // well-behaved: bytes 32..47, which the device fills
    IOMemoryMap               *wholeMap; // well-behaved: all of `buffer`, writable (the dext created it)
    IOMemoryMap               *inMap;    // well-behaved: `inPart`, read-only
};

static uint8_t
ReadProtocol(IOUSBHostInterface *interface)
{
    uint8_t protocol = 0;
    const IOUSBConfigurationDescriptor *configuration = interface->CopyConfigurationDescriptor();
    if (configuration != NULL) {
        const IOUSBInterfaceDescriptor *descriptor = interface->GetInterfaceDescriptor(configuration);
        if (descriptor != NULL) {
            protocol = descriptor->bInterfaceProtocol;
        }
        IOUSBHostFreeDescriptor(configuration);
    }
    return protocol;
}

static uint8_t *
AddressOf(IOBufferMemoryDescriptor *buffer, uint64_t *length)
{
    IOAddressSegment range = {};
    buffer->GetAddressRange(&range);
    if (length != NULL) {
        *length = range.length;
    }
    return reinterpret_cast<uint8_t *>(range.address);
}

bool
MemoryMisuseDriver::init()
{
    if (!super::init()) {
        return false;
    }
    ivars = IONewZero(MemoryMisuseDriver_IVars, 1);
    return ivars != NULL;
}

// ---- protocol 0: the way DriverKit intends ----

static kern_return_t
StartWellBehaved(MemoryMisuseDriver_IVars *iv)
{
    uint64_t length = 0;
    IOMemoryMap *middle = NULL;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, 64, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    iv->buffer->GetLength(&length);

    // Two windows onto one buffer, each with the direction its transfer needs.
    ret = IOMemoryDescriptor::CreateSubMemoryDescriptor(kIOMemoryDirectionOut, 0, kChunk, iv->buffer, &iv->outPart);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IOMemoryDescriptor::CreateSubMemoryDescriptor(kIOMemoryDirectionIn, 32, kChunk, iv->buffer, &iv->inPart);
    __Require(kIOReturnSuccess == ret, Exit);
    // Length 0: the whole descriptor. The dext created the buffer, so this map is writable; a
    // map of the OUT-only sub-descriptor would be read-only on macOS.
    ret = iv->buffer->CreateMapping(0, 0, 0, 0, 0, &iv->wholeMap);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPart->CreateMapping(kIOMemoryMapReadOnly, 0, 0, 0, 0, &iv->inMap);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->buffer->CreateMapping(0, 0, 8, kChunk, 0, &middle);
    __Require(kIOReturnSuccess == ret, Exit);
    {
        uint64_t base = reinterpret_cast<uint64_t>(AddressOf(iv->buffer, NULL));
        uint64_t partLength = 0;
        iv->inPart->GetLength(&partLength);
        // The read-only map has pages of its own (a write through them faults), so only its
        // length is compared; its bytes are checked against the buffer after the loopback.
        Log("buffer length %llu; whole map %llu bytes at +%llu; in map %llu bytes (part length %llu); "
            "middle map offset %llu, %llu bytes at +%llu",
            length, iv->wholeMap->GetLength(), iv->wholeMap->GetAddress() - base, iv->inMap->GetLength(),
            partLength, middle->GetOffset(), middle->GetLength(), middle->GetAddress() - base);
    }
    OSSafeReleaseNULL(middle);

    {
        uint8_t *out = reinterpret_cast<uint8_t *>(iv->wholeMap->GetAddress()); // bytes 0..15: the out part
        for (uint32_t i = 0; i < kChunk; i++) {
            out[i] = static_cast<uint8_t>(0xA0 + i);
        }
    }
    ret = iv->outPipe->AsyncIO(iv->outPart, kChunk, iv->writeDone, 0);
Exit:
    return ret;
}

static void
WellBehavedWritten(MemoryMisuseDriver_IVars *iv)
{
    kern_return_t ret = iv->inPipe->AsyncIO(iv->inPart, kChunk, iv->readDone, 0);
    if (kIOReturnSuccess != ret) {
        Log("read into the in part failed: 0x%08x", ret);
    }
}

static void
WellBehavedRead(MemoryMisuseDriver_IVars *iv, uint32_t actualByteCount)
{
    const uint8_t *in = reinterpret_cast<const uint8_t *>(iv->inMap->GetAddress());
    const uint8_t *whole = AddressOf(iv->buffer, NULL);
    uint32_t same = 0;
    for (uint32_t i = 0; i < kChunk && i < actualByteCount; i++) {
        same += (in[i] == static_cast<uint8_t>(0xA0 + i) && whole[32 + i] == in[i]);
    }
    if (same == kChunk) {
        Log("loopback ok: %u bytes came back into bytes 32..47 of the buffer", same);
    } else {
        Log("loopback mismatch: %u of %u bytes as sent", same, actualByteCount);
    }

    uint64_t length = 0;
    iv->buffer->SetLength(48);
    iv->buffer->GetLength(&length);
    Log("SetLength(48): length now %llu", length);

    // A mapping keeps its memory: the descriptors can go before the maps.
    OSSafeReleaseNULL(iv->outPart);
    OSSafeReleaseNULL(iv->inPart);
    OSSafeReleaseNULL(iv->buffer);
    Log("after releasing the buffer, the in map still reads 0x%02x..0x%02x", in[0], in[kChunk - 1]);
    OSSafeReleaseNULL(iv->inMap);
    OSSafeReleaseNULL(iv->wholeMap);
    Log("well-behaved run done");
}

// ---- protocols 1 and up: one mistake each ----

static kern_return_t
StartDirection(MemoryMisuseDriver_IVars *iv)
{
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, kChunk, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPipe->AsyncIO(iv->buffer, kChunk, iv->readDone, 0);
    Log("IN into a kIOMemoryDirectionOut buffer: 0x%08x", ret);
    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn, kChunk, 0, &iv->other);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->outPipe->AsyncIO(iv->other, kChunk, iv->writeDone, 0);
    Log("OUT from a kIOMemoryDirectionIn buffer: 0x%08x", ret);
    ret = kIOReturnSuccess;
Exit:
    return ret;
}

static kern_return_t
StartLength(MemoryMisuseDriver_IVars *iv)
{
    uint64_t length = 0;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn, 64, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    iv->buffer->SetLength(8);
    ret = iv->inPipe->AsyncIO(iv->buffer, 64, iv->readDone, 0);
    Log("AsyncIO of 64 bytes into a buffer of length 8: 0x%08x", ret);
    ret = iv->buffer->SetLength(128);
    iv->buffer->GetLength(&length);
    Log("SetLength(128) on a 64-byte buffer: 0x%08x, length still %llu", ret, length);
    ret = kIOReturnSuccess;
Exit:
    return ret;
}

static kern_return_t
StartOverrun(MemoryMisuseDriver_IVars *iv)
{
    uint64_t length = 0;
    uint8_t *bytes = NULL;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, 64, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    bytes = AddressOf(iv->buffer, &length);
    memset(bytes, 0x5A, length + 6); // six bytes too many: the kernel finds them at the AsyncIO
    ret = iv->outPipe->AsyncIO(iv->buffer, 64, iv->writeDone, 0);
    Log("AsyncIO after writing %llu bytes into a %llu-byte buffer: 0x%08x", length + 6, length, ret);

    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, 32, 0, &iv->other);
    __Require(kIOReturnSuccess == ret, Exit);
    bytes = AddressOf(iv->other, &length);
    memset(bytes + 30, 0x33, 4); // two bytes past the end; found when the buffer is released
    OSSafeReleaseNULL(iv->other);
    Log("released a 32-byte buffer after writing bytes 30..33");
Exit:
    return ret;
}

static kern_return_t
StartBusy(MemoryMisuseDriver_IVars *iv)
{
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn, kChunk, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPipe->AsyncIO(iv->buffer, kChunk, iv->readDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPipe->AsyncIO(iv->buffer, kChunk, iv->readDone, 0);
    Log("second read into a buffer the device owns: 0x%08x", ret);

    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, kChunk, 0, &iv->other);
    __Require(kIOReturnSuccess == ret, Exit);
    memset(AddressOf(iv->other, NULL), 0x42, kChunk);
    ret = iv->outPipe->AsyncIO(iv->other, kChunk, iv->writeDone, 0);
Exit:
    return ret;
}

static kern_return_t
StartChangedInFlight(MemoryMisuseDriver_IVars *iv)
{
    uint8_t *bytes = NULL;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, kChunk, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    bytes = AddressOf(iv->buffer, NULL);
    memset(bytes, 'A', kChunk);
    ret = iv->outPipe->AsyncIO(iv->buffer, kChunk, iv->writeDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    memset(bytes + 4, 'B', 4); // too early: the write is still the device's

    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn, kChunk, 0, &iv->other);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPipe->AsyncIO(iv->other, kChunk, iv->readDone, 0);
Exit:
    return ret;
}

static kern_return_t
StartReleaseInFlight(MemoryMisuseDriver_IVars *iv)
{
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn, kChunk, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPipe->AsyncIO(iv->buffer, kChunk, iv->readDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    OSSafeReleaseNULL(iv->buffer);

    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionOut, kChunk, 0, &iv->other);
    __Require(kIOReturnSuccess == ret, Exit);
    memset(AddressOf(iv->other, NULL), 0x77, kChunk);
    ret = iv->outPipe->AsyncIO(iv->other, kChunk, iv->writeDone, 0);
    __Require(kIOReturnSuccess == ret, Exit);
    OSSafeReleaseNULL(iv->other);
    Log("released both buffers while their transfers are in flight");
Exit:
    return ret;
}

static kern_return_t
StartBadArguments(MemoryMisuseDriver_IVars *iv)
{
    IOMemoryMap *map = NULL;
    IOMemoryDescriptor *part = NULL;
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, 64, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);

    ret = iv->buffer->CreateMapping(0, 0, 60, 8, 0, &map);
    Log("CreateMapping of 8 bytes at offset 60 of 64: 0x%08x", ret);
    ret = iv->buffer->CreateMapping(0, 0, 16, 0, 0, &map);
    Log("CreateMapping at offset 16 with length 0: 0x%08x", ret);
    ret = iv->buffer->CreateMapping(kIOMemoryMapFixedAddress, 0x100000000, 0, 0, 0, &map);
    Log("CreateMapping at a fixed address: 0x%08x", ret);
    ret = iv->buffer->CreateMapping(0x300, 0, 0, 0, 0, &map);
    Log("CreateMapping with cache mode 0x300: 0x%08x", ret);
    ret = IOMemoryDescriptor::CreateSubMemoryDescriptor(kIOMemoryDirectionIn, 48, 32, iv->buffer, &part);
    Log("CreateSubMemoryDescriptor of 32 bytes at offset 48 of 64: 0x%08x", ret);
    ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionIn | kIOMemoryDisableCopyOnWrite, 8, 0, &iv->other);
    Log("Create with kIOMemoryDisableCopyOnWrite: 0x%08x", ret);
    Log("maps made: %{public}s", map == NULL && part == NULL && iv->other == NULL ? "none" : "some");
    ret = kIOReturnSuccess;
Exit:
    return ret;
}

static kern_return_t
StartReadOnlyWrite(MemoryMisuseDriver_IVars *iv)
{
    kern_return_t ret = IOBufferMemoryDescriptor::Create(kIOMemoryDirectionInOut, 64, 0, &iv->buffer);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = IOMemoryDescriptor::CreateSubMemoryDescriptor(kIOMemoryDirectionIn, 32, kChunk, iv->buffer, &iv->inPart);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = iv->inPart->CreateMapping(kIOMemoryMapReadOnly, 0, 0, 0, 0, &iv->inMap);
    __Require(kIOReturnSuccess == ret, Exit);
    Log("writing byte 3 of a %llu-byte kIOMemoryMapReadOnly mapping", iv->inMap->GetLength());
    reinterpret_cast<volatile uint8_t *>(iv->inMap->GetAddress())[3] = 0x77; // faults on macOS
    // Reached only where the fault is contained (the lab's own process): the byte never got there.
    Log("after the write, byte 35 of the buffer reads 0x%02x", AddressOf(iv->buffer, NULL)[35]);
Exit:
    return ret;
}

kern_return_t
IMPL(MemoryMisuseDriver, Start)
{
    kern_return_t ret = Start(provider, SUPERDISPATCH);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->interface = OSDynamicCast(IOUSBHostInterface, provider);
    __Require_Action(NULL != ivars->interface, Exit, ret = kIOReturnNoDevice);
    ret = ivars->interface->Open(this, 0, NULL);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CopyPipe(kBulkOut, &ivars->outPipe);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = ivars->interface->CopyPipe(kBulkIn, &ivars->inPipe);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionWriteComplete(0, &ivars->writeDone);
    __Require(kIOReturnSuccess == ret, Exit);
    ret = CreateActionReadComplete(0, &ivars->readDone);
    __Require(kIOReturnSuccess == ret, Exit);

    ivars->run = ReadProtocol(ivars->interface);
    Log("Start: run %u", ivars->run);
    switch (ivars->run) {
    case kRunWellBehaved:     ret = StartWellBehaved(ivars); break;
    case kRunDirection:       ret = StartDirection(ivars); break;
    case kRunLength:          ret = StartLength(ivars); break;
    case kRunOverrun:         ret = StartOverrun(ivars); break;
    case kRunBusy:            ret = StartBusy(ivars); break;
    case kRunChangedInFlight: ret = StartChangedInFlight(ivars); break;
    case kRunReleaseInFlight: ret = StartReleaseInFlight(ivars); break;
    case kRunBadArguments:    ret = StartBadArguments(ivars); break;
    case kRunReadOnlyWrite:   ret = StartReadOnlyWrite(ivars); break;
    default:
        Log("no run for protocol %u", ivars->run);
        break;
    }

Exit:
    if (kIOReturnSuccess != ret) {
        Log("Start failed: 0x%08x", ret);
    }
    return ret;
}

void
IMPL(MemoryMisuseDriver, WriteComplete)
{
    (void)action;
    (void)completionTimestamp;
    Log("WriteComplete: status 0x%08x, %u bytes", status, actualByteCount);
    if (kIOReturnSuccess != status) {
        return;
    }
    if (kRunWellBehaved == ivars->run) {
        WellBehavedWritten(ivars);
    } else if (kRunOverrun == ivars->run && ivars->buffer != NULL) {
        // Again, and kept: the kernel finds it when the buffer is released, or when the process dies.
        memset(AddressOf(ivars->buffer, NULL) + 60, 0x11, 8);
        Log("wrote bytes 60..67 of the 64-byte buffer");
    }
}

void
IMPL(MemoryMisuseDriver, ReadComplete)
{
    (void)action;
    (void)completionTimestamp;
    Log("ReadComplete: status 0x%08x, %u bytes", status, actualByteCount);
    if (kIOReturnSuccess != status) {
        return;
    }
    if (kRunWellBehaved == ivars->run) {
        WellBehavedRead(ivars, actualByteCount);
    } else if (kRunChangedInFlight == ivars->run && ivars->other != NULL) {
        const uint8_t *bytes = AddressOf(ivars->other, NULL);
        Log("read back \"%c%c%c%c%c%c%c%c\": the device sent what the buffer held at AsyncIO",
            bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7]);
    }
}

kern_return_t
IMPL(MemoryMisuseDriver, Stop)
{
    // Close aborts what is still in flight; the completions arrive with kIOReturnAborted. The
    // actions hold this service: they go now, or it is never freed.
    if (ivars->interface != NULL) {
        ivars->interface->Close(this, 0);
    }
    OSSafeReleaseNULL(ivars->writeDone);
    OSSafeReleaseNULL(ivars->readDone);
    return Stop(provider, SUPERDISPATCH);
}

void
MemoryMisuseDriver::free()
{
    if (ivars != NULL) {
        OSSafeReleaseNULL(ivars->inMap);
        OSSafeReleaseNULL(ivars->wholeMap);
        OSSafeReleaseNULL(ivars->inPart);
        OSSafeReleaseNULL(ivars->outPart);
        OSSafeReleaseNULL(ivars->other);
        OSSafeReleaseNULL(ivars->buffer);
        OSSafeReleaseNULL(ivars->writeDone);
        OSSafeReleaseNULL(ivars->readDone);
        OSSafeReleaseNULL(ivars->inPipe);
        OSSafeReleaseNULL(ivars->outPipe);
    }
    IOSafeDeleteNULL(ivars, MemoryMisuseDriver_IVars, 1);
    super::free();
}
