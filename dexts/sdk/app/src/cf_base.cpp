// CFRetain/CFRelease, type ids and the polymorphic calls (CFEqual, CFHash, CFCopyDescription)
// for every CF kind. The type ids of the property-list types are the values macOS reports.

#include "cf_object.h"

#include <climits>
#include <cmath>
#include <cstdio>

using namespace dextlab::cf;

namespace dextlab::cf {

void destroy_run_loop_source(CFObject* source); // cf_run_loop.cpp

CFTypeID type_id_of(Kind kind)
{
    switch (kind) {
    case Kind::String: return 7;
    case Kind::Dictionary: return 18;
    case Kind::Array: return 19;
    case Kind::Data: return 20;
    case Kind::Boolean: return 21;
    case Kind::Number: return 22;
    case Kind::RunLoop: return 43;
    case Kind::RunLoopSource: return 46;
    }
    return 0;
}

void misuse(char const* function, char const* what)
{
    std::fprintf(stderr, "dextlab CoreFoundation: %s: %s (macOS would crash or assert here)\n", function, what);
}

} // namespace dextlab::cf

namespace {

void destroy(CFObject* object)
{
    switch (object->kind) {
    case Kind::String: delete static_cast<__CFString*>(object); return;
    case Kind::Number: delete static_cast<__CFNumber*>(object); return;
    case Kind::Data: delete static_cast<__CFData*>(object); return;
    case Kind::Array: delete static_cast<__CFArray*>(object); return;
    case Kind::Dictionary: delete static_cast<__CFDictionary*>(object); return;
    case Kind::RunLoopSource: destroy_run_loop_source(object); return;
    case Kind::Boolean:
    case Kind::RunLoop: return; // immortal
    }
}

uint64_t fnv1a(void const* bytes, size_t size)
{
    uint64_t hash = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < size; ++i) {
        hash ^= static_cast<uint8_t const*>(bytes)[i];
        hash *= 0x100000001b3ull;
    }
    return hash;
}

bool numbers_equal(__CFNumber const* a, __CFNumber const* b)
{
    if (!a->is_float() && !b->is_float())
        return a->integer == b->integer;
    double x = a->is_float() ? a->real : static_cast<double>(a->integer);
    double y = b->is_float() ? b->real : static_cast<double>(b->integer);
    return x == y;
}

bool dictionaries_equal(__CFDictionary const* a, __CFDictionary const* b)
{
    if (a->entries.size() != b->entries.size())
        return false;
    for (auto const& [key, value] : a->entries) {
        CFIndex at = b->find(key);
        if (at < 0 || !a->values_equal(value, b->entries[at].second))
            return false;
    }
    return true;
}

bool arrays_equal(__CFArray const* a, __CFArray const* b)
{
    if (a->values.size() != b->values.size())
        return false;
    for (size_t i = 0; i < a->values.size(); ++i) {
        if (!a->equal(a->values[i], b->values[i]))
            return false;
    }
    return true;
}

} // namespace

const CFAllocatorRef kCFAllocatorDefault = nullptr;
const CFAllocatorRef kCFAllocatorSystemDefault = nullptr;
const CFAllocatorRef kCFAllocatorMalloc = nullptr;

CFTypeID CFGetTypeID(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFGetTypeID", "called with NULL");
        return 0;
    }
    return type_id_of(object(cf)->kind);
}

CFStringRef CFCopyTypeIDDescription(CFTypeID type_id)
{
    for (auto kind : { Kind::String, Kind::Number, Kind::Boolean, Kind::Data, Kind::Array, Kind::Dictionary,
             Kind::RunLoop, Kind::RunLoopSource }) {
        if (type_id_of(kind) != type_id)
            continue;
        static char const* const names[] = { "CFString", "CFNumber", "CFBoolean", "CFData", "CFArray",
            "CFDictionary", "CFRunLoop", "CFRunLoopSource" };
        return CFStringCreateWithCString(nullptr, names[static_cast<int>(kind)], kCFStringEncodingUTF8);
    }
    return nullptr;
}

CFTypeRef CFRetain(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFRetain", "called with NULL");
        return nullptr;
    }
    auto* o = const_cast<CFObject*>(object(cf));
    if (!o->immortal)
        o->refs.fetch_add(1, std::memory_order_relaxed);
    return cf;
}

void CFRelease(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFRelease", "called with NULL");
        return;
    }
    auto* o = const_cast<CFObject*>(object(cf));
    if (o->immortal)
        return;
    if (o->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
        destroy(o);
}

CFIndex CFGetRetainCount(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFGetRetainCount", "called with NULL");
        return 0;
    }
    // CF reports its static objects with the largest count it has.
    return object(cf)->immortal ? LONG_MAX : object(cf)->refs.load(std::memory_order_relaxed);
}

Boolean CFEqual(CFTypeRef cf1, CFTypeRef cf2)
{
    if (!cf1 || !cf2) {
        misuse("CFEqual", "called with NULL");
        return false;
    }
    if (cf1 == cf2)
        return true;
    if (object(cf1)->kind != object(cf2)->kind)
        return false;
    switch (object(cf1)->kind) {
    case Kind::String:
        return static_cast<__CFString const*>(cf1)->text() == static_cast<__CFString const*>(cf2)->text();
    case Kind::Number:
        return numbers_equal(static_cast<__CFNumber const*>(cf1), static_cast<__CFNumber const*>(cf2));
    case Kind::Data:
        return static_cast<__CFData const*>(cf1)->bytes == static_cast<__CFData const*>(cf2)->bytes;
    case Kind::Array:
        return arrays_equal(static_cast<__CFArray const*>(cf1), static_cast<__CFArray const*>(cf2));
    case Kind::Dictionary:
        return dictionaries_equal(static_cast<__CFDictionary const*>(cf1), static_cast<__CFDictionary const*>(cf2));
    case Kind::Boolean:
    case Kind::RunLoop:
    case Kind::RunLoopSource:
        return false; // identity only
    }
    return false;
}

CFHashCode CFHash(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFHash", "called with NULL");
        return 0;
    }
    switch (object(cf)->kind) {
    case Kind::String: {
        auto text = static_cast<__CFString const*>(cf)->text();
        return fnv1a(text.data(), text.size());
    }
    case Kind::Number: {
        // Equal numbers hash alike whatever their types: integral values hash as integers.
        auto const* n = static_cast<__CFNumber const*>(cf);
        double real = n->is_float() ? n->real : static_cast<double>(n->integer);
        if (!n->is_float() || (std::isfinite(real) && std::trunc(real) == real && std::fabs(real) < 9.2e18)) {
            int64_t integer = n->is_float() ? static_cast<int64_t>(real) : n->integer;
            return fnv1a(&integer, sizeof integer);
        }
        return fnv1a(&real, sizeof real);
    }
    case Kind::Boolean: return static_cast<__CFBoolean const*>(cf)->value ? 1 : 0;
    case Kind::Data: {
        auto const& bytes = static_cast<__CFData const*>(cf)->bytes;
        return fnv1a(bytes.data(), bytes.size());
    }
    case Kind::Array: return static_cast<__CFArray const*>(cf)->values.size();
    case Kind::Dictionary: return static_cast<__CFDictionary const*>(cf)->entries.size();
    case Kind::RunLoop:
    case Kind::RunLoopSource: return reinterpret_cast<uintptr_t>(cf);
    }
    return 0;
}

CFStringRef CFCopyDescription(CFTypeRef cf)
{
    if (!cf) {
        misuse("CFCopyDescription", "called with NULL");
        return nullptr;
    }
    std::string text = describe(cf);
    return CFStringCreateWithBytes(nullptr, reinterpret_cast<UInt8 const*>(text.data()),
        static_cast<CFIndex>(text.size()), kCFStringEncodingUTF8, false);
}

CFAllocatorRef CFGetAllocator(CFTypeRef) { return kCFAllocatorDefault; }

void CFShow(CFTypeRef obj)
{
    if (!obj) {
        std::fprintf(stderr, "(null)\n");
        return;
    }
    std::string text = is(obj, Kind::String) ? std::string(static_cast<__CFString const*>(obj)->text()) : describe(obj);
    std::fprintf(stderr, "%s\n", text.c_str());
}
