// DriverKit's value containers: OSString, OSNumber, OSBoolean, OSData (and the OSContainer and
// OSCollection bases). Behaviour as their .iig headers document it; every object is an OSObject
// counted in the leak census of the server that made it (OSBoolean's two constants aside).

#include "dext_server.h"

#include <DriverKit/OSCollections.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

struct OSString_IVars {
    std::string text;
};

struct OSNumber_IVars {
    uint64_t value;
    size_t bits;
};

struct OSData_IVars {
    std::vector<uint8_t> bytes;
    size_t capacity;
};

// ---- class identity: SDK classes the census and OSDynamicCast know by name ----

#define DEXTLAB_CONTAINER_CLASS(Class, Super)                                                         \
    static OSMetaClass Class##_MetaClassStorage(#Class, #Super, nullptr);                            \
    OSMetaClass* g##Class##MetaClass = &Class##_MetaClassStorage;                                    \
    static OSClassRegistration Class##_Registration(&Class##_MetaClassStorage);                      \
    const OSMetaClass* Class::getMetaClass() const { return g##Class##MetaClass; }

DEXTLAB_CONTAINER_CLASS(OSContainer, OSObject)
DEXTLAB_CONTAINER_CLASS(OSCollection, OSContainer)
DEXTLAB_CONTAINER_CLASS(OSString, OSContainer)
DEXTLAB_CONTAINER_CLASS(OSNumber, OSContainer)
DEXTLAB_CONTAINER_CLASS(OSBoolean, OSContainer)
DEXTLAB_CONTAINER_CLASS(OSData, OSContainer)
DEXTLAB_CONTAINER_CLASS(OSArray, OSCollection)
DEXTLAB_CONTAINER_CLASS(OSDictionary, OSCollection)

// ---- OSString ----

OSStringPtr OSString::withCString(const char* cString)
{
    if (!cString)
        return nullptr;
    return withCString(cString, std::strlen(cString));
}

OSStringPtr OSString::withCString(const char* cString, size_t length)
{
    if (!cString)
        return nullptr;
    auto* string = new OSString;
    string->ivars = new OSString_IVars { std::string(cString, strnlen(cString, length)) };
    return string;
}

OSStringPtr OSString::withCStringNoCopy(const char* cString) { return withCString(cString); }

OSStringPtr OSString::withString(const OSString* aString)
{
    if (!aString || !aString->ivars)
        return nullptr;
    return withCString(aString->ivars->text.c_str(), aString->ivars->text.size());
}

// The ivars go with the object (the destructor), not in free(): a dext process that dies
// destroys its objects without free(), and must not leave their storage behind.
OSString::~OSString() { delete ivars; }

void OSString::free() { super::free(); }

size_t OSString::getLength() const { return ivars ? ivars->text.size() : 0; }

const char* OSString::getCStringNoCopy() const { return ivars && !ivars->text.empty() ? ivars->text.c_str() : nullptr; }

bool OSString::isEqualTo(const OSString* aString) const
{
    return aString && ivars && aString->ivars && ivars->text == aString->ivars->text;
}

bool OSString::isEqualTo(const char* cString) const { return cString && ivars && ivars->text == cString; }

bool OSString::isEqualTo(const OSData* aDataObject) const
{
    if (!aDataObject || !ivars)
        return false;
    size_t length = aDataObject->getLength();
    auto const* bytes = static_cast<const char*>(aDataObject->getBytesNoCopy());
    size_t mine = ivars->text.size();
    if (length == mine)
        return mine == 0 || std::memcmp(bytes, ivars->text.data(), mine) == 0;
    // A C string in an OSData usually keeps its NUL.
    return length == mine + 1 && bytes[mine] == '\0' && std::memcmp(bytes, ivars->text.data(), mine) == 0;
}

bool OSString::isEqualTo(const OSMetaClassBase* anObject) const
{
    if (auto const* string = OSDynamicCast(OSString, anObject))
        return isEqualTo(string);
    if (auto const* data = OSDynamicCast(OSData, anObject))
        return isEqualTo(data);
    return false;
}

// ---- OSNumber ----

namespace {

bool valid_bits(size_t bits) { return bits == 8 || bits == 16 || bits == 32 || bits == 64; }

uint64_t truncate(uint64_t value, size_t bits) { return bits == 64 ? value : value & ((uint64_t { 1 } << bits) - 1); }

} // namespace

OSNumberPtr OSNumber::withNumber(uint64_t value, size_t numberOfBits)
{
    if (!valid_bits(numberOfBits))
        return nullptr;
    auto* number = new OSNumber;
    number->ivars = new OSNumber_IVars { truncate(value, numberOfBits), numberOfBits };
    return number;
}

OSNumberPtr OSNumber::withNumber(const char* valueString, size_t numberOfBits)
{
    if (!valueString)
        return nullptr;
    return withNumber(static_cast<uint64_t>(std::strtoll(valueString, nullptr, 0)), numberOfBits);
}

// The ivars go with the object (the destructor), not in free(): a dext process that dies
// destroys its objects without free(), and must not leave their storage behind.
OSNumber::~OSNumber() { delete ivars; }

void OSNumber::free() { super::free(); }

size_t OSNumber::numberOfBits() const { return ivars ? ivars->bits : 0; }
uint8_t OSNumber::unsigned8BitValue() const { return static_cast<uint8_t>(unsigned64BitValue()); }
uint16_t OSNumber::unsigned16BitValue() const { return static_cast<uint16_t>(unsigned64BitValue()); }
uint32_t OSNumber::unsigned32BitValue() const { return static_cast<uint32_t>(unsigned64BitValue()); }
uint64_t OSNumber::unsigned64BitValue() const { return ivars ? ivars->value : 0; }

bool OSNumber::isEqualTo(const OSNumber* aNumber) const { return aNumber && aNumber->unsigned64BitValue() == unsigned64BitValue(); }

bool OSNumber::isEqualTo(const OSMetaClassBase* anObject) const { return isEqualTo(OSDynamicCast(OSNumber, anObject)); }

// ---- OSBoolean: two constants, made when libDriverKit loads (outside any server) ----

OSBoolean* OSBoolean::__dextlab_make() { return new OSBoolean; }

OSBooleanPtr kOSBooleanTrue = OSBoolean::__dextlab_make();
OSBooleanPtr kOSBooleanFalse = OSBoolean::__dextlab_make();

void OSBoolean::free() { super::free(); }
void OSBoolean::retain() const { }
void OSBoolean::release() const { }

// ---- OSData ----

OSDataPtr OSData::withCapacity(uint32_t capacity)
{
    auto* data = new OSData;
    data->ivars = new OSData_IVars { {}, capacity };
    data->ivars->bytes.reserve(capacity);
    return data;
}

OSDataPtr OSData::withBytes(const void* bytes, size_t numBytes)
{
    if (!bytes && numBytes)
        return nullptr;
    auto* data = new OSData;
    auto const* first = static_cast<const uint8_t*>(bytes);
    data->ivars = new OSData_IVars { std::vector<uint8_t>(first, first + numBytes), numBytes };
    return data;
}

OSDataPtr OSData::withBytesNoCopy(void* bytes, size_t numBytes) { return withBytes(bytes, numBytes); }

OSDataPtr OSData::withData(const OSData* inData)
{
    if (!inData)
        return nullptr;
    return withBytes(inData->getBytesNoCopy(), inData->getLength());
}

OSDataPtr OSData::withData(const OSData* inData, size_t start, size_t numBytes)
{
    if (!inData || start > inData->getLength() || numBytes > inData->getLength() - start)
        return nullptr;
    return withBytes(inData->ivars->bytes.data() + start, numBytes);
}

// The ivars go with the object (the destructor), not in free(): a dext process that dies
// destroys its objects without free(), and must not leave their storage behind.
OSData::~OSData() { delete ivars; }

void OSData::free() { super::free(); }

size_t OSData::getLength() const { return ivars ? ivars->bytes.size() : 0; }

size_t OSData::getCapacity() const { return ivars ? std::max(ivars->capacity, ivars->bytes.size()) : 0; }

bool OSData::appendBytes(const void* bytes, size_t numBytes)
{
    if (!ivars || (!bytes && numBytes))
        return false;
    auto const* first = static_cast<const uint8_t*>(bytes);
    ivars->bytes.insert(ivars->bytes.end(), first, first + numBytes);
    ivars->capacity = std::max(ivars->capacity, ivars->bytes.size());
    return true;
}

bool OSData::appendBytes(const OSData* aDataObj)
{
    if (!aDataObj)
        return false;
    // Copy first: appending an OSData to itself must not read what it is writing.
    std::vector<uint8_t> copy(aDataObj->ivars->bytes);
    return appendBytes(copy.data(), copy.size());
}

const void* OSData::getBytesNoCopy() const { return ivars && !ivars->bytes.empty() ? ivars->bytes.data() : nullptr; }

const void* OSData::getBytesNoCopy(size_t start, size_t numBytes) const
{
    if (!ivars || start >= ivars->bytes.size() || numBytes > ivars->bytes.size() - start)
        return nullptr;
    return ivars->bytes.data() + start;
}

bool OSData::isEqualTo(const void* bytes, size_t numBytes) const
{
    if (!ivars || numBytes != ivars->bytes.size())
        return false;
    return numBytes == 0 || (bytes && std::memcmp(bytes, ivars->bytes.data(), numBytes) == 0);
}

bool OSData::isEqualTo(const OSData* aDataObj) const
{
    return aDataObj && isEqualTo(aDataObj->getBytesNoCopy(), aDataObj->getLength());
}

bool OSData::isEqualTo(const OSString* aString) const { return aString && aString->isEqualTo(this); }

bool OSData::isEqualTo(const OSMetaClassBase* anObject) const
{
    if (auto const* data = OSDynamicCast(OSData, anObject))
        return isEqualTo(data);
    if (auto const* string = OSDynamicCast(OSString, anObject))
        return isEqualTo(string);
    return false;
}
