// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// What the views show for values stored in English in the workspace: timestamps in the user's
// locale and time zone, and run states and example statuses in the user's language. The stored
// values stay as they are (scripts and the CLI read them).

#include <QString>

namespace ef {

// An ISO 8601 timestamp (backend/timestamp.h) in the default locale's short format, local time;
// text that is not a timestamp is returned as it is.
QString displayTime(const QString &iso);

// A generation run's state: "running", "finished", "failed", "cancelled", "interrupted" (others
// as they are).
QString generationRunStateName(const QString &state);

// An example's status: "valid", "invalid", "duplicate" (others as they are).
QString exampleStatusName(const QString &status);

} // namespace ef
