// SPDX-License-Identifier: GPL-3.0-or-later
// The workspace check job and the demo workspace.
#include "backend/workspacetasks.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QLoggingCategory>

#include "backend/argtext.h"
#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dataset.h"

Q_LOGGING_CATEGORY(lcDemo, "embedforge.demo")

namespace ef {

JobSpec makeWorkspaceCheckJob(const QString &path)
{
    JobSpec spec;
    spec.kind = QStringLiteral("workspace.check");
    spec.titleText =
        trText("ef::Workspace", QT_TRANSLATE_NOOP("ef::Workspace", "Check %1"), {QFileInfo(path).fileName()});
    spec.handle = path;
    spec.body = [path](JobContext &ctx) {
        const CheckReport report = Workspace::check(path, [&ctx](int done, int total, const QString &step) {
            ctx.setTotal(total);
            ctx.setProgress(done, step);
        });
        ctx.setResult(report);
        if (!report.ok)
            ctx.fail(report.items.isEmpty()
                         ? QCoreApplication::translate("ef::Workspace", "the check of '%1' failed").arg(path)
                         : report.items.constLast().detail);
        ctx.setMessage(trText("ef::Workspace", QT_TRANSLATE_NOOP("ef::Workspace", "healthy")));
    };
    return spec;
}

Expected<Workspace> openDemoWorkspace(const QString &path)
{
    if (QFileInfo::exists(path))
        return Workspace::open(path);
    auto ws = Workspace::create(path);
    if (!ws)
        return ws;
    auto loaded = importDemoExamples(ws.value());
    if (!loaded)
        return makeError(
            QCoreApplication::translate("ef::Workspace",
                                        "The demo workspace %1 was created but its examples could not be loaded: %2")
                .arg(path, loaded.error()));
    qCInfo(lcDemo, "%s",
           qPrintable(QCoreApplication::translate("ef::Workspace", "Loaded %1 demo examples into %2")
                          .arg(argText(loaded.value()), argText(path))));
    auto db = ws->connect();
    if (!db)
        return makeError(db.error());
    auto corpus =
        importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
    if (!corpus)
        return makeError(
            QCoreApplication::translate("ef::Workspace",
                                        "The demo workspace %1 was created but its corpus could not be loaded: %2")
                .arg(path, corpus.error()));
    return ws;
}

Expected<WorkspaceHoldings> workspaceHoldings(const Workspace &ws)
{
    auto db = ws.connect();
    if (!db)
        return makeError(db.error());
    try {
        WorkspaceHoldings h;
        Statement st = (*db)->prepare(QStringLiteral("SELECT status, COUNT(*) FROM examples GROUP BY status"));
        while (st.step())
            h.examplesByStatus.insert(st.columnText(0), st.columnInt(1));
        h.excluded = (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE excluded = 1"));
        Statement c = (*db)->prepare(QStringLiteral("SELECT name FROM corpora ORDER BY name"));
        while (c.step())
            h.corpora << c.columnText(0);
        h.unfinishedGenerationRuns =
            (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM gen_runs WHERE state != 'finished'"));
        return h;
    } catch (const DbError &e) {
        return makeError(e.message());
    }
}

} // namespace ef
