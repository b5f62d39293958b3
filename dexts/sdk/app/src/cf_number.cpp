// CFNumber and CFBoolean. A number stores its canonical type and its value as int64 or double;
// CFNumberGetValue converts and reports whether the conversion was exact.

#include "cf_object.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace dextlab::cf;

namespace {

constinit __CFBoolean s_true { true };
constinit __CFBoolean s_false { false };

// What CFNumberCreate keeps for each type a caller may pass; 0 for an unknown type.
CFNumberType canonical(CFNumberType type)
{
    switch (type) {
    case kCFNumberSInt8Type:
    case kCFNumberCharType: return kCFNumberSInt8Type;
    case kCFNumberSInt16Type:
    case kCFNumberShortType: return kCFNumberSInt16Type;
    case kCFNumberSInt32Type:
    case kCFNumberIntType: return kCFNumberSInt32Type;
    case kCFNumberSInt64Type:
    case kCFNumberLongType:
    case kCFNumberLongLongType:
    case kCFNumberCFIndexType:
    case kCFNumberNSIntegerType: return kCFNumberSInt64Type;
    case kCFNumberFloat32Type:
    case kCFNumberFloatType: return kCFNumberFloat32Type;
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType:
    case kCFNumberCGFloatType: return kCFNumberFloat64Type;
    default: return 0;
    }
}

int byte_size(CFNumberType canonical_type)
{
    switch (canonical_type) {
    case kCFNumberSInt8Type: return 1;
    case kCFNumberSInt16Type: return 2;
    case kCFNumberSInt32Type:
    case kCFNumberFloat32Type: return 4;
    default: return 8;
    }
}

__CFNumber const* num(CFNumberRef ref, char const* function)
{
    if (!is(ref, Kind::Number)) {
        misuse(function, ref ? "the argument is not a CFNumber" : "called with NULL");
        return nullptr;
    }
    return static_cast<__CFNumber const*>(ref);
}

template<typename T>
T read(void const* p)
{
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

template<typename T>
void write(void* p, T value)
{
    std::memcpy(p, &value, sizeof value);
}

// Stores `n` as the integer type T; true if nothing was lost.
template<typename T>
bool get_integer(__CFNumber const& n, void* out)
{
    if (n.is_float()) {
        double v = n.real;
        bool fits = std::isfinite(v) && v >= static_cast<double>(std::numeric_limits<T>::min())
            && v < -static_cast<double>(std::numeric_limits<T>::min());
        write<T>(out, fits ? static_cast<T>(v) : T {});
        return fits && std::trunc(v) == v;
    }
    write<T>(out, static_cast<T>(n.integer));
    return n.integer >= std::numeric_limits<T>::min() && n.integer <= std::numeric_limits<T>::max();
}

template<typename T>
bool get_real(__CFNumber const& n, void* out)
{
    T value = n.is_float() ? static_cast<T>(n.real) : static_cast<T>(n.integer);
    write<T>(out, value);
    if (n.is_float())
        return std::isnan(n.real) || static_cast<double>(value) == n.real;
    return static_cast<long double>(value) == static_cast<long double>(n.integer);
}

} // namespace

const CFBooleanRef kCFBooleanTrue = &s_true;
const CFBooleanRef kCFBooleanFalse = &s_false;

CFTypeID CFBooleanGetTypeID(void) { return type_id_of(Kind::Boolean); }

Boolean CFBooleanGetValue(CFBooleanRef boolean)
{
    if (!is(boolean, Kind::Boolean)) {
        misuse("CFBooleanGetValue", boolean ? "the argument is not a CFBoolean" : "called with NULL");
        return false;
    }
    return static_cast<__CFBoolean const*>(boolean)->value;
}

CFTypeID CFNumberGetTypeID(void) { return type_id_of(Kind::Number); }

CFNumberRef CFNumberCreate(CFAllocatorRef, CFNumberType theType, const void* valuePtr)
{
    CFNumberType type = canonical(theType);
    if (!type || !valuePtr) {
        misuse("CFNumberCreate", valuePtr ? "unknown CFNumberType" : "called with a NULL value pointer");
        return nullptr;
    }
    auto* n = new __CFNumber();
    n->type = type;
    switch (theType) {
    case kCFNumberSInt8Type: n->integer = read<int8_t>(valuePtr); break;
    case kCFNumberCharType: n->integer = read<signed char>(valuePtr); break;
    case kCFNumberSInt16Type: n->integer = read<int16_t>(valuePtr); break;
    case kCFNumberShortType: n->integer = read<short>(valuePtr); break;
    case kCFNumberSInt32Type: n->integer = read<int32_t>(valuePtr); break;
    case kCFNumberIntType: n->integer = read<int>(valuePtr); break;
    case kCFNumberSInt64Type: n->integer = read<int64_t>(valuePtr); break;
    case kCFNumberLongType:
    case kCFNumberNSIntegerType: n->integer = read<long>(valuePtr); break;
    case kCFNumberLongLongType: n->integer = read<long long>(valuePtr); break;
    case kCFNumberCFIndexType: n->integer = read<CFIndex>(valuePtr); break;
    case kCFNumberFloat32Type:
    case kCFNumberFloatType: n->real = read<float>(valuePtr); break;
    default: n->real = read<double>(valuePtr); break; // Float64, Double, CGFloat
    }
    return n;
}

CFNumberType CFNumberGetType(CFNumberRef number)
{
    auto const* n = num(number, "CFNumberGetType");
    return n ? n->type : 0;
}

CFIndex CFNumberGetByteSize(CFNumberRef number)
{
    auto const* n = num(number, "CFNumberGetByteSize");
    return n ? byte_size(n->type) : 0;
}

Boolean CFNumberIsFloatType(CFNumberRef number)
{
    auto const* n = num(number, "CFNumberIsFloatType");
    return n && n->is_float();
}

Boolean CFNumberGetValue(CFNumberRef number, CFNumberType theType, void* valuePtr)
{
    auto const* n = num(number, "CFNumberGetValue");
    if (!n || !valuePtr || !canonical(theType))
        return false;
    switch (theType) {
    case kCFNumberSInt8Type:
    case kCFNumberCharType: return get_integer<int8_t>(*n, valuePtr);
    case kCFNumberSInt16Type:
    case kCFNumberShortType: return get_integer<int16_t>(*n, valuePtr);
    case kCFNumberSInt32Type:
    case kCFNumberIntType: return get_integer<int32_t>(*n, valuePtr);
    case kCFNumberFloat32Type:
    case kCFNumberFloatType: return get_real<float>(*n, valuePtr);
    case kCFNumberFloat64Type:
    case kCFNumberDoubleType:
    case kCFNumberCGFloatType: return get_real<double>(*n, valuePtr);
    default: return get_integer<int64_t>(*n, valuePtr);
    }
}

CFComparisonResult CFNumberCompare(CFNumberRef number, CFNumberRef otherNumber, void*)
{
    auto const* a = num(number, "CFNumberCompare");
    auto const* b = num(otherNumber, "CFNumberCompare");
    if (!a || !b)
        return kCFCompareEqualTo;
    if (!a->is_float() && !b->is_float())
        return a->integer < b->integer ? kCFCompareLessThan : a->integer > b->integer ? kCFCompareGreaterThan : kCFCompareEqualTo;
    long double x = a->is_float() ? a->real : a->integer;
    long double y = b->is_float() ? b->real : b->integer;
    return x < y ? kCFCompareLessThan : x > y ? kCFCompareGreaterThan : kCFCompareEqualTo;
}
