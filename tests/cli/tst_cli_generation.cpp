// SPDX-License-Identifier: GPL-3.0-or-later
// End-to-end tests of the templates, preview, generate and dataset commands (SIGKILL + resume).
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "backend/database.h"
#include "tests/common/fakellmserver.h"
#include "tests/common/testutil.h"

using ef::test::FakeLlmServer;
using ef::test::runCli;

namespace {

const QString kSecret = QStringLiteral("sk-CLI-SECRET-4242");

QJsonObject json(const QByteArray &line)
{
    return QJsonDocument::fromJson(line.trimmed().split('\n').last()).object();
}

QStringList rows(const QString &path, const QString &sql)
{
    auto db = ef::Database::open(path, ef::Database::Mode::ReadOnly);
    if (!db)
        qFatal("%s", qPrintable(db.error()));
    QStringList out;
    ef::Statement st = (*db)->prepare(sql);
    while (st.step()) {
        QStringList cols;
        for (int i = 0; i < st.columnCount(); ++i)
            cols << st.columnText(i);
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

QByteArray filesUnder(const QString &dir)
{
    QByteArray all;
    for (const QFileInfo &fi : QDir(dir).entryInfoList(QDir::Files)) {
        QFile f(fi.absoluteFilePath());
        if (f.open(QIODevice::ReadOnly))
            all += f.readAll();
    }
    return all;
}

} // namespace

class TestCliGeneration final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    QString newWorkspace(const QString &name)
    {
        const QString path = m_dir.filePath(name);
        const auto r = runCli({QStringLiteral("workspace"), QStringLiteral("init"), path});
        if (r.exitCode != 0)
            qFatal("workspace init failed: %s", r.err.constData());
        return path;
    }

private Q_SLOTS:
    void templatesCommands()
    {
        const QString ws = newWorkspace(QStringLiteral("t.efws"));
        auto r = runCli({QStringLiteral("--json"), QStringLiteral("templates"), QStringLiteral("list"),
                         QStringLiteral("--workspace"), ws});
        QCOMPARE(r.exitCode, 0);
        const QJsonArray list = json(r.out).value(QStringLiteral("templates")).toArray();
        QCOMPARE(list.size(), 10);
        QSet<QString> families;
        for (const QJsonValue &v : list) {
            const QJsonObject o = v.toObject();
            QVERIFY(!o.value(QStringLiteral("id")).toString().isEmpty());
            QVERIFY(o.value(QStringLiteral("step")).toString() == QLatin1String("generate") ||
                    o.value(QStringLiteral("step")).toString() == QLatin1String("brainstorm"));
            families.insert(o.value(QStringLiteral("family")).toString());
        }
        QCOMPARE(families.size(), 6);

        QCOMPARE(runCli({QStringLiteral("templates"), QStringLiteral("validate"), QStringLiteral("--workspace"), ws})
                     .exitCode,
                 0);
        QCOMPARE(runCli({QStringLiteral("templates"), QStringLiteral("list")}).exitCode, 2); // --workspace is required
        QCOMPARE(runCli({QStringLiteral("templates"), QStringLiteral("show"), QStringLiteral("nope"),
                         QStringLiteral("--workspace"), ws})
                     .exitCode,
                 1);

        // Export, edit, import: a new version, and a diff against the built-in.
        const QString file = m_dir.filePath(QStringLiteral("sts.json"));
        r = runCli({QStringLiteral("templates"), QStringLiteral("export"), QStringLiteral("sts.generate"),
                    QStringLiteral("--workspace"), ws, QStringLiteral("--out"), file});
        QCOMPARE(r.exitCode, 0);
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject doc = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QJsonArray arr = doc.value(QStringLiteral("templates")).toArray();
        QCOMPARE(arr.size(), 1);
        QJsonObject t = arr.at(0).toObject();
        t.insert(QStringLiteral("text"),
                 QString(t.value(QStringLiteral("text")).toString() + QStringLiteral("\nKeep it short.")));
        arr[0] = t;
        doc.insert(QStringLiteral("templates"), arr);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(doc).toJson());
        f.close();
        r = runCli({QStringLiteral("--json"), QStringLiteral("templates"), QStringLiteral("import"), file,
                    QStringLiteral("--workspace"), ws});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(json(r.out)
                     .value(QStringLiteral("imported"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("version"))
                     .toInt(),
                 2);
        r = runCli({QStringLiteral("--json"), QStringLiteral("templates"), QStringLiteral("show"),
                    QStringLiteral("sts.generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--diff"),
                    QStringLiteral("--history")});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject shown = json(r.out);
        QCOMPARE(shown.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(shown.value(QStringLiteral("history")).toArray().size(), 2);
        QVERIFY(shown.value(QStringLiteral("diff_vs_builtin"))
                    .toObject()
                    .value(QStringLiteral("text_diff"))
                    .toArray()
                    .contains(QStringLiteral("+ Keep it short.")));

        // An invalid template is reported and refused.
        t.insert(QStringLiteral("text"),
                 QString(t.value(QStringLiteral("text")).toString() + QStringLiteral(" {mood}")));
        arr[0] = t;
        doc.insert(QStringLiteral("templates"), arr);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(doc).toJson());
        f.close();
        r = runCli({QStringLiteral("templates"), QStringLiteral("validate"), QStringLiteral("--file"), file});
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.out.contains("unknown placeholder {mood}"));
        QCOMPARE(
            runCli({QStringLiteral("templates"), QStringLiteral("import"), file, QStringLiteral("--workspace"), ws})
                .exitCode,
            1);
    }

    void previewIsReproducible()
    {
        const QString ws = newWorkspace(QStringLiteral("p.efws"));
        const QStringList base = {QStringLiteral("--json"),      QStringLiteral("preview"),
                                  QStringLiteral("--workspace"), ws,
                                  QStringLiteral("--family"),    QStringLiteral("retrieval"),
                                  QStringLiteral("--language"),  QStringLiteral("zh"),
                                  QStringLiteral("--n"),         QStringLiteral("4")};
        const auto a = runCli(base + QStringList{QStringLiteral("--seed"), QStringLiteral("5")});
        const auto b = runCli(base + QStringList{QStringLiteral("--seed"), QStringLiteral("5")});
        const auto c = runCli(base + QStringList{QStringLiteral("--seed"), QStringLiteral("6")});
        QCOMPARE(a.exitCode, 0);
        QCOMPARE(a.out, b.out);
        QVERIFY(a.out != c.out);
        const QList<QByteArray> lines = a.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 4);
        for (const QByteArray &l : lines) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            QCOMPARE(o.value(QStringLiteral("language")).toString(), QStringLiteral("zh"));
            QVERIFY(o.value(QStringLiteral("prompt")).toString().contains(QStringLiteral("Chinese (Simplified)")));
            QVERIFY(!o.value(QStringLiteral("task")).toString().isEmpty());
        }
        QCOMPARE(runCli({QStringLiteral("preview"), QStringLiteral("--workspace"), ws}).exitCode, 2);
        QCOMPARE(runCli({QStringLiteral("preview"), QStringLiteral("--workspace"), ws, QStringLiteral("--family"),
                         QStringLiteral("poetry")})
                     .exitCode,
                 1);

        FakeLlmServer server;
        const auto called = runCli({QStringLiteral("--json"), QStringLiteral("preview"), QStringLiteral("--workspace"),
                                    ws, QStringLiteral("--family"), QStringLiteral("sts"), QStringLiteral("--n"),
                                    QStringLiteral("2"), QStringLiteral("--call"), QStringLiteral("--base-url"),
                                    server.baseUrl(), QStringLiteral("--model"), QStringLiteral("m")});
        QCOMPARE(called.exitCode, 0);
        for (const QByteArray &l : called.out.trimmed().split('\n')) {
            const QJsonObject o = QJsonDocument::fromJson(l).object();
            QCOMPARE(o.value(QStringLiteral("status")).toString(), QStringLiteral("valid"));
            QVERIFY(o.value(QStringLiteral("example"))
                        .toObject()
                        .value(QStringLiteral("query"))
                        .toString()
                        .startsWith(QStringLiteral("S1 of ")));
        }
        QCOMPARE(server.requestCount(), 2);
    }

    // Issue 16.2: a second `generate --resume` on a running run re-sent its requests in flight.
    void secondOwnerOfARunIsRefused()
    {
        FakeLlmServer server;
        server.setDefaultDelayMs(300);
        const QString ws = newWorkspace(QStringLiteral("lease.efws"));
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EF_TEST_KEY"), kSecret);
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("EMBEDFORGE_CLI"),
                {QStringLiteral("generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--examples"),
                 QStringLiteral("16"), QStringLiteral("--families"), QStringLiteral("sts"),
                 QStringLiteral("--concurrency"), QStringLiteral("4"), QStringLiteral("--base-url"), server.baseUrl(),
                 QStringLiteral("--model"), QStringLiteral("fake"), QStringLiteral("--api-key-env"),
                 QStringLiteral("EF_TEST_KEY")});
        QVERIFY(p.waitForStarted(10000));
        QElapsedTimer t;
        t.start();
        while (server.requestCount() < 4 && t.elapsed() < 20000)
            QThread::msleep(2);
        QVERIFY(server.requestCount() >= 4);

        const auto second =
            runCli({QStringLiteral("generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--resume")}, {},
                   {QStringLiteral("EF_TEST_KEY=") + kSecret});
        QCOMPARE(second.exitCode, 1);
        const QByteArray expected =
            "generation run 1 is being processed by process " + QByteArray::number(p.processId()) + " since ";
        QVERIFY2(second.err.contains(expected), second.err.constData());

        QVERIFY(p.waitForFinished(60000));
        QCOMPARE(p.exitCode(), 0);
        // Every request went out once.
        QCOMPARE(server.requestCount(), 16);
        QCOMPARE(rows(ws, QStringLiteral("SELECT MAX(sends) FROM gen_requests")), QStringList{QStringLiteral("1")});
        QSet<QString> tags;
        for (const auto &r : server.requests())
            tags.insert(r.tag());
        QCOMPARE(tags.size(), 16);
    }

    // Issue 16.6: a key file readable by others was refused, and the run then went out without a key.
    void looseKeyFileStopsTheRun()
    {
        FakeLlmServer server;
        const QString ws = newWorkspace(QStringLiteral("loose.efws"));
        const QString keyFile =
            qEnvironmentVariable("XDG_CONFIG_HOME") + QStringLiteral("/EmbedForge/EmbedForge/api-keys.json");
        ef::test::writeFile(keyFile, "{\"fake\": \"sk-LOOSE-0001\"}");
        QVERIFY(
            QFile::setPermissions(keyFile, QFile::ReadOwner | QFile::WriteOwner | QFile::ReadGroup | QFile::ReadOther));
        const auto r =
            runCli({QStringLiteral("generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--examples"),
                    QStringLiteral("2"), QStringLiteral("--families"), QStringLiteral("sts"),
                    QStringLiteral("--base-url"), server.baseUrl(), QStringLiteral("--model"), QStringLiteral("fake"),
                    QStringLiteral("--api-key-env"), QStringLiteral("EF_UNSET_KEY_VARIABLE")});
        QFile::remove(keyFile);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("is readable by other users; run chmod 600 on it"), r.err.constData());
        QCOMPARE(server.requestCount(), 0);
        // Issue 14.1: a key variable that is not set (and no key file) stops it before it starts.
        const auto unset =
            runCli({QStringLiteral("generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--examples"),
                    QStringLiteral("2"), QStringLiteral("--families"), QStringLiteral("sts"),
                    QStringLiteral("--base-url"), server.baseUrl(), QStringLiteral("--model"), QStringLiteral("fake"),
                    QStringLiteral("--api-key-env"), QStringLiteral("EF_UNSET_KEY_VARIABLE")});
        QCOMPARE(unset.exitCode, 1);
        QVERIFY2(unset.err.contains("the environment variable EF_UNSET_KEY_VARIABLE is not set"),
                 unset.err.constData());
        QCOMPARE(server.requestCount(), 0);
        QCOMPARE(rows(ws, QStringLiteral("SELECT COUNT(*) FROM gen_runs")), QStringList{QStringLiteral("0")});
    }

    // Issue 13.7 and 13.11: the paper's family mix by default, --family-weights, the plan and
    // cost before anything is sent, and --budget stopping a run that a resume then finishes.
    void familyMixEstimateAndBudget()
    {
        FakeLlmServer server;
        const QString ws = newWorkspace(QStringLiteral("mix.efws"));
        const QStringList endpoint{
            QStringLiteral("--base-url"), server.baseUrl(),       QStringLiteral("--model"),     QStringLiteral("fake"),
            QStringLiteral("--price-in"), QStringLiteral("1000"), QStringLiteral("--price-out"), QStringLiteral("2000"),
            QStringLiteral("--currency"), QStringLiteral("EUR")};
        const auto estimate =
            runCli(QStringList{QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--examples"), QStringLiteral("600"), QStringLiteral("--languages"),
                               QStringLiteral("en,zh,de,sw"), QStringLiteral("--estimate")} +
                   endpoint);
        QVERIFY2(estimate.exitCode == 0, estimate.err.constData());
        QCOMPARE(server.requestCount(), 0);
        const QJsonObject e = json(estimate.out).value(QStringLiteral("estimate")).toObject();
        const QJsonObject perFamily = e.value(QStringLiteral("examples_per_family")).toObject();
        QCOMPARE(perFamily.value(QStringLiteral("retrieval")).toInt(), 198); // 600 x 167/507
        QCOMPARE(perFamily.value(QStringLiteral("classification")).toInt(), 144);
        QCOMPARE(perFamily.value(QStringLiteral("sts")).toInt(), 117);
        QCOMPARE(perFamily.value(QStringLiteral("bitext")).toInt(), 105);
        QCOMPARE(perFamily.value(QStringLiteral("long-long")).toInt(), 20);
        QCOMPARE(perFamily.value(QStringLiteral("short-short")).toInt(), 16);
        QCOMPARE(e.value(QStringLiteral("requests")).toInt(), 600 + 10 + 8 + 1 + 1); // and the brainstorms
        QCOMPARE(e.value(QStringLiteral("currency")).toString(), QStringLiteral("EUR"));
        QVERIFY(e.value(QStringLiteral("cost")).toDouble() > 0);
        QVERIFY(e.value(QStringLiteral("prompt_tokens")).toDouble() > 600 * 50);
        const double sw =
            e.value(QStringLiteral("expected_examples_per_language")).toObject().value(QStringLiteral("sw")).toDouble();
        QVERIFY2(sw > 0 && sw < 3, qPrintable(QString::number(sw)));
        QVERIFY2(e.value(QStringLiteral("warnings")).toArray().at(0).toString().contains(QStringLiteral("'sw'")),
                 estimate.out.constData());

        // --family-weights: the requested proportions, on the local server.
        const auto weighted =
            runCli(QStringList{QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--examples"), QStringLiteral("40"), QStringLiteral("--family-weights"),
                               QStringLiteral("sts=3,bitext=1")} +
                   endpoint);
        QVERIFY2(weighted.exitCode == 0, weighted.err.constData());
        QCOMPARE(rows(ws, QStringLiteral("SELECT family, COUNT(*) FROM gen_requests WHERE kind='generate' GROUP BY "
                                         "family ORDER BY family")),
                 (QStringList{QStringLiteral("bitext|10"), QStringLiteral("sts|30")}));
        QCOMPARE(rows(ws, QStringLiteral("SELECT family, COUNT(*) FROM examples WHERE status='valid' GROUP BY family "
                                         "ORDER BY family")),
                 (QStringList{QStringLiteral("bitext|10"), QStringLiteral("sts|30")}));
        QCOMPARE(runCli(QStringList{QStringLiteral("generate"), QStringLiteral("--workspace"), ws,
                                    QStringLiteral("--examples"), QStringLiteral("4"),
                                    QStringLiteral("--family-weights"), QStringLiteral("poetry=1")} +
                        endpoint)
                     .exitCode,
                 2);

        // --budget: each request costs 100 x 1000 + 50 x 2000 per million = 0.2 EUR.
        server.setDefaultDelayMs(40);
        const int before = server.requestCount();
        const auto stopped =
            runCli(QStringList{QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--examples"), QStringLiteral("30"), QStringLiteral("--families"),
                               QStringLiteral("sts"), QStringLiteral("--concurrency"), QStringLiteral("2"),
                               QStringLiteral("--budget"), QStringLiteral("2")} +
                   endpoint);
        QCOMPARE(stopped.exitCode, 1);
        const QJsonObject s = json(stopped.out);
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QVERIFY2(s.value(QStringLiteral("cost")).toDouble() >= 1.8 && s.value(QStringLiteral("cost")).toDouble() <= 2.6,
                 stopped.out.constData());
        QVERIFY(server.requestCount() - before < 30);
        const QString run = QString::number(s.value(QStringLiteral("run")).toInt());
        QVERIFY2(rows(ws, QStringLiteral("SELECT message FROM gen_runs WHERE id=") + run)
                     .value(0)
                     .startsWith(QStringLiteral("stopped at the budget: spent")),
                 qPrintable(rows(ws, QStringLiteral("SELECT message FROM gen_runs WHERE id=") + run).value(0)));
        const auto resumed = runCli({QStringLiteral("--json"), QStringLiteral("generate"),
                                     QStringLiteral("--workspace"), ws, QStringLiteral("--resume"),
                                     QStringLiteral("--run"), run, QStringLiteral("--budget"), QStringLiteral("100")});
        QVERIFY2(resumed.exitCode == 0, resumed.err.constData());
        QCOMPARE(json(resumed.out).value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QCOMPARE(json(resumed.out).value(QStringLiteral("valid")).toInt(), 30);
        QCOMPARE(server.requestCount() - before, 30); // nothing sent twice
    }

    void generateKilledAndResumed()
    {
        FakeLlmServer server;
        server.setDefaultDelayMs(25);
        const QString ws = newWorkspace(QStringLiteral("g.efws"));
        const QString ref = newWorkspace(QStringLiteral("ref.efws"));
        const QStringList args = {QStringLiteral("--examples"),       QStringLiteral("60"),
                                  QStringLiteral("--families"),       QStringLiteral("retrieval,sts,bitext"),
                                  QStringLiteral("--family-weights"), QStringLiteral("retrieval=1,sts=1,bitext=1"),
                                  QStringLiteral("--concurrency"),    QStringLiteral("4"),
                                  QStringLiteral("--seed"),           QStringLiteral("5"),
                                  QStringLiteral("--base-url"),       server.baseUrl(),
                                  QStringLiteral("--model"),          QStringLiteral("fake"),
                                  QStringLiteral("--api-key-env"),    QStringLiteral("EF_TEST_KEY"),
                                  QStringLiteral("--retry-base-ms"),  QStringLiteral("10")};

        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("EF_TEST_KEY"), kSecret);
        p.setProcessEnvironment(env);
        p.start(qEnvironmentVariable("EMBEDFORGE_CLI"),
                QStringList{QStringLiteral("generate"), QStringLiteral("--workspace"), ws} + args);
        QVERIFY(p.waitForStarted(10000));
        QElapsedTimer t;
        t.start();
        while (server.requestCount() < 25 && t.elapsed() < 20000)
            QThread::msleep(2);
        QVERIFY(server.requestCount() >= 25);
        const auto stateNow = [&] {
            auto st = runCli({QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("status"),
                              QStringLiteral("--workspace"), ws});
            return json(st.out)
                .value(QStringLiteral("runs"))
                .toArray()
                .at(0)
                .toObject()
                .value(QStringLiteral("state"))
                .toString();
        };
        p.kill(); // SIGKILL, mid-run
        QVERIFY(p.waitForFinished(10000));
        QCOMPARE(p.exitStatus(), QProcess::CrashExit);
        // Stored as running, held by nobody: the truth is that it was interrupted (issue 14.1).
        QCOMPARE(stateNow(), QStringLiteral("interrupted"));
        const int sentBeforeKill = server.requestCount();

        const QSet<QString> doneBefore = [&] {
            const QStringList tags =
                rows(ws, QStringLiteral("SELECT 'ef-' || run_id || '-' || seq FROM gen_requests WHERE state='done'"));
            return QSet<QString>(tags.cbegin(), tags.cend());
        }();
        const int examplesBefore = rows(ws, QStringLiteral("SELECT id FROM examples")).size();
        QVERIFY(!doneBefore.isEmpty());
        QCOMPARE(examplesBefore,
                 rows(ws, QStringLiteral("SELECT id FROM gen_requests WHERE state='done' AND kind='generate'")).size());
        QVERIFY(rows(ws, QStringLiteral("SELECT id FROM gen_requests WHERE state != 'done'")).size() > 0);

        // A resume may change the requests in flight (issue 14.3: one setting, kept with the run).
        auto resumed = runCli({QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("--workspace"), ws,
                               QStringLiteral("--resume"), QStringLiteral("--concurrency"), QStringLiteral("3")},
                              {}, {QStringLiteral("EF_TEST_KEY=") + kSecret});
        QCOMPARE(resumed.exitCode, 0);
        QCOMPARE(rows(ws, QStringLiteral("SELECT json_extract(config, '$.concurrency') FROM gen_runs")),
                 QStringList{QStringLiteral("3")});
        const QJsonObject summary = json(resumed.out);
        QCOMPARE(summary.value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QCOMPARE(summary.value(QStringLiteral("valid")).toInt(), 60);

        // No request completed before the kill went out again.
        for (const auto &req : server.requests().mid(sentBeforeKill))
            QVERIFY2(!doneBefore.contains(req.tag()), qPrintable(req.tag()));
        QCOMPARE(rows(ws, QStringLiteral("SELECT id FROM examples")).size(), 60);
        QCOMPARE(rows(ws, QStringLiteral("SELECT DISTINCT request_id FROM examples")).size(), 60);
        QCOMPARE(rows(ws, QStringLiteral("SELECT id FROM gen_requests WHERE state='done'")).size(), 61);

        // Exactly what an uninterrupted run with the same seed produces.
        auto straight = runCli(
            QStringList{QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("--workspace"), ref} +
                args,
            {}, {QStringLiteral("EF_TEST_KEY=") + kSecret});
        QCOMPARE(straight.exitCode, 0);
        const QString cmp = QStringLiteral("SELECT family, language, instruction, query, positive, "
                                           "COALESCE(negative,''), status FROM examples ORDER BY 1,2,3,4,5");
        QCOMPARE(rows(ws, cmp), rows(ref, cmp));

        auto status = runCli({QStringLiteral("--json"), QStringLiteral("generate"), QStringLiteral("status"),
                              QStringLiteral("--workspace"), ws});
        QCOMPARE(status.exitCode, 0);
        QCOMPARE(json(status.out)
                     .value(QStringLiteral("runs"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(QStringLiteral("state"))
                     .toString(),
                 QStringLiteral("finished"));
        QCOMPARE(runCli({QStringLiteral("generate"), QStringLiteral("--workspace"), ws, QStringLiteral("--resume")})
                     .exitCode,
                 1); // nothing left

        // Stats and exports; the key is nowhere in the workspace, the outputs or the exports.
        auto stats = runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("stats"),
                             QStringLiteral("--workspace"), ws});
        QCOMPARE(stats.exitCode, 0);
        const QJsonObject st = json(stats.out);
        QCOMPARE(st.value(QStringLiteral("valid")).toInt(), 60);
        QCOMPARE(st.value(QStringLiteral("invalid")).toInt(), 0);
        QCOMPARE(st.value(QStringLiteral("duplicate")).toInt(), 0);
        QCOMPARE(st.value(QStringLiteral("by_family")).toObject().value(QStringLiteral("bitext")).toInt(), 20);
        QVERIFY(st.contains(QStringLiteral("by_language")) && st.contains(QStringLiteral("invalid_reasons")));
        const QString outDir = m_dir.filePath(QStringLiteral("exports"));
        QDir().mkpath(outDir);
        auto ex = runCli({QStringLiteral("--json"), QStringLiteral("dataset"), QStringLiteral("export"),
                          QStringLiteral("--workspace"), ws, QStringLiteral("--format"), QStringLiteral("triplets"),
                          QStringLiteral("--out"), outDir + QStringLiteral("/tr.jsonl"),
                          QStringLiteral("--validation-fraction"), QStringLiteral("0.2"), QStringLiteral("--seed"),
                          QStringLiteral("1")});
        QCOMPARE(ex.exitCode, 0);
        const QJsonObject exj = json(ex.out);
        QCOMPARE(exj.value(QStringLiteral("train")).toInt() + exj.value(QStringLiteral("validation")).toInt(), 60);
        QCOMPARE(runCli({QStringLiteral("dataset"), QStringLiteral("export"), QStringLiteral("--workspace"), ws,
                         QStringLiteral("--format"), QStringLiteral("examples"), QStringLiteral("--out"),
                         outDir + QStringLiteral("/ex.jsonl")})
                     .exitCode,
                 0);
        QCOMPARE(runCli({QStringLiteral("dataset"), QStringLiteral("export"), QStringLiteral("--workspace"), ws,
                         QStringLiteral("--format"), QStringLiteral("csv"), QStringLiteral("--out"),
                         outDir + QStringLiteral("/x")})
                     .exitCode,
                 2);
        QVERIFY(server.requests().at(0).headers.value("authorization") == ("Bearer " + kSecret).toUtf8());
        const QByteArray secret = kSecret.toUtf8();
        QVERIFY(!filesUnder(m_dir.path()).contains(secret));
        QVERIFY(!filesUnder(outDir).contains(secret));
        QVERIFY(!resumed.out.contains(secret) && !resumed.err.contains(secret));
        QVERIFY(!straight.out.contains(secret) && !straight.err.contains(secret));
    }
};

QTEST_GUILESS_MAIN(TestCliGeneration)
#include "tst_cli_generation.moc"
