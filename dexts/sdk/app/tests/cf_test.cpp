// The CoreFoundation subset: strings, numbers, booleans, data, arrays, dictionaries (with their
// callbacks and retain counts), descriptions, and the run loop without the lab.

#include "fixture.h"

#include <CoreFoundation/CoreFoundation.h>

#include <doctest/doctest.h>

using dextlab::test::text_of;

TEST_CASE("CFSTR gives one immortal object per text")
{
    CFStringRef a = CFSTR("IOProviderClass");
    CHECK(a == CFSTR("IOProviderClass"));
    CHECK(a != CFSTR("IONameMatch"));
    CFIndex before = CFGetRetainCount(a);
    CFRelease(a);
    CFRelease(a);
    CHECK(CFGetRetainCount(a) == before);
    CHECK(text_of(a) == "IOProviderClass");
    CHECK(CFGetTypeID(a) == CFStringGetTypeID());
    CHECK(CFStringGetTypeID() == 7);
}

TEST_CASE("CFString converts to and from C strings, counting UTF-16 units")
{
    CFStringRef accented = CFStringCreateWithCString(nullptr, "h\xc3\xa9llo", kCFStringEncodingUTF8);
    REQUIRE(accented);
    CHECK(CFStringGetLength(accented) == 5);
    char small[6];
    CHECK_FALSE(CFStringGetCString(accented, small, sizeof small, kCFStringEncodingUTF8)); // 6 bytes + NUL
    char buffer[16];
    CHECK(CFStringGetCString(accented, buffer, sizeof buffer, kCFStringEncodingUTF8));
    CHECK(std::string(buffer) == "h\xc3\xa9llo");
    CHECK_FALSE(CFStringGetCString(accented, buffer, sizeof buffer, kCFStringEncodingASCII));
    CHECK(CFStringGetCString(accented, buffer, sizeof buffer, kCFStringEncodingISOLatin1));
    CHECK(std::string(buffer) == "h\xe9llo");
    CHECK(CFStringGetCStringPtr(accented, kCFStringEncodingASCII) == nullptr);
    CHECK(CFStringGetCStringPtr(accented, kCFStringEncodingUTF8) != nullptr);

    CFStringRef emoji = CFStringCreateWithCString(nullptr, "\xf0\x9f\x98\x80", kCFStringEncodingUTF8);
    CHECK(CFStringGetLength(emoji) == 2); // a surrogate pair
    CHECK(CFStringCreateWithCString(nullptr, "\xc3", kCFStringEncodingUTF8) == nullptr); // truncated UTF-8
    CHECK(CFStringCreateWithCString(nullptr, "\xe9t\xe9", kCFStringEncodingASCII) == nullptr);
    CFStringRef latin = CFStringCreateWithCString(nullptr, "\xe9t\xe9", kCFStringEncodingISOLatin1);
    CHECK(text_of(latin) == "\xc3\xa9t\xc3\xa9");
    CHECK(CFStringGetMaximumSizeForEncoding(5, kCFStringEncodingUTF8) == 15);

    CFRelease(latin);
    CFRelease(emoji);
    CFRelease(accented);
}

TEST_CASE("CFString compares, copies and appends")
{
    CFStringRef lower = CFStringCreateWithCString(nullptr, "iokit", kCFStringEncodingUTF8);
    CHECK(CFStringCompare(lower, CFSTR("IOKit"), 0) == kCFCompareGreaterThan);
    CHECK(CFStringCompare(lower, CFSTR("IOKit"), kCFCompareCaseInsensitive) == kCFCompareEqualTo);
    CHECK(CFStringCompare(CFSTR("a"), CFSTR("ab"), 0) == kCFCompareLessThan);
    CHECK(CFStringHasPrefix(lower, CFSTR("io")));
    CHECK(CFStringHasSuffix(lower, CFSTR("kit")));
    CHECK_FALSE(CFStringHasSuffix(CFSTR("t"), CFSTR("kit")));

    // An immutable string is its own copy; a mutable one is copied.
    CFStringRef copy = CFStringCreateCopy(nullptr, lower);
    CHECK(copy == lower);
    CHECK(CFGetRetainCount(lower) == 2);
    CFMutableStringRef growing = CFStringCreateMutableCopy(nullptr, 0, lower);
    CFStringAppendCString(growing, "-", kCFStringEncodingUTF8);
    CFStringAppend(growing, growing);
    CHECK(text_of(growing) == "iokit-iokit-");
    CFStringRef frozen = CFStringCreateCopy(nullptr, growing);
    CHECK(frozen != growing);
    CHECK(CFEqual(frozen, growing));
    CHECK(CFHash(frozen) == CFHash(growing));
    CFRelease(frozen);
    CFRelease(growing);
    CFRelease(copy);
    CFRelease(lower);
}

TEST_CASE("CFNumber keeps canonical types and reports lossy conversions")
{
    int small = 300;
    CFNumberRef n = CFNumberCreate(nullptr, kCFNumberIntType, &small);
    CHECK(CFNumberGetType(n) == kCFNumberSInt32Type);
    CHECK(CFNumberGetByteSize(n) == 4);
    CHECK_FALSE(CFNumberIsFloatType(n));
    int8_t byte = 0;
    CHECK_FALSE(CFNumberGetValue(n, kCFNumberSInt8Type, &byte)); // 300 does not fit
    CHECK(byte == static_cast<int8_t>(300));
    int64_t wide = 0;
    CHECK(CFNumberGetValue(n, kCFNumberSInt64Type, &wide));
    CHECK(wide == 300);
    double real = 0;
    CHECK(CFNumberGetValue(n, kCFNumberDoubleType, &real));
    CHECK(real == 300.0);

    long long big = -5;
    CFNumberRef other = CFNumberCreate(nullptr, kCFNumberLongLongType, &big);
    CHECK(CFNumberGetType(other) == kCFNumberSInt64Type);
    CHECK(CFNumberCompare(other, n, nullptr) == kCFCompareLessThan);

    double half = 2.5;
    CFNumberRef fraction = CFNumberCreate(nullptr, kCFNumberDoubleType, &half);
    CHECK(CFNumberGetType(fraction) == kCFNumberFloat64Type);
    CHECK(CFNumberIsFloatType(fraction));
    int32_t truncated = 0;
    CHECK_FALSE(CFNumberGetValue(fraction, kCFNumberSInt32Type, &truncated));
    CHECK(truncated == 2);

    // Equal values are equal whatever their types, and hash alike.
    double three_hundred = 300.0;
    CFNumberRef same = CFNumberCreate(nullptr, kCFNumberFloat64Type, &three_hundred);
    CHECK(CFEqual(n, same));
    CHECK(CFHash(n) == CFHash(same));
    CHECK(CFNumberCreate(nullptr, 99, &small) == nullptr);

    for (CFNumberRef each : { n, other, fraction, same })
        CFRelease(each);
}

TEST_CASE("CFBoolean and CFData")
{
    CHECK(CFBooleanGetValue(kCFBooleanTrue));
    CHECK_FALSE(CFBooleanGetValue(kCFBooleanFalse));
    CHECK(CFGetTypeID(kCFBooleanTrue) == CFBooleanGetTypeID());
    CHECK_FALSE(CFEqual(kCFBooleanTrue, kCFBooleanFalse));

    UInt8 const bytes[] = { 1, 2, 3, 4 };
    CFDataRef data = CFDataCreate(nullptr, bytes, 4);
    CHECK(CFDataGetLength(data) == 4);
    UInt8 middle[2] = {};
    CFDataGetBytes(data, CFRangeMake(1, 2), middle);
    CHECK(middle[0] == 2);
    CHECK(middle[1] == 3);
    CFMutableDataRef grown = CFDataCreateMutableCopy(nullptr, 0, data);
    CFDataAppendBytes(grown, bytes, 2);
    CHECK(CFDataGetLength(grown) == 6);
    CHECK(CFDataGetBytePtr(grown)[5] == 2);
    CHECK_FALSE(CFEqual(data, grown));
    CFDataSetLength(grown, 4);
    CHECK(CFEqual(data, grown));
    CFRelease(grown);
    CFRelease(data);
}

TEST_CASE("CFArray retains through its callbacks")
{
    CFStringRef item = CFStringCreateWithCString(nullptr, "item", kCFStringEncodingUTF8);
    CFMutableArrayRef retaining = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    CFArrayAppendValue(retaining, item);
    CFArrayAppendValue(retaining, kCFBooleanTrue);
    CHECK(CFGetRetainCount(item) == 2);
    CHECK(CFArrayGetCount(retaining) == 2);
    CHECK(CFArrayGetValueAtIndex(retaining, 0) == item);
    CHECK(CFArrayGetFirstIndexOfValue(retaining, CFRangeMake(0, 2), kCFBooleanTrue) == 1);
    CHECK(CFArrayContainsValue(retaining, CFRangeMake(0, 2), CFSTR("item"))); // compared with CFEqual

    CFMutableArrayRef raw = CFArrayCreateMutable(nullptr, 0, nullptr);
    CFArrayAppendValue(raw, item);
    CHECK(CFGetRetainCount(item) == 2); // no callbacks: not retained

    CFArrayRemoveValueAtIndex(retaining, 0);
    CHECK(CFGetRetainCount(item) == 1);
    CFArrayInsertValueAtIndex(retaining, 0, item);
    int count = 0;
    CFArrayApplyFunction(retaining, CFRangeMake(0, CFArrayGetCount(retaining)),
        [](const void*, void* context) { ++*static_cast<int*>(context); }, &count);
    CHECK(count == 2);
    CFArrayRef copy = CFArrayCreateCopy(nullptr, retaining);
    CHECK(CFEqual(copy, retaining));
    CHECK(CFGetRetainCount(item) == 3);
    CFRelease(copy);
    CFRelease(retaining);
    CFRelease(raw);
    CHECK(CFGetRetainCount(item) == 1);
    CFRelease(item);
}

TEST_CASE("CFDictionary: set, add, replace, remove, with CF callbacks")
{
    CFMutableDictionaryRef dict
        = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFStringRef key = CFStringCreateWithCString(nullptr, "IOProviderClass", kCFStringEncodingUTF8);
    CFStringRef value = CFStringCreateWithCString(nullptr, "IOUSBHostDevice", kCFStringEncodingUTF8);
    CFDictionarySetValue(dict, key, value);
    CHECK(CFGetRetainCount(key) == 2);
    CHECK(CFGetRetainCount(value) == 2);
    CHECK(CFDictionaryGetCount(dict) == 1);
    // Keys compare with CFEqual: a constant string finds the entry.
    CHECK(CFDictionaryGetValue(dict, CFSTR("IOProviderClass")) == value);
    CHECK(CFDictionaryContainsValue(dict, CFSTR("IOUSBHostDevice")));

    CFDictionaryAddValue(dict, CFSTR("IOProviderClass"), kCFBooleanTrue); // present: unchanged
    CHECK(CFDictionaryGetValue(dict, key) == value);
    CFDictionaryReplaceValue(dict, CFSTR("Absent"), kCFBooleanTrue); // absent: not added
    CHECK(CFDictionaryGetCount(dict) == 1);
    CFDictionarySetValue(dict, CFSTR("IOProviderClass"), kCFBooleanTrue); // replaces, releases the old value
    CHECK(CFGetRetainCount(value) == 1);
    const void* found = nullptr;
    CHECK(CFDictionaryGetValueIfPresent(dict, key, &found));
    CHECK(found == kCFBooleanTrue);
    CHECK_FALSE(CFDictionaryGetValueIfPresent(dict, CFSTR("Absent"), &found));

    CFDictionarySetValue(dict, CFSTR("Second"), value);
    const void* keys[2];
    const void* values[2];
    CFDictionaryGetKeysAndValues(dict, keys, values);
    CHECK(CFEqual(keys[1], CFSTR("Second")));
    CHECK(values[1] == value);

    CFMutableDictionaryRef copy = CFDictionaryCreateMutableCopy(nullptr, 0, dict);
    CHECK(CFEqual(copy, dict));
    CFDictionaryRemoveValue(copy, CFSTR("Second"));
    CHECK_FALSE(CFEqual(copy, dict));
    CHECK(CFGetRetainCount(value) == 2);
    CFRelease(copy);
    CFRelease(dict);
    CHECK(CFGetRetainCount(key) == 1);
    CHECK(CFGetRetainCount(value) == 1);
    CFRelease(key);
    CFRelease(value);
}

TEST_CASE("kCFCopyStringDictionaryKeyCallBacks copies mutable keys")
{
    CFMutableStringRef key = CFStringCreateMutable(nullptr, 0);
    CFStringAppendCString(key, "name", kCFStringEncodingUTF8);
    CFMutableDictionaryRef dict
        = CFDictionaryCreateMutable(nullptr, 0, &kCFCopyStringDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(dict, key, kCFBooleanTrue);
    CFStringAppendCString(key, "-changed", kCFStringEncodingUTF8);
    CHECK(CFDictionaryContainsKey(dict, CFSTR("name")));
    CHECK(CFGetRetainCount(key) == 1);
    CFRelease(dict);
    CFRelease(key);
}

TEST_CASE("CFCopyDescription renders values without addresses")
{
    int32_t number = 42;
    CFNumberRef n = CFNumberCreate(nullptr, kCFNumberSInt32Type, &number);
    CFMutableArrayRef array = CFArrayCreateMutable(nullptr, 0, &kCFTypeArrayCallBacks);
    CFArrayAppendValue(array, n);
    CFArrayAppendValue(array, CFSTR("text"));
    CFMutableDictionaryRef dict
        = CFDictionaryCreateMutable(nullptr, 0, &kCFTypeDictionaryKeyCallBacks, &kCFTypeDictionaryValueCallBacks);
    CFDictionarySetValue(dict, CFSTR("List"), array);
    CFDictionarySetValue(dict, CFSTR("On"), kCFBooleanTrue);
    CFStringRef description = CFCopyDescription(dict);
    CHECK(text_of(description) == "{\n    \"List\" = (\n        42,\n        \"text\"\n    );\n    \"On\" = true;\n}");
    CFRelease(description);
    CFStringRef plain = CFCopyDescription(CFSTR("plain"));
    CHECK(text_of(plain) == "plain");
    CFRelease(plain);
    CFRelease(dict);
    CFRelease(array);
    CFRelease(n);
}

TEST_CASE("a run loop without sources finishes at once, a stop request ends the next run")
{
    dextlab::ipc::set_app_port(nullptr);
    CHECK(CFRunLoopGetCurrent() == CFRunLoopGetMain());
    CHECK(CFGetTypeID(CFRunLoopGetCurrent()) == CFRunLoopGetTypeID());
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1.0, false) == kCFRunLoopRunFinished);
    CFRunLoopStop(CFRunLoopGetCurrent());
    CHECK(CFRunLoopRunInMode(kCFRunLoopDefaultMode, 1.0, false) == kCFRunLoopRunStopped);
    CFRunLoopRun(); // returns: no sources
}
