// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as an LLM reply through backend/llmparse (the JSON object of a
// generate step, the task list of a brainstorm, validation). They are pure functions on any text:
// a crash, a hang (-timeout), undefined behaviour or a result that breaks their contract is a
// finding.
#include <cstdint>

#include <QString>
#include <QStringList>

#include "backend/llmparse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString reply = QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const ef::ParsedObject parsed = ef::parseJsonObject(reply);
    static const QStringList reasons{QStringLiteral("empty_response"), QStringLiteral("no_json"),
                                     QStringLiteral("truncated_json"), QStringLiteral("invalid_json"),
                                     QStringLiteral("not_object")};
    if (parsed.ok != parsed.reason.isEmpty() || (!parsed.ok && !reasons.contains(parsed.reason)))
        __builtin_trap(); // a failure carries one of the stable reason codes, a success none
    const ef::ValidatedExample v =
        ef::validateObject(parsed, {QStringLiteral("query"), QStringLiteral("positive"), QStringLiteral("negative")});
    if (v.ok && (!parsed.ok || v.object.value(QStringLiteral("query")).toString().isEmpty()))
        __builtin_trap();
    const QStringList tasks = ef::parseTaskList(reply);
    for (const QString &t : tasks)
        if (t.isEmpty() || t != t.trimmed())
            __builtin_trap(); // entries are trimmed and never empty
    if (tasks.size() != static_cast<qsizetype>(QSet<QString>(tasks.begin(), tasks.end()).size()))
        __builtin_trap(); // duplicates removed
    return 0;
}
