#ifndef __MACTYPES__
#define __MACTYPES__
// The fixed-width scalar names of Apple's MacTypes.h. UInt32 is unsigned int and SInt32 int, as
// on every 64-bit Mac. UInt64 and SInt64 are this platform's uint64_t and int64_t (unsigned long
// on 64-bit Linux, unsigned long long on macOS) so that Mac code mixing UInt64* and uint64_t*
// keeps compiling; the width is the same.

#include <stdint.h>

typedef unsigned char UInt8;
typedef signed char SInt8;
typedef unsigned short UInt16;
typedef signed short SInt16;
typedef unsigned int UInt32;
typedef signed int SInt32;
typedef uint64_t UInt64;
typedef int64_t SInt64;

typedef float Float32;
typedef double Float64;

typedef unsigned char Boolean;
typedef UInt8 Byte;
typedef SInt8 SignedByte;
typedef char* Ptr;

typedef SInt16 OSErr;
typedef SInt32 OSStatus;
typedef UInt32 FourCharCode;
typedef FourCharCode OSType;
typedef FourCharCode ResType;

typedef UInt32 UTF32Char;
typedef UInt16 UniChar;
typedef UInt16 UTF16Char;
typedef UInt8 UTF8Char;

enum {
    noErr = 0
};

#endif
