#ifndef _DEXTLAB_DRIVERKIT_OSOBJECT_H
#define _DEXTLAB_DRIVERKIT_OSOBJECT_H
// The root of every DriverKit object: reference counting, method dispatch and class identity.
//
// How a call travels (the same shape as Apple's generated code, so dext sources compile as is):
// dextlab-iig gives every non-LOCALONLY method a non-virtual stub `M(args..., supermethod = NULL)`
// that packs its arguments into a `Class_M_Invocation` and hands an IORPC to `supermethod` (for
// `M(args, SUPERDISPATCH)`) or to the virtual `Invoke`. `Invoke` calls the virtual `Dispatch`, which
// calls the class's static `_Dispatch`: a switch on the method id that calls `M_Impl`, or defers to
// the superclass's `_Dispatch`. Base-class `_Impl`s of kernel methods (in the runtime) turn the call
// into a message to the kernel model.

#include <DriverKit/IOTypes.h>

#include <type_traits>

class OSMetaClass;
class OSMetaClassBase;
class OSObject;
class OSAction;
class OSString;
class OSDictionary;
class IODispatchQueue;

struct IORPC {
    uint64_t msgid;   // Class_Method_ID
    void* arguments;  // the method's Class_Method_Invocation
};

typedef kern_return_t (*OSDispatchMethod)(OSMetaClassBase* self, const IORPC rpc);

// `Start(provider, SUPERDISPATCH)` hands the stub the superclass's _Dispatch. Apple's header
// casts `&super::_Dispatch` (which takes `Super*`) to OSDispatchMethod; calling a function
// through a pointer of another type is undefined behaviour (and UBSan's -fsanitize=function
// stops on it), so the lab passes an exactly-typed thunk per class instead. `super` is looked up
// where the macro is used, as in Apple's (a dext may even `#define super SomeClass`).
template<typename C>
kern_return_t __dextlab_superdispatch(OSMetaClassBase* self, const IORPC rpc)
{
    return C::_Dispatch(static_cast<C*>(self), rpc);
}
#define SUPERDISPATCH (&__dextlab_superdispatch<super>)
#define DEFN(classname, name) name##_Impl(classname##_##name##_Args)
#define IMPL(classname, name) classname ::DEFN(classname, name)

// iig annotations mean nothing to the C++ compiler; they are read by dextlab-iig.
#ifndef KERNEL
#define KERNEL
#endif
#define NATIVE
#define LOCAL
#define LOCALONLY
#define LOCALHOST
#define REMOTE
#define REPLY
#define INVOKEREPLY
#define TARGET
#define TYPE(p)
#define QUEUENAME(name)
#define EXTENDS(cls)
#define IIG_SERIALIZABLE

class OSMetaClassBase {
public:
    virtual void retain() const;
    virtual void release() const;
    virtual bool isEqualTo(const OSMetaClassBase* object) const;
    virtual kern_return_t Invoke(const IORPC rpc);
    virtual kern_return_t Dispatch(const IORPC rpc);
    virtual const OSMetaClass* getMetaClass() const;

    // The number of references; for diagnostics only.
    int getRetainCount() const { return static_cast<int>(__dextlab_retain_count); }

    template<typename T>
    static T* safeMetaCast(const OSMetaClassBase* object)
    {
        return const_cast<T*>(dynamic_cast<const T*>(object));
    }

    // Objects start zero-filled (ivars pointers read NULL before init), as DriverKit's do.
    static void* operator new(size_t size);
    static void operator delete(void* memory);

protected:
    OSMetaClassBase();
    virtual ~OSMetaClassBase();

public:
    // dextlab runtime bookkeeping; never touched by dext code.
    void __dextlab_destroy() { delete this; } // a dext process exiting: no free(), just gone
    mutable uint32_t __dextlab_retain_count;
    uint32_t __dextlab_flags;
    uint64_t __dextlab_object_id; // the id this object has on the IPC link (0 until it crosses)
    void* __dextlab_server;       // the server (dext process) that owns the object
};

// OSObject's two message methods (OSObject.iig: `KERNEL = 0`; IOService implements them).
// Their ids are Apple's published constants; the invocation structs are what generated stubs and
// `_Dispatch` cases exchange, as for every other message method.
#define OSObject_SetDispatchQueue_ID 0xe608ae8273dae1bcULL
#define OSObject_CopyDispatchQueue_ID 0x95115b48fd29f7c9ULL
struct OSObject_SetDispatchQueue_Invocation {
    const char* a0;
    IODispatchQueue* a1;
};
struct OSObject_CopyDispatchQueue_Invocation {
    const char* a0;
    IODispatchQueue** a1;
};

class OSObject : public OSMetaClassBase {
public:
    using super = OSMetaClassBase;

    virtual bool init();
    virtual void free();

    // Binds a queue to `name` for this object: methods declared QUEUENAME(name) run on it, and
    // kIOServiceDefaultQueueName replaces the default queue. The object retains the queue.
    kern_return_t SetDispatchQueue(const IODispatchQueueName name, IODispatchQueue* queue, OSDispatchMethod supermethod = NULL);
    // The queue bound to `name` (kIOServiceDefaultQueueName for the default one), retained for
    // the caller; NULL and kIOReturnNotFound when none is.
    kern_return_t CopyDispatchQueue(const IODispatchQueueName name, IODispatchQueue** queue, OSDispatchMethod supermethod = NULL);

    virtual kern_return_t Dispatch(const IORPC rpc) override;
    static kern_return_t _Dispatch(OSObject* self, const IORPC rpc);

protected:
    OSObject();
    virtual ~OSObject() override;
};

typedef OSObject* OSObjectPtr;

// A method declared QUEUENAME(queue) in a class's .iig: the message that calls it, by id, and
// the queue name it runs on (Apple's iig keeps the same in the class description).
struct OSMethodQueueName {
    uint64_t msgid;
    const char* queue;
};

// Class identity, one per class, registered by the code dextlab-iig generates.
class OSMetaClass {
public:
    const char* getClassName() const { return m_name; }
    const OSMetaClass* getSuperClass() const;
    const char* getSuperClassName() const { return m_super_name; }
    bool isAbstract() const { return m_factory == nullptr; }
    OSObject* alloc() const { return m_factory ? m_factory() : nullptr; }
    // The QUEUENAME of the method `msgid` as this class declares it, or NULL (superclasses
    // are not searched here).
    const char* getMethodQueueName(uint64_t msgid) const
    {
        for (const OSMethodQueueName* q = m_queues; q && q->queue; ++q) {
            if (q->msgid == msgid)
                return q->queue;
        }
        return nullptr;
    }

    // `queues` ends with an entry whose queue is NULL.
    OSMetaClass(const char* name, const char* super_name, OSObject* (*factory)(), const OSMethodQueueName* queues = nullptr)
        : m_name(name)
        , m_super_name(super_name)
        , m_factory(factory)
        , m_queues(queues)
    {
    }

private:
    const char* m_name;
    const char* m_super_name;
    OSObject* (*m_factory)();
    const OSMethodQueueName* m_queues;
};

// Made once per class by generated code at load time; registers the class with the runtime.
struct OSClassRegistration {
    OSClassRegistration(OSMetaClass* meta_class);
};

// The metaclass of a class by name, and allocation through it (DriverKit's OSMetaClass.h): the
// object comes back uninitialised with one reference; the caller runs init() and releases it
// if init fails. dextlab-iig defines g<Class>MetaClass for every class it generates.
#define OSTypeID(type) (g##type##MetaClass)
#define OSTypeIDInst(typeinst) ((typeinst)->getMetaClass())
inline kern_return_t OSObjectAllocate(const OSMetaClass* cls, OSObject** object)
{
    if (!cls || !object)
        return kIOReturnBadArgument;
    *object = cls->alloc();
    return *object ? kIOReturnSuccess : kIOReturnUnsupported;
}
#define OSTypeAlloc(type) (static_cast<type*>(OSTypeID(type) ? OSTypeID(type)->alloc() : nullptr))

// Ownership: Create/Copy return a reference the caller releases; Get does not.
#define OSDynamicCast(type, inst) (OSMetaClassBase::safeMetaCast<type>(static_cast<const OSMetaClassBase*>(inst)))
#define OSRequiredCast(type, inst) OSDynamicCast(type, inst)
// A block, not do/while(0), as in DriverKit's IOLib.h: code written for it may omit the ';'.
#define OSSafeReleaseNULL(inst)       \
    {                                 \
        if (NULL != (inst)) {         \
            (inst)->release();        \
            (inst) = NULL;            \
        }                             \
    }
#define OSSafeReleaseNoNULL(inst) \
    do {                          \
        if (nullptr != (inst))    \
            (inst)->release();    \
    } while (0)

#endif
