#include "iig_generator.h"

#include "kernel_model/ipc/method_ids.h"

#include <cstdio>
#include <set>

namespace dextlab::iig {

namespace {

// How a method travels, decided from its annotations and the class hierarchy.
enum class Role {
    Plain,       // LOCALONLY, static, init/free: declared as written, called as plain C++
    NewRpc,      // a method first declared here that can travel as a message
    OverrideRpc, // this class implements a message method declared by a superclass
};

struct Resolved {
    Method const* method;
    Role role;
    Class const* declaring; // for OverrideRpc: the class that first declared the method
    Method const* declared; // and its declaration there
};

// The methods OSObject declares (its header is hand-written, not generated).
bool is_osobject_plain(std::string const& name) { return name == "init" || name == "free"; }

Method const* find_own(Class const& cls, std::string const& name)
{
    for (auto const& m : cls.methods) {
        if (m.name == name)
            return &m;
    }
    return nullptr;
}

bool is_plain(Method const& m) { return m.localonly || m.is_static; }

// Walks the superclasses of `cls` for `name`; returns the first declaration found.
std::pair<Class const*, Method const*> find_inherited(Class const& cls, std::string const& name, ClassIndex const& index)
{
    std::string super = cls.super_name;
    std::set<std::string> seen;
    while (!super.empty() && seen.insert(super).second) {
        auto it = index.find(super);
        if (it == index.end())
            break;
        if (auto const* m = find_own(*it->second, name)) {
            // Keep walking to the *first* declaration: an override in a middle class is not it.
            auto deeper = find_inherited(*it->second, name, index);
            if (deeper.second && !deeper.second->is_override)
                return deeper;
            return { it->second, m };
        }
        super = it->second->super_name;
    }
    return { nullptr, nullptr };
}

ErrorOr<Resolved> resolve(Class const& cls, Method const& m, ClassIndex const& index, std::string const& path)
{
    if (is_plain(m) || is_osobject_plain(m.name))
        return Resolved { &m, Role::Plain, nullptr, nullptr };
    auto [declaring, declared] = find_inherited(cls, m.name, index);
    if (declared) {
        if (is_plain(*declared) || is_osobject_plain(declared->name))
            return Resolved { &m, Role::Plain, nullptr, nullptr };
        if (declared->params.size() != m.params.size())
            return Error::with(path + ":" + std::to_string(m.line) + ": " + cls.name + "::" + m.name + " overrides "
                + declaring->name + "::" + m.name + " but takes " + std::to_string(m.params.size())
                + " parameters instead of " + std::to_string(declared->params.size()));
        return Resolved { &m, Role::OverrideRpc, declaring, declared };
    }
    if (m.is_override)
        return Error::with(path + ":" + std::to_string(m.line) + ": " + cls.name + "::" + m.name
            + " is marked override, but no superclass declares it; include the superclass's .iig "
              "(e.g. #include <DriverKit/IOService.iig>) or remove 'override'");
    return Resolved { &m, Role::NewRpc, nullptr, nullptr };
}

std::string hex_id(uint64_t id)
{
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "0x%016llxULL", static_cast<unsigned long long>(id));
    return buffer;
}

std::string param_name(Param const& p, size_t i) { return p.name.empty() ? "__p" + std::to_string(i) : p.name; }

// "T name[16] = default" pieces.
std::string param_list(Method const& m, bool with_defaults, bool with_names = true)
{
    std::string out;
    for (size_t i = 0; i < m.params.size(); ++i) {
        auto const& p = m.params[i];
        if (i)
            out += ", ";
        out += p.type;
        if (with_names)
            out += " " + param_name(p, i);
        out += p.array_suffix;
        if (with_defaults && !p.default_value.empty())
            out += " = " + p.default_value;
    }
    return out;
}

std::string arg_list(Method const& m)
{
    std::string out;
    for (size_t i = 0; i < m.params.size(); ++i)
        out += (i ? ", " : "") + param_name(m.params[i], i);
    return out;
}

bool returns_status(Method const& m) { return m.return_type == "kern_return_t" || m.return_type == "IOReturn"; }
bool returns_void(Method const& m) { return m.return_type == "void"; }

std::string plain_declaration(Method const& m)
{
    std::string out = "    ";
    if (m.is_static)
        out += "static ";
    if (m.is_virtual)
        out += "virtual ";
    out += m.return_type + " " + m.name + "(" + param_list(m, true) + ")";
    if (m.is_const)
        out += " const";
    if (m.is_override)
        out += " override";
    if (m.is_pure)
        out += " = 0";
    return out + ";\n";
}

std::string invocation_struct(std::string const& prefix, Method const& m)
{
    std::string out = "struct " + prefix + "_Invocation {\n";
    for (size_t i = 0; i < m.params.size(); ++i) {
        auto const& p = m.params[i];
        out += "    std::decay_t<" + p.type + p.array_suffix + "> a" + std::to_string(i) + ";\n";
    }
    if (!returns_status(m) && !returns_void(m))
        out += "    " + m.return_type + " result;\n";
    return out + "};\n";
}

// The class named by TYPE(P::Q) and its method, for callbacks.
std::pair<Class const*, Method const*> find_prototype(std::string const& type_of, ClassIndex const& index)
{
    auto sep = type_of.find("::");
    if (sep == std::string::npos)
        return { nullptr, nullptr };
    auto it = index.find(type_of.substr(0, sep));
    if (it == index.end())
        return { nullptr, nullptr };
    return { it->second, find_own(*it->second, type_of.substr(sep + 2)) };
}

bool is_abstract(Class const& cls, ClassIndex const& index)
{
    // Pure LOCALONLY virtuals make the C++ class abstract unless something below overrides them.
    std::set<std::string> pure, implemented;
    std::vector<Class const*> chain { &cls };
    std::set<std::string> seen { cls.name };
    for (auto it = index.find(cls.super_name); it != index.end() && seen.insert(it->first).second; it = index.find(it->second->super_name))
        chain.push_back(it->second);
    for (auto const* c : chain) { // most derived first
        for (auto const& m : c->methods) {
            if (!is_plain(m) && !is_osobject_plain(m.name))
                continue;
            if (m.is_pure && !implemented.contains(m.name))
                pure.insert(m.name);
            else if (!m.is_pure)
                implemented.insert(m.name);
        }
    }
    return !pure.empty();
}

struct ClassCode {
    std::string before; // ids, macros, invocation structs (before the class)
    std::string body;   // the class definition
    std::string impl;   // the .iig.cpp part
};

ErrorOr<ClassCode> generate_class(Class const& cls, ClassIndex const& index, std::string const& path)
{
    ClassCode code;
    std::string const& C = cls.name;
    std::vector<Resolved> resolved;
    std::set<uint64_t> ids;
    for (auto const& m : cls.methods) {
        auto r = TRY(resolve(cls, m, index, path));
        if (m.conditional && r.role != Role::Plain)
            return Error::with(path + ":" + std::to_string(m.line) + ": " + C + "::" + m.name
                + " is inside an #if in the class, but it travels as a message (it needs an id and a dispatch case in "
                  "every build); only LOCALONLY or static methods may be conditional; move the #if around the whole class");
        if (r.role == Role::NewRpc) {
            uint64_t id = ipc::method_id(C + "::" + m.name);
            if (!ids.insert(id).second)
                return Error::with(path + ":" + std::to_string(m.line) + ": " + C + "::" + m.name
                    + " is declared twice; methods that travel as messages cannot be overloaded");
        }
        resolved.push_back(r);
    }

    // Before the class: ids and argument macros for new methods, invocation structs.
    code.before += "\n// ---- " + C + " ----\n";
    code.before += "class " + C + ";\n";
    for (auto const& r : resolved) {
        auto const& m = *r.method;
        std::string prefix = C + "_" + m.name;
        if (r.role == Role::Plain && !m.is_static)
            continue;
        // The argument macro is what IMPL(C, M) expands to, for new methods and overrides alike.
        if (r.role != Role::Plain)
            code.before += "#define " + prefix + "_Args " + param_list(m, false) + "\n";
        if (r.role == Role::OverrideRpc)
            continue;
        code.before += "#define " + prefix + "_ID " + hex_id(ipc::method_id(C + "::" + m.name)) + "\n";
        if (r.role != Role::NewRpc)
            continue;
        if (!m.type_of.empty()) {
            auto [proto_class, proto] = find_prototype(m.type_of, index);
            if (!proto)
                return Error::with(path + ":" + std::to_string(m.line) + ": TYPE(" + m.type_of + ") on " + C + "::" + m.name
                    + " names a method dextlab-iig does not know; include the .iig that declares it");
            if (proto->params.size() != m.params.size())
                return Error::with(path + ":" + std::to_string(m.line) + ": " + C + "::" + m.name + " must take the "
                    + std::to_string(proto->params.size()) + " parameters of " + m.type_of + " (it takes "
                    + std::to_string(m.params.size()) + ")");
            std::string proto_prefix = proto_class->name + "_" + proto->name;
            code.before += "typedef " + proto_prefix + "_Invocation " + prefix + "_Invocation;\n";
        } else {
            code.before += invocation_struct(prefix, m);
        }
    }
    code.before += "struct " + C + "_IVars;\nstruct " + C + "_LocalIVars;\n";
    code.before += "extern OSMetaClass* g" + C + "MetaClass;\n";

    // The class.
    std::string& b = code.body;
    b += "class " + C + " : public " + cls.super_name + " {\npublic:\n";
    b += "    union {\n        " + C + "_IVars* ivars;\n        " + C + "_LocalIVars* lvars;\n    };\n";
    b += "    using super = " + cls.super_name + ";\n\n";
    b += "    static OSMetaClass* sGetMetaClass() { return g" + C + "MetaClass; }\n";
    b += "    virtual const OSMetaClass* getMetaClass() const override;\n";
    b += "    virtual kern_return_t Dispatch(const IORPC rpc) override;\n";
    b += "    static kern_return_t _Dispatch(" + C + "* self, const IORPC rpc);\n\n";
    // Plain declarations keep the preprocessor lines written between them (#if __BLOCKS__ ...).
    // The parser saw to it that only plain methods sit inside an #if, so moving the message
    // methods' declarations below changes no condition.
    for (auto const& r : resolved) {
        for (auto const& directive : r.method->directives_before)
            b += directive + "\n";
        if (r.role == Role::Plain)
            b += plain_declaration(*r.method);
    }
    for (auto const& directive : cls.trailing_directives)
        b += directive + "\n";
    for (auto const& r : resolved) {
        auto const& m = *r.method;
        if (r.role != Role::NewRpc)
            continue;
        std::string params = param_list(m, true);
        b += "    " + m.return_type + " " + m.name + "(" + params + (params.empty() ? "" : ", ")
            + "OSDispatchMethod supermethod = NULL)" + (m.is_const ? " const" : "") + ";\n";
        if (!m.type_of.empty())
            b += "    kern_return_t CreateAction" + m.name + "(size_t referenceSize, OSAction** action);\n";
    }
    for (auto const& r : resolved) {
        auto const& m = *r.method;
        if (r.role == Role::NewRpc && !m.is_pure)
            b += "    " + m.return_type + " " + m.name + "_Impl(" + C + "_" + m.name + "_Args)" + (m.is_const ? " const" : "") + ";\n";
        else if (r.role == Role::OverrideRpc)
            b += "    " + r.declared->return_type + " " + m.name + "_Impl(" + C + "_" + m.name + "_Args)"
                + (r.declared->is_const ? " const" : "") + ";\n";
    }
    b += "};\n";

    // The implementation.
    std::string& im = code.impl;
    im += "\n// ---- " + C + " ----\n";
    im += "OSMetaClass* g" + C + "MetaClass;\n";
    // QUEUENAME(x) on a message method: the runtime runs that method's invocations (kernel
    // calls, OSAction callbacks) on the queue set with SetDispatchQueue("x", ...). As in Apple's
    // class description, the table is keyed by the message id (the declaring class's, for an
    // override). On a LOCALONLY method the name means nothing to a message and is ignored.
    std::string queue_table;
    for (auto const& r : resolved) {
        if (r.role == Role::Plain || r.method->queue_name.empty())
            continue;
        std::string owner = r.role == Role::OverrideRpc ? r.declaring->name : C;
        queue_table += "    { " + owner + "_" + r.method->name + "_ID, \"" + r.method->queue_name + "\" },\n";
    }
    std::string queues_arg;
    if (!queue_table.empty()) {
        im += "static const OSMethodQueueName " + C + "_MethodQueues[] = {\n" + queue_table + "    { 0, nullptr },\n};\n";
        queues_arg = ", " + C + "_MethodQueues";
    }
    if (is_abstract(cls, index)) {
        im += "static OSMetaClass " + C + "_MetaClassStorage(\"" + C + "\", \"" + cls.super_name + "\", nullptr" + queues_arg + ");\n";
    } else {
        im += "static OSObject* " + C + "_New() { return new " + C + "; }\n";
        im += "static OSMetaClass " + C + "_MetaClassStorage(\"" + C + "\", \"" + cls.super_name + "\", &" + C + "_New" + queues_arg + ");\n";
    }
    im += "static OSClassRegistration " + C + "_Registration((g" + C + "MetaClass = &" + C + "_MetaClassStorage));\n\n";
    im += "const OSMetaClass* " + C + "::getMetaClass() const { return g" + C + "MetaClass; }\n\n";
    im += "kern_return_t " + C + "::Dispatch(const IORPC rpc) { return _Dispatch(this, rpc); }\n\n";
    im += "kern_return_t " + C + "::_Dispatch(" + C + "* self, const IORPC rpc)\n{\n    switch (rpc.msgid) {\n";
    for (auto const& r : resolved) {
        auto const& m = *r.method;
        if (r.role == Role::Plain || (r.role == Role::NewRpc && m.is_pure))
            continue;
        Method const& decl = r.role == Role::OverrideRpc ? *r.declared : m;
        std::string owner = r.role == Role::OverrideRpc ? r.declaring->name : C;
        std::string args;
        for (size_t i = 0; i < decl.params.size(); ++i)
            args += (i ? ", " : "") + std::string("invocation->a") + std::to_string(i);
        im += "    case " + owner + "_" + m.name + "_ID: {\n";
        im += "        auto* invocation = static_cast<" + owner + "_" + m.name + "_Invocation*>(rpc.arguments);\n";
        im += "        (void)invocation;\n";
        if (returns_status(decl))
            im += "        return self->" + C + "::" + m.name + "_Impl(" + args + ");\n";
        else if (returns_void(decl))
            im += "        self->" + C + "::" + m.name + "_Impl(" + args + ");\n        return kIOReturnSuccess;\n";
        else
            im += "        invocation->result = self->" + C + "::" + m.name + "_Impl(" + args + ");\n        return kIOReturnSuccess;\n";
        im += "    }\n";
    }
    im += "    default:\n        return " + cls.super_name + "::_Dispatch(self, rpc);\n    }\n}\n";

    for (auto const& r : resolved) {
        auto const& m = *r.method;
        if (r.role != Role::NewRpc)
            continue;
        std::string prefix = C + "_" + m.name;
        std::string params = param_list(m, false);
        im += "\n" + m.return_type + " " + C + "::" + m.name + "(" + params + (params.empty() ? "" : ", ")
            + "OSDispatchMethod supermethod)" + (m.is_const ? " const" : "") + "\n{\n";
        // Locals carry a reserved prefix so they never shadow a parameter name. A result field is
        // value-initialised, so a call that fails before the method runs returns 0/false/NULL.
        std::string init = arg_list(m);
        if (!returns_status(m) && !returns_void(m))
            init += std::string(init.empty() ? "" : ", ") + "{}";
        im += "    " + prefix + "_Invocation __iig_invocation {" + init + "};\n";
        im += "    IORPC __iig_rpc { " + prefix + "_ID, &__iig_invocation };\n";
        // A const method still travels: the message machinery does not modify the object.
        im += "    OSObject* __iig_self = const_cast<OSObject*>(static_cast<const OSObject*>(this));\n";
        im += "    kern_return_t __iig_status = supermethod ? supermethod(__iig_self, __iig_rpc) : __iig_self->Invoke(__iig_rpc);\n";
        if (returns_status(m))
            im += "    return __iig_status;\n";
        else if (returns_void(m))
            im += "    (void)__iig_status;\n";
        else
            im += "    (void)__iig_status;\n    return __iig_invocation.result;\n";
        im += "}\n";
        if (!m.type_of.empty()) {
            auto sep = m.type_of.find("::");
            std::string proto_id = m.type_of.substr(0, sep) + "_" + m.type_of.substr(sep + 2) + "_ID";
            im += "\nkern_return_t " + C + "::CreateAction" + m.name + "(size_t referenceSize, OSAction** action)\n{\n";
            im += "    return OSAction::Create(this, " + prefix + "_ID, " + proto_id + ", referenceSize, action);\n}\n";
        }
    }
    return code;
}

} // namespace

ErrorOr<Output> generate(File const& file, ClassIndex const& index, std::string const& header_include)
{
    Output out;
    std::string base = file.path.substr(file.path.find_last_of('/') + 1);
    std::string guard = "_DEXTLAB_IIG_";
    for (char c : base)
        guard += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : '_';

    out.header = "/* Generated by dextlab-iig from " + base + ". Do not edit. */\n";
    out.header += "#ifndef " + guard + "\n#define " + guard + "\n\n";
    out.header += "#include <DriverKit/OSObject.h>\n";
    out.implementation = "/* Generated by dextlab-iig from " + base + ". Do not edit. */\n";
    out.implementation += "#include " + header_include + "\n#include <DriverKit/OSAction.h>\n";

    for (auto const& piece : file.pieces) {
        if (piece.kind == Piece::Kind::Text) {
            out.header += piece.text;
            continue;
        }
        auto code = TRY(generate_class(file.classes[piece.class_index], index, file.path));
        out.header += code.before + code.body;
        out.implementation += code.impl;
    }
    out.header += "\n#endif\n";
    return out;
}

} // namespace dextlab::iig
