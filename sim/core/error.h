#pragma once
// Fallible results for dextlab's own code (never for DriverKit APIs, which return IOReturn).
// ErrorOr<T> uses std::expected's member names (has_value, value, error) so that moving to
// C++23 is mechanical. TRY propagates an error to the caller, like SerenityOS's AK/Try.h.

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace dextlab {

// A user-facing error: what went wrong, where (file:line:col, object or key), and how to fix it.
struct Error {
    std::string message;

    static Error with(std::string text) { return Error { std::move(text) }; }
};

template<typename T>
class [[nodiscard]] ErrorOr {
public:
    ErrorOr(T value)
        : m_storage(std::in_place_index<0>, std::move(value))
    {
    }
    ErrorOr(Error error)
        : m_storage(std::in_place_index<1>, std::move(error))
    {
    }

    bool has_value() const { return m_storage.index() == 0; }
    explicit operator bool() const { return has_value(); }

    T& value() &
    {
        assert(has_value());
        return std::get<0>(m_storage);
    }
    T const& value() const&
    {
        assert(has_value());
        return std::get<0>(m_storage);
    }
    T&& value() &&
    {
        assert(has_value());
        return std::get<0>(std::move(m_storage));
    }
    Error const& error() const
    {
        assert(!has_value());
        return std::get<1>(m_storage);
    }
    Error release_error() { return std::get<1>(std::move(m_storage)); }

private:
    std::variant<T, Error> m_storage;
};

template<>
class [[nodiscard]] ErrorOr<void> {
public:
    ErrorOr() = default;
    ErrorOr(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    {
    }

    bool has_value() const { return !m_failed; }
    explicit operator bool() const { return has_value(); }
    void value() const { assert(has_value()); }
    Error const& error() const
    {
        assert(m_failed);
        return m_error;
    }
    Error release_error() { return std::move(m_error); }

private:
    Error m_error;
    bool m_failed { false };
};

} // namespace dextlab

// Evaluates a fallible expression; on error returns it from the enclosing function,
// otherwise yields the value. A GCC/Clang statement expression, as in SerenityOS.
#define TRY(expression)                                \
    ({                                                 \
        auto _dextlab_result = (expression);           \
        if (!_dextlab_result.has_value())              \
            return _dextlab_result.release_error();    \
        std::move(_dextlab_result).value();            \
    })
