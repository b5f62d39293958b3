#ifndef _DEXTLAB_DRIVERKIT_OSCOLLECTIONS_H
#define _DEXTLAB_DRIVERKIT_OSCOLLECTIONS_H
// DriverKit's collections header. On macOS it includes the container classes (OSString, OSData,
// OSNumber, OSBoolean, OSArray, OSDictionary, OSSet, OSOrderedSet, OSSerialization) and the C
// functions over them (OSDictionaryGetValue, OSDictionarySetUInt64Value, ...).
//
// The lab does not implement the container classes yet (dexts/sdk/runtime has none), so this
// header declares only what honestly exists: the class names (forward declarations, so pointers
// to them can be passed around and stored), their `...Ptr` typedefs and the collection type
// codes. A dext that calls a container method or function fails to compile here with an
// "incomplete type" or "undeclared" error naming what is missing, not at run time.

#include <stdint.h>
#include <stdlib.h>

#include <DriverKit/OSObject.h>

class OSContainer;
class OSCollection;
class OSString;
class OSData;
class OSNumber;
class OSBoolean;
class OSArray;
class OSDictionary;
class OSSet;
class OSOrderedSet;
class OSSerialization;

typedef OSContainer* OSContainerPtr;
typedef OSCollection* OSCollectionPtr;
typedef OSString* OSStringPtr;
typedef OSData* OSDataPtr;
typedef OSNumber* OSNumberPtr;
typedef OSBoolean* OSBooleanPtr;
typedef OSArray* OSArrayPtr;
typedef OSDictionary* OSDictionaryPtr;
typedef OSSet* OSSetPtr;
typedef OSOrderedSet* OSOrderedSetPtr;
typedef OSSerialization* OSSerializationPtr;

typedef uint64_t OSCollectionType;

enum {
    kOSCollectionTypeDictionary = 1,
    kOSCollectionTypeArray = 2,
    kOSCollectionTypeSet = 3,
    kOSCollectionTypeNumber = 4,
    kOSCollectionTypeSymbol = 8,
    kOSCollectionTypeString = 9,
    kOSCollectionTypeData = 10,
    kOSCollectionTypeBoolean = 11,
    kOSCollectionTypeSerialization = 13,
};

#endif
