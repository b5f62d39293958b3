// OSArray and OSDictionary (OSArray.iig, OSDictionary.iig): collections of OSObjects that retain
// what they hold and release it when it is removed, replaced or flushed, or when they are freed.
// A dictionary keeps its keys in the order they were first added, so iteration repeats exactly.

#include "dext_server.h"

#include <DriverKit/OSCollections.h>

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

struct OSArray_IVars {
    std::vector<OSObject*> objects;
    uint32_t capacity;
};

struct OSDictionary_IVars {
    std::vector<std::pair<OSObject*, OSObject*>> entries; // key, value
    uint32_t capacity;
};

namespace {

OSObject* as_object(const OSMetaClassBase* object) { return const_cast<OSObject*>(dynamic_cast<const OSObject*>(object)); }

bool same_key(const OSObject* key, const OSObject* other) { return key == other || key->isEqualTo(other); }

bool same_key(const OSObject* key, const char* name)
{
    auto const* string = OSDynamicCast(OSString, key);
    return string && string->isEqualTo(name);
}

bool equal_members(const OSObject* a, const OSObject* b) { return a == b || (a && b && a->isEqualTo(b)); }

} // namespace

// ---- OSArray ----

OSArrayPtr OSArray::withCapacity(uint32_t capacity)
{
    auto* array = new OSArray;
    array->ivars = new OSArray_IVars { {}, capacity };
    array->ivars->objects.reserve(capacity);
    return array;
}

OSArrayPtr OSArray::withObjects(const OSObject** values, uint32_t count, uint32_t capacity)
{
    if (!values && count)
        return nullptr;
    auto* array = withCapacity(std::max(count, capacity));
    for (uint32_t i = 0; i < count; ++i) {
        if (!array->setObject(values[i])) {
            array->release();
            return nullptr;
        }
    }
    return array;
}

OSArrayPtr OSArray::withArray(const OSArray* array, uint32_t capacity)
{
    if (!array)
        return nullptr;
    auto* copy = withCapacity(std::max(array->getCount(), capacity));
    copy->merge(array);
    return copy;
}

// Members are released in free(); the storage goes with the object (also when a dying process
// destroys it without free()).
OSArray::~OSArray() { delete ivars; }

void OSArray::free()
{
    if (ivars)
        flushCollection();
    super::free();
}

uint32_t OSArray::getCount() const { return ivars ? static_cast<uint32_t>(ivars->objects.size()) : 0; }

uint32_t OSArray::getCapacity() const { return ivars ? std::max(ivars->capacity, getCount()) : 0; }

uint32_t OSArray::ensureCapacity(uint32_t newCapacity)
{
    if (ivars && newCapacity > ivars->capacity) {
        ivars->objects.reserve(newCapacity);
        ivars->capacity = newCapacity;
    }
    return getCapacity();
}

void OSArray::flushCollection()
{
    if (!ivars)
        return;
    std::vector<OSObject*> gone;
    gone.swap(ivars->objects);
    for (auto* object : gone)
        object->release();
}

bool OSArray::__dextlab_iterate(bool (*function)(void* context, OSObject* object), void* context) const
{
    if (!ivars)
        return true;
    for (auto* object : ivars->objects) {
        if (!function(context, object))
            return false;
    }
    return true;
}

bool OSArray::setObject(const OSMetaClassBase* anObject) { return setObject(getCount(), anObject); }

bool OSArray::setObject(uint32_t index, const OSMetaClassBase* anObject)
{
    auto* object = as_object(anObject);
    if (!ivars || !object || index > getCount())
        return false;
    object->retain();
    ivars->objects.insert(ivars->objects.begin() + index, object);
    ivars->capacity = std::max(ivars->capacity, getCount());
    return true;
}

bool OSArray::merge(const OSArray* otherArray)
{
    if (!otherArray || !ivars)
        return false;
    std::vector<OSObject*> others = otherArray->ivars->objects; // merging an array into itself
    for (auto* object : others)
        setObject(object);
    return true;
}

bool OSArray::replaceObject(uint32_t index, const OSMetaClassBase* anObject)
{
    auto* object = as_object(anObject);
    if (!ivars || !object || index >= getCount())
        return false;
    object->retain();
    std::swap(ivars->objects[index], object);
    object->release();
    return true;
}

void OSArray::removeObject(uint32_t index)
{
    if (!ivars || index >= getCount())
        return;
    OSObject* object = ivars->objects[index];
    ivars->objects.erase(ivars->objects.begin() + index);
    object->release();
}

bool OSArray::isEqualTo(const OSArray* anArray) const
{
    if (!anArray || anArray->getCount() != getCount())
        return false;
    for (uint32_t i = 0; i < getCount(); ++i) {
        if (!equal_members(ivars->objects[i], anArray->ivars->objects[i]))
            return false;
    }
    return true;
}

bool OSArray::isEqualTo(const OSMetaClassBase* anObject) const { return isEqualTo(OSDynamicCast(OSArray, anObject)); }

OSObject* OSArray::getObject(uint32_t index) const { return ivars && index < getCount() ? ivars->objects[index] : nullptr; }

OSObject* OSArray::getLastObject() const { return getCount() ? ivars->objects.back() : nullptr; }

uint32_t OSArray::getNextIndexOfObject(const OSMetaClassBase* anObject, uint32_t index) const
{
    for (uint32_t i = index; i < getCount(); ++i) {
        if (ivars->objects[i] == anObject)
            return i;
    }
    return -1U;
}

// ---- OSDictionary ----

OSDictionaryPtr OSDictionary::withCapacity(uint32_t capacity)
{
    auto* dictionary = new OSDictionary;
    dictionary->ivars = new OSDictionary_IVars { {}, capacity };
    dictionary->ivars->entries.reserve(capacity);
    return dictionary;
}

OSDictionaryPtr OSDictionary::withObjects(const OSObject** values, const OSObject** keys, uint32_t count, uint32_t capacity)
{
    if ((!values || !keys) && count)
        return nullptr;
    auto* dictionary = withCapacity(std::max(count, capacity));
    for (uint32_t i = 0; i < count; ++i) {
        if (!dictionary->setObject(keys[i], values[i])) {
            dictionary->release();
            return nullptr;
        }
    }
    return dictionary;
}

OSDictionaryPtr OSDictionary::withDictionary(const OSDictionary* dictionary, uint32_t capacity)
{
    if (!dictionary)
        return nullptr;
    auto* copy = withCapacity(std::max(dictionary->getCount(), capacity));
    copy->merge(dictionary);
    return copy;
}

// Members are released in free(); the storage goes with the object (also when a dying process
// destroys it without free()).
OSDictionary::~OSDictionary() { delete ivars; }

void OSDictionary::free()
{
    if (ivars)
        flushCollection();
    super::free();
}

uint32_t OSDictionary::getCount() const { return ivars ? static_cast<uint32_t>(ivars->entries.size()) : 0; }

uint32_t OSDictionary::getCapacity() const { return ivars ? std::max(ivars->capacity, getCount()) : 0; }

uint32_t OSDictionary::ensureCapacity(uint32_t newCapacity)
{
    if (ivars && newCapacity > ivars->capacity) {
        ivars->entries.reserve(newCapacity);
        ivars->capacity = newCapacity;
    }
    return getCapacity();
}

void OSDictionary::flushCollection()
{
    if (!ivars)
        return;
    std::vector<std::pair<OSObject*, OSObject*>> gone;
    gone.swap(ivars->entries);
    for (auto& [key, value] : gone) {
        value->release();
        key->release();
    }
}

bool OSDictionary::__dextlab_iterate(bool (*function)(void* context, OSObject* object), void* context) const
{
    if (!ivars)
        return true;
    for (auto const& entry : ivars->entries) {
        if (!function(context, entry.first))
            return false;
    }
    return true;
}

bool OSDictionary::__dextlab_iterate_pairs(bool (*function)(void* context, OSObject* key, OSObject* value), void* context) const
{
    if (!ivars)
        return true;
    for (auto const& [key, value] : ivars->entries) {
        if (!function(context, key, value))
            return false;
    }
    return true;
}

bool OSDictionary::setObject(const OSObject* aKey, const OSMetaClassBase* anObject)
{
    auto* value = as_object(anObject);
    auto* key = const_cast<OSObject*>(aKey);
    if (!ivars || !key || !value)
        return false;
    value->retain();
    for (auto& entry : ivars->entries) {
        if (same_key(entry.first, key)) {
            std::swap(entry.second, value);
            value->release();
            return true;
        }
    }
    key->retain();
    ivars->entries.emplace_back(key, value);
    ivars->capacity = std::max(ivars->capacity, getCount());
    return true;
}

bool OSDictionary::setObject(const char* aKey, const OSMetaClassBase* anObject)
{
    if (!aKey || !anObject)
        return false;
    OSString* key = OSString::withCString(aKey);
    bool set = setObject(key, anObject);
    key->release();
    return set;
}

template<typename Key>
static void remove_entry(OSDictionary_IVars* ivars, Key key)
{
    if (!ivars || !key)
        return;
    auto it = std::find_if(ivars->entries.begin(), ivars->entries.end(), [&](auto const& entry) { return same_key(entry.first, key); });
    if (it == ivars->entries.end())
        return;
    auto [gone_key, gone_value] = *it;
    ivars->entries.erase(it);
    gone_value->release();
    gone_key->release();
}

void OSDictionary::removeObject(const OSObject* aKey) { remove_entry(ivars, aKey); }

void OSDictionary::removeObject(const char* aKey) { remove_entry(ivars, aKey); }

bool OSDictionary::merge(const OSDictionary* otherDictionary)
{
    if (!otherDictionary || !ivars)
        return false;
    auto others = otherDictionary->ivars->entries; // merging a dictionary into itself
    for (auto const& [key, value] : others)
        setObject(key, value);
    return true;
}

OSObject* OSDictionary::getObject(const OSObject* aKey) const
{
    if (!ivars || !aKey)
        return nullptr;
    for (auto const& [key, value] : ivars->entries) {
        if (same_key(key, aKey))
            return value;
    }
    return nullptr;
}

OSObject* OSDictionary::getObject(const char* aKey) const
{
    if (!ivars || !aKey)
        return nullptr;
    for (auto const& [key, value] : ivars->entries) {
        if (same_key(key, aKey))
            return value;
    }
    return nullptr;
}

bool OSDictionary::isEqualTo(const OSDictionary* aDictionary, const OSCollection* keys) const
{
    if (!aDictionary || !keys)
        return false;
    struct Check {
        const OSDictionary* self;
        const OSDictionary* other;
        bool equal;
    } check { this, aDictionary, true };
    keys->__dextlab_iterate(
        [](void* context, OSObject* key) {
            auto* c = static_cast<Check*>(context);
            auto* mine = c->self->getObject(key);
            c->equal = mine && equal_members(mine, c->other->getObject(key));
            return c->equal;
        },
        &check);
    return check.equal;
}

bool OSDictionary::isEqualTo(const OSDictionary* aDictionary) const
{
    return aDictionary && aDictionary->getCount() == getCount() && isEqualTo(aDictionary, this);
}

bool OSDictionary::isEqualTo(const OSMetaClassBase* anObject) const { return isEqualTo(OSDynamicCast(OSDictionary, anObject)); }
