// CFData: a byte vector, immutable or mutable.

#include "cf_object.h"

#include <cstring>

using namespace dextlab::cf;

namespace {

__CFData const* data(CFDataRef ref, char const* function)
{
    if (!is(ref, Kind::Data)) {
        misuse(function, ref ? "the argument is not a CFData" : "called with NULL");
        return nullptr;
    }
    return static_cast<__CFData const*>(ref);
}

__CFData* mutable_data(CFMutableDataRef ref, char const* function)
{
    auto const* d = data(ref, function);
    if (d && !d->is_mutable) {
        misuse(function, "the data is not mutable");
        return nullptr;
    }
    return const_cast<__CFData*>(d);
}

__CFData* make(UInt8 const* bytes, CFIndex length, bool is_mutable)
{
    auto* d = new __CFData(is_mutable);
    if (bytes && length > 0)
        d->bytes.assign(bytes, bytes + length);
    return d;
}

} // namespace

CFTypeID CFDataGetTypeID(void) { return type_id_of(Kind::Data); }

CFDataRef CFDataCreate(CFAllocatorRef, const UInt8* bytes, CFIndex length)
{
    if (length < 0 || (!bytes && length > 0)) {
        misuse("CFDataCreate", "the byte range is invalid");
        return nullptr;
    }
    return make(bytes, length, false);
}

CFDataRef CFDataCreateCopy(CFAllocatorRef, CFDataRef theData)
{
    auto const* d = data(theData, "CFDataCreateCopy");
    return d ? make(d->bytes.data(), static_cast<CFIndex>(d->bytes.size()), false) : nullptr;
}

CFMutableDataRef CFDataCreateMutable(CFAllocatorRef, CFIndex) { return make(nullptr, 0, true); }

CFMutableDataRef CFDataCreateMutableCopy(CFAllocatorRef, CFIndex, CFDataRef theData)
{
    auto const* d = data(theData, "CFDataCreateMutableCopy");
    return d ? make(d->bytes.data(), static_cast<CFIndex>(d->bytes.size()), true) : nullptr;
}

CFIndex CFDataGetLength(CFDataRef theData)
{
    auto const* d = data(theData, "CFDataGetLength");
    return d ? static_cast<CFIndex>(d->bytes.size()) : 0;
}

const UInt8* CFDataGetBytePtr(CFDataRef theData)
{
    auto const* d = data(theData, "CFDataGetBytePtr");
    return d ? d->bytes.data() : nullptr;
}

UInt8* CFDataGetMutableBytePtr(CFMutableDataRef theData)
{
    auto* d = mutable_data(theData, "CFDataGetMutableBytePtr");
    return d ? d->bytes.data() : nullptr;
}

void CFDataGetBytes(CFDataRef theData, CFRange range, UInt8* buffer)
{
    auto const* d = data(theData, "CFDataGetBytes");
    if (!d)
        return;
    if (range.location < 0 || range.length < 0 || static_cast<size_t>(range.location + range.length) > d->bytes.size()
        || (!buffer && range.length > 0)) {
        misuse("CFDataGetBytes", "the range is outside the data");
        return;
    }
    if (range.length > 0)
        std::memcpy(buffer, d->bytes.data() + range.location, static_cast<size_t>(range.length));
}

void CFDataSetLength(CFMutableDataRef theData, CFIndex length)
{
    auto* d = mutable_data(theData, "CFDataSetLength");
    if (d && length >= 0)
        d->bytes.resize(static_cast<size_t>(length), 0);
}

void CFDataAppendBytes(CFMutableDataRef theData, const UInt8* bytes, CFIndex length)
{
    auto* d = mutable_data(theData, "CFDataAppendBytes");
    if (d && bytes && length > 0)
        d->bytes.insert(d->bytes.end(), bytes, bytes + length);
}
