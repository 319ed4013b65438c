// SPDX-License-Identifier: GPL-3.0-or-later
// Tolerant parsing of LLM replies: the JSON object of a generate step, the task list of a brainstorm.
//
// LLMs wrap JSON in code fences, put prose around it, leave trailing commas or raw line
// breaks inside strings, or stop mid-object. The object parser tries, in order, each fenced
// block, the whole reply and the first balanced {...}; each candidate as is and then
// repaired (trailing commas dropped, raw control characters escaped). A failure carries a
// stable reason code. Pure functions; thread-safe.
#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace ef {

struct ParsedObject
{
    bool ok = false;
    QJsonObject object;
    QString reason; // "empty_response", "no_json", "truncated_json", "invalid_json", "not_object"
    QString detail; // for people
};

ParsedObject parseJsonObject(const QString &reply);

// A brainstorm reply: a JSON or python list of strings, else bullet / numbered lines.
// Trimmed, empty entries dropped, duplicates removed (first kept).
QStringList parseTaskList(const QString &reply);

struct ValidatedExample
{
    bool ok = false;
    QString reason; // parse reason, or "missing_key", "empty_value", "not_string", "unexpected_keys"
    QString detail;
    QJsonObject object;
};

// Required keys present and non-empty strings; unless lenient, no other key ("unexpected_keys":
// the prompts say "use no other keys", and the paper discards output that breaks the format).
ValidatedExample validateObject(const ParsedObject &parsed, const QStringList &requiredKeys, bool lenient = false);

// Every reason code the parser and validator produce, for statistics and demo data.
const QStringList &invalidReasonCodes();
// What a reason code means, for people (translated); the code itself when unknown.
QString invalidReasonDescription(const QString &code);

} // namespace ef
