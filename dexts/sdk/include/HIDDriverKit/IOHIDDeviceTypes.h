#ifndef _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICETYPES_H
#define _DEXTLAB_HIDDRIVERKIT_IOHIDDEVICETYPES_H
// Types and constants of HIDDriverKit (IOHIDFamily's IOHIDDeviceTypes.h; reference §7): report
// types, element types and flags, collection types, report options.

#include <TargetConditionals.h>
#include <DriverKit/IOTypes.h>
#include <DriverKit/IOReturn.h>

// The kind of a report (HID 1.11 §5.5): what the device sends, receives, or exchanges as state.
enum IOHIDReportType {
    kIOHIDReportTypeInput = 0,
    kIOHIDReportTypeOutput,
    kIOHIDReportTypeFeature,
    kIOHIDReportTypeCount
};
typedef enum IOHIDReportType IOHIDReportType;

// Which way IOHIDElement::commit moves a value: from the device (GET_REPORT) or to it (SET_REPORT).
typedef enum {
    kIOHIDElementCommitDirectionIn,
    kIOHIDElementCommitDirectionOut
} IOHIDElementCommitDirection;

// Identifies an element within its device.
typedef uint32_t IOHIDElementCookie;

enum IOHIDElementType {
    kIOHIDElementTypeInput_Misc = 1,
    kIOHIDElementTypeInput_Button = 2,
    kIOHIDElementTypeInput_Axis = 3,
    kIOHIDElementTypeInput_ScanCodes = 4,
    kIOHIDElementTypeInput_NULL = 5,
    kIOHIDElementTypeOutput = 129,
    kIOHIDElementTypeFeature = 257,
    kIOHIDElementTypeCollection = 513
};
typedef enum IOHIDElementType IOHIDElementType;

// Main-item data bits (HID 1.11 §6.2.2.5), as element flags.
enum {
    kIOHIDElementFlagsConstantMask = 0x0001,
    kIOHIDElementFlagsVariableMask = 0x0002,
    kIOHIDElementFlagsRelativeMask = 0x0004,
    kIOHIDElementFlagsWrapMask = 0x0008,
    kIOHIDElementFlagsNonLinearMask = 0x0010,
    kIOHIDElementFlagsNoPreferredMask = 0x0020,
    kIOHIDElementFlagsNullStateMask = 0x0040,
    kIOHIDElementFlagsVolativeMask = 0x0080,
    kIOHIDElementFlagsBufferedByteMask = 0x0100
};
typedef uint32_t IOHIDElementFlags;

// Collection types (HID 1.11 §6.2.2.6).
enum IOHIDElementCollectionType {
    kIOHIDElementCollectionTypePhysical = 0x00,
    kIOHIDElementCollectionTypeApplication,
    kIOHIDElementCollectionTypeLogical,
    kIOHIDElementCollectionTypeReport,
    kIOHIDElementCollectionTypeNamedArray,
    kIOHIDElementCollectionTypeUsageSwitch,
    kIOHIDElementCollectionTypeUsageModifier
};
typedef enum IOHIDElementCollectionType IOHIDElementCollectionType;

enum {
    kIOHIDValueScaleTypeCalibrated,
    kIOHIDValueScaleTypePhysical,
    kIOHIDValueScaleTypeExponent
};
typedef uint32_t IOHIDValueScaleType;

enum {
    kIOHIDValueOptionsFlagRelativeSimple = (1 << 0),
    kIOHIDValueOptionsFlagPrevious = (1 << 1),
    kIOHIDValueOptionsUpdateElementValues = (1 << 2)
};
typedef uint32_t IOHIDValueOptions;

typedef void (*IOHIDCompletionAction)(void* target, void* parameter, IOReturn status, uint32_t bufferSizeRemaining);

typedef struct IOHIDCompletion {
    void* target;
    IOHIDCompletionAction action;
    void* parameter;
} IOHIDCompletion;

// Options of handleReport, getReport and setReport.
enum {
    kIOHIDReportOptionNotInterrupt = 0x100,
    kIOHIDReportOptionVariableSize = 0x200
};

typedef enum {
    kIOHIDReportCommandSetReport,
    kIOHIDReportCommandGetReport
} HIDReportCommandType;

#endif
