#pragma once
// A move-only std::function with room for `Inline` bytes of captures inside the object.
// std::function (libstdc++) keeps only 16 bytes inline, so the scheduler's events and the dext
// runtime's work items, which capture a few pointers and ids, each cost a heap allocation; these
// run once or more per callback. Larger captures still go to the heap.

#include <cstddef>
#include <functional>
#include <new>
#include <type_traits>
#include <utility>

namespace dextlab {

namespace inline_function_detail {
template<typename T>
inline constexpr bool is_std_function = false;
template<typename S>
inline constexpr bool is_std_function<std::function<S>> = true;
} // namespace inline_function_detail

template<typename Signature, size_t Inline = 48>
class InlineFunction;

template<typename Result, typename... Args, size_t Inline>
class InlineFunction<Result(Args...), Inline> {
public:
    InlineFunction() = default;
    InlineFunction(std::nullptr_t) { }
    template<typename Callable,
        typename = std::enable_if_t<!std::is_same_v<std::decay_t<Callable>, InlineFunction>
            && std::is_invocable_r_v<Result, std::decay_t<Callable>&, Args...>>>
    InlineFunction(Callable&& callable)
    {
        using Stored = std::decay_t<Callable>;
        if constexpr (std::is_pointer_v<Stored> || std::is_member_pointer_v<Stored> || inline_function_detail::is_std_function<Stored>) {
            // An empty std::function or a null function pointer stays empty, as with std::function.
            if (!static_cast<bool>(callable))
                return;
        }
        if constexpr (fits_inline<Stored>()) {
            ::new (static_cast<void*>(m_storage)) Stored(std::forward<Callable>(callable));
            m_ops = &inline_ops<Stored>;
        } else {
            *reinterpret_cast<Stored**>(m_storage) = new Stored(std::forward<Callable>(callable));
            m_ops = &heap_ops<Stored>;
        }
    }
    InlineFunction(InlineFunction&& other) noexcept { take(other); }
    InlineFunction& operator=(InlineFunction&& other) noexcept
    {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    InlineFunction& operator=(std::nullptr_t)
    {
        reset();
        return *this;
    }
    InlineFunction(InlineFunction const&) = delete;
    InlineFunction& operator=(InlineFunction const&) = delete;
    ~InlineFunction() { reset(); }

    explicit operator bool() const { return m_ops != nullptr; }
    Result operator()(Args... args) const
    {
        if (!m_ops)
            throw std::bad_function_call();
        return m_ops->call(const_cast<unsigned char*>(m_storage), std::forward<Args>(args)...);
    }

private:
    struct Ops {
        Result (*call)(void* storage, Args&&... args);
        void (*move)(void* from, void* to) noexcept;
        void (*destroy)(void* storage) noexcept;
    };
    template<typename Stored>
    static constexpr bool fits_inline()
    {
        return sizeof(Stored) <= Inline && alignof(Stored) <= alignof(std::max_align_t)
            && std::is_nothrow_move_constructible_v<Stored>;
    }
    template<typename Stored>
    static constexpr Ops inline_ops {
        [](void* storage, Args&&... args) -> Result { return std::invoke(*static_cast<Stored*>(storage), std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept {
            ::new (to) Stored(std::move(*static_cast<Stored*>(from)));
            static_cast<Stored*>(from)->~Stored();
        },
        [](void* storage) noexcept { static_cast<Stored*>(storage)->~Stored(); },
    };
    template<typename Stored>
    static constexpr Ops heap_ops {
        [](void* storage, Args&&... args) -> Result { return std::invoke(**static_cast<Stored**>(storage), std::forward<Args>(args)...); },
        [](void* from, void* to) noexcept { *static_cast<Stored**>(to) = *static_cast<Stored**>(from); },
        [](void* storage) noexcept { delete *static_cast<Stored**>(storage); },
    };

    void take(InlineFunction& other) noexcept
    {
        if (other.m_ops) {
            other.m_ops->move(other.m_storage, m_storage);
            m_ops = std::exchange(other.m_ops, nullptr);
        }
    }
    void reset() noexcept
    {
        // Cleared before the callable's destructor runs: what it releases may look at this.
        if (Ops const* ops = std::exchange(m_ops, nullptr))
            ops->destroy(m_storage);
    }

    Ops const* m_ops { nullptr };
    alignas(std::max_align_t) unsigned char m_storage[Inline];
};

} // namespace dextlab
