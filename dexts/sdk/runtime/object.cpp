// OSObject: reference counting, dispatch defaults, class registration, and the census hooks
// that let the lab report every object a dext leaks.

#include "dext_server.h"

#include <DriverKit/IOLib.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

namespace {

enum ObjectFlags : uint32_t {
    kFreeCalledSuper = 0x1, // OSObject::free ran (the dext's free() chained to super)
    kFreeing = 0x2,
};

std::map<std::string, OSMetaClass*>& sdk_classes()
{
    static std::map<std::string, OSMetaClass*> classes;
    return classes;
}

// Non-null while a dext module is being loaded: its classes go there, not to the SDK table.
std::vector<OSMetaClass*>* g_module_classes = nullptr;

} // namespace

namespace dextlab::sdk {

void register_class(OSMetaClass* meta_class)
{
    if (g_module_classes)
        g_module_classes->push_back(meta_class);
    else
        sdk_classes()[meta_class->getClassName()] = meta_class;
}

OSMetaClass const* find_sdk_class(std::string const& name)
{
    auto it = sdk_classes().find(name);
    return it == sdk_classes().end() ? nullptr : it->second;
}

void begin_module_load() { g_module_classes = new std::vector<OSMetaClass*>(); }

std::vector<OSMetaClass*> end_module_load()
{
    std::vector<OSMetaClass*> classes = std::move(*g_module_classes);
    delete g_module_classes;
    g_module_classes = nullptr;
    return classes;
}

} // namespace dextlab::sdk

using dextlab::sdk::DextServer;

OSClassRegistration::OSClassRegistration(OSMetaClass* meta_class) { dextlab::sdk::register_class(meta_class); }

const OSMetaClass* OSMetaClass::getSuperClass() const
{
    if (auto* server = DextServer::current())
        return server->find_class(m_super_name);
    return dextlab::sdk::find_sdk_class(m_super_name);
}

OSMetaClassBase::OSMetaClassBase()
    : __dextlab_retain_count(1)
    , __dextlab_flags(0)
    , __dextlab_object_id(0)
    , __dextlab_server(DextServer::current())
{
    if (auto* server = DextServer::current())
        server->object_created(this);
}

OSMetaClassBase::~OSMetaClassBase()
{
    if (auto* server = DextServer::of(this))
        server->object_destroyed(this);
}

void OSMetaClassBase::retain() const { ++__dextlab_retain_count; }

void OSMetaClassBase::release() const
{
    if (__dextlab_retain_count == 0) {
        // An over-release: on macOS this is a crash in the dext. Report it and keep the lab alive.
        if (auto* server = DextServer::of(this)) {
            auto const* meta = getMetaClass();
            server->log(std::string("runtime: over-release of a ") + (meta ? meta->getClassName() : "object")
                + " (release() called with no reference left)");
        }
        return;
    }
    if (--__dextlab_retain_count > 0)
        return;
    auto* self = const_cast<OSMetaClassBase*>(this);
    self->__dextlab_flags |= kFreeing;
    if (auto* object = dynamic_cast<OSObject*>(self)) {
        object->free();
        if (!(self->__dextlab_flags & kFreeCalledSuper)) {
            if (auto* server = DextServer::of(this)) {
                auto const* meta = getMetaClass();
                server->log(std::string("runtime: ") + (meta ? meta->getClassName() : "object")
                    + "::free() did not call super::free(); DriverKit requires the chain to reach OSObject::free()");
            }
        }
    }
    self->__dextlab_destroy();
}

bool OSMetaClassBase::isEqualTo(const OSMetaClassBase* object) const { return this == object; }

kern_return_t OSMetaClassBase::Invoke(const IORPC rpc) { return Dispatch(rpc); }

kern_return_t OSMetaClassBase::Dispatch(const IORPC) { return kIOReturnUnsupported; }

const OSMetaClass* OSMetaClassBase::getMetaClass() const { return nullptr; }

OSObject::OSObject() = default;
OSObject::~OSObject() = default;

bool OSObject::init() { return true; }

void OSObject::free() { __dextlab_flags |= kFreeCalledSuper; }

kern_return_t OSObject::Dispatch(const IORPC rpc) { return _Dispatch(this, rpc); }

kern_return_t OSObject::_Dispatch(OSObject*, const IORPC) { return kIOReturnUnsupported; }

// The stubs of OSObject's two message methods, as dextlab-iig writes them for every other
// class: pack the arguments, hand them to `supermethod` or to Invoke, whose _Dispatch chain
// reaches IOService's _Impl (or answers kIOReturnUnsupported for an object with no queues).
kern_return_t OSObject::SetDispatchQueue(const IODispatchQueueName name, IODispatchQueue* queue, OSDispatchMethod supermethod)
{
    OSObject_SetDispatchQueue_Invocation invocation { name, queue };
    IORPC rpc { OSObject_SetDispatchQueue_ID, &invocation };
    return supermethod ? supermethod(this, rpc) : Invoke(rpc);
}

kern_return_t OSObject::CopyDispatchQueue(const IODispatchQueueName name, IODispatchQueue** queue, OSDispatchMethod supermethod)
{
    OSObject_CopyDispatchQueue_Invocation invocation { name, queue };
    IORPC rpc { OSObject_CopyDispatchQueue_ID, &invocation };
    return supermethod ? supermethod(this, rpc) : Invoke(rpc);
}

void* OSMetaClassBase::operator new(size_t size)
{
    void* memory = std::calloc(1, size);
    if (!memory)
        std::abort();
    return memory;
}

void OSMetaClassBase::operator delete(void* memory) { std::free(memory); }

extern "C" {

// The dext's heap is counted per server, so a dying process gives back what it held.
void* IOMalloc(size_t length)
{
    void* memory = std::malloc(length ? length : 1);
    if (memory)
        DextServer::heap_allocated(memory);
    return memory;
}

void* IOMallocZero(size_t length)
{
    void* memory = std::calloc(1, length ? length : 1);
    if (memory)
        DextServer::heap_allocated(memory);
    return memory;
}

void IOFree(void* address, size_t)
{
    if (!address)
        return;
    DextServer::heap_freed(address);
    std::free(address);
}

}
