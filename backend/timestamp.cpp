// SPDX-License-Identifier: GPL-3.0-or-later
// ISO 8601 timestamps.
#include "backend/timestamp.h"

namespace ef {

QString isoTimestamp(const QDateTime &t)
{
    return t.isValid() ? t.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QString isoNow()
{
    return isoTimestamp(QDateTime::currentDateTimeUtc());
}

QDateTime parseIsoTimestamp(const QString &text)
{
    // Qt::ISODateWithMs reads fractions when present and accepts their absence too.
    return QDateTime::fromString(text.trimmed(), Qt::ISODateWithMs);
}

} // namespace ef
