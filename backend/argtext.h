// SPDX-License-Identifier: GPL-3.0-or-later
// argText(): one value as the text QString::arg would put in, so that a message is filled in one
// call, msg.arg(argText(path), argText(line)), never in a chain. A chain, msg.arg(path).arg(line),
// garbles the message when the first value holds a marker: a path "a%2b" gets the line number in
// place of its "%2".
//
// Thread-safety: pure functions.
#pragma once

#include <type_traits>

#include <QChar>
#include <QLatin1String>
#include <QString>

namespace ef {

inline QString argText(const QString &s)
{
    return s;
}
inline QString argText(QLatin1String s)
{
    return QString(s);
}
inline QString argText(QChar c)
{
    return QString(c);
}
inline QString argText(const char *utf8)
{
    return QString::fromUtf8(utf8);
}
inline QString argText(double v)
{
    return QString::number(v, 'g', 6); // QString::arg(double)'s default
}
template <typename T,
          std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>, int> = 0>
QString argText(T v)
{
    return QString::number(v);
}
// QStringBuilder expressions and other string-like values.
template <typename T, std::enable_if_t<!std::is_arithmetic_v<T>, int> = 0> QString argText(const T &v)
{
    return QString(v);
}

} // namespace ef
