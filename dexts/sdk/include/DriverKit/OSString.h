#ifndef _DEXTLAB_DRIVERKIT_OSSTRING_H
#define _DEXTLAB_DRIVERKIT_OSSTRING_H
// An immutable C string as an object (OSString.iig), the usual dictionary key.

#include <DriverKit/OSContainer.h>

class OSString;
typedef OSString* OSStringPtr;
typedef OSString OSSymbol;
class OSData;

struct OSString_IVars;
struct OSString_LocalIVars;
extern OSMetaClass* gOSStringMetaClass;

class OSString : public OSContainer {
public:
    union {
        OSString_IVars* ivars;
        OSString_LocalIVars* lvars;
    };
    using super = OSContainer;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    // True for an OSString or OSData holding the same characters (see isEqualTo(const OSData*)).
    virtual bool isEqualTo(const OSMetaClassBase* anObject) const override;

    // Each returns NULL on failure, else a new string with one reference for the caller.
    static OSStringPtr withCString(const char* cString);
    // At most `length` characters of `cString`.
    static OSStringPtr withCString(const char* cString, size_t length);
    // A copy too, as in DriverKit (the name is for kernel-code compatibility).
    static OSStringPtr withCStringNoCopy(const char* cString);
    static OSStringPtr withString(const OSString* aString);

    // Characters, not counting the terminating NUL.
    size_t getLength() const;
    // The NUL-terminated characters, or NULL when the string is empty (as documented).
    const char* getCStringNoCopy() const;

    bool isEqualTo(const OSString* aString) const;
    bool isEqualTo(const char* cString) const;
    // Same bytes, or the OSData is one byte longer and ends in NUL.
    bool isEqualTo(const OSData* aDataObject) const;

protected:
    OSString() = default;
    virtual ~OSString() override; // frees the ivars, also when a dying process skips free()
};

#endif
