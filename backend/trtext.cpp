// SPDX-License-Identifier: GPL-3.0-or-later
// TrText: texts kept as their source and values, translated when shown.
#include "backend/trtext.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace ef {

QString fillMarkers(const QString &pattern, const QStringList &args)
{
    QString out;
    out.reserve(pattern.size());
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern.at(i);
        if (c == QLatin1Char('%') && i + 1 < pattern.size() && pattern.at(i + 1) >= QLatin1Char('1') &&
            pattern.at(i + 1) <= QLatin1Char('9')) {
            const int n = pattern.at(i + 1).digitValue();
            if (n <= args.size()) {
                out += args.at(n - 1);
                ++i;
                continue;
            }
        }
        out += c;
    }
    return out;
}

QString TrText::toString() const
{
    if (isNull())
        return {};
    return fillMarkers(QCoreApplication::translate(context.constData(), source.constData()), args);
}

QJsonObject TrText::toJson() const
{
    return {{QStringLiteral("context"), QString::fromUtf8(context)},
            {QStringLiteral("source"), QString::fromUtf8(source)},
            {QStringLiteral("args"), QJsonArray::fromStringList(args)}};
}

TrText TrText::fromJson(const QJsonObject &o)
{
    TrText t;
    t.context = o.value(QStringLiteral("context")).toString().toUtf8();
    t.source = o.value(QStringLiteral("source")).toString().toUtf8();
    for (const QJsonValue &v : o.value(QStringLiteral("args")).toArray())
        t.args << v.toString();
    return t;
}

} // namespace ef
