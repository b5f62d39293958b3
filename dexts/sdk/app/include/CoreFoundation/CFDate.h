#ifndef __COREFOUNDATION_CFDATE__
#define __COREFOUNDATION_CFDATE__
// The time types CFRunLoop's prototypes use. There is no CFAbsoluteTimeGetCurrent: the lab runs
// on virtual time and has no wall clock to offer.

#include <CoreFoundation/CFBase.h>

CF_EXTERN_C_BEGIN

typedef double CFTimeInterval;
typedef CFTimeInterval CFAbsoluteTime;

CF_EXTERN_C_END

#endif
