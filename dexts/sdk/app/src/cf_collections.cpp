// CFArray and CFDictionary: pointers kept in insertion order, retained, released and compared
// through the callbacks given at creation (none: raw pointers compared by address).

#include "cf_object.h"

using namespace dextlab::cf;

namespace {

const void* retain_cf(CFAllocatorRef, const void* value) { return CFRetain(value); }
void release_cf(CFAllocatorRef, const void* value) { CFRelease(value); }

// kCFCopyStringDictionaryKeyCallBacks: a mutable key is copied so later edits cannot move it.
const void* copy_string_key(CFAllocatorRef, const void* value)
{
    return is(value, Kind::String) ? CFStringCreateCopy(nullptr, static_cast<CFStringRef>(value)) : CFRetain(value);
}

__CFArray const* array(CFArrayRef ref, char const* function)
{
    if (!is(ref, Kind::Array)) {
        misuse(function, ref ? "the argument is not a CFArray" : "called with NULL");
        return nullptr;
    }
    return static_cast<__CFArray const*>(ref);
}

__CFArray* mutable_array(CFMutableArrayRef ref, char const* function)
{
    auto const* a = array(ref, function);
    if (a && !a->is_mutable) {
        misuse(function, "the array is not mutable");
        return nullptr;
    }
    return const_cast<__CFArray*>(a);
}

bool range_ok(CFRange range, size_t count, char const* function)
{
    if (range.location < 0 || range.length < 0 || static_cast<size_t>(range.location + range.length) > count) {
        misuse(function, "the range is outside the array");
        return false;
    }
    return true;
}

__CFDictionary const* dict(CFDictionaryRef ref, char const* function)
{
    if (!is(ref, Kind::Dictionary)) {
        misuse(function, ref ? "the argument is not a CFDictionary" : "called with NULL");
        return nullptr;
    }
    return static_cast<__CFDictionary const*>(ref);
}

__CFDictionary* mutable_dict(CFMutableDictionaryRef ref, char const* function)
{
    auto const* d = dict(ref, function);
    if (d && !d->is_mutable) {
        misuse(function, "the dictionary is not mutable");
        return nullptr;
    }
    return const_cast<__CFDictionary*>(d);
}

__CFDictionary* copy_dict(__CFDictionary const& from, bool is_mutable)
{
    auto* d = new __CFDictionary(&from.key_callbacks, &from.value_callbacks, is_mutable);
    for (auto const& [key, value] : from.entries)
        d->entries.emplace_back(d->retained_key(key), d->retained_value(value));
    return d;
}

__CFArray* copy_array(__CFArray const& from, bool is_mutable)
{
    auto* a = new __CFArray(&from.callbacks, is_mutable);
    for (auto const* value : from.values)
        a->values.push_back(a->retained(value));
    return a;
}

} // namespace

const CFArrayCallBacks kCFTypeArrayCallBacks = { 0, retain_cf, release_cf, CFCopyDescription, CFEqual };
const CFDictionaryKeyCallBacks kCFTypeDictionaryKeyCallBacks = { 0, retain_cf, release_cf, CFCopyDescription, CFEqual,
    CFHash };
const CFDictionaryKeyCallBacks kCFCopyStringDictionaryKeyCallBacks = { 0, copy_string_key, release_cf,
    CFCopyDescription, CFEqual, CFHash };
const CFDictionaryValueCallBacks kCFTypeDictionaryValueCallBacks = { 0, retain_cf, release_cf, CFCopyDescription,
    CFEqual };

// ---- CFArray ----

__CFArray::__CFArray(CFArrayCallBacks const* cb, bool is_mutable_array)
    : CFObject(Kind::Array, false)
    , is_mutable(is_mutable_array)
{
    if (cb)
        callbacks = *cb;
}

__CFArray::~__CFArray()
{
    for (auto const* value : values)
        release(value);
}

const void* __CFArray::retained(const void* value) const
{
    return callbacks.retain ? callbacks.retain(nullptr, value) : value;
}

void __CFArray::release(const void* value) const
{
    if (callbacks.release)
        callbacks.release(nullptr, value);
}

bool __CFArray::equal(const void* a, const void* b) const
{
    return a == b || (callbacks.equal && a && b && callbacks.equal(a, b));
}

CFTypeID CFArrayGetTypeID(void) { return type_id_of(Kind::Array); }

CFArrayRef CFArrayCreate(CFAllocatorRef, const void** values, CFIndex numValues, const CFArrayCallBacks* callBacks)
{
    if (numValues < 0 || (!values && numValues > 0)) {
        misuse("CFArrayCreate", "the values are invalid");
        return nullptr;
    }
    auto* a = new __CFArray(callBacks, false);
    for (CFIndex i = 0; i < numValues; ++i)
        a->values.push_back(a->retained(values[i]));
    return a;
}

CFArrayRef CFArrayCreateCopy(CFAllocatorRef, CFArrayRef theArray)
{
    auto const* a = array(theArray, "CFArrayCreateCopy");
    return a ? copy_array(*a, false) : nullptr;
}

CFMutableArrayRef CFArrayCreateMutable(CFAllocatorRef, CFIndex, const CFArrayCallBacks* callBacks)
{
    return new __CFArray(callBacks, true);
}

CFMutableArrayRef CFArrayCreateMutableCopy(CFAllocatorRef, CFIndex, CFArrayRef theArray)
{
    auto const* a = array(theArray, "CFArrayCreateMutableCopy");
    return a ? copy_array(*a, true) : nullptr;
}

CFIndex CFArrayGetCount(CFArrayRef theArray)
{
    auto const* a = array(theArray, "CFArrayGetCount");
    return a ? static_cast<CFIndex>(a->values.size()) : 0;
}

const void* CFArrayGetValueAtIndex(CFArrayRef theArray, CFIndex idx)
{
    auto const* a = array(theArray, "CFArrayGetValueAtIndex");
    if (!a || idx < 0 || static_cast<size_t>(idx) >= a->values.size()) {
        if (a)
            misuse("CFArrayGetValueAtIndex", "the index is out of bounds");
        return nullptr;
    }
    return a->values[static_cast<size_t>(idx)];
}

void CFArrayGetValues(CFArrayRef theArray, CFRange range, const void** values)
{
    auto const* a = array(theArray, "CFArrayGetValues");
    if (!a || !range_ok(range, a->values.size(), "CFArrayGetValues") || !values)
        return;
    for (CFIndex i = 0; i < range.length; ++i)
        values[i] = a->values[static_cast<size_t>(range.location + i)];
}

CFIndex CFArrayGetFirstIndexOfValue(CFArrayRef theArray, CFRange range, const void* value)
{
    auto const* a = array(theArray, "CFArrayGetFirstIndexOfValue");
    if (!a || !range_ok(range, a->values.size(), "CFArrayGetFirstIndexOfValue"))
        return kCFNotFound;
    for (CFIndex i = range.location; i < range.location + range.length; ++i) {
        if (a->equal(a->values[static_cast<size_t>(i)], value))
            return i;
    }
    return kCFNotFound;
}

Boolean CFArrayContainsValue(CFArrayRef theArray, CFRange range, const void* value)
{
    return CFArrayGetFirstIndexOfValue(theArray, range, value) != kCFNotFound;
}

void CFArrayApplyFunction(CFArrayRef theArray, CFRange range, CFArrayApplierFunction applier, void* context)
{
    auto const* a = array(theArray, "CFArrayApplyFunction");
    if (!a || !applier || !range_ok(range, a->values.size(), "CFArrayApplyFunction"))
        return;
    for (CFIndex i = range.location; i < range.location + range.length; ++i)
        applier(a->values[static_cast<size_t>(i)], context);
}

void CFArrayAppendValue(CFMutableArrayRef theArray, const void* value)
{
    if (auto* a = mutable_array(theArray, "CFArrayAppendValue"))
        a->values.push_back(a->retained(value));
}

void CFArrayInsertValueAtIndex(CFMutableArrayRef theArray, CFIndex idx, const void* value)
{
    auto* a = mutable_array(theArray, "CFArrayInsertValueAtIndex");
    if (!a || idx < 0 || static_cast<size_t>(idx) > a->values.size()) {
        if (a)
            misuse("CFArrayInsertValueAtIndex", "the index is out of bounds");
        return;
    }
    a->values.insert(a->values.begin() + idx, a->retained(value));
}

void CFArraySetValueAtIndex(CFMutableArrayRef theArray, CFIndex idx, const void* value)
{
    auto* a = mutable_array(theArray, "CFArraySetValueAtIndex");
    if (!a || idx < 0 || static_cast<size_t>(idx) > a->values.size()) {
        if (a)
            misuse("CFArraySetValueAtIndex", "the index is out of bounds");
        return;
    }
    if (static_cast<size_t>(idx) == a->values.size()) {
        a->values.push_back(a->retained(value));
        return;
    }
    auto const* old = a->values[static_cast<size_t>(idx)];
    a->values[static_cast<size_t>(idx)] = a->retained(value);
    a->release(old);
}

void CFArrayRemoveValueAtIndex(CFMutableArrayRef theArray, CFIndex idx)
{
    auto* a = mutable_array(theArray, "CFArrayRemoveValueAtIndex");
    if (!a || idx < 0 || static_cast<size_t>(idx) >= a->values.size()) {
        if (a)
            misuse("CFArrayRemoveValueAtIndex", "the index is out of bounds");
        return;
    }
    auto const* old = a->values[static_cast<size_t>(idx)];
    a->values.erase(a->values.begin() + idx);
    a->release(old);
}

void CFArrayRemoveAllValues(CFMutableArrayRef theArray)
{
    auto* a = mutable_array(theArray, "CFArrayRemoveAllValues");
    if (!a)
        return;
    auto old = std::move(a->values);
    a->values.clear();
    for (auto const* value : old)
        a->release(value);
}

// ---- CFDictionary ----

__CFDictionary::__CFDictionary(CFDictionaryKeyCallBacks const* key_cb, CFDictionaryValueCallBacks const* value_cb,
    bool is_mutable_dict)
    : CFObject(Kind::Dictionary, false)
    , is_mutable(is_mutable_dict)
{
    if (key_cb)
        key_callbacks = *key_cb;
    if (value_cb)
        value_callbacks = *value_cb;
}

__CFDictionary::~__CFDictionary()
{
    for (auto const& [key, value] : entries) {
        release_value(value);
        release_key(key);
    }
}

CFIndex __CFDictionary::find(const void* key) const
{
    for (size_t i = 0; i < entries.size(); ++i) {
        auto const* candidate = entries[i].first;
        if (candidate == key || (key_callbacks.equal && candidate && key && key_callbacks.equal(candidate, key)))
            return static_cast<CFIndex>(i);
    }
    return -1;
}

const void* __CFDictionary::retained_key(const void* key) const
{
    return key_callbacks.retain ? key_callbacks.retain(nullptr, key) : key;
}

const void* __CFDictionary::retained_value(const void* value) const
{
    return value_callbacks.retain ? value_callbacks.retain(nullptr, value) : value;
}

void __CFDictionary::release_key(const void* key) const
{
    if (key_callbacks.release)
        key_callbacks.release(nullptr, key);
}

void __CFDictionary::release_value(const void* value) const
{
    if (value_callbacks.release)
        value_callbacks.release(nullptr, value);
}

bool __CFDictionary::values_equal(const void* a, const void* b) const
{
    return a == b || (value_callbacks.equal && a && b && value_callbacks.equal(a, b));
}

CFTypeID CFDictionaryGetTypeID(void) { return type_id_of(Kind::Dictionary); }

CFDictionaryRef CFDictionaryCreate(CFAllocatorRef, const void** keys, const void** values, CFIndex numValues,
    const CFDictionaryKeyCallBacks* keyCallBacks, const CFDictionaryValueCallBacks* valueCallBacks)
{
    if (numValues < 0 || (numValues > 0 && (!keys || !values))) {
        misuse("CFDictionaryCreate", "the keys or values are invalid");
        return nullptr;
    }
    auto* d = new __CFDictionary(keyCallBacks, valueCallBacks, false);
    for (CFIndex i = 0; i < numValues; ++i) {
        CFIndex at = d->find(keys[i]);
        if (at >= 0) { // a repeated key: the last value wins, as with CFDictionarySetValue
            auto const* old = d->entries[static_cast<size_t>(at)].second;
            d->entries[static_cast<size_t>(at)].second = d->retained_value(values[i]);
            d->release_value(old);
            continue;
        }
        d->entries.emplace_back(d->retained_key(keys[i]), d->retained_value(values[i]));
    }
    return d;
}

CFDictionaryRef CFDictionaryCreateCopy(CFAllocatorRef, CFDictionaryRef theDict)
{
    auto const* d = dict(theDict, "CFDictionaryCreateCopy");
    return d ? copy_dict(*d, false) : nullptr;
}

CFMutableDictionaryRef CFDictionaryCreateMutable(CFAllocatorRef, CFIndex, const CFDictionaryKeyCallBacks* keyCallBacks,
    const CFDictionaryValueCallBacks* valueCallBacks)
{
    return new __CFDictionary(keyCallBacks, valueCallBacks, true);
}

CFMutableDictionaryRef CFDictionaryCreateMutableCopy(CFAllocatorRef, CFIndex, CFDictionaryRef theDict)
{
    auto const* d = dict(theDict, "CFDictionaryCreateMutableCopy");
    return d ? copy_dict(*d, true) : nullptr;
}

CFIndex CFDictionaryGetCount(CFDictionaryRef theDict)
{
    auto const* d = dict(theDict, "CFDictionaryGetCount");
    return d ? static_cast<CFIndex>(d->entries.size()) : 0;
}

Boolean CFDictionaryContainsKey(CFDictionaryRef theDict, const void* key)
{
    auto const* d = dict(theDict, "CFDictionaryContainsKey");
    return d && d->find(key) >= 0;
}

Boolean CFDictionaryContainsValue(CFDictionaryRef theDict, const void* value)
{
    auto const* d = dict(theDict, "CFDictionaryContainsValue");
    if (!d)
        return false;
    for (auto const& entry : d->entries) {
        if (d->values_equal(entry.second, value))
            return true;
    }
    return false;
}

const void* CFDictionaryGetValue(CFDictionaryRef theDict, const void* key)
{
    const void* value = nullptr;
    CFDictionaryGetValueIfPresent(theDict, key, &value);
    return value;
}

Boolean CFDictionaryGetValueIfPresent(CFDictionaryRef theDict, const void* key, const void** value)
{
    auto const* d = dict(theDict, "CFDictionaryGetValueIfPresent");
    CFIndex at = d ? d->find(key) : -1;
    if (at < 0)
        return false;
    if (value)
        *value = d->entries[static_cast<size_t>(at)].second;
    return true;
}

void CFDictionaryGetKeysAndValues(CFDictionaryRef theDict, const void** keys, const void** values)
{
    auto const* d = dict(theDict, "CFDictionaryGetKeysAndValues");
    if (!d)
        return;
    for (size_t i = 0; i < d->entries.size(); ++i) {
        if (keys)
            keys[i] = d->entries[i].first;
        if (values)
            values[i] = d->entries[i].second;
    }
}

void CFDictionaryApplyFunction(CFDictionaryRef theDict, CFDictionaryApplierFunction applier, void* context)
{
    auto const* d = dict(theDict, "CFDictionaryApplyFunction");
    if (!d || !applier)
        return;
    auto snapshot = d->entries; // the applier must not mutate the dictionary; be safe if it does
    for (auto const& [key, value] : snapshot)
        applier(key, value, context);
}

void CFDictionaryAddValue(CFMutableDictionaryRef theDict, const void* key, const void* value)
{
    auto* d = mutable_dict(theDict, "CFDictionaryAddValue");
    if (d && d->find(key) < 0)
        d->entries.emplace_back(d->retained_key(key), d->retained_value(value));
}

void CFDictionarySetValue(CFMutableDictionaryRef theDict, const void* key, const void* value)
{
    auto* d = mutable_dict(theDict, "CFDictionarySetValue");
    if (!d)
        return;
    CFIndex at = d->find(key);
    if (at < 0) {
        d->entries.emplace_back(d->retained_key(key), d->retained_value(value));
        return;
    }
    auto const* old = d->entries[static_cast<size_t>(at)].second;
    d->entries[static_cast<size_t>(at)].second = d->retained_value(value);
    d->release_value(old);
}

void CFDictionaryReplaceValue(CFMutableDictionaryRef theDict, const void* key, const void* value)
{
    auto* d = mutable_dict(theDict, "CFDictionaryReplaceValue");
    if (d && d->find(key) >= 0)
        CFDictionarySetValue(theDict, key, value);
}

void CFDictionaryRemoveValue(CFMutableDictionaryRef theDict, const void* key)
{
    auto* d = mutable_dict(theDict, "CFDictionaryRemoveValue");
    CFIndex at = d ? d->find(key) : -1;
    if (at < 0)
        return;
    auto entry = d->entries[static_cast<size_t>(at)];
    d->entries.erase(d->entries.begin() + at);
    d->release_value(entry.second);
    d->release_key(entry.first);
}

void CFDictionaryRemoveAllValues(CFMutableDictionaryRef theDict)
{
    auto* d = mutable_dict(theDict, "CFDictionaryRemoveAllValues");
    if (!d)
        return;
    auto old = std::move(d->entries);
    d->entries.clear();
    for (auto const& [key, value] : old) {
        d->release_value(value);
        d->release_key(key);
    }
}
