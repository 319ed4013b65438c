// SPDX-License-Identifier: GPL-3.0-or-later
// Prompt previews with one seed rule, and the preview grid job.
#include "backend/preview.h"

#include <QCoreApplication>
#include <QEventLoop>

#include "backend/database.h"
#include "backend/llmclient.h"
#include "backend/sampler.h"

namespace ef {

namespace {

bool takesTask(const PromptTemplate &t)
{
    return t.step == QLatin1String("generate") && isAsymmetricFamily(t.family);
}

Error noTasks(const PromptTemplate &t)
{
    return makeError(QCoreApplication::translate("ef::Generation",
                                                 "no task to preview family '%1' with: the workspace has none and "
                                                 "template '%2' lists no example tasks")
                         .arg(t.family, t.id));
}

Error unknownFamily(const QString &family)
{
    return makeError(QCoreApplication::translate("ef::Generation", "unknown task family '%1' (expected one of %2)")
                         .arg(family, taskFamilies().join(QStringLiteral(", "))));
}

} // namespace

Expected<QStringList> previewTasks(Database &db, const PromptTemplate &t)
{
    if (!takesTask(t))
        return QStringList();
    QStringList tasks;
    try {
        Statement st = db.prepare(QStringLiteral("SELECT DISTINCT text FROM gen_tasks WHERE family=? ORDER BY text"));
        st.bind(1, t.family);
        while (st.step())
            tasks << st.columnText(0);
        if (tasks.isEmpty()) {
            Statement ex = db.prepare(QStringLiteral("SELECT DISTINCT instruction FROM examples WHERE family=? AND "
                                                     "status='valid' AND instruction != '' ORDER BY instruction"));
            ex.bind(1, t.family);
            while (ex.step())
                tasks << ex.columnText(0);
        }
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    if (tasks.isEmpty())
        tasks = t.exampleTasks;
    if (tasks.isEmpty())
        return noTasks(t);
    return tasks;
}

Expected<QStringList> previewTasks(const Workspace &workspace, const PromptTemplate &t)
{
    auto db = workspace.connect();
    if (!db)
        return makeError(db.error());
    return previewTasks(**db, t);
}

Expected<QList<PreviewItem>> renderPreview(const PromptTemplate &t, const QStringList &tasks, const QString &language,
                                           int n, quint64 seed)
{
    const qsizetype familyIndex = taskFamilies().indexOf(t.family);
    if (familyIndex < 0)
        return unknownFamily(t.family);
    QString code;
    if (!language.isEmpty()) {
        const LanguageInfo *l = findLanguage(language);
        if (!l)
            return makeError(QCoreApplication::translate(
                                 "ef::Generation", "unknown language '%1' (use a code of the XLM-R table, e.g. de, zh)")
                                 .arg(language));
        code = l->code;
    }
    const bool withTask = takesTask(t);
    if (withTask && tasks.isEmpty())
        return noTasks(t);
    auto sampler = Sampler::create({}, seed);
    if (!sampler)
        return makeError(sampler.error());
    const QStringList used = placeholdersIn(t.text);
    const bool usesLanguage = used.contains(QStringLiteral("language")) || used.contains(QStringLiteral("src_lang"));
    QList<PreviewItem> out;
    for (int i = 0; i < n; ++i) {
        sampler->reseed(Sampler::deriveSeed(seed, static_cast<quint64>(familyIndex), static_cast<quint64>(i)));
        PreviewItem item;
        item.family = t.family;
        item.templateId = t.id;
        if (withTask)
            item.task = tasks.at(sampler->uniformInt(static_cast<int>(tasks.size())));
        SampledValues sv = sampler->sample(t, code);
        // A template without a language placeholder (a brainstorm) has no language to show.
        item.language = usesLanguage ? sv.language : QString();
        item.values = sv.values;
        if (!item.task.isEmpty())
            item.values.insert(QStringLiteral("task"), item.task);
        auto prompt = renderTemplate(t.text, item.values);
        if (!prompt)
            return makeError(
                QCoreApplication::translate("ef::Generation", "template '%1': %2").arg(t.id, prompt.error()));
        item.prompt = prompt.value();
        out.append(item);
    }
    return out;
}

Expected<QList<PreviewItem>> renderPreview(Database &db, const QString &family, const QString &language, int n,
                                           quint64 seed, const QString &templateId)
{
    if (!taskFamilies().contains(family))
        return unknownFamily(family);
    QList<PromptTemplate> all;
    try {
        all = templatestore::list(db);
    } catch (const DbError &e) {
        return makeError(e.message());
    }
    const PromptTemplate *t = nullptr;
    if (!templateId.isEmpty()) {
        for (const PromptTemplate &x : all)
            if (x.id == templateId)
                t = &x;
        if (!t)
            return makeError(
                QCoreApplication::translate("ef::Generation", "no template '%1' in this workspace").arg(templateId));
        if (t->family != family)
            return makeError(
                QCoreApplication::translate("ef::Generation", "template '%1' belongs to family '%2', not '%3'")
                    .arg(templateId, t->family, family));
    } else {
        t = findFamilyTemplate(all, family, QStringLiteral("generate"));
        if (!t)
            return makeError(
                QCoreApplication::translate("ef::Generation", "the workspace has no generate template for family '%1'")
                    .arg(family));
    }
    const Expected<QStringList> tasks = previewTasks(db, *t);
    if (!tasks)
        return makeError(tasks.error());
    return renderPreview(*t, tasks.value(), language, n, seed);
}

void callPreview(QList<PreviewItem> &items, const PromptTemplate &t, const EndpointProfile &endpoint,
                 const QString &apiKey)
{
    if (items.isEmpty())
        return;
    LlmClient client(endpoint, apiKey);
    QEventLoop loop;
    int left = static_cast<int>(items.size());
    QObject guard;
    QObject::connect(
        &client, &LlmClient::finished, &guard,
        [&](const LlmResult &r) {
            PreviewItem &item = items[static_cast<int>(r.id)];
            item.called = true;
            item.rawResponse = r.content;
            if (!r.ok)
                item.error = r.error;
            else if (t.step == QLatin1String("generate"))
                item.example = extractExample(t, item.task, r.content);
            if (--left == 0)
                loop.quit();
        },
        Qt::QueuedConnection);
    for (int i = 0; i < items.size(); ++i)
        client.submit({static_cast<quint64>(i), items.at(i).prompt, QStringLiteral("ef-preview-%1").arg(i)});
    loop.exec();
}

JobSpec makePreviewGridJob(const PreviewGridRequest &request)
{
    JobSpec spec;
    spec.kind = QStringLiteral("generate.preview");
    spec.titleText = request.endpoint
                         ? trText("ef::Generation", QT_TRANSLATE_NOOP("ef::Generation", "Preview with the LLM"))
                         : trText("ef::Generation", QT_TRANSLATE_NOOP("ef::Generation", "Render preview"));
    spec.body = [request](JobContext &ctx) {
        const auto db = ctx.take(request.workspace.connect());
        ctx.setTotal(static_cast<qint64>(request.families.size() * request.languages.size()));
        QString key;
        if (request.endpoint) {
            QString keyError;
            key = apikeys::resolve(*request.endpoint, &keyError);
            if (!keyError.isEmpty())
                ctx.fail(keyError);
        }
        PreviewGrid grid;
        grid.families = request.families;
        grid.languages = request.languages;
        qint64 done = 0;
        for (const QString &language : request.languages) {
            for (const QString &family : request.families) {
                ctx.throwIfCancelled();
                auto items = renderPreview(*db, family, language, request.perCell, request.seed);
                if (!items) {
                    grid.errors.append(QStringLiteral("%1/%2: %3").arg(language, family, items.error()));
                    grid.cells.append(QList<PreviewItem>());
                } else {
                    if (request.endpoint && !items->isEmpty()) {
                        const PromptTemplate t = ctx.take(templatestore::load(*db, items->constFirst().templateId));
                        callPreview(items.value(), t, *request.endpoint, key);
                    }
                    grid.cells.append(items.value());
                }
                ctx.setProgress(++done, QStringLiteral("%1 · %2").arg(language, family));
            }
        }
        ctx.setResult(grid);
    };
    return spec;
}

} // namespace ef
