#ifndef _DEXTLAB_DRIVERKIT_OSNUMBER_H
#define _DEXTLAB_DRIVERKIT_OSNUMBER_H
// An immutable 8, 16, 32 or 64-bit integer as an object (OSNumber.iig).

#include <DriverKit/OSContainer.h>

class OSNumber;
typedef OSNumber* OSNumberPtr;

struct OSNumber_IVars;
struct OSNumber_LocalIVars;
extern OSMetaClass* gOSNumberMetaClass;

class OSNumber : public OSContainer {
public:
    union {
        OSNumber_IVars* ivars;
        OSNumber_LocalIVars* lvars;
    };
    using super = OSContainer;
    virtual const OSMetaClass* getMetaClass() const override;
    virtual void free() override;
    virtual bool isEqualTo(const OSMetaClassBase* anObject) const override;

    // `numberOfBits` must be 8, 16, 32 or 64 (else NULL); the value is kept to that width.
    static OSNumberPtr withNumber(uint64_t value, size_t numberOfBits);
    // The value is parsed as strtoll(valueString, NULL, 0) does: decimal, 0x hex or 0 octal.
    static OSNumberPtr withNumber(const char* valueString, size_t numberOfBits);

    size_t numberOfBits() const;
    uint8_t unsigned8BitValue() const;
    uint16_t unsigned16BitValue() const;
    uint32_t unsigned32BitValue() const;
    uint64_t unsigned64BitValue() const;
    // Same value, whatever the widths.
    bool isEqualTo(const OSNumber* aNumber) const;

protected:
    OSNumber() = default;
    virtual ~OSNumber() override; // frees the ivars, also when a dying process skips free()
};

#endif
