// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt previews: rendering a template with sampled values the way a run would, and sending
// the prompts to check what an LLM makes of them. The Templates page, the Generate page's
// preview grid and `embedforge-cli preview` all render here, with one seed rule:
//
//   prompt i of a template of family f (the i-th of n, from 0) reseeds the sampler with
//   Sampler::deriveSeed(seed, index of f in taskFamilies(), i), then draws the task (for a
//   generate template of an asymmetric family) uniformly from the task list, then samples
//   the placeholders and the language (fixed when one is given).
//
// The task list is the workspace's brainstormed tasks of the family, else the instructions of
// its valid examples, else the template's example tasks (previewTasks). So the same template,
// tasks, language, n and seed give the same prompts everywhere.
//
// Errors: functions return Expected with the template, family or language named.
// Thread-safety: renderPreview(template, ...) is pure (any thread, the GUI's included); the
// Database forms take the calling thread's connection; callPreview blocks its thread.
#pragma once

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "backend/expected.h"
#include "backend/generation.h"
#include "backend/jobs.h"
#include "backend/settings.h"
#include "backend/templates.h"
#include "backend/workspace.h"

namespace ef {

class Database;

struct PreviewItem
{
    QString family;
    QString templateId;
    QString language; // code
    QString task;     // empty for templates that take none
    QMap<QString, QString> values;
    QString prompt;
    // Filled when the prompt was sent:
    bool called = false;
    QString rawResponse;
    QString error; // transport error
    ExampleFields example;
};

// The tasks a preview of t draws from (see above); empty when t takes no task (a brainstorm
// template, a symmetric family). An error when t needs tasks and there are none.
Expected<QStringList> previewTasks(Database &db, const PromptTemplate &t);
// The same through a new connection (for a view's I/O task).
Expected<QStringList> previewTasks(const Workspace &workspace, const PromptTemplate &t);

// Renders n prompts of t with the seed rule above. language: a code or name of the XLM-R
// table, or empty to sample one.
Expected<QList<PreviewItem>> renderPreview(const PromptTemplate &t, const QStringList &tasks, const QString &language,
                                           int n, quint64 seed);
// Renders n prompts of a family's generate template (or of templateId, which must belong to
// the family) from the workspace, with the workspace's tasks.
Expected<QList<PreviewItem>> renderPreview(Database &db, const QString &family, const QString &language, int n,
                                           quint64 seed, const QString &templateId = {});

// Sends each preview prompt (blocking the calling thread with a local event loop).
void callPreview(QList<PreviewItem> &items, const PromptTemplate &t, const EndpointProfile &endpoint,
                 const QString &apiKey);

// The Generate page's grid: K prompts per (language, family) cell, optionally sent.
struct PreviewGridRequest
{
    Workspace workspace;
    QStringList families;
    QStringList languages;
    int perCell = 1;
    quint64 seed = 0;
    std::optional<EndpointProfile> endpoint; // set: send the prompts (the key is resolved in the job)
};
struct PreviewGrid
{
    QStringList families;
    QStringList languages;
    QList<QList<PreviewItem>> cells; // row-major: languages x families
    QStringList errors;              // "<language>/<family>: <error>" for cells that could not render
};
// A job (kind "generate.preview", light) whose result is the PreviewGrid.
JobSpec makePreviewGridJob(const PreviewGridRequest &request);

} // namespace ef

Q_DECLARE_METATYPE(ef::PreviewGrid)
