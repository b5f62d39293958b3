#pragma once
// The objects behind CoreFoundation's opaque types. Every CF object starts with `CFObject`:
// its kind (which gives its CFTypeID), its retain count, and whether it is immortal (CFSTR
// constants, kCFBooleanTrue/False, the run loop and its mode names: retain and release leave
// those alone, as CF's static objects). Objects are destroyed by kind, so the C headers' opaque
// struct names can be complete types here without virtual functions, and constants can be
// constant-initialized.

#include <CoreFoundation/CoreFoundation.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dextlab::cf {

enum class Kind : uint8_t { String, Number, Boolean, Data, Array, Dictionary, RunLoop, RunLoopSource };

struct CFObject {
    constexpr CFObject(Kind k, bool is_immortal)
        : kind(k)
        , immortal(is_immortal)
    {
    }
    Kind kind;
    bool immortal;
    std::atomic<long> refs { 1 };
};

CFTypeID type_id_of(Kind kind);
// The object behind a CFTypeRef, or nullptr for NULL.
inline CFObject const* object(CFTypeRef ref) { return static_cast<CFObject const*>(ref); }
// True if `ref` is a CF object of `kind` (NULL is not).
inline bool is(CFTypeRef ref, Kind kind) { return ref && object(ref)->kind == kind; }
// A one-line complaint on stderr about a call macOS would crash or assert on.
void misuse(char const* function, char const* what);

// How the run loop reaches a source it holds: the oldest pending event's sequence number
// (across all sources, so delivery keeps arrival order), and running that event.
class SourceClient {
public:
    virtual ~SourceClient() = default;
    virtual bool has_pending() const = 0;
    virtual uint64_t next_sequence() const = 0;
    virtual void perform_one() = 0;
};

CFRunLoopSourceRef create_source(SourceClient* client);
// Lets time pass until something may be pending; false when nothing can ever arrive. The IOKit
// shim installs the lab's (AppPort::run_once); without one the run loop is always idle.
using Waiter = bool (*)();
void set_run_loop_waiter(Waiter waiter);

// The description CFCopyDescription and CFShow give, as UTF-8.
std::string describe(CFTypeRef ref);

} // namespace dextlab::cf

struct __CFString : dextlab::cf::CFObject {
    // A constant: its text lives in the program image.
    constexpr explicit __CFString(char const* literal, size_t size)
        : CFObject(dextlab::cf::Kind::String, true)
        , m_view(literal, size)
    {
    }
    __CFString(std::string text, bool is_mutable)
        : CFObject(dextlab::cf::Kind::String, false)
        , m_owned(std::make_unique<std::string>(std::move(text)))
        , m_view(*m_owned)
        , m_mutable(is_mutable)
    {
    }
    std::string_view text() const { return m_view; }
    char const* c_str() const { return m_owned ? m_owned->c_str() : m_view.data(); } // constants end in NUL
    bool is_mutable() const { return m_mutable; }
    void append(std::string_view more)
    {
        m_owned->append(more);
        m_view = *m_owned;
    }

private:
    std::unique_ptr<std::string> m_owned;
    std::string_view m_view;
    bool m_mutable { false };
};

struct __CFBoolean : dextlab::cf::CFObject {
    constexpr explicit __CFBoolean(bool v)
        : CFObject(dextlab::cf::Kind::Boolean, true)
        , value(v)
    {
    }
    bool value;
};

struct __CFNumber : dextlab::cf::CFObject {
    __CFNumber()
        : CFObject(dextlab::cf::Kind::Number, false)
    {
    }
    CFNumberType type { kCFNumberSInt32Type }; // canonical: SInt8/16/32/64 or Float32/64
    int64_t integer { 0 };
    double real { 0 };
    bool is_float() const { return type == kCFNumberFloat32Type || type == kCFNumberFloat64Type; }
};

struct __CFData : dextlab::cf::CFObject {
    explicit __CFData(bool is_mutable_data)
        : CFObject(dextlab::cf::Kind::Data, false)
        , is_mutable(is_mutable_data)
    {
    }
    std::vector<UInt8> bytes;
    bool is_mutable;
};

struct __CFArray : dextlab::cf::CFObject {
    __CFArray(CFArrayCallBacks const* cb, bool is_mutable_array);
    ~__CFArray();
    const void* retained(const void* value) const;
    void release(const void* value) const;
    bool equal(const void* a, const void* b) const;
    CFArrayCallBacks callbacks {};
    std::vector<const void*> values;
    bool is_mutable;
};

struct __CFDictionary : dextlab::cf::CFObject {
    __CFDictionary(CFDictionaryKeyCallBacks const* key_cb, CFDictionaryValueCallBacks const* value_cb,
        bool is_mutable_dict);
    ~__CFDictionary();
    // The index of `key`, or -1.
    CFIndex find(const void* key) const;
    const void* retained_key(const void* key) const;
    const void* retained_value(const void* value) const;
    void release_key(const void* key) const;
    void release_value(const void* value) const;
    bool values_equal(const void* a, const void* b) const;
    CFDictionaryKeyCallBacks key_callbacks {};
    CFDictionaryValueCallBacks value_callbacks {};
    std::vector<std::pair<const void*, const void*>> entries; // insertion order
    bool is_mutable;
};
