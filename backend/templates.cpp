// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt templates: JSON form, rendering, validation, built-ins, diff and the workspace store.
#include "backend/templates.h"

#include <utility>

#include <QCoreApplication>
#include <QRegularExpression>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSet>

#include "backend/argtext.h"
#include "backend/database.h"
#include "backend/fileguard.h"
#include "backend/timestamp.h"

namespace ef {

namespace {

QString compact(const QJsonValue &v)
{
    if (v.isString())
        return v.toString();
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    if (v.isNull() || v.isUndefined())
        return {};
    return v.toVariant().toString();
}

bool isIdentifier(const QString &s)
{
    if (s.isEmpty())
        return false;
    for (const QChar c : s) {
        if (!(c.isLetterOrNumber() || c == QLatin1Char('_')) || c.unicode() > 127)
            return false;
    }
    return !s.at(0).isDigit();
}

// Walks text once: calls onText for literal runs and onName for each {name}. Returns errors.
template <typename OnText, typename OnName> QStringList scan(const QString &text, OnText onText, OnName onName)
{
    QStringList errors;
    QString literal;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (c == QLatin1Char('{')) {
            if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('{')) {
                literal += QLatin1Char('{');
                ++i;
                continue;
            }
            const int close = static_cast<int>(text.indexOf(QLatin1Char('}'), i + 1));
            const int nextOpen = static_cast<int>(text.indexOf(QLatin1Char('{'), i + 1));
            if (close < 0 || (nextOpen >= 0 && nextOpen < close)) {
                errors << QCoreApplication::translate("ef::Templates",
                                                      "unclosed '{' at character %1 (write '{{' for a literal brace)")
                              .arg(i + 1);
                literal += c;
                continue;
            }
            const QString name = text.mid(i + 1, close - i - 1);
            if (!isIdentifier(name)) {
                errors << QCoreApplication::translate(
                              "ef::Templates",
                              "'{%1}' at character %2 is not a placeholder name (letters, digits and '_'; "
                              "write '{{' and '}}' for literal braces)")
                              .arg(argText(name), argText(i + 1));
                literal += text.mid(i, close - i + 1);
                i = close;
                continue;
            }
            onText(literal);
            literal.clear();
            onName(name);
            i = close;
        } else if (c == QLatin1Char('}')) {
            if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('}')) {
                literal += QLatin1Char('}');
                ++i;
                continue;
            }
            errors << QCoreApplication::translate("ef::Templates",
                                                  "unmatched '}' at character %1 (write '}}' for a literal brace)")
                          .arg(i + 1);
            literal += c;
        } else {
            literal += c;
        }
    }
    onText(literal);
    return errors;
}

QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

// Line diff by longest common subsequence (templates are short).
QStringList diffLines(const QStringList &a, const QStringList &b)
{
    const int n = static_cast<int>(a.size()), m = static_cast<int>(b.size());
    std::vector<std::vector<int>> lcs(static_cast<size_t>(n + 1), std::vector<int>(static_cast<size_t>(m + 1), 0));
    for (int i = n - 1; i >= 0; --i)
        for (int j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    QStringList out;
    int i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            out << QStringLiteral("  ") + a[i];
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            out << QStringLiteral("+ ") + b[j++];
        } else {
            out << QStringLiteral("- ") + a[i++];
        }
    }
    return out;
}

} // namespace

const QStringList &taskFamilies()
{
    static const QStringList families = {QStringLiteral("retrieval"),   QStringLiteral("classification"),
                                         QStringLiteral("short-short"), QStringLiteral("long-long"),
                                         QStringLiteral("sts"),         QStringLiteral("bitext")};
    return families;
}

bool isAsymmetricFamily(const QString &family)
{
    return family == QLatin1String("retrieval") || family == QLatin1String("classification") ||
           family == QLatin1String("short-short") || family == QLatin1String("long-long");
}

const PromptTemplate *findFamilyTemplate(const QList<PromptTemplate> &all, const QString &family, const QString &step)
{
    const QString id = family + QLatin1Char('.') + step;
    const PromptTemplate *fallback = nullptr;
    for (const PromptTemplate &t : all) {
        if (t.id == id)
            return &t;
        if (!fallback && t.family == family && t.step == step)
            fallback = &t;
    }
    return fallback;
}

const QStringList &builtinPlaceholders()
{
    static const QStringList names = {QStringLiteral("task"), QStringLiteral("language"), QStringLiteral("src_lang"),
                                      QStringLiteral("tgt_lang")};
    return names;
}

QJsonObject PromptTemplate::toJson() const
{
    QJsonObject sets;
    for (auto it = valueSets.cbegin(); it != valueSets.cend(); ++it)
        sets.insert(it.key(), toArray(it.value()));
    QJsonObject out{{QStringLiteral("type"), output.type}};
    if (output.type == QLatin1String("object")) {
        out.insert(QStringLiteral("keys"), toArray(output.keys));
        out.insert(QStringLiteral("map"), QJsonObject{{QStringLiteral("query"), output.queryKey},
                                                      {QStringLiteral("positive"), output.positiveKey},
                                                      {QStringLiteral("negative"),
                                                       output.negativeKey.isEmpty() ? QJsonValue(QJsonValue::Null)
                                                                                    : QJsonValue(output.negativeKey)}});
        out.insert(QStringLiteral("instruction"), output.instruction);
        if (output.lenient)
            out.insert(QStringLiteral("lenient"), true);
    }
    QJsonObject o{{QStringLiteral("schema_version"), 1}, {QStringLiteral("id"), id},
                  {QStringLiteral("family"), family},    {QStringLiteral("step"), step},
                  {QStringLiteral("title"), title},      {QStringLiteral("text"), text},
                  {QStringLiteral("value_sets"), sets}};
    if (!output.type.isEmpty())
        o.insert(QStringLiteral("output"), out);
    if (!exampleTasks.isEmpty())
        o.insert(QStringLiteral("example_tasks"), toArray(exampleTasks));
    return o;
}

Expected<PromptTemplate> PromptTemplate::fromJson(const QJsonObject &o)
{
    PromptTemplate t;
    t.id = o.value(QStringLiteral("id")).toString().trimmed();
    if (t.id.isEmpty())
        return makeError(QCoreApplication::translate("ef::Templates", "a template needs a non-empty string \"id\""));
    if (!o.value(QStringLiteral("text")).isString())
        return makeError(
            QCoreApplication::translate("ef::Templates", "template '%1': \"text\" must be a string").arg(t.id));
    t.family = o.value(QStringLiteral("family")).toString();
    t.step = o.value(QStringLiteral("step")).toString();
    t.title = o.value(QStringLiteral("title")).toString();
    t.text = o.value(QStringLiteral("text")).toString();
    const QJsonValue sets = o.value(QStringLiteral("value_sets"));
    if (!sets.isUndefined() && !sets.isNull() && !sets.isObject())
        return makeError(QCoreApplication::translate("ef::Templates",
                                                     "template '%1': \"value_sets\" must be an object of string lists")
                             .arg(t.id));
    const QJsonObject so = sets.toObject();
    for (auto it = so.begin(); it != so.end(); ++it) {
        if (!it.value().isArray())
            return makeError(
                QCoreApplication::translate("ef::Templates", "template '%1': value set '%2' must be a list")
                    .arg(t.id, it.key()));
        QStringList values;
        for (const QJsonValue &v : it.value().toArray()) {
            if (v.isString())
                values << v.toString();
            else if (v.isDouble())
                values << QString::number(v.toDouble());
            else
                return makeError(QCoreApplication::translate(
                                     "ef::Templates", "template '%1': value set '%2' may hold only strings and numbers")
                                     .arg(t.id, it.key()));
        }
        t.valueSets.insert(it.key(), values);
    }
    const QJsonValue out = o.value(QStringLiteral("output"));
    if (out.isObject()) {
        const QJsonObject oo = out.toObject();
        t.output.type = oo.value(QStringLiteral("type")).toString();
        if (t.output.type.isEmpty())
            t.output.type = QStringLiteral("?");
        for (const QJsonValue &k : oo.value(QStringLiteral("keys")).toArray())
            t.output.keys << k.toString();
        const QJsonObject map = oo.value(QStringLiteral("map")).toObject();
        t.output.queryKey = map.value(QStringLiteral("query")).toString();
        t.output.positiveKey = map.value(QStringLiteral("positive")).toString();
        t.output.negativeKey = map.value(QStringLiteral("negative")).toString();
        t.output.instruction = oo.value(QStringLiteral("instruction")).toString();
        t.output.lenient = oo.value(QStringLiteral("lenient")).toBool(false);
    } else if (!out.isUndefined() && !out.isNull()) {
        t.output.type = QStringLiteral("?");
    }
    for (const QJsonValue &v : o.value(QStringLiteral("example_tasks")).toArray())
        if (v.isString() && !v.toString().trimmed().isEmpty())
            t.exampleTasks << v.toString();
    return t;
}

QStringList placeholdersIn(const QString &text, QStringList *errors)
{
    QStringList names;
    const QStringList errs = scan(
        text, [](const QString &) {},
        [&](const QString &name) {
            if (!names.contains(name))
                names << name;
        });
    if (errors)
        *errors = errs;
    return names;
}

Expected<QString> renderTemplate(const QString &text, const QMap<QString, QString> &values)
{
    QString out;
    out.reserve(text.size() * 2);
    QStringList missing;
    const QStringList errors = scan(
        text, [&](const QString &lit) { out += lit; },
        [&](const QString &name) {
            auto it = values.constFind(name);
            if (it == values.constEnd()) {
                if (!missing.contains(name))
                    missing << name;
                return;
            }
            out += it.value();
        });
    if (!errors.isEmpty())
        return makeError(errors.join(QStringLiteral("; ")));
    if (!missing.isEmpty())
        return makeError(QCoreApplication::translate("ef::Templates", "no value for placeholder(s): %1")
                             .arg(missing.join(QStringLiteral(", "))));
    return out;
}

QList<TemplateIssue> validateTemplate(const PromptTemplate &t)
{
    QList<TemplateIssue> issues;
    auto add = [&](TemplateIssue::Severity s, const char *code, const QString &subject, const QString &message) {
        issues.append({s, QString::fromLatin1(code), subject, message});
    };
    const auto E = TemplateIssue::Severity::Error;
    const auto W = TemplateIssue::Severity::Warning;
    static const QRegularExpression idPattern(QStringLiteral("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"));
    if (!idPattern.match(t.id).hasMatch())
        add(E, "id", t.id,
            QCoreApplication::translate("ef::Templates",
                                        "the template id '%1' is not valid: use 1 to 64 letters, digits, '.', '_' or "
                                        "'-', starting with a letter or digit")
                .arg(t.id));
    if (!taskFamilies().contains(t.family))
        add(E, "family", t.family,
            QCoreApplication::translate("ef::Templates", "unknown task family '%1' (expected one of %2)")
                .arg(t.family, taskFamilies().join(QStringLiteral(", "))));
    if (t.step != QLatin1String("brainstorm") && t.step != QLatin1String("generate"))
        add(E, "step", t.step,
            QCoreApplication::translate("ef::Templates", "unknown step '%1' (expected 'brainstorm' or 'generate')")
                .arg(t.step));
    else if (t.step == QLatin1String("brainstorm") && taskFamilies().contains(t.family) &&
             !isAsymmetricFamily(t.family))
        add(E, "step", t.step,
            QCoreApplication::translate("ef::Templates", "family '%1' is symmetric and has no brainstorm step")
                .arg(t.family));
    if (t.text.trimmed().isEmpty())
        add(E, "syntax", QStringLiteral("text"),
            QCoreApplication::translate("ef::Templates", "the prompt text is empty"));

    QStringList syntax;
    const QStringList used = placeholdersIn(t.text, &syntax);
    for (const QString &s : syntax)
        add(E, "syntax", QStringLiteral("text"), s);
    const bool brainstorm = t.step == QLatin1String("brainstorm");
    for (const QString &name : used) {
        if (t.valueSets.contains(name)) {
            if (t.valueSets.value(name).isEmpty())
                add(E, "empty_value_set", name,
                    QCoreApplication::translate("ef::Templates", "placeholder {%1} has an empty value set").arg(name));
            continue;
        }
        if (name == QLatin1String("task")) {
            if (brainstorm || (taskFamilies().contains(t.family) && !isAsymmetricFamily(t.family)))
                add(E, "unknown_placeholder", name,
                    QCoreApplication::translate(
                        "ef::Templates",
                        "placeholder {task} is only available in the generate step of an asymmetric family"));
            continue;
        }
        if (builtinPlaceholders().contains(name))
            continue;
        add(E, "unknown_placeholder", name,
            QCoreApplication::translate("ef::Templates",
                                        "unknown placeholder {%1}: it has no value set and is not one of %2")
                .arg(name, builtinPlaceholders().join(QStringLiteral(", "))));
    }
    for (auto it = t.valueSets.cbegin(); it != t.valueSets.cend(); ++it) {
        if (builtinPlaceholders().contains(it.key()))
            add(E, "invalid_schema", it.key(),
                QCoreApplication::translate("ef::Templates", "{%1} is filled automatically and cannot have a value set")
                    .arg(it.key()));
        else if (!isIdentifier(it.key()))
            add(E, "syntax", it.key(),
                QCoreApplication::translate("ef::Templates", "value set name '%1' is not a placeholder name")
                    .arg(it.key()));
        if (!used.contains(it.key()))
            add(W, "unused_value_set", it.key(),
                QCoreApplication::translate("ef::Templates", "value set '%1' is never used in the text").arg(it.key()));
    }
    if (isAsymmetricFamily(t.family) && !brainstorm && !used.contains(QStringLiteral("task")))
        add(W, "missing_task", QStringLiteral("task"),
            QCoreApplication::translate("ef::Templates", "the generate step does not mention {task}"));

    const OutputSchema &o = t.output;
    if (o.type.isEmpty()) {
        add(E, "missing_schema", QStringLiteral("output"),
            QCoreApplication::translate("ef::Templates", "the output schema is missing"));
    } else if (brainstorm) {
        if (o.type != QLatin1String("list"))
            add(E, "invalid_schema", QStringLiteral("output.type"),
                QCoreApplication::translate("ef::Templates",
                                            "a brainstorm step must ask for a list (output type 'list'), not '%1'")
                    .arg(o.type));
    } else if (o.type != QLatin1String("object")) {
        add(E, "invalid_schema", QStringLiteral("output.type"),
            QCoreApplication::translate("ef::Templates",
                                        "a generate step must ask for a JSON object (output type 'object'), not '%1'")
                .arg(o.type));
    } else {
        QSet<QString> seen;
        for (const QString &k : o.keys) {
            if (k.trimmed().isEmpty())
                add(E, "invalid_schema", QStringLiteral("output.keys"),
                    QCoreApplication::translate("ef::Templates", "an output key is empty"));
            else if (seen.contains(k))
                add(E, "invalid_schema", k,
                    QCoreApplication::translate("ef::Templates", "output key '%1' is listed twice").arg(k));
            seen.insert(k);
        }
        if (o.keys.isEmpty())
            add(E, "invalid_schema", QStringLiteral("output.keys"),
                QCoreApplication::translate("ef::Templates", "the output schema lists no keys"));
        auto checkMap = [&](const QString &role, const QString &key, bool required) {
            if (key.isEmpty()) {
                if (required)
                    add(E, "invalid_schema", QStringLiteral("output.map.") + role,
                        QCoreApplication::translate("ef::Templates", "no output key is mapped to the %1").arg(role));
                return;
            }
            if (!o.keys.contains(key))
                add(E, "invalid_schema", QStringLiteral("output.map.") + role,
                    QCoreApplication::translate("ef::Templates", "the %1 is mapped to '%2', which is not an output key")
                        .arg(role, key));
        };
        checkMap(QStringLiteral("query"), o.queryKey, true);
        checkMap(QStringLiteral("positive"), o.positiveKey, true);
        checkMap(QStringLiteral("negative"), o.negativeKey, false);
        if (o.instruction.trimmed().isEmpty()) {
            add(E, "invalid_schema", QStringLiteral("output.instruction"),
                QCoreApplication::translate("ef::Templates", "the output schema has no instruction"));
        } else {
            QStringList errs;
            const QStringList names = placeholdersIn(o.instruction, &errs);
            for (const QString &e : errs)
                add(E, "invalid_schema", QStringLiteral("output.instruction"), e);
            for (const QString &n : names)
                if (n != QLatin1String("task") || (taskFamilies().contains(t.family) && !isAsymmetricFamily(t.family)))
                    add(E, "invalid_schema", QStringLiteral("output.instruction"),
                        QCoreApplication::translate(
                            "ef::Templates", "the instruction may use only {task} (asymmetric families), not {%1}")
                            .arg(n));
        }
        for (const QString &k : o.keys)
            if (!t.text.contains(k))
                add(W, "invalid_schema", k,
                    QCoreApplication::translate("ef::Templates", "output key '%1' is not named in the prompt text")
                        .arg(k));
    }
    return issues;
}

bool hasErrors(const QList<TemplateIssue> &issues)
{
    for (const auto &i : issues)
        if (i.severity == TemplateIssue::Severity::Error)
            return true;
    return false;
}

const QList<PromptTemplate> &builtinTemplates()
{
    static const QList<PromptTemplate> all = [] {
        QList<PromptTemplate> out;
        const QDir dir(QStringLiteral(":/templates"));
        const QStringList files = dir.entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
        for (const QString &f : files) {
            QFile file(dir.filePath(f));
            if (!file.open(QIODevice::ReadOnly))
                qFatal("built-in template %s cannot be read", qPrintable(f));
            auto t = PromptTemplate::fromJson(QJsonDocument::fromJson(file.readAll()).object());
            if (!t)
                qFatal("built-in template %s is broken: %s", qPrintable(f), qPrintable(t.error()));
            out.append(t.value());
        }
        return out;
    }();
    return all;
}

const PromptTemplate *builtinTemplate(const QString &id)
{
    for (const PromptTemplate &t : builtinTemplates())
        if (t.id == id)
            return &t;
    return nullptr;
}

QJsonObject TemplateDiff::toJson() const
{
    QJsonArray f;
    for (const auto &e : fields)
        f.append(QJsonObject{{QStringLiteral("field"), e.field},
                             {QStringLiteral("before"), e.before},
                             {QStringLiteral("after"), e.after}});
    return QJsonObject{{QStringLiteral("fields"), f}, {QStringLiteral("text_diff"), toArray(textLines)}};
}

TemplateDiff diffTemplates(const PromptTemplate &before, const PromptTemplate &after)
{
    TemplateDiff d;
    const QJsonObject a = before.toJson(), b = after.toJson();
    QStringList keys = a.keys();
    for (const QString &k : b.keys())
        if (!keys.contains(k))
            keys << k;
    keys.sort();
    for (const QString &k : keys) {
        if (k == QLatin1String("value_sets")) {
            const QJsonObject sa = a.value(k).toObject(), sb = b.value(k).toObject();
            QStringList names = sa.keys();
            for (const QString &n : sb.keys())
                if (!names.contains(n))
                    names << n;
            names.sort();
            for (const QString &n : names)
                if (sa.value(n) != sb.value(n))
                    d.fields.append({QStringLiteral("value_sets.") + n, compact(sa.value(n)), compact(sb.value(n))});
        } else if (a.value(k) != b.value(k)) {
            d.fields.append({k, compact(a.value(k)), compact(b.value(k))});
        }
    }
    if (before.text != after.text)
        d.textLines = diffLines(before.text.split(QLatin1Char('\n')), after.text.split(QLatin1Char('\n')));
    return d;
}

namespace templatestore {

namespace {
void insertVersion(Database &db, const PromptTemplate &t, int version, const QString &note)
{
    const QString body = QString::fromUtf8(QJsonDocument(t.toJson()).toJson(QJsonDocument::Compact));
    const QString now = isoNow();
    db.prepare(QStringLiteral("INSERT INTO templates(id, family, step, version, body, updated_at) VALUES (?,?,?,?,?,?) "
                              "ON CONFLICT(id) DO UPDATE SET family=excluded.family, step=excluded.step, "
                              "version=excluded.version, body=excluded.body, updated_at=excluded.updated_at"))
        .bind(1, t.id)
        .bind(2, t.family.isNull() ? QStringLiteral("") : t.family)
        .bind(3, t.step.isNull() ? QStringLiteral("") : t.step)
        .bind(4, version)
        .bind(5, body)
        .bind(6, now)
        .run();
    db.prepare(QStringLiteral(
                   "INSERT INTO template_versions(template_id, version, body, saved_at, note) VALUES (?,?,?,?,?)"))
        .bind(1, t.id)
        .bind(2, version)
        .bind(3, body)
        .bind(4, now)
        .bind(5, note.isNull() ? QStringLiteral("") : note)
        .run();
}

Expected<PromptTemplate> fromBody(const QString &body, int version)
{
    auto t = PromptTemplate::fromJson(QJsonDocument::fromJson(body.toUtf8()).object());
    if (t)
        t->version = version;
    return t;
}
} // namespace

void seedBuiltins(Database &db)
{
    Transaction tx(db);
    if (db.queryInt(QStringLiteral("SELECT COUNT(*) FROM templates")) > 0)
        return;
    for (const PromptTemplate &t : builtinTemplates())
        insertVersion(db, t, 1, QCoreApplication::translate("ef::Templates", "built-in"));
    tx.commit();
}

QList<PromptTemplate> list(Database &db)
{
    QList<PromptTemplate> out;
    Statement st = db.prepare(QStringLiteral("SELECT body, version FROM templates ORDER BY id"));
    while (st.step()) {
        auto t = fromBody(st.columnText(0), static_cast<int>(st.columnInt(1)));
        if (t)
            out.append(t.value());
    }
    return out;
}

Expected<PromptTemplate> load(Database &db, const QString &id, int version)
{
    Statement st = version > 0 ? db.prepare(QStringLiteral(
                                     "SELECT body, version FROM template_versions WHERE template_id=? AND version=?"))
                               : db.prepare(QStringLiteral("SELECT body, version FROM templates WHERE id=?"));
    st.bind(1, id);
    if (version > 0)
        st.bind(2, version);
    if (!st.step())
        return version > 0
                   ? makeError(QCoreApplication::translate("ef::Templates", "template '%1' has no version %2")
                                   .arg(argText(id), argText(version)))
                   : makeError(
                         QCoreApplication::translate("ef::Templates", "no template '%1' in this workspace").arg(id));
    return fromBody(st.columnText(0), static_cast<int>(st.columnInt(1)));
}

QList<TemplateVersionInfo> history(Database &db, const QString &id)
{
    QList<TemplateVersionInfo> out;
    Statement st = db.prepare(
        QStringLiteral("SELECT version, saved_at, note FROM template_versions WHERE template_id=? ORDER BY version"));
    st.bind(1, id);
    while (st.step())
        out.append({static_cast<int>(st.columnInt(0)), st.columnText(1), st.columnText(2)});
    return out;
}

Expected<int> save(Database &db, const PromptTemplate &t, const QString &note)
{
    const QList<TemplateIssue> issues = validateTemplate(t);
    if (hasErrors(issues)) {
        QStringList msgs;
        for (const auto &i : issues)
            if (i.severity == TemplateIssue::Severity::Error)
                msgs << i.message;
        return makeError(QCoreApplication::translate("ef::Templates", "template '%1' is not valid: %2")
                             .arg(t.id, msgs.join(QStringLiteral("; "))));
    }
    Transaction tx(db);
    Statement cur = db.prepare(QStringLiteral("SELECT version, body FROM templates WHERE id=?"));
    cur.bind(1, t.id);
    int version = 1;
    if (cur.step()) {
        auto old = fromBody(cur.columnText(1), 0);
        PromptTemplate plain = t;
        plain.version = 0;
        if (old && old.value() == plain)
            return static_cast<int>(cur.columnInt(0)); // unchanged: no new version
        Statement maxVersion =
            db.prepare(QStringLiteral("SELECT COALESCE(MAX(version),0) FROM template_versions WHERE template_id=?"));
        maxVersion.bind(1, t.id);
        version = (maxVersion.step() ? static_cast<int>(maxVersion.columnInt(0)) : 0) + 1;
    }
    insertVersion(db, t, version, note);
    tx.commit();
    return version;
}

QJsonObject exportJson(const QList<PromptTemplate> &templates)
{
    QJsonArray arr;
    for (const PromptTemplate &t : templates)
        arr.append(t.toJson());
    return QJsonObject{{QStringLiteral("format"), QStringLiteral("embedforge-templates")},
                       {QStringLiteral("version"), 1},
                       {QStringLiteral("templates"), arr}};
}

Expected<QList<PromptTemplate>> parseImport(const QByteArray &json)
{
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (doc.isNull())
        return makeError(QCoreApplication::translate("ef::Templates", "not valid JSON: %1 at offset %2")
                             .arg(argText(pe.errorString()), argText(pe.offset)));
    QJsonArray arr;
    if (doc.isArray())
        arr = doc.array();
    else if (doc.object().contains(QStringLiteral("templates")))
        arr = doc.object().value(QStringLiteral("templates")).toArray();
    else
        arr.append(doc.object());
    QList<PromptTemplate> out;
    for (const QJsonValue &v : arr) {
        if (!v.isObject())
            return makeError(QCoreApplication::translate("ef::Templates", "every template must be a JSON object"));
        auto t = PromptTemplate::fromJson(v.toObject());
        if (!t)
            return makeError(t.error());
        out.append(t.value());
    }
    if (out.isEmpty())
        return makeError(QCoreApplication::translate("ef::Templates", "the file holds no templates"));
    return out;
}

namespace {

// Runs fn over a new connection to ws; a database failure becomes the error.
template <typename Fn> auto withConnection(const Workspace &ws, Fn fn) -> decltype(fn(std::declval<Database &>()))
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    try {
        return fn(**db);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

} // namespace

Expected<QList<PromptTemplate>> list(const Workspace &ws)
{
    return withConnection(ws, [](Database &db) -> Expected<QList<PromptTemplate>> { return list(db); });
}

Expected<PromptTemplate> load(const Workspace &ws, const QString &id, int version)
{
    return withConnection(ws, [&](Database &db) { return load(db, id, version); });
}

Expected<QList<TemplateVersionInfo>> history(const Workspace &ws, const QString &id)
{
    return withConnection(ws, [&](Database &db) -> Expected<QList<TemplateVersionInfo>> { return history(db, id); });
}

Expected<int> save(const Workspace &ws, const PromptTemplate &t, const QString &note)
{
    return withConnection(ws, [&](Database &db) { return save(db, t, note); });
}

Expected<QList<QPair<QString, int>>> importFile(const Workspace &ws, const QString &path)
{
    const Expected<QByteArray> bytes = fileguard::readAll(path, fileguard::kMaxTemplateFileBytes);
    if (!bytes)
        return makeError(bytes.error());
    auto parsed = parseImport(bytes.value());
    if (!parsed)
        return makeError(QStringLiteral("%1: %2").arg(path, parsed.error()));
    const QString note =
        QCoreApplication::translate("ef::Templates", "imported from %1").arg(QFileInfo(path).fileName());
    return withConnection(ws, [&](Database &db) -> Expected<QList<QPair<QString, int>>> {
        QList<QPair<QString, int>> saved;
        for (const PromptTemplate &t : parsed.value()) {
            auto v = save(db, t, note);
            if (!v)
                return makeError(
                    QCoreApplication::translate("ef::Templates", "%1: template %2: %3").arg(path, t.id, v.error()));
            saved.append({t.id, v.value()});
        }
        return saved;
    });
}

Status exportFile(const Workspace &ws, const QString &path)
{
    const Expected<QList<PromptTemplate>> all = list(ws);
    if (!all)
        return makeError(all.error());
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(exportJson(all.value())).toJson()) < 0 ||
        !fileguard::commitSaveFile(f))
        return makeError(
            QCoreApplication::translate("ef::Templates", "cannot write '%1': %2").arg(path, f.errorString()));
    return Status::success();
}

} // namespace templatestore

} // namespace ef
