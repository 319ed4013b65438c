// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the Debian package with cpack, unpacks it with dpkg-deb and checks its contents.
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcessEnvironment>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <sentencepiece_trainer.h>

class TestPackaging final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void containsBinariesDesktopFileAndTranslations();
    void dependsNamesTheRuntimeLibraries();
    void bundlesLibTorchsCpuRuntime();
    void unpackedCliRuns();
    void unpackedCliLoadsItsSentencePieceModule();

private:
    static QByteArray run(const QString &program, const QStringList &args, int *exitCode, int timeoutMs = 480000);
    QTemporaryDir m_dir;
    QString m_deb;
    QString m_root;
};

QByteArray TestPackaging::run(const QString &program, const QStringList &args, int *exitCode, int timeoutMs)
{
    QProcess p;
    p.setProcessChannelMode(QProcess::MergedChannels);
    p.start(program, args);
    if (!p.waitForStarted() || !p.waitForFinished(timeoutMs)) {
        *exitCode = -1;
        return p.readAll() + p.errorString().toUtf8();
    }
    *exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    return p.readAll();
}

void TestPackaging::initTestCase()
{
    if (QStandardPaths::findExecutable(QStringLiteral("dpkg-deb")).isEmpty())
        QFAIL("dpkg-deb is not installed (package dpkg); scripts/install-deps.sh installs it");
    int rc = 0;
    const QByteArray log = run(QStringLiteral(EF_CPACK),
                               {QStringLiteral("-G"), QStringLiteral("DEB"), QStringLiteral("--config"),
                                QStringLiteral(EF_BUILD_DIR "/CPackConfig.cmake"), QStringLiteral("-B"), m_dir.path()},
                               &rc);
    QVERIFY2(rc == 0, log.constData());
    const QStringList debs = QDir(m_dir.path()).entryList({QStringLiteral("*.deb")});
    QCOMPARE(debs.size(), 1);
    m_deb = QDir(m_dir.path()).filePath(debs.first());
    QVERIFY2(debs.first().startsWith(QStringLiteral("embedforge_" EMBEDFORGE_VERSION)), qPrintable(debs.first()));
    m_root = m_dir.filePath(QStringLiteral("root"));
    const QByteArray x = run(QStringLiteral("dpkg-deb"), {QStringLiteral("-x"), m_deb, m_root}, &rc);
    QVERIFY2(rc == 0, x.constData());
}

void TestPackaging::containsBinariesDesktopFileAndTranslations()
{
    const QStringList expected = {
        QStringLiteral("usr/bin/embedforge"),
        QStringLiteral("usr/bin/embedforge-cli"),
        QStringLiteral("usr/share/applications/io.github.embedforge.EmbedForge.desktop"),
        QStringLiteral("usr/share/metainfo/io.github.embedforge.EmbedForge.metainfo.xml"),
        QStringLiteral("usr/share/icons/hicolor/scalable/apps/embedforge.svg"),
        QStringLiteral("usr/share/embedforge/translations/embedforge_zh_CN.qm"),
    };
    for (const QString &rel : expected) {
        const QFileInfo fi(QDir(m_root).filePath(rel));
        QVERIFY2(fi.isFile() && fi.size() > 0, qPrintable(rel));
    }
    QVERIFY(QFileInfo(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge"))).isExecutable());
    // Nothing from the test suite is packaged.
    QDirIterator it(m_root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = it.next();
        QVERIFY2(!QFileInfo(f).fileName().startsWith(QStringLiteral("tst_")), qPrintable(f));
    }
    QFile desktop(
        QDir(m_root).filePath(QStringLiteral("usr/share/applications/io.github.embedforge.EmbedForge.desktop")));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QByteArray d = desktop.readAll();
    QVERIFY(d.contains("Exec=embedforge"));
    QVERIFY(d.contains("Icon=embedforge"));
}

void TestPackaging::dependsNamesTheRuntimeLibraries()
{
    int rc = 0;
    const QString depends = QString::fromUtf8(
        run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")}, &rc));
    QCOMPARE(rc, 0);
    for (const char *lib :
         {"libqt6widgets6", "libqt6core6", "libqt6gui6", "libsqlite3-0", "libqcustomplot", "qt6-qpa-plugins"})
        QVERIFY2(depends.contains(QLatin1String(lib)),
                 qPrintable(QStringLiteral("%1 not in Depends: %2").arg(QLatin1String(lib), depends)));
    // LibTorch is bundled, not a Debian dependency (Debian's libtorch is 1.13).
    QVERIFY2(!depends.contains(QLatin1String("libtorch")), qPrintable(depends));
}

// The package carries LibTorch's CPU runtime where the programs' RUNPATH looks, and not the CUDA
// libraries (the package computes on the CPU); the programs use the bundled copy, not the build's.
void TestPackaging::bundlesLibTorchsCpuRuntime()
{
    const QDir lib(QDir(m_root).filePath(QStringLiteral("usr/lib/embedforge/torch/lib")));
    for (const char *name : {"libtorch_cpu.so", "libc10.so"})
        QVERIFY2(QFileInfo(lib.filePath(QLatin1String(name))).size() > 1000000, name);
    QDirIterator it(m_root, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString f = QFileInfo(it.next()).fileName();
        QVERIFY2(!f.startsWith(QStringLiteral("libtorch_cuda")) && !f.startsWith(QStringLiteral("libcudnn")) &&
                     !f.startsWith(QStringLiteral("libcublas")) && !f.startsWith(QStringLiteral("libembedforge_cuda")),
                 qPrintable(f));
    }
    int rc = 0;
    const QByteArray dyn =
        run(QStringLiteral("readelf"),
            {QStringLiteral("-d"), QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli"))}, &rc);
    QCOMPARE(rc, 0);
    QVERIFY2(dyn.contains("$ORIGIN/../lib/embedforge/torch/lib"), dyn.constData());
    QVERIFY2(!dyn.contains(".cache/embedforge"), dyn.constData());
    // `info --json` from the unpacked package: LibTorch 2 loads from the bundle, on the CPU.
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("LD_DEBUG"), QStringLiteral("libs"));
    p.setProcessEnvironment(env);
    p.start(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")),
            {QStringLiteral("info"), QStringLiteral("--json")});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 0);
    const QByteArray loaderLog = p.readAllStandardError();
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(out.contains("\"torch_version\":\"2."), out.constData());
    for (const QByteArray &line : loaderLog.split('\n'))
        if (line.contains("calling init:") && line.contains("libtorch_cpu.so"))
            QVERIFY2(line.contains(m_root.toUtf8()) && line.contains("/lib/embedforge/torch/lib/libtorch_cpu.so"),
                     line.constData());
}

void TestPackaging::unpackedCliRuns()
{
    int rc = 0;
    const QByteArray out =
        run(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")), {QStringLiteral("--version")}, &rc, 60000);
    QCOMPARE(rc, 0);
    QCOMPARE(out.trimmed(), QByteArray("embedforge-cli " EMBEDFORGE_VERSION));
    // The installed binary finds its translations next to it (../share/embedforge/translations).
    const QByteArray zh =
        run(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")),
            {QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--help")}, &rc, 60000);
    QCOMPARE(rc, 0);
    QVERIFY2(QString::fromUtf8(zh).contains(QStringLiteral("命令")), zh.constData());
}

// SentencePiece lives in a module loaded at run time (its protobuf clashes with LibTorch's);
// the packaged binary must find the packaged module, wherever the package was unpacked.
void TestPackaging::unpackedCliLoadsItsSentencePieceModule()
{
    QStringList modules;
    QDirIterator it(QDir(m_root).filePath(QStringLiteral("usr")), {QStringLiteral("libembedforge_spm*.so")},
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        modules << it.next();
    QCOMPARE(modules.size(), 1);
    QVERIFY2(modules.first().contains(QStringLiteral("/embedforge/")), qPrintable(modules.first()));

    QTemporaryDir tmp;
    const QString corpus = tmp.filePath(QStringLiteral("corpus.txt"));
    {
        QFile f(corpus);
        QVERIFY(f.open(QIODevice::WriteOnly));
        for (int i = 0; i < 200; ++i)
            f.write(QStringLiteral("The workbench trains text embeddings number %1 from decoder language models.\n")
                        .arg(i)
                        .toUtf8());
    }
    const std::string prefix = tmp.filePath(QStringLiteral("spm")).toStdString();
    const auto status = sentencepiece::SentencePieceTrainer::Train(
        "--input=" + corpus.toStdString() + " --model_prefix=" + prefix +
        " --vocab_size=120 --model_type=bpe --minloglevel=2 --hard_vocab_limit=false");
    QVERIFY2(status.ok(), status.ToString().c_str());

    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(QStringLiteral("EMBEDFORGE_SPM_MODULE"));
    p.setProcessEnvironment(env);
    p.start(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")),
            {QStringLiteral("tokenize"), QStringLiteral("--tokenizer"), QString::fromStdString(prefix + ".model")});
    QVERIFY(p.waitForStarted());
    p.write("The workbench trains\n");
    p.closeWriteChannel();
    QVERIFY(p.waitForFinished(60000));
    QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(out.contains("\"ids\":[") && out.contains("\"tokens\":["), out.constData());
}

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
