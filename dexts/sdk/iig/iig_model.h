#pragma once
// What dextlab-iig understands of an .iig file: classes, their methods, and the parameters
// and annotations DriverKit puts on them (see shared/reference/driverkit-api.md §2).

#include <string>
#include <vector>

namespace dextlab::iig {

struct Param {
    std::string type;          // "IOService *", "const uint32_t" (annotations removed)
    std::string name;          // may be empty in a declaration
    std::string array_suffix;  // "[16]" for array parameters
    std::string default_value; // "kIOHIDReportTypeInput", or empty
    bool target { false };     // TARGET: the OSAction of a callback prototype
    std::string type_annotation; // TYPE(P::Q) on a parameter: restricts the OSAction's type
};

struct Method {
    std::string name;
    std::string return_type;
    std::vector<Param> params;
    bool is_virtual { false };
    bool is_static { false };
    bool is_const { false };
    bool is_override { false };
    bool is_pure { false };      // "= 0"
    bool local { false };        // LOCAL: runs in the dext, the kernel may call it
    bool localonly { false };    // LOCALONLY: a plain C++ call, never a message
    bool kernel { false };       // KERNEL on a method
    std::string queue_name;      // QUEUENAME(x)
    std::string type_of;         // TYPE(P::Q): "P::Q"
    int line { 0 };
    // Preprocessor lines (#if, #endif, ...) written inside the class just before this method, in
    // order; `conditional` when the method sits inside such an #if. Only plain C++ methods
    // (LOCALONLY, static) may be conditional: a message method needs an id and a dispatch case
    // in every build.
    std::vector<std::string> directives_before;
    bool conditional { false };
};

struct Class {
    std::string name;
    std::string super_name;
    bool kernel { false }; // KERNEL: implemented in the kernel; the dext holds proxies
    bool native { false }; // NATIVE: halves on both sides
    std::vector<Method> methods;
    std::vector<std::string> trailing_directives; // preprocessor lines after the last method
    std::string file;
    int line { 0 };
};

// The file as a sequence of pieces: text to copy (with .iig includes rewritten) and classes.
struct Piece {
    enum class Kind { Text, Class } kind;
    std::string text;  // for Text
    size_t class_index { 0 };
};

struct File {
    std::string path;
    std::vector<Piece> pieces;
    std::vector<Class> classes;
    std::vector<std::string> included_iigs; // as written: "DriverKit/IOService.iig"
};

} // namespace dextlab::iig
