#ifndef _DEXTLAB_DRIVERKIT_OSDICTIONARY_H
#define _DEXTLAB_DRIVERKIT_OSDICTIONARY_H
// Objects by key (OSDictionary.iig). Keys are objects compared with isEqualTo (OSStrings,
// usually; a C-string key becomes an OSString). Keys and values are retained while in it.
// Iteration follows the order keys were first added, so runs repeat exactly.

#include <DriverKit/OSCollection.h>

class OSDictionary;
typedef OSDictionary* OSDictionaryPtr;
class OSString;

#if __BLOCKS__
typedef bool (^OSDictionaryIterateObjectsBlock)(OSObject* key, OSObject* value);
#endif

struct OSDictionary_IVars;
struct OSDictionary_LocalIVars;
extern OSMetaClass* gOSDictionaryMetaClass;

class OSDictionary : public OSCollection {
public:
    union {
        OSDictionary_IVars* ivars;
        OSDictionary_LocalIVars* lvars;
    };
    using super = OSCollection;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    virtual bool isEqualTo(const OSMetaClassBase* anObject) const override;

    virtual uint32_t getCount() const override;
    virtual uint32_t getCapacity() const override;
    virtual uint32_t ensureCapacity(uint32_t newCapacity) override;
    virtual void flushCollection() override;
    // The collection form visits keys.
    virtual bool __dextlab_iterate(bool (*function)(void* context, OSObject* object), void* context) const override;
    bool __dextlab_iterate_pairs(bool (*function)(void* context, OSObject* key, OSObject* value), void* context) const;

    static OSDictionaryPtr withCapacity(uint32_t capacity);
    static OSDictionaryPtr withObjects(const OSObject** values, const OSObject** keys, uint32_t count, uint32_t capacity);
    static OSDictionaryPtr withDictionary(const OSDictionary* dictionary, uint32_t capacity);

    // Adds or replaces (releasing the old value); false, retaining nothing, for a NULL key or value.
    bool setObject(const OSObject* aKey, const OSMetaClassBase* anObject);
    bool setObject(const char* aKey, const OSMetaClassBase* anObject);
    void removeObject(const OSObject* aKey);
    void removeObject(const char* aKey);
    bool merge(const OSDictionary* otherDictionary);
    // No reference for the caller (Get); NULL when the key is absent.
    OSObject* getObject(const OSObject* aKey) const;
    OSObject* getObject(const char* aKey) const;
    // Equal values for every key of `keys` (an OSArray of keys, or an OSDictionary whose keys count).
    bool isEqualTo(const OSDictionary* aDictionary, const OSCollection* keys) const;
    bool isEqualTo(const OSDictionary* aDictionary) const;

#if __BLOCKS__
    using OSCollection::iterateObjects;
    // Calls `block` with each key and value until it returns false.
    bool iterateObjects(OSDictionaryIterateObjectsBlock block) const
    {
        return __dextlab_iterate_pairs(
            [](void* context, OSObject* key, OSObject* value) {
                return reinterpret_cast<OSDictionaryIterateObjectsBlock>(context)(key, value);
            },
            reinterpret_cast<void*>(block));
    }
#endif

protected:
    OSDictionary() = default;
    virtual ~OSDictionary() override; // frees the ivars, also when a dying process skips free()
};

#endif
