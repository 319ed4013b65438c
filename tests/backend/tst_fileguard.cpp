// SPDX-License-Identifier: GPL-3.0-or-later
// backend/fileguard: regular files only (FIFOs, devices, folders refused at once, links followed
// to a regular file), bounded whole-file reads and bounded lines, exactly at the limits.
#include <sys/stat.h>

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "backend/fileguard.h"
#include "tests/common/testutil.h"

using namespace ef;

class TestFileGuard final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void refusesWhatIsNotARegularFile();
    void readAllHasALimit();
    void linesHaveALimit_data();
    void linesHaveALimit();
};

void TestFileGuard::refusesWhatIsNotARegularFile()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("pipe"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    const QString link = dir.filePath(QStringLiteral("link"));
    QVERIFY(QFile::link(fifo, link));
    const QString file = dir.filePath(QStringLiteral("file.txt"));
    ef::test::writeFile(file, "x\n");
    const QString fileLink = dir.filePath(QStringLiteral("file-link"));
    QVERIFY(QFile::link(file, fileLink));

    QElapsedTimer timer;
    timer.start();
    QCOMPARE(fileguard::regularFileProblem(fifo),
             QStringLiteral("'%1' is a named pipe (FIFO), not a regular file").arg(fifo));
    QCOMPARE(fileguard::regularFileProblem(link),
             QStringLiteral("'%1' is a named pipe (FIFO), not a regular file").arg(link));
    QCOMPARE(fileguard::regularFileProblem(dir.path()),
             QStringLiteral("'%1' is a folder, not a regular file").arg(dir.path()));
    QCOMPARE(fileguard::regularFileProblem(QStringLiteral("/dev/null")),
             QStringLiteral("'/dev/null' is a device, not a regular file"));
    QCOMPARE(fileguard::regularFileProblem(dir.filePath(QStringLiteral("none"))),
             QStringLiteral("'%1' does not exist").arg(dir.filePath(QStringLiteral("none"))));
    QCOMPARE(fileguard::regularFileProblem(file), QString());
    QCOMPARE(fileguard::regularFileProblem(fileLink), QString());
    QFile f;
    QString error;
    QVERIFY(!fileguard::openForReading(f, fifo, &error)); // would block in QFile::open
    QVERIFY(!f.isOpen());
    QVERIFY(fileguard::openForReading(f, fileLink, &error));
    QCOMPARE(f.readAll(), QByteArray("x\n"));
    QVERIFY(timer.elapsed() < 2000);
}

void TestFileGuard::readAllHasALimit()
{
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("ten.bin"));
    ef::test::writeFile(file, "0123456789");
    QCOMPARE(fileguard::readAll(file, 10).value(), QByteArray("0123456789"));
    const Expected<QByteArray> tooBig = fileguard::readAll(file, 9);
    QVERIFY(!tooBig);
    QCOMPARE(tooBig.error(), QStringLiteral("'%1' is larger than 9 bytes, the most this file may hold").arg(file));
    // Files that report no size (procfs) are limited while reading.
    QVERIFY(!fileguard::readAll(QStringLiteral("/proc/self/maps"), 16));
    QVERIFY(fileguard::readAll(QStringLiteral("/proc/self/stat"), 1 << 20));
}

void TestFileGuard::linesHaveALimit_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QList<QByteArray>>("lines"); // "!" marks the line found too long
    const QByteArray ten(10, 'a'), eleven(11, 'b');
    QTest::newRow("at the limit") << QByteArray(ten + "\n" + ten + "\r\n" + ten) << QList<QByteArray>{ten, ten, ten};
    QTest::newRow("one over") << QByteArray(ten + "\n" + eleven + "\nc\n") << QList<QByteArray>{ten, "!"};
    QTest::newRow("one over, CRLF") << QByteArray(eleven + "\r\n") << QList<QByteArray>{"!"};
    QTest::newRow("one over, no line break") << eleven << QList<QByteArray>{"!"};
    QTest::newRow("far over") << QByteArray(200000, 'z') << QList<QByteArray>{"!"};
    QTest::newRow("long lines under a large limit")
        << QByteArray(QByteArray(150000, 'y') + "\nshort\n") << QList<QByteArray>{QByteArray(150000, 'y'), "short"};
}

void TestFileGuard::linesHaveALimit()
{
    QFETCH(QByteArray, content);
    QFETCH(QList<QByteArray>, lines);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lines.txt"));
    ef::test::writeFile(path, content);
    QFile f;
    QString error;
    QVERIFY(fileguard::openForReading(f, path, &error));
    const qint64 limit = lines.value(0).size() > 100 ? 200000 : 10;
    QList<QByteArray> got;
    while (!f.atEnd()) {
        bool tooLong = false;
        QByteArray raw = fileguard::readLine(f, limit, &tooLong);
        if (tooLong) {
            got << "!";
            break;
        }
        while (raw.endsWith('\n') || raw.endsWith('\r'))
            raw.chop(1);
        got << raw;
    }
    QCOMPARE(got, lines);
}

QTEST_GUILESS_MAIN(TestFileGuard)
#include "tst_fileguard.moc"
