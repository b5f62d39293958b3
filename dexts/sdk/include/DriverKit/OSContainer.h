#ifndef _DEXTLAB_DRIVERKIT_OSCONTAINER_H
#define _DEXTLAB_DRIVERKIT_OSCONTAINER_H
// The base of DriverKit's container classes (OSContainer.iig: a LOCALONLY class, plain C++ in
// the dext). Containers are OSObjects: reference counted, and counted in the leak census of the
// server that made them.

#include <DriverKit/OSObject.h>

class OSContainer;
typedef OSContainer* OSContainerPtr;

struct OSContainer_IVars;
struct OSContainer_LocalIVars;
extern OSMetaClass* gOSContainerMetaClass;

class OSContainer : public OSObject {
public:
    union {
        OSContainer_IVars* ivars;
        OSContainer_LocalIVars* lvars;
    };
    using super = OSObject;
    virtual const OSMetaClass* getMetaClass() const override;

protected:
    OSContainer() = default;
    virtual ~OSContainer() override = default;
};

#endif
