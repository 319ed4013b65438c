// SPDX-License-Identifier: GPL-3.0-or-later
// The Train page (offscreen), driven as a user would with a real tiny model on the CPU: the
// preflight before any compute, Start to a finished run with its curves plotted, Stop saving a
// resumable checkpoint and Resume continuing the curve, a checked run drawn beside the shown one
// with the differences of their settings, the x axis switched, replots bounded by the timer
// whatever the rate of samples; screenshots at two sizes, in English and in Chinese.
#include <QComboBox>
#include <QDir>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

#include "backend/corpus.h"
#include "backend/database.h"
#include "backend/dataset.h"
#include "backend/jobs.h"
#include "backend/training.h"
#include "backend/workspace.h"
#include "models/tinymodel.h"
#include "tests/common/testutil.h"
#include "translations/translations.h"
#include "widgets/qcustomplot_compat.h"
#include "widgets/trainpage.h"

using namespace ef;

class TestTrainPage final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void preflightIsShownBeforeAnyCompute();
    void startRunsToTheEndAndPlotsEveryStep();
    void stopKeepsACheckpointAndResumeContinues();
    void checkedRunIsDrawnWithItsSettingDifferences();
    void screenshots_data();
    void screenshots();

private:
    QString config(int steps, double lr = 1e-3) const;
    struct Page;
    QTemporaryDir m_dir;
    Workspace m_ws;
    QString m_model;
};

struct TestTrainPage::Page
{
    QThreadPool pool;
    JobManager jobs;
    TrainPage page{&jobs, &pool};
    explicit Page(const Workspace &ws, QSize size = {1400, 900})
    {
        page.resize(size);
        page.show();
        QSignalSpy loaded(&page, &TrainPage::runsLoaded);
        page.setWorkspace(ws);
        if (loaded.isEmpty())
            loaded.wait(10000);
    }
    ~Page()
    {
        jobs.cancelAll();
        jobs.waitForIdle(30000);
    }
    QCustomPlot *lossPlot() const { return page.findChild<QCustomPlot *>(QStringLiteral("lossPlot")); }
    QTableWidget *runs() const { return page.findChild<QTableWidget *>(QStringLiteral("runTable")); }
    QString diff() const { return page.findChild<QTextBrowser *>(QStringLiteral("runDiff"))->toPlainText(); }
    // Waits for runFinished; returns its status.
    QString waitFinished(QSignalSpy &finished, int ms = 180000)
    {
        if (finished.isEmpty() && !finished.wait(ms))
            return QStringLiteral("(timed out)");
        return finished.takeFirst().at(1).toString();
    }
};

void TestTrainPage::initTestCase()
{
    qputenv("EMBEDFORGE_NO_DIALOGS", "1");
    m_model = m_dir.filePath(QStringLiteral("tiny"));
    models::TinyModelOptions o;
    o.family = models::Family::Llama;
    o.seed = 11;
    models::makeTinyModel(m_model.toStdString(), o);
    auto ws = Workspace::create(m_dir.filePath(QStringLiteral("train.efws")));
    QVERIFY2(ws, qPrintable(ws.error()));
    m_ws = ws.value();
    const auto n = importDemoExamples(m_ws);
    QVERIFY2(n && *n > 300, qPrintable(n.error()));
    auto db = m_ws.connect();
    QVERIFY(db);
    const auto c =
        importCorpus(**db, {CorpusImport::Kind::Beir, QStringLiteral(":/demo/corpus"), QStringLiteral("demo")});
    QVERIFY2(c, qPrintable(c.error()));
}

QString TestTrainPage::config(int steps, double lr) const
{
    QJsonObject o = QJsonDocument::fromJson(defaultTrainingConfig().toUtf8()).object();
    o.insert(QStringLiteral("model"), m_model);
    o.insert(QStringLiteral("device"), QStringLiteral("cpu"));
    o.insert(QStringLiteral("steps"), steps);
    o.insert(QStringLiteral("batch_size"), 16);
    o.insert(QStringLiteral("micro_batch"), 0);
    o.insert(QStringLiteral("lora_rank"), 4);
    o.insert(QStringLiteral("max_length"), 48);
    o.insert(QStringLiteral("warmup_steps"), 2);
    o.insert(QStringLiteral("learning_rate"), lr);
    o.insert(QStringLiteral("eval_every"), 4);
    o.insert(QStringLiteral("checkpoint_every"), 1000);
    o.insert(QStringLiteral("heldout_fraction"), 0.05);
    return QString::fromUtf8(QJsonDocument(o).toJson());
}

void TestTrainPage::preflightIsShownBeforeAnyCompute()
{
    Page p(m_ws);
    QSignalSpy preflight(&p.page, &TrainPage::preflightShown);
    QSignalSpy started(&p.page, &TrainPage::runStarted);
    p.page.setConfigJson(config(8));
    p.page.setModel(m_model);
    QTRY_VERIFY_WITH_TIMEOUT(!preflight.isEmpty(), 30000);
    QVERIFY2(preflight.last().first().toBool(), qPrintable(p.page.preflightLabel()->text()));
    const QString text = p.page.preflightLabel()->text();
    QVERIFY2(text.contains(QLatin1String("LlamaForCausalLM")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("Memory estimate on cpu")), qPrintable(text));
    QVERIFY2(text.contains(QLatin1String("Padding: left side")) || text.contains(QLatin1String("Padding: right side")),
             qPrintable(text));
    QVERIFY(started.isEmpty()); // the preflight spends no training compute and creates no run
    QCOMPARE(p.runs()->rowCount(), 0);

    // A folder that is not a model: the preflight says so and names it.
    preflight.clear();
    const QString notModel = m_dir.filePath(QStringLiteral("not-a-model"));
    QDir().mkpath(notModel);
    p.page.setModel(notModel);
    QTRY_VERIFY_WITH_TIMEOUT(!preflight.isEmpty(), 30000);
    QCOMPARE(preflight.last().first().toBool(), false);
    QVERIFY2(p.page.preflightLabel()->text().contains(notModel), qPrintable(p.page.preflightLabel()->text()));
    // Start refuses it, naming the folder, without creating a run.
    p.page.start();
    QTRY_VERIFY_WITH_TIMEOUT(p.page.statusLabel()->text().contains(notModel), 10000);
    QVERIFY(started.isEmpty());
    QCOMPARE(trainingRuns(m_ws)->size(), 0);
}

void TestTrainPage::startRunsToTheEndAndPlotsEveryStep()
{
    Page p(m_ws);
    const int steps = 24;
    p.page.setConfigJson(config(steps));
    QSignalSpy started(&p.page, &TrainPage::runStarted);
    QSignalSpy finished(&p.page, &TrainPage::runFinished);
    QSignalSpy updated(&p.page, &TrainPage::curvesUpdated);
    QElapsedTimer clock;
    clock.start();
    QVERIFY2(p.page.start(), qPrintable(p.page.statusLabel()->text()));
    QVERIFY(started.wait(30000));
    QCOMPARE(p.page.tabs()->currentIndex(), 1); // the curves are shown while it trains
    QVERIFY(!p.page.findChild<QPushButton *>(QStringLiteral("startTraining"))->isEnabled());
    QCOMPARE(p.waitFinished(finished), QStringLiteral("finished"));
    const qint64 elapsedMs = clock.elapsed();
    QTRY_COMPARE_WITH_TIMEOUT(p.page.plottedPoints(), steps, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(p.page.statusLabel()->text().contains(QLatin1String("finished")), 5000);

    // Replots come from the 4 Hz timer, never once per sample.
    QVERIFY2(updated.size() <= elapsedMs / 250 + 4,
             qPrintable(QStringLiteral("%1 replots in %2 ms").arg(updated.size()).arg(elapsedMs)));
    QVERIFY(updated.size() >= 1);

    // The shown curve: raw and smoothed loss over every step, the learning rate's warmup and decay.
    QCustomPlot *loss = p.lossPlot();
    QTRY_VERIFY_WITH_TIMEOUT(loss->graphCount() >= 2 && loss->graph(0)->data()->size() == steps, 2000);
    QCOMPARE(loss->graph(0)->data()->at(steps - 1)->key, double(steps));
    QCOMPARE(loss->xAxis->label(), QStringLiteral("step"));
    const auto stored = trainingPoints(m_ws, p.page.shownRun());
    QVERIFY(stored && stored->size() == steps);
    for (int i = 0; i < steps; ++i)
        QCOMPARE(loss->graph(0)->data()->at(i)->value, stored->at(i).loss);

    // Examples on the x axis: the cumulative number of pairs; time: seconds since the start.
    p.page.setXAxis(TrainPage::XAxis::Examples);
    QTRY_COMPARE_WITH_TIMEOUT(loss->xAxis->label(), QStringLiteral("examples"), 2000);
    double examples = 0;
    for (const TrainingPoint &pt : *stored)
        examples += double(pt.examples);
    QCOMPARE(loss->graph(0)->data()->at(steps - 1)->key, examples);
    QVERIFY(examples >= steps * 8);
    p.page.setXAxis(TrainPage::XAxis::Time);
    QTRY_COMPARE_WITH_TIMEOUT(loss->xAxis->label(), QStringLiteral("seconds"), 2000);
    QCOMPARE(loss->graph(0)->data()->at(steps - 1)->key, stored->last().elapsedS);

    // The row says finished, with every step; a finished run cannot be resumed, only exported.
    const int row = 0;
    QCOMPARE(p.runs()->item(row, 3)->text(), QStringLiteral("%1/%1").arg(steps));
    p.page.selectRun(p.page.shownRun());
    QVERIFY(!p.page.findChild<QPushButton *>(QStringLiteral("resumeRun"))->isEnabled());
    QVERIFY(p.page.findChild<QPushButton *>(QStringLiteral("exportRun"))->isEnabled());
}

void TestTrainPage::stopKeepsACheckpointAndResumeContinues()
{
    Page p(m_ws);
    const int steps = 400;
    p.page.setConfigJson(config(steps));
    QSignalSpy started(&p.page, &TrainPage::runStarted);
    QSignalSpy finished(&p.page, &TrainPage::runFinished);
    QVERIFY(p.page.start());
    QVERIFY(started.wait(30000));
    const qint64 run = started.first().first().toLongLong();
    auto *stop = p.page.findChild<QPushButton *>(QStringLiteral("stopRun"));
    QVERIFY(stop->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(p.page.plottedPoints() >= 3, 60000);
    QTest::mouseClick(stop, Qt::LeftButton);
    QCOMPARE(p.waitFinished(finished), QStringLiteral("cancelled"));
    const auto info = trainingRun(m_ws, run);
    QVERIFY(info);
    QVERIFY(info->resumable());
    const qint64 stoppedAt = info->steps;
    QVERIFY(stoppedAt >= 3 && stoppedAt < steps);
    QVERIFY2(p.page.statusLabel()->text().contains(QStringLiteral("Run %1").arg(run)),
             qPrintable(p.page.statusLabel()->text()));

    // Resume from the row: the stored curve, then the live steps after it; Stop again.
    p.page.selectRun(run);
    auto *resume = p.page.findChild<QPushButton *>(QStringLiteral("resumeRun"));
    QTRY_VERIFY_WITH_TIMEOUT(resume->isEnabled(), 5000);
    QTest::mouseClick(resume, Qt::LeftButton);
    QCOMPARE(started.size(), 2);
    QCOMPARE(p.page.liveRun(), run);
    QTRY_VERIFY_WITH_TIMEOUT(p.page.plottedPoints() >= stoppedAt + 3, 60000);
    p.page.stop();
    QCOMPARE(p.waitFinished(finished), QStringLiteral("cancelled"));
    const auto points = trainingPoints(m_ws, run);
    QVERIFY(points && points->size() > stoppedAt);
    for (int i = 0; i < points->size(); ++i)
        QCOMPARE(points->at(i).step, qint64(i + 1)); // each step once, in order, across the stop
    QTRY_COMPARE_WITH_TIMEOUT(qint64(p.page.plottedPoints()), qint64(points->size()), 5000);
}

void TestTrainPage::checkedRunIsDrawnWithItsSettingDifferences()
{
    // Two short runs with different learning rates, trained through the backend.
    QList<qint64> ids;
    for (double lr : {1e-3, 3e-4}) {
        TrainingRequest request;
        request.configJson = config(6, lr);
        const auto id = createTrainingRun(m_ws, request);
        QVERIFY2(id, qPrintable(id.error()));
        JobManager jobs;
        QSignalSpy done(&jobs, &JobManager::jobFinished);
        jobs.submit(makeTrainingJob(m_ws, *id));
        QVERIFY(done.wait(120000));
        ids << *id;
    }
    Page p(m_ws);
    QTRY_VERIFY_WITH_TIMEOUT(p.runs()->rowCount() >= 2, 5000);
    p.page.selectRun(ids[1]);
    QTRY_COMPARE_WITH_TIMEOUT(p.page.plottedPoints(), 6, 5000);
    QTRY_COMPARE_WITH_TIMEOUT(p.lossPlot()->graphCount(), 2, 2000); // raw and smoothed
    const int before = p.lossPlot()->graphCount();
    // Check the first run's row: it is drawn dashed beside the shown one, and the differences listed.
    QTableWidgetItem *other = nullptr;
    for (int i = 0; i < p.runs()->rowCount(); ++i)
        if (p.runs()->item(i, 0)->data(Qt::UserRole).toLongLong() == ids[0])
            other = p.runs()->item(i, 0);
    QVERIFY(other);
    other->setCheckState(Qt::Checked);
    QTRY_COMPARE_WITH_TIMEOUT(p.lossPlot()->graphCount(), before + 1, 5000);
    QCOMPARE(p.lossPlot()->graph(0)->pen().style(), Qt::DashLine);
    QCOMPARE(p.lossPlot()->graph(0)->data()->size(), 6);
    QTRY_VERIFY_WITH_TIMEOUT(p.diff().contains(QLatin1String("learning_rate")), 5000);
    QVERIFY2(p.diff().contains(QStringLiteral("Run %1 → run %2").arg(ids[1]).arg(ids[0])), qPrintable(p.diff()));
    QVERIFY2(!p.diff().contains(QLatin1String("steps:")), qPrintable(p.diff())); // only what differs
    other->setCheckState(Qt::Unchecked);
    QTRY_COMPARE_WITH_TIMEOUT(p.lossPlot()->graphCount(), before, 5000);
}

void TestTrainPage::screenshots_data()
{
    QTest::addColumn<QString>("language");
    QTest::addColumn<QSize>("size");
    QTest::newRow("en-1600") << QStringLiteral("en") << QSize(1600, 1000);
    QTest::newRow("en-1024") << QStringLiteral("en") << QSize(1024, 700);
    QTest::newRow("zh_CN-1600") << QStringLiteral("zh_CN") << QSize(1600, 1000);
    QTest::newRow("zh_CN-1024") << QStringLiteral("zh_CN") << QSize(1024, 700);
}

void TestTrainPage::screenshots()
{
    QFETCH(QString, language);
    QFETCH(QSize, size);
    installTranslations(language);
    {
        Page p(m_ws, size);
        QTRY_VERIFY_WITH_TIMEOUT(p.runs()->rowCount() >= 3, 5000);
        p.page.setConfigJson(config(24));
        QSignalSpy preflight(&p.page, &TrainPage::preflightShown);
        p.page.setModel(m_model);
        QTRY_VERIFY_WITH_TIMEOUT(!preflight.isEmpty(), 30000);
        QTest::qWait(500);
        const QString stem = QStringLiteral("train-%1-%2x%3").arg(language).arg(size.width()).arg(size.height());
        QVERIFY(p.page.grab().save(QDir(test::artifactsDir()).filePath(stem + QStringLiteral("-setup.png"))));
        // The curves of the first run with the others checked beside it.
        p.page.selectRun(trainingRuns(m_ws)->last().id);
        for (int i = 0; i < p.runs()->rowCount(); ++i)
            if (i > 0)
                p.runs()->item(i, 0)->setCheckState(Qt::Checked);
        p.page.tabs()->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(p.page.plottedPoints() > 0, 5000);
        QTest::qWait(600);
        QVERIFY(p.page.grab().save(QDir(test::artifactsDir()).filePath(stem + QStringLiteral("-curves.png"))));
    }
    installTranslations(QStringLiteral("en"));
}

QTEST_MAIN(TestTrainPage)
#include "tst_trainpage.moc"
