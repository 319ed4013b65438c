// SPDX-License-Identifier: GPL-3.0-or-later
// Tolerant JSON object and task-list extraction from LLM replies.
#include "backend/llmparse.h"

#include <QCoreApplication>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QSet>

namespace ef {

namespace {

// Contents of ``` fenced blocks (any language tag), in order; an unclosed fence runs to the end.
QStringList fencedBlocks(const QString &s)
{
    QStringList out;
    int pos = 0;
    while (true) {
        const int open = static_cast<int>(s.indexOf(QLatin1String("```"), pos));
        if (open < 0)
            break;
        int bodyStart = static_cast<int>(s.indexOf(QLatin1Char('\n'), open + 3));
        const int close = static_cast<int>(s.indexOf(QLatin1String("```"), open + 3));
        if (bodyStart < 0 || (close >= 0 && bodyStart > close))
            bodyStart = open + 3; // ```{...}``` on one line
        else
            ++bodyStart;
        if (close < 0) {
            out << s.mid(bodyStart);
            break;
        }
        // A one-line fence may carry a language tag before the JSON: ```json{...}```
        QString body = s.mid(bodyStart, close - bodyStart);
        if (bodyStart == open + 3) {
            const int brace = static_cast<int>(body.indexOf(QRegularExpression(QStringLiteral("[\\[{]"))));
            if (brace > 0)
                body = body.mid(brace);
        }
        out << body;
        pos = close + 3;
    }
    return out;
}

// From the `open` character at or after from, the balanced span (string-aware).
// truncated = no close.
QString balancedSpan(const QString &s, QChar open, QChar close, bool *truncated, int from = 0)
{
    *truncated = false;
    const int start = static_cast<int>(s.indexOf(open, from));
    if (start < 0)
        return {};
    int depth = 0;
    bool inString = false;
    QChar quote;
    for (int i = start; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (inString) {
            if (c == QLatin1Char('\\'))
                ++i;
            else if (c == quote)
                inString = false;
            continue;
        }
        if (c == QLatin1Char('"')) {
            inString = true;
            quote = c;
        } else if (c == open) {
            ++depth;
        } else if (c == close) {
            if (--depth == 0)
                return s.mid(start, i - start + 1);
        }
    }
    *truncated = true;
    return s.mid(start);
}

// Drops trailing commas before } or ] and escapes raw control characters inside strings.
QString repairJson(const QString &s)
{
    QString out;
    out.reserve(s.size());
    bool inString = false;
    for (int i = 0; i < s.size(); ++i) {
        const QChar c = s.at(i);
        if (inString) {
            if (c == QLatin1Char('\\') && i + 1 < s.size()) {
                out += c;
                out += s.at(++i);
            } else if (c == QLatin1Char('"')) {
                inString = false;
                out += c;
            } else if (c == QLatin1Char('\n')) {
                out += QLatin1String("\\n");
            } else if (c == QLatin1Char('\r')) {
                out += QLatin1String("\\r");
            } else if (c == QLatin1Char('\t')) {
                out += QLatin1String("\\t");
            } else if (c.unicode() < 0x20) {
                out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
            } else {
                out += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            inString = true;
        } else if (c == QLatin1Char(',')) {
            int j = i + 1;
            while (j < s.size() && s.at(j).isSpace())
                ++j;
            if (j < s.size() && (s.at(j) == QLatin1Char('}') || s.at(j) == QLatin1Char(']')))
                continue;
        }
        out += c;
    }
    return out;
}

bool tryParse(const QString &candidate, QJsonDocument *doc)
{
    const QString t = candidate.trimmed();
    if (t.isEmpty())
        return false;
    QJsonParseError pe{};
    *doc = QJsonDocument::fromJson(t.toUtf8(), &pe);
    if (pe.error == QJsonParseError::NoError)
        return true;
    *doc = QJsonDocument::fromJson(repairJson(t).toUtf8(), &pe);
    return pe.error == QJsonParseError::NoError;
}

// Python / JSON string literals inside a [...] span.
QStringList quotedStrings(const QString &span)
{
    QStringList out;
    for (int i = 0; i < span.size(); ++i) {
        const QChar q = span.at(i);
        if (q != QLatin1Char('"') && q != QLatin1Char('\''))
            continue;
        QString cur;
        int j = i + 1;
        bool closed = false;
        for (; j < span.size(); ++j) {
            const QChar c = span.at(j);
            if (c == QLatin1Char('\\') && j + 1 < span.size()) {
                const QChar n = span.at(++j);
                cur += n == QLatin1Char('n')   ? QChar(QLatin1Char('\n'))
                       : n == QLatin1Char('t') ? QChar(QLatin1Char('\t'))
                                               : n;
            } else if (c == q) {
                closed = true;
                break;
            } else {
                cur += c;
            }
        }
        if (!closed)
            break;
        out << cur;
        i = j;
    }
    return out;
}

QStringList cleaned(const QStringList &in)
{
    QStringList out;
    QSet<QString> seen;
    for (const QString &s : in) {
        const QString t = s.simplified();
        if (t.isEmpty() || seen.contains(t))
            continue;
        seen.insert(t);
        out << t;
    }
    return out;
}

} // namespace

ParsedObject parseJsonObject(const QString &reply)
{
    ParsedObject r;
    if (reply.trimmed().isEmpty()) {
        r.reason = QStringLiteral("empty_response");
        r.detail = QCoreApplication::translate("ef::LlmParse", "the reply is empty");
        return r;
    }
    QStringList candidates = fencedBlocks(reply);
    candidates << reply;
    bool sawTruncated = false, sawNonObject = false, sawBrace = false;
    for (const QString &c : std::as_const(candidates)) {
        QJsonDocument doc;
        if (tryParse(c, &doc)) {
            if (doc.isObject()) {
                r.ok = true;
                r.object = doc.object();
                return r;
            }
            sawNonObject = true;
        }
        // Each '{' in turn (prose may contain braces before the object), at most 64 tries.
        int from = 0;
        for (int tries = 0; tries < 64; ++tries) {
            bool truncated = false;
            const int start = static_cast<int>(c.indexOf(QLatin1Char('{'), from));
            if (start < 0)
                break;
            const QString span = balancedSpan(c, QLatin1Char('{'), QLatin1Char('}'), &truncated, start);
            sawBrace = true;
            if (truncated) {
                sawTruncated = true;
                break;
            }
            if (tryParse(span, &doc) && doc.isObject()) {
                r.ok = true;
                r.object = doc.object();
                return r;
            }
            from = start + 1;
        }
    }
    if (sawTruncated) {
        r.reason = QStringLiteral("truncated_json");
        r.detail = QCoreApplication::translate("ef::LlmParse", "the JSON object is cut off before its closing brace");
    } else if (sawNonObject) {
        r.reason = QStringLiteral("not_object");
        r.detail = QCoreApplication::translate("ef::LlmParse", "the reply is JSON but not an object");
    } else if (sawBrace) {
        r.reason = QStringLiteral("invalid_json");
        r.detail =
            QCoreApplication::translate("ef::LlmParse", "the reply contains a {...} block that is not valid JSON");
    } else {
        r.reason = QStringLiteral("no_json");
        r.detail = QCoreApplication::translate("ef::LlmParse", "the reply contains no JSON object");
    }
    return r;
}

QStringList parseTaskList(const QString &reply)
{
    QStringList candidates = fencedBlocks(reply);
    candidates << reply;
    for (const QString &c : std::as_const(candidates)) {
        bool truncated = false;
        const QString span = balancedSpan(c, QLatin1Char('['), QLatin1Char(']'), &truncated);
        if (span.isEmpty())
            continue;
        QJsonDocument doc;
        if (!truncated && tryParse(span, &doc) && doc.isArray()) {
            QStringList items;
            for (const QJsonValue &v : doc.array())
                if (v.isString())
                    items << v.toString();
            if (!items.isEmpty())
                return cleaned(items);
        }
        const QStringList quoted = quotedStrings(span);
        if (!quoted.isEmpty())
            return cleaned(quoted);
    }
    // Bullets or numbered lines.
    static const QRegularExpression bullet(QStringLiteral("^\\s*(?:[-*\u2022]|\\d+[.)])\\s+(.+)$"));
    QStringList items;
    for (const QString &line : reply.split(QLatin1Char('\n'))) {
        const auto m = bullet.match(line);
        if (m.hasMatch()) {
            QString item = m.captured(1).trimmed();
            if (item.size() >= 2 && (item.front() == QLatin1Char('"') || item.front() == QLatin1Char('\'')) &&
                item.back() == item.front())
                item = item.mid(1, item.size() - 2);
            items << item;
        }
    }
    return cleaned(items);
}

const QStringList &invalidReasonCodes()
{
    static const QStringList codes{
        QStringLiteral("empty_response"), QStringLiteral("no_json"),     QStringLiteral("truncated_json"),
        QStringLiteral("invalid_json"),   QStringLiteral("not_object"),  QStringLiteral("missing_key"),
        QStringLiteral("not_string"),     QStringLiteral("empty_value"), QStringLiteral("unexpected_keys")};
    return codes;
}

QString invalidReasonDescription(const QString &code)
{
    static const QHash<QString, const char *> text{
        {QStringLiteral("empty_response"), QT_TRANSLATE_NOOP("ef::LlmParse", "the reply was empty")},
        {QStringLiteral("no_json"), QT_TRANSLATE_NOOP("ef::LlmParse", "the reply holds no JSON object")},
        {QStringLiteral("truncated_json"),
         QT_TRANSLATE_NOOP("ef::LlmParse", "the JSON stops before its end (the reply was cut off)")},
        {QStringLiteral("invalid_json"), QT_TRANSLATE_NOOP("ef::LlmParse", "the JSON is malformed")},
        {QStringLiteral("not_object"), QT_TRANSLATE_NOOP("ef::LlmParse", "the JSON is not an object")},
        {QStringLiteral("missing_key"), QT_TRANSLATE_NOOP("ef::LlmParse", "a key the format requires is missing")},
        {QStringLiteral("not_string"), QT_TRANSLATE_NOOP("ef::LlmParse", "a value is not a string")},
        {QStringLiteral("empty_value"), QT_TRANSLATE_NOOP("ef::LlmParse", "a required value is empty")},
        {QStringLiteral("unexpected_keys"),
         QT_TRANSLATE_NOOP("ef::LlmParse", "the reply has keys the format does not name")}};
    const auto it = text.constFind(code);
    return it == text.constEnd() ? code : QCoreApplication::translate("ef::LlmParse", it.value());
}

ValidatedExample validateObject(const ParsedObject &parsed, const QStringList &requiredKeys, bool lenient)
{
    ValidatedExample v;
    if (!parsed.ok) {
        v.reason = parsed.reason;
        v.detail = parsed.detail;
        return v;
    }
    v.object = parsed.object;
    for (const QString &k : requiredKeys) {
        if (!parsed.object.contains(k)) {
            v.reason = QStringLiteral("missing_key");
            v.detail = QCoreApplication::translate("ef::LlmParse", "the key \"%1\" is missing").arg(k);
            return v;
        }
        const QJsonValue val = parsed.object.value(k);
        if (!val.isString()) {
            v.reason = QStringLiteral("not_string");
            v.detail = QCoreApplication::translate("ef::LlmParse", "the value of \"%1\" is not a string").arg(k);
            return v;
        }
        if (val.toString().trimmed().isEmpty()) {
            v.reason = QStringLiteral("empty_value");
            v.detail = QCoreApplication::translate("ef::LlmParse", "the value of \"%1\" is empty").arg(k);
            return v;
        }
    }
    if (!lenient) {
        QStringList extra;
        for (auto it = parsed.object.begin(); it != parsed.object.end(); ++it)
            if (!requiredKeys.contains(it.key()))
                extra << QLatin1Char('"') + it.key() + QLatin1Char('"');
        if (!extra.isEmpty()) {
            v.reason = QStringLiteral("unexpected_keys");
            v.detail = QCoreApplication::translate("ef::LlmParse", "keys the format does not name: %1")
                           .arg(extra.join(QStringLiteral(", ")));
            return v;
        }
    }
    v.ok = true;
    return v;
}

} // namespace ef
