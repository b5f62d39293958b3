#ifndef _DEXTLAB_DRIVERKIT_OSBOOLEAN_H
#define _DEXTLAB_DRIVERKIT_OSBOOLEAN_H
// true and false as objects (OSBoolean.iig). Only the two constants exist; compare with them
// (`value == kOSBooleanTrue`). Retaining and releasing them does nothing, and they are not
// counted in any server's leak census.

#include <DriverKit/OSContainer.h>

class OSBoolean;
typedef OSBoolean* OSBooleanPtr;

extern OSBooleanPtr kOSBooleanTrue;
extern OSBooleanPtr kOSBooleanFalse;

struct OSBoolean_IVars;
struct OSBoolean_LocalIVars;
extern OSMetaClass* gOSBooleanMetaClass;

class OSBoolean : public OSContainer {
public:
    union {
        OSBoolean_IVars* ivars;
        OSBoolean_LocalIVars* lvars;
    };
    using super = OSContainer;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    virtual void retain() const override;
    virtual void release() const override;

    // The runtime makes the two constants.
    static OSBoolean* __dextlab_make();

protected:
    OSBoolean() = default;
    virtual ~OSBoolean() override = default;
};

#endif
