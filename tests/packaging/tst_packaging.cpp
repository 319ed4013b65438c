// SPDX-License-Identifier: GPL-3.0-or-later
// Builds the Debian package with cpack, unpacks it with dpkg-deb and checks its contents.
#include <QDir>
#include <QDirIterator>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestPackaging final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void containsBinariesDesktopFileAndTranslations();
    void dependsNamesTheRuntimeLibraries();
    void unpackedCliRuns();

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
    QFile desktop(QDir(m_root).filePath(QStringLiteral("usr/share/applications/io.github.embedforge.EmbedForge.desktop")));
    QVERIFY(desktop.open(QIODevice::ReadOnly));
    const QByteArray d = desktop.readAll();
    QVERIFY(d.contains("Exec=embedforge"));
    QVERIFY(d.contains("Icon=embedforge"));
}

void TestPackaging::dependsNamesTheRuntimeLibraries()
{
    int rc = 0;
    const QString depends = QString::fromUtf8(run(QStringLiteral("dpkg-deb"), {QStringLiteral("-f"), m_deb, QStringLiteral("Depends")}, &rc));
    QCOMPARE(rc, 0);
    for (const char *lib : {"libqt6widgets6", "libqt6core6", "libqt6gui6", "libsqlite3-0", "libqcustomplot", "qt6-qpa-plugins"})
        QVERIFY2(depends.contains(QLatin1String(lib)), qPrintable(QStringLiteral("%1 not in Depends: %2").arg(QLatin1String(lib), depends)));
    QVERIFY2(depends.contains(QLatin1String("libtorch")), qPrintable(depends));
}

void TestPackaging::unpackedCliRuns()
{
    int rc = 0;
    const QByteArray out = run(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")), {QStringLiteral("--version")}, &rc, 60000);
    QCOMPARE(rc, 0);
    QCOMPARE(out.trimmed(), QByteArray("embedforge-cli " EMBEDFORGE_VERSION));
    // The installed binary finds its translations next to it (../share/embedforge/translations).
    const QByteArray zh = run(QDir(m_root).filePath(QStringLiteral("usr/bin/embedforge-cli")),
                              {QStringLiteral("--lang"), QStringLiteral("zh_CN"), QStringLiteral("--help")}, &rc, 60000);
    QCOMPARE(rc, 0);
    QVERIFY2(QString::fromUtf8(zh).contains(QStringLiteral("命令")), zh.constData());
}

QTEST_GUILESS_MAIN(TestPackaging)
#include "tst_packaging.moc"
