// SPDX-License-Identifier: GPL-3.0-or-later
// GUI tests of the Templates and Generate pages: editing with live validation, versions and
// diff; a generation run against a local OpenAI-compatible server, stopped and resumed; the
// preview grid with the LLM's parsed answers.
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLocale>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QLineEdit>
#include <QMessageBox>
#include <QTimer>
#include <QApplication>
#include <QTextCursor>
#include <QProgressBar>
#include <QTest>
#include <QTreeWidget>

#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"
#include "backend/generation.h"
#include "tests/common/fakellmserver.h"
#include "tests/common/modal.h"
#include "tests/common/testutil.h"
#include "widgets/generatepage.h"
#include "widgets/templatespage.h"

using namespace ef;

class TestGeneratePages final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void templatesEditValidateSaveAndDiff();
    void templatePreviewEqualsTheCli_data();
    void templatePreviewEqualsTheCli();
    void generateRunStopResume();
    void resumeSendsWithThePagesConcurrency();
    void partlyFailedRunSaysSo();
    void previewGridSendsAndParses();
    void planShowsCountsCostAndWarnings();
    void unsavedEditsAskSaveDiscardOrCancel();

private:
    AppSettings settingsFor(const test::FakeLlmServer &server) const;
    QTemporaryDir m_dir;
    QThreadPool m_pool;
};

void TestGeneratePages::initTestCase()
{
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    qputenv("EMBEDFORGE_TEST_KEY", "sk-test-not-a-secret");
}

AppSettings TestGeneratePages::settingsFor(const test::FakeLlmServer &server) const
{
    AppSettings s;
    EndpointProfile p;
    p.name = QStringLiteral("fake");
    p.baseUrl = server.baseUrl();
    p.model = QStringLiteral("fake-model");
    p.apiKeyEnv = QStringLiteral("EMBEDFORGE_TEST_KEY");
    p.maxRetries = 1;
    p.backoffBaseMs = 10;
    s.endpoints = {p};
    return s;
}

void TestGeneratePages::templatesEditValidateSaveAndDiff()
{
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("templates.efws")));
    QVERIFY(ws);
    TemplatesPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &TemplatesPage::templatesLoaded);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));
    QCOMPARE(loaded.first().first().toInt(), 10); // 4 brainstorm + 6 generate templates
    QVERIFY(page.templateIds().contains(QStringLiteral("retrieval.generate")));
    page.selectTemplate(QStringLiteral("retrieval.generate"));
    auto *text = page.findChild<QPlainTextEdit *>(QStringLiteral("templateText"));
    QTRY_VERIFY_WITH_TIMEOUT(text->toPlainText().contains(QStringLiteral("{query_type}")), 5000);
    auto *save = page.findChild<QPushButton *>(QStringLiteral("saveTemplate"));
    QVERIFY(!save->isEnabled()); // nothing changed yet

    // An unknown placeholder is an error: shown, and saving is refused.
    text->appendPlainText(QStringLiteral("Mention the {tone} of voice."));
    QTRY_VERIFY_WITH_TIMEOUT(!page.currentIssues().isEmpty(), 2000);
    QVERIFY(hasErrors(page.currentIssues()));
    QVERIFY(!save->isEnabled());
    auto *issues = page.findChild<QTreeWidget *>(QStringLiteral("templateIssues"));
    QVERIFY(issues->topLevelItemCount() > 0);
    QVERIFY(issues->topLevelItem(0)->text(1).contains(QStringLiteral("tone")));

    // A valid edit saves as a new version; the built-in diff shows it.
    text->setPlainText(text->toPlainText().replace(QStringLiteral("Mention the {tone} of voice."),
                                                   QStringLiteral("Prefer recent events.")));
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), 2000);
    QSignalSpy saved(&page, &TemplatesPage::templateSaved);
    QTest::mouseClick(save, Qt::LeftButton);
    QVERIFY(saved.wait(5000));
    QCOMPARE(saved.first().at(1).toInt(), 2);
    auto *history = page.findChild<QTreeWidget *>(QStringLiteral("templateHistory"));
    QTRY_COMPARE_WITH_TIMEOUT(history->topLevelItemCount(), 2, 5000);
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("diffBuiltin")), Qt::LeftButton);
    const QString diff = page.findChild<QPlainTextEdit *>(QStringLiteral("templateDiff"))->toPlainText();
    QVERIFY2(diff.contains(QStringLiteral("+ Prefer recent events.")), qPrintable(diff));
    // The preview renders prompts with sampled values filled in.
    const QString preview = page.findChild<QPlainTextEdit *>(QStringLiteral("templatePreview"))->toPlainText();
    QVERIFY(preview.contains(QStringLiteral("query_type = ")));
    QVERIFY(!preview.contains(QStringLiteral("{query_type}")));
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("templates-page.png"))));
}

void TestGeneratePages::templatePreviewEqualsTheCli_data()
{
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("language"); // empty: sampled
    QTest::addColumn<int>("seed");
    QTest::addColumn<int>("count");
    // retrieval takes a task: it comes from the workspace (the valid examples' instructions).
    QTest::newRow("retrieval, zh, seed 7") << QStringLiteral("retrieval") << QStringLiteral("zh") << 7 << 3;
    QTest::newRow("sts, sampled language, seed 123") << QStringLiteral("sts") << QString() << 123 << 4;
}

// The Templates page's Preview tab and `embedforge-cli preview` render the same prompts for the
// same family, language, seed and workspace (backend/preview's one seed rule).
void TestGeneratePages::templatePreviewEqualsTheCli()
{
    QFETCH(QString, family);
    QFETCH(QString, language);
    QFETCH(int, seed);
    QFETCH(int, count);
    const QString path = m_dir.filePath(QStringLiteral("preview-%1.efws").arg(family));
    auto ws = QFileInfo::exists(path) ? Workspace::open(path) : Workspace::create(path);
    QVERIFY2(ws, qPrintable(ws.error()));
    {
        auto db = ws->connect();
        if ((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples")) == 0) {
            Statement ins = (*db)->prepare(QStringLiteral(
                "INSERT INTO examples(family, language, instruction, query, positive, status, dedup_key, created_at) "
                "VALUES ('retrieval', 'en', ?, 'q', 'p', 'valid', ?, '2026-01-01T00:00:00.000Z')"));
            for (int i = 0; i < 5; ++i) {
                ins.bind(1, QStringLiteral("Retrieve workshop manuals for machine %1").arg(i))
                    .bind(2, QString::number(i))
                    .run();
                ins.reset();
            }
        }
    }
    TemplatesPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &TemplatesPage::templatesLoaded);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));
    page.selectTemplate(family + QStringLiteral(".generate"));
    auto *languageBox = page.findChild<QComboBox *>(QStringLiteral("previewLanguage"));
    auto *seedBox = page.findChild<QSpinBox *>(QStringLiteral("previewSeed"));
    auto *countBox = page.findChild<QSpinBox *>(QStringLiteral("previewCount"));
    QVERIFY(languageBox && seedBox && countBox);
    languageBox->setCurrentIndex(languageBox->findData(language));
    QCOMPARE(languageBox->currentData().toString(), language);
    seedBox->selectAll();
    QTest::keyClicks(seedBox, QString::number(seed));
    countBox->selectAll();
    QTest::keyClicks(countBox, QString::number(count));
    QCOMPARE(seedBox->value(), seed);
    QCOMPARE(countBox->value(), count);
    QTRY_VERIFY_WITH_TIMEOUT(page.previewItems().size() == count && page.previewItems().first().family == family, 5000);

    QStringList args = {QStringLiteral("--json"),      QStringLiteral("preview"),
                        QStringLiteral("--workspace"), path,
                        QStringLiteral("--family"),    family,
                        QStringLiteral("--n"),         QString::number(count),
                        QStringLiteral("--seed"),      QString::number(seed)};
    if (!language.isEmpty())
        args << QStringLiteral("--language") << language;
    const auto cli = test::runCli(args);
    QCOMPARE(cli.exitCode, 0);
    const QList<QByteArray> lines = cli.out.trimmed().split('\n');
    QCOMPARE(lines.size(), count);
    const QString shown = page.findChild<QPlainTextEdit *>(QStringLiteral("templatePreview"))->toPlainText();
    for (int i = 0; i < count; ++i) {
        const QJsonObject o = QJsonDocument::fromJson(lines.at(i)).object();
        const PreviewItem &item = page.previewItems().at(i);
        QCOMPARE(item.prompt, o.value(QStringLiteral("prompt")).toString());
        QCOMPARE(item.language, o.value(QStringLiteral("language")).toString());
        QCOMPARE(item.task, o.value(QStringLiteral("task")).toString());
        QVERIFY(shown.contains(item.prompt));
        if (family == QLatin1String("retrieval"))
            QVERIFY2(item.task.startsWith(QStringLiteral("Retrieve workshop manuals")), qPrintable(item.task));
    }
}

void TestGeneratePages::generateRunStopResume()
{
    test::FakeLlmServer server;
    server.setDefaultDelayMs(30);
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("generate.efws")));
    QVERIFY(ws);
    JobManager jobs;
    GeneratePage page(&jobs, &m_pool);
    page.resize(1200, 800);
    page.show();
    page.setSettings(settingsFor(server));
    page.setWorkspace(ws.value());
    auto cfg = page.config();
    QVERIFY2(cfg, qPrintable(cfg.error()));
    QCOMPARE(cfg->endpoint.baseUrl, server.baseUrl());

    QSignalSpy counters(&page, &GeneratePage::countersUpdated);
    QSignalSpy finished(&page, &GeneratePage::runFinished);
    page.start(false);
    QTRY_VERIFY_WITH_TIMEOUT(page.counters().done >= 10, 20000);
    page.stop();
    QVERIFY(finished.wait(20000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("cancelled"));
    const qint64 sentBefore = server.requestCount();
    QVERIFY(page.counters().done < page.counters().requestsTotal);
    // Issue 14.2: the button names the run it continues and how far it got.
    auto *resume = page.findChild<QPushButton *>(QStringLiteral("resumeRun"));
    const QString label =
        QStringLiteral("Resume run 1 (%1 of %2 done)")
            .arg(QString::number(page.counters().done), QString::number(page.counters().requestsTotal));
    QTRY_COMPARE_WITH_TIMEOUT(resume->text(), label, 5000);
    QVERIFY(resume->isEnabled());

    // Resume finishes the run without re-sending what was done.
    page.start(true);
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toString(), QStringLiteral("succeeded"));
    // A finished run cannot be resumed: the button says so and is disabled.
    QTRY_VERIFY_WITH_TIMEOUT(!resume->isEnabled() && resume->text() == QStringLiteral("Resume"), 5000);
    const GenerationCounters &c = page.counters();
    QCOMPARE(c.done + c.failed, c.requestsTotal);
    QVERIFY(c.valid > 0);
    QVERIFY(page.findChild<QLabel *>(QStringLiteral("runCounters"))->text().contains(QStringLiteral("valid")));
    auto db = ws->connect();
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM examples WHERE status = 'valid'")), c.valid);
    // Every HTTP request the server saw is a recorded send; only requests that were on the
    // wire when the run stopped went out twice, and none more often.
    QCOMPARE((*db)->queryInt(QStringLiteral("SELECT SUM(sends) FROM gen_requests")), qint64(server.requestCount()));
    QVERIFY((*db)->queryInt(QStringLiteral("SELECT MAX(sends) FROM gen_requests")) <= 2);
    QVERIFY(server.requestCount() - sentBefore <= c.requestsTotal - 10 + 8); // at most `concurrency` re-sent
    auto *runs = page.findChild<QTableWidget *>(QStringLiteral("runsTable"));
    QTRY_VERIFY_WITH_TIMEOUT(
        runs->rowCount() == 1 && runs->item(0, 1) && runs->item(0, 1)->text() == QStringLiteral("finished"), 5000);
    QCOMPARE(runs->item(0, 3)->text(), QLocale().toString(c.valid));
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("generate-page.png"))));
    // The API key never reaches the workspace.
    QCOMPARE(
        (*db)->queryInt(QStringLiteral("SELECT COUNT(*) FROM gen_runs WHERE config LIKE '%sk-test-not-a-secret%'")), 0);
    // Issue 14.3: another workspace shows nothing of this one's run.
    auto other = Workspace::create(m_dir.filePath(QStringLiteral("other.efws")));
    QVERIFY(other);
    page.setWorkspace(other.value());
    QCOMPARE(page.findChild<QLabel *>(QStringLiteral("runCounters"))->text(), QStringLiteral("No run in progress."));
    QCOMPARE(page.findChild<QTableWidget *>(QStringLiteral("runsTable"))->rowCount(), 0);
    QCOMPARE(page.findChild<QProgressBar *>()->value(), 0);
}

// Issue 14.3: "Requests in flight" on the page is the one setting. Settings has no second one,
// and a resume sends with the value the page shows, not the value stored when the run began.
void TestGeneratePages::resumeSendsWithThePagesConcurrency()
{
    test::FakeLlmServer first, second;
    first.setDefaultDelayMs(40);
    second.setDefaultDelayMs(40);
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("concurrency.efws")));
    QVERIFY(ws);
    JobManager jobs;
    GeneratePage page(&jobs, &m_pool);
    page.show();
    AppSettings settings = settingsFor(first);
    settings.endpoints[0].maxInFlight = 16; // not a setting any more: it must not matter
    page.setSettings(settings);
    page.setWorkspace(ws.value());
    auto *concurrency = page.findChild<QSpinBox *>(QStringLiteral("concurrency"));
    QVERIFY(concurrency);
    concurrency->setValue(6);
    QSignalSpy finished(&page, &GeneratePage::runFinished);
    page.start(false);
    QTRY_VERIFY_WITH_TIMEOUT(page.counters().done >= 12, 20000);
    page.stop();
    QVERIFY(finished.wait(20000));
    QCOMPARE(first.maxConcurrent(), 6);

    concurrency->setValue(2);
    settings = settingsFor(second);
    settings.endpoints[0].maxInFlight = 16;
    page.setSettings(settings);
    page.start(true);
    // While it runs, the list says so (not "interrupted", before or after its job holds the run).
    auto *runs = page.findChild<QTableWidget *>(QStringLiteral("runsTable"));
    QTRY_VERIFY_WITH_TIMEOUT(second.requestCount() > 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(runs->rowCount() == 1 && runs->item(0, 1), 5000);
    if (finished.count() == 1) // still running
        QCOMPARE(runs->item(0, 1)->text(), QStringLiteral("running"));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.last().at(1).toString(), QStringLiteral("succeeded"));
    QVERIFY(second.requestCount() > 4);
    QCOMPARE(second.maxConcurrent(), 2);
    auto run = GenerationPipeline(ws.value()).runInfo(1);
    QVERIFY2(run, qPrintable(run.error()));
    QCOMPARE(run->config.concurrency, 2);
}

// Issue 14.1: a run that kept some examples and failed some requests for good is neither a
// success nor a plain failure: the job, the run list and the counters say "partly failed".
void TestGeneratePages::partlyFailedRunSaysSo()
{
    test::FakeLlmServer server;
    int n = 0;
    server.setHandler([&server, &n](const test::FakeRequest &r) {
        test::FakeReply reply = server.defaultReply(r);
        if (n++ % 2 == 0)
            reply.status = 400; // not retried
        return reply;
    });
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("partly.efws")));
    QVERIFY(ws);
    JobManager jobs;
    GeneratePage page(&jobs, &m_pool);
    page.show();
    page.setSettings(settingsFor(server));
    page.setWorkspace(ws.value());
    page.findChild<QSpinBox *>(QStringLiteral("examples"))->setValue(6);
    for (QCheckBox *box : page.findChildren<QCheckBox *>())
        if (box->objectName().startsWith(QLatin1String("family_")))
            box->setChecked(box->objectName() == QLatin1String("family_sts"));
    QSignalSpy finished(&page, &GeneratePage::runFinished);
    QSignalSpy ended(&jobs, &JobManager::jobFinished);
    page.start(false);
    QVERIFY(finished.wait(30000));
    QCOMPARE(finished.first().at(1).toString(), QStringLiteral("partly_failed"));
    QCOMPARE(ended.last().first().value<JobInfo>().state, JobState::PartlyFailed);
    QVERIFY(page.counters().valid > 0 && page.counters().failed > 0);
    QVERIFY2(page.findChild<QLabel *>(QStringLiteral("runCounters"))->text().contains(QStringLiteral("HTTP 400")),
             qPrintable(page.findChild<QLabel *>(QStringLiteral("runCounters"))->text()));
    auto *runs = page.findChild<QTableWidget *>(QStringLiteral("runsTable"));
    QTRY_VERIFY_WITH_TIMEOUT(
        runs->rowCount() == 1 && runs->item(0, 1) && runs->item(0, 1)->text() == QStringLiteral("partly failed"), 5000);
}

void TestGeneratePages::previewGridSendsAndParses()
{
    test::FakeLlmServer server;
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("preview.efws")));
    QVERIFY(ws);
    JobManager jobs;
    GeneratePage page(&jobs, &m_pool);
    page.resize(1200, 800);
    page.show();
    page.setSettings(settingsFor(server));
    page.setWorkspace(ws.value());
    QSignalSpy ready(&page, &GeneratePage::previewReady);
    page.renderPreviewGrid(false);
    QVERIFY(ready.wait(10000));
    QTableWidget *grid = page.previewGrid();
    QCOMPARE(grid->columnCount(), 6);
    QCOMPARE(grid->rowCount(), 4);      // en, zh, de, sw
    QCOMPARE(server.requestCount(), 0); // rendering sends nothing
    QVERIFY(grid->item(1, 0)->text().contains(QStringLiteral("Chinese")));

    page.renderPreviewGrid(true);
    QVERIFY(ready.wait(30000));
    QCOMPARE(server.requestCount(), 24);
    QVERIFY2(grid->item(0, 0)->text().contains(QStringLiteral("✓ valid")), qPrintable(grid->item(0, 0)->text()));
}

// Issue 13.7 and 13.11: before Start, the page shows the requests, the examples per family (the
// paper's mix) and per language, tokens and cost, and warns when a language may get nothing.
void TestGeneratePages::planShowsCountsCostAndWarnings()
{
    test::FakeLlmServer server;
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("plan.efws")));
    QVERIFY(ws);
    JobManager jobs;
    GeneratePage page(&jobs, &m_pool);
    page.resize(1200, 800);
    page.show();
    AppSettings settings = settingsFor(server);
    settings.endpoints[0].inputPricePerMTok = 3.0;
    settings.endpoints[0].outputPricePerMTok = 15.0;
    settings.endpoints[0].currency = QStringLiteral("EUR");
    page.setSettings(settings);
    page.setWorkspace(ws.value());
    auto *examples = page.findChild<QSpinBox *>(QStringLiteral("examples"));
    QVERIFY(examples);
    examples->setValue(600);
    auto *languages = page.findChild<QLineEdit *>();
    for (QLineEdit *e : page.findChildren<QLineEdit *>())
        if (e->placeholderText().contains(QStringLiteral("XLM-R")))
            languages = e;
    QTest::keyClicks(languages, QStringLiteral("en, zh, de, sw"));
    QTRY_VERIFY_WITH_TIMEOUT(page.planText().contains(QStringLiteral("retrieval 198")), 5000);
    QVERIFY2(page.planText().contains(QStringLiteral("620 requests")), qPrintable(page.planText()));
    QVERIFY2(page.planText().contains(QStringLiteral("EUR")), qPrintable(page.planText()));
    QVERIFY2(page.planText().contains(QStringLiteral("&#x27;sw&#x27;")) ||
                 page.planText().contains(QStringLiteral("'sw'")),
             qPrintable(page.planText()));
    QVERIFY(page.grab().save(QDir(test::artifactsDir()).filePath(QStringLiteral("generate-plan.png"))));
    // Other weights change the plan; a bad entry is shown, not started.
    auto *weights = page.findChild<QLineEdit *>(QStringLiteral("familyWeights"));
    weights->selectAll();
    QTest::keyClicks(weights, QStringLiteral("retrieval=1,sts=1"));
    QTRY_VERIFY_WITH_TIMEOUT(page.planText().contains(QStringLiteral("retrieval 300")), 5000);
    QVERIFY(page.planText().contains(QStringLiteral("gets no examples")));
    weights->selectAll();
    QTest::keyClicks(weights, QStringLiteral("poetry=2"));
    QTRY_VERIFY_WITH_TIMEOUT(page.planText().contains(QStringLiteral("unknown family")), 5000);
    QVERIFY(!page.config());
    // Issue 14.11: the configuration is remembered: a new page starts from it.
    weights->selectAll();
    QTest::keyClicks(weights, QStringLiteral("sts=2,bitext=1"));
    QTest::qWait(400);
    GeneratePage again(&jobs, &m_pool);
    QCOMPARE(again.findChild<QSpinBox *>(QStringLiteral("examples"))->value(), 600);
    QCOMPARE(again.findChild<QLineEdit *>(QStringLiteral("familyWeights"))->text(), QStringLiteral("sts=2,bitext=1"));
}

// Issue 14.4: answering No (now Cancel) to the unsaved-changes question still discarded the edit
// and put the list and the editor out of step. Each answer is driven here on the real dialog.
void TestGeneratePages::unsavedEditsAskSaveDiscardOrCancel()
{
    const test::DialogsEnabled dialogs;
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("unsaved.efws")));
    QVERIFY(ws);
    TemplatesPage page(&m_pool);
    page.resize(1200, 800);
    page.show();
    QSignalSpy loaded(&page, &TemplatesPage::templatesLoaded);
    page.setWorkspace(ws.value());
    QVERIFY(loaded.wait(5000));
    auto *list = page.findChild<QListWidget *>(QStringLiteral("templateList"));
    auto *text = page.findChild<QPlainTextEdit *>(QStringLiteral("templateText"));
    const auto rowOf = [&](const QString &id) { return static_cast<int>(page.templateIds().indexOf(id)); };
    page.selectTemplate(QStringLiteral("sts.generate"));
    QTRY_VERIFY_WITH_TIMEOUT(page.editedTemplate().id == QStringLiteral("sts.generate") &&
                                 text->toPlainText().contains(QStringLiteral("Be creative!")),
                             5000);
    text->moveCursor(QTextCursor::End);
    QTest::keyClicks(text, QStringLiteral(" Keep it short."));
    QTRY_VERIFY_WITH_TIMEOUT(page.isDirty(), 2000);
    QVERIFY(list->item(rowOf(QStringLiteral("sts.generate")))->text().endsWith(QStringLiteral(" *"))); // marked
    const auto answer = [&page](QMessageBox::StandardButton button) { test::clickInNextMessageBox(&page, button); };
    // Issue 14.4: a new value set named and Tab-bed into gets its own values; the first row's
    // stay (they were overwritten).
    auto *sets = page.findChild<QTableWidget *>(QStringLiteral("valueSets"));
    const QString firstName = sets->item(0, 0)->text(), firstValues = sets->item(0, 1)->text();
    QTest::mouseClick(page.findChild<QPushButton *>(QStringLiteral("addValueSet")), Qt::LeftButton);
    QWidget *editor = QApplication::focusWidget();
    QVERIFY(editor);
    QTest::keyClick(editor, Qt::Key_A, Qt::ControlModifier);
    QTest::keyClicks(editor, QStringLiteral("tone"));
    QTest::keyClick(editor, Qt::Key_Tab);
    QTest::qWait(50);
    QCOMPARE(sets->currentRow(), sets->rowCount() - 1); // Tab moved along the new row
    QCOMPARE(sets->currentColumn(), 1);
    // The values typed there belong to the new set.
    sets->currentItem()->setText(QStringLiteral("calm, formal"));
    QCOMPARE(sets->item(0, 0)->text(), firstName);
    QCOMPARE(sets->item(0, 1)->text(), firstValues);
    QCOMPARE(page.editedTemplate().valueSets.value(QStringLiteral("tone")),
             (QStringList{QStringLiteral("calm"), QStringLiteral("formal")}));
    // Cancel: the edit stays, and the list stays on its template.
    answer(QMessageBox::Cancel);
    list->setCurrentRow(rowOf(QStringLiteral("bitext.generate")));
    QTest::qWait(400);
    QCOMPARE(list->currentRow(), rowOf(QStringLiteral("sts.generate")));
    QVERIFY(page.isDirty());
    QVERIFY(text->toPlainText().endsWith(QStringLiteral(" Keep it short.")));
    // Save: the edit becomes a version, then the chosen template shows.
    QSignalSpy saved(&page, &TemplatesPage::templateSaved);
    answer(QMessageBox::Save);
    list->setCurrentRow(rowOf(QStringLiteral("bitext.generate")));
    QVERIFY(saved.wait(5000));
    QCOMPARE(saved.first().at(0).toString(), QStringLiteral("sts.generate"));
    QCOMPARE(saved.first().at(1).toInt(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(page.editedTemplate().id, QStringLiteral("bitext.generate"), 5000);
    QVERIFY(!list->item(rowOf(QStringLiteral("sts.generate")))->text().endsWith(QStringLiteral(" *")));
    // Ctrl+S saves too.
    text->moveCursor(QTextCursor::End);
    QTest::keyClicks(text, QStringLiteral(" Vary the topics."));
    QTRY_VERIFY_WITH_TIMEOUT(page.findChild<QPushButton *>(QStringLiteral("saveTemplate"))->isEnabled(), 2000);
    page.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&page));
    QTest::keyClick(text, Qt::Key_S, Qt::ControlModifier);
    QVERIFY(saved.wait(5000));
    QCOMPARE(saved.last().at(0).toString(), QStringLiteral("bitext.generate"));
    // Discard: the edit is dropped and the chosen template shows.
    QTest::keyClicks(text, QStringLiteral(" Dropped."));
    QTRY_VERIFY_WITH_TIMEOUT(page.isDirty(), 2000);
    answer(QMessageBox::Discard);
    list->setCurrentRow(rowOf(QStringLiteral("sts.generate")));
    QTRY_COMPARE_WITH_TIMEOUT(page.editedTemplate().id, QStringLiteral("sts.generate"), 5000);
    QVERIFY(!page.isDirty());
    QCOMPARE(saved.size(), 2);
}

QTEST_MAIN(TestGeneratePages)
#include "tst_generatepages.moc"
