#ifndef _DEXTLAB_DRIVERKIT_OSDATA_H
#define _DEXTLAB_DRIVERKIT_OSDATA_H
// A growable array of bytes as an object (OSData.iig).

#include <DriverKit/OSContainer.h>

class OSData;
typedef OSData* OSDataPtr;
class OSString;

struct OSData_IVars;
struct OSData_LocalIVars;
extern OSMetaClass* gOSDataMetaClass;

class OSData : public OSContainer {
public:
    union {
        OSData_IVars* ivars;
        OSData_LocalIVars* lvars;
    };
    using super = OSContainer;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    // True for an OSData with the same bytes, or an OSString equal to it (OSString::isEqualTo).
    virtual bool isEqualTo(const OSMetaClassBase* anObject) const override;

    // Each returns NULL on failure, else a new object with one reference for the caller.
    static OSDataPtr withCapacity(uint32_t capacity); // empty until appendBytes
    static OSDataPtr withBytes(const void* bytes, size_t numBytes);
    static OSDataPtr withBytesNoCopy(void* bytes, size_t numBytes); // a copy too, as in DriverKit
    static OSDataPtr withData(const OSData* inData);
    // NULL when start + numBytes passes the end of inData.
    static OSDataPtr withData(const OSData* inData, size_t start, size_t numBytes);

    size_t getLength() const;
    size_t getCapacity() const;
    bool appendBytes(const void* bytes, size_t numBytes);
    bool appendBytes(const OSData* aDataObj);
    // The bytes, or NULL when there are none (as documented).
    const void* getBytesNoCopy() const;
    // NULL unless all of [start, start + numBytes) is there.
    const void* getBytesNoCopy(size_t start, size_t numBytes) const;

    bool isEqualTo(const OSData* aDataObj) const;
    bool isEqualTo(const OSString* aString) const;
    bool isEqualTo(const void* bytes, size_t numBytes) const;

protected:
    OSData() = default;
    virtual ~OSData() override; // frees the ivars, also when a dying process skips free()
};

#endif
