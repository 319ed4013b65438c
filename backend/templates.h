// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt templates: the model, {name} rendering, validation, built-ins and the workspace store.
//
// A template is a prompt for one task family and one step (brainstorm or generate) with
// {placeholder} slots, the value set of each placeholder and the output schema it asks for
// (a list of task sentences, or a JSON object whose keys map to query / positive / hard
// negative). "{{" and "}}" write literal braces. The built-ins live in resources/templates
// (embedded as :/templates/*.json) and are copied into every new workspace, where each save
// adds a version and keeps the previous ones.
//
// Thread-safety: PromptTemplate is a value. The store functions take the calling thread's
// Database connection and write inside their own transactions.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QPair>
#include <QString>
#include <QStringList>

#include "backend/expected.h"
#include "backend/workspace.h"

namespace ef {

class Database;

// The six task families, in the paper's order; "retrieval" is short-long, "classification"
// long-short.
const QStringList &taskFamilies();
bool isAsymmetricFamily(const QString &family);

struct OutputSchema
{
    QString type;        // "object" (generate) or "list" (brainstorm); empty when missing
    QStringList keys;    // required JSON keys (object)
    QString queryKey;    // which key becomes the query
    QString positiveKey; // ... the positive
    QString negativeKey; // ... the hard negative; empty = none
    QString instruction; // "{task}" or a fixed instruction sentence
    // Strict by default, as the paper discards output that does not match the format: a reply
    // with keys the schema does not name is invalid ("unexpected_keys"). Lenient accepts them.
    bool lenient = false;
};

struct PromptTemplate
{
    QString id;     // "retrieval.generate"
    QString family; // one of taskFamilies()
    QString step;   // "brainstorm" or "generate"
    QString title;
    QString text;
    QMap<QString, QStringList> valueSets;
    OutputSchema output;
    QStringList exampleTasks; // tasks for previews when the workspace has none yet
    int version = 0;          // workspace version (0 = not stored)

    QJsonObject toJson() const;
    // Reads the JSON form; structural problems end up in the returned message.
    static Expected<PromptTemplate> fromJson(const QJsonObject &o);
    bool operator==(const PromptTemplate &o) const { return toJson() == o.toJson(); }
};

// Placeholders filled by the sampler or the pipeline rather than by a value set.
const QStringList &builtinPlaceholders(); // task, language, src_lang, tgt_lang

struct TemplateIssue
{
    enum class Severity { Error, Warning };
    Severity severity = Severity::Error;
    QString code;    // stable: "id", "unknown_placeholder", "empty_value_set", "unused_value_set",
                     // "missing_task", "syntax", "missing_schema", "invalid_schema", "family", "step"
    QString subject; // the placeholder, key or field concerned
    QString message; // translated
};

// Placeholder names used in text, in order of first use. Syntax errors go to errors.
QStringList placeholdersIn(const QString &text, QStringList *errors = nullptr);
// Renders text, replacing each {name} with values[name]; a name without a value is an error.
Expected<QString> renderTemplate(const QString &text, const QMap<QString, QString> &values);
QList<TemplateIssue> validateTemplate(const PromptTemplate &t);
bool hasErrors(const QList<TemplateIssue> &issues);

// The template of a family and step in a list: "<family>.<step>" if present, else the first
// one with that family and step; null when there is none.
const PromptTemplate *findFamilyTemplate(const QList<PromptTemplate> &all, const QString &family, const QString &step);

// The built-in templates shipped in the resources, sorted by id.
const QList<PromptTemplate> &builtinTemplates();
const PromptTemplate *builtinTemplate(const QString &id);

// One changed field between two templates ("text", "title", "value_sets.clarity", "output").
struct TemplateDiffEntry
{
    QString field;
    QString before; // compact JSON or text
    QString after;
};
struct TemplateDiff
{
    QList<TemplateDiffEntry> fields;
    QStringList textLines; // unified-style lines of the text diff: "  same", "- old", "+ new"
    bool isEmpty() const { return fields.isEmpty(); }
    QJsonObject toJson() const;
};
TemplateDiff diffTemplates(const PromptTemplate &before, const PromptTemplate &after);

struct TemplateVersionInfo
{
    int version = 0;
    QString savedAt;
    QString note;
};

namespace templatestore {

// Copies the built-ins into a workspace that has none yet (done at creation/migration).
void seedBuiltins(Database &db);
QList<PromptTemplate> list(Database &db);
Expected<PromptTemplate> load(Database &db, const QString &id, int version = 0); // 0 = current
QList<TemplateVersionInfo> history(Database &db, const QString &id);
// Validates and stores t as a new version (or a new template); returns the version number.
Expected<int> save(Database &db, const PromptTemplate &t, const QString &note = {});
// Export format: {"format":"embedforge-templates","version":1,"templates":[...]}.
QJsonObject exportJson(const QList<PromptTemplate> &templates);
// Accepts the export format, a single template object or an array of them.
Expected<QList<PromptTemplate>> parseImport(const QByteArray &json);

// The same through a connection of the calling thread's own, for a view's I/O task: these
// never throw; a database failure is the error.
Expected<QList<PromptTemplate>> list(const Workspace &ws);
Expected<PromptTemplate> load(const Workspace &ws, const QString &id, int version = 0);
Expected<QList<TemplateVersionInfo>> history(const Workspace &ws, const QString &id);
Expected<int> save(const Workspace &ws, const PromptTemplate &t, const QString &note = {});
// Reads an export file and saves each template as a new version (stopping at the first that
// cannot be saved); returns {id, version} of each one saved. Errors name the file and template.
Expected<QList<QPair<QString, int>>> importFile(const Workspace &ws, const QString &path);
// Writes every template of the workspace to path in the export format.
Status exportFile(const Workspace &ws, const QString &path);

} // namespace templatestore

} // namespace ef
