#ifndef _DEXTLAB_DRIVERKIT_OSCOLLECTION_H
#define _DEXTLAB_DRIVERKIT_OSCOLLECTION_H
// The base of OSArray and OSDictionary (OSCollection.iig). Collections retain what they hold
// and release it when it is removed or replaced, or when the collection is freed.

#include <DriverKit/OSContainer.h>

class OSCollection;
typedef OSCollection* OSCollectionPtr;
class OSDictionary;

#if __BLOCKS__
typedef bool (^OSCollectionIterateObjectsBlock)(OSObject* object);
#endif

struct OSCollection_IVars;
struct OSCollection_LocalIVars;
extern OSMetaClass* gOSCollectionMetaClass;

class OSCollection : public OSContainer {
public:
    union {
        OSCollection_IVars* ivars;
        OSCollection_LocalIVars* lvars;
    };
    using super = OSContainer;
    virtual const OSMetaClass* getMetaClass() const override;

    virtual uint32_t getCount() const = 0;
    virtual uint32_t getCapacity() const = 0;
    virtual uint32_t ensureCapacity(uint32_t newCapacity) = 0;
    virtual void flushCollection() = 0;

#if __BLOCKS__
    // Calls `block` with each member (an array's objects in order, a dictionary's keys in the
    // order they were added) until it returns false. The block must not change the collection.
    // Returns false if the block stopped the iteration.
    bool iterateObjects(OSCollectionIterateObjectsBlock block) const
    {
        return __dextlab_iterate(
            [](void* context, OSObject* object) { return reinterpret_cast<OSCollectionIterateObjectsBlock>(context)(object); },
            reinterpret_cast<void*>(block));
    }
#endif

    // The runtime's iteration, by function pointer, so the class is the same with and without
    // blocks (g++ builds of the lab have none).
    virtual bool __dextlab_iterate(bool (*function)(void* context, OSObject* object), void* context) const = 0;

protected:
    OSCollection() = default;
    virtual ~OSCollection() override = default;
};

#endif
