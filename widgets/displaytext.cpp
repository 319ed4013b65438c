// SPDX-License-Identifier: GPL-3.0-or-later
// Stored values as the views show them.
#include "widgets/displaytext.h"

#include <QCoreApplication>
#include <QLocale>

#include "backend/timestamp.h"

namespace ef {

QString displayTime(const QString &iso)
{
    const QDateTime t = parseIsoTimestamp(iso);
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QLocale::ShortFormat) : iso;
}

QString generationRunStateName(const QString &state)
{
    if (state == QLatin1String("running"))
        return QCoreApplication::translate("ef::DisplayText", "running");
    if (state == QLatin1String("finished"))
        return QCoreApplication::translate("ef::DisplayText", "finished");
    if (state == QLatin1String("failed"))
        return QCoreApplication::translate("ef::DisplayText", "failed");
    if (state == QLatin1String("cancelled"))
        return QCoreApplication::translate("ef::DisplayText", "cancelled");
    if (state == QLatin1String("interrupted"))
        return QCoreApplication::translate("ef::DisplayText", "interrupted");
    return state;
}

QString exampleStatusName(const QString &status)
{
    if (status == QLatin1String("valid"))
        return QCoreApplication::translate("ef::DisplayText", "valid");
    if (status == QLatin1String("invalid"))
        return QCoreApplication::translate("ef::DisplayText", "invalid");
    if (status == QLatin1String("duplicate"))
        return QCoreApplication::translate("ef::DisplayText", "duplicate");
    return status;
}

} // namespace ef
