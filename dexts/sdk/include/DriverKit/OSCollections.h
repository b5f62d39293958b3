#ifndef _DEXTLAB_DRIVERKIT_OSCOLLECTIONS_H
#define _DEXTLAB_DRIVERKIT_OSCOLLECTIONS_H
// DriverKit's collections header: the container classes OSString, OSData, OSNumber, OSBoolean,
// OSArray and OSDictionary (implemented in dexts/sdk/runtime/containers*.cpp).
//
// Not in the lab yet, and so only declared by name (a dext that uses one fails to compile with
// an "incomplete type" error naming it): OSSet, OSOrderedSet, OSSerialization, and the C
// functions over containers (OSDictionarySetValue, OSDictionaryGetStringValue, ...).

#include <stdint.h>
#include <stdlib.h>

#include <DriverKit/OSObject.h>
#include <DriverKit/OSContainer.h>
#include <DriverKit/OSCollection.h>
#include <DriverKit/OSString.h>
#include <DriverKit/OSData.h>
#include <DriverKit/OSNumber.h>
#include <DriverKit/OSBoolean.h>
#include <DriverKit/OSArray.h>
#include <DriverKit/OSDictionary.h>

class OSSet;
class OSOrderedSet;
class OSSerialization;

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
