#ifndef _DEXTLAB_DRIVERKIT_OSARRAY_H
#define _DEXTLAB_DRIVERKIT_OSARRAY_H
// An ordered, growable list of objects (OSArray.iig). Members are retained while they are in it.

#include <DriverKit/OSCollection.h>

class OSArray;
typedef OSArray* OSArrayPtr;

struct OSArray_IVars;
struct OSArray_LocalIVars;
extern OSMetaClass* gOSArrayMetaClass;

class OSArray : public OSCollection {
public:
    union {
        OSArray_IVars* ivars;
        OSArray_LocalIVars* lvars;
    };
    using super = OSCollection;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    virtual bool isEqualTo(const OSMetaClassBase* anObject) const override;

    virtual uint32_t getCount() const override;
    virtual uint32_t getCapacity() const override;
    virtual uint32_t ensureCapacity(uint32_t newCapacity) override;
    virtual void flushCollection() override;
    virtual bool __dextlab_iterate(bool (*function)(void* context, OSObject* object), void* context) const override;

    static OSArrayPtr withCapacity(uint32_t capacity);
    static OSArrayPtr withObjects(const OSObject** values, uint32_t count, uint32_t capacity);
    static OSArrayPtr withArray(const OSArray* array, uint32_t capacity);

    // Appends; false (and no retain) for a NULL object.
    bool setObject(const OSMetaClassBase* anObject);
    // Inserts at `index` (at most getCount()), moving later members up.
    bool setObject(uint32_t index, const OSMetaClassBase* anObject);
    bool merge(const OSArray* otherArray);
    // Replaces the member at `index` (< getCount()), releasing the old one.
    bool replaceObject(uint32_t index, const OSMetaClassBase* anObject);
    // Removes and releases the member at `index`, moving later members down.
    void removeObject(uint32_t index);
    bool isEqualTo(const OSArray* anArray) const;
    // No reference for the caller (Get); NULL past the end.
    OSObject* getObject(uint32_t index) const;
    OSObject* getLastObject() const;
    // The index of `anObject` (by pointer) at or after `index`, or -1U.
    uint32_t getNextIndexOfObject(const OSMetaClassBase* anObject, uint32_t index) const;

protected:
    OSArray() = default;
    virtual ~OSArray() override; // frees the ivars, also when a dying process skips free()
};

#endif
