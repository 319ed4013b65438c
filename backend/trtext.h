// SPDX-License-Identifier: GPL-3.0-or-later
// TrText: a text to show people, kept as what makes it (the translation context, the English
// source and the values that fill its %1, %2, ...) rather than as the words of one language, so
// that a text stored in the workspace (a job's title and message in the job history) is shown in
// the language of whoever reads it later, not in the one it was recorded in.
//
// Call sites mark the source for lupdate:
//   trText("ef::Retrieval", QT_TRANSLATE_NOOP("ef::Retrieval", "Embed %1 with %2"), {corpus, model})
//
// Thread-safety: values; toString() uses the application's installed translators.
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace ef {

struct TrText
{
    QByteArray context;
    QByteArray source; // English, with %1 ... %9 markers
    QStringList args;  // the markers' values, in order

    bool isNull() const { return source.isEmpty(); }
    // Translated now, the markers filled in one pass (a value holding "%2" stays as it is).
    QString toString() const;
    QJsonObject toJson() const; // {"context", "source", "args"}
    static TrText fromJson(const QJsonObject &o);
    bool operator==(const TrText &o) const { return context == o.context && source == o.source && args == o.args; }
};

inline TrText trText(const char *context, const char *source, QStringList args = {})
{
    return TrText{QByteArray(context), QByteArray(source), std::move(args)};
}

// %1 ... %9 of pattern replaced by args[0] ... args[8] in one pass; other text kept.
QString fillMarkers(const QString &pattern, const QStringList &args);

} // namespace ef
