// SPDX-License-Identifier: GPL-3.0-or-later
// Test helpers.
#include "tests/common/testutil.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

namespace ef::test {

ProcessResult runCli(const QStringList &args, const QByteArray &input, const QStringList &extraEnv)
{
    ProcessResult r;
    const QString cli = qEnvironmentVariable("EMBEDFORGE_CLI");
    if (cli.isEmpty()) {
        r.err = "EMBEDFORGE_CLI is not set (run the test through ctest)";
        return r;
    }
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &kv : extraEnv) {
        const int eq = static_cast<int>(kv.indexOf(QLatin1Char('=')));
        env.insert(kv.left(eq), kv.mid(eq + 1));
    }
    p.setProcessEnvironment(env);
    p.start(cli, args);
    if (!p.waitForStarted(10000)) {
        r.err = "could not start " + cli.toUtf8();
        return r;
    }
    if (!input.isEmpty())
        p.write(input);
    p.closeWriteChannel();
    if (!p.waitForFinished(120000)) {
        p.kill();
        p.waitForFinished();
        r.crashed = true;
    }
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    r.crashed = r.crashed || p.exitStatus() == QProcess::CrashExit;
    r.exitCode = p.exitCode();
    return r;
}

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return h.result().toHex();
}

QString artifactsDir()
{
    QString dir = qEnvironmentVariable("EMBEDFORGE_TEST_ARTIFACTS");
    if (dir.isEmpty())
        dir = QDir::temp().filePath(QStringLiteral("embedforge-test-artifacts"));
    QDir().mkpath(dir);
    return dir;
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path + QStringLiteral(": ") + f.errorString()));
    QCOMPARE(f.write(content), qint64(content.size()));
}

} // namespace ef::test
