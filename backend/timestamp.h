// SPDX-License-Identifier: GPL-3.0-or-later
// The one timestamp format EmbedForge writes: ISO 8601 in UTC with milliseconds and 'Z'
// ("2024-05-01T12:34:56.789Z"), in the workspace, in job history and in JSON output. Reading
// also accepts the older second-precision form ("2024-05-01T12:34:56Z") that earlier builds
// wrote, so existing workspaces keep their times.
#pragma once

#include <QDateTime>
#include <QString>

namespace ef {

// t in the format above; empty for an invalid QDateTime.
QString isoTimestamp(const QDateTime &t);
// The current time in the format above.
QString isoNow();
// A timestamp in either form (or any ISO 8601 date-time); invalid when text is not one.
QDateTime parseIsoTimestamp(const QString &text);

} // namespace ef
