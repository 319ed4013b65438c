// SPDX-License-Identifier: GPL-3.0-or-later
// Expected<T>: a value or a user-readable error message, for failures that are a normal outcome.
#pragma once

#include <utility>
#include <variant>

#include <QString>

namespace ef {

// An error for a person to read: it names the file, field or value and the rule broken.
struct Error
{
    QString message;
};

inline Error makeError(QString message)
{
    return Error{std::move(message)};
}

template <typename T> class Expected
{
public:
    Expected(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Expected(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    // The error message; empty when ok() (so it is safe in eagerly evaluated messages).
    const QString &error() const
    {
        static const QString none;
        return ok() ? none : std::get<1>(m_v).message;
    }

private:
    std::variant<T, Error> m_v;
};

// Success or an error, for operations without a result value.
class Status
{
public:
    Status() = default;
    Status(Error error) : m_error(std::move(error.message)), m_ok(false) {}
    static Status success() { return {}; }

    bool ok() const { return m_ok; }
    explicit operator bool() const { return m_ok; }
    const QString &error() const { return m_error; }

private:
    QString m_error;
    bool m_ok = true;
};

} // namespace ef
