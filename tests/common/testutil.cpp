// SPDX-License-Identifier: GPL-3.0-or-later
// Test helpers.
#include "tests/common/testutil.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <fcntl.h>
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QElapsedTimer>
#include <QTemporaryFile>
#include <QThread>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTest>

namespace ef::test {

namespace {
ProcessResult runCliImpl(const QStringList &args, const QByteArray &input, const QStringList &extraEnv,
                         bool dropOverride)
{
    ProcessResult r;
    const QString cli = qEnvironmentVariable("EMBEDFORGE_CLI");
    if (cli.isEmpty()) {
        r.err = "EMBEDFORGE_CLI is not set (run the test through ctest)";
        return r;
    }
    QProcess p;
    if (dropOverride) {
        p.setChildProcessModifier([] {
            ::prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0);
            ::prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0);
        });
    }
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
} // namespace

ProcessResult runCli(const QStringList &args, const QByteArray &input, const QStringList &extraEnv)
{
    return runCliImpl(args, input, extraEnv, false);
}

ProcessResult runCliWithoutOverride(const QStringList &args)
{
    return runCliImpl(args, {}, {}, true);
}

BoundedResult runCliBounded(const QStringList &args, const QByteArray &input, int timeoutMs, qint64 addressSpaceBytes)
{
    BoundedResult r;
    const QByteArray cli = QFile::encodeName(qEnvironmentVariable("EMBEDFORGE_CLI"));
    if (cli.isEmpty()) {
        r.err = "EMBEDFORGE_CLI is not set (run the test through ctest)";
        return r;
    }
    // Files, not pipes, for the child's streams: nothing to drain while it runs.
    QTemporaryFile in, out, err;
    if (!in.open() || !out.open() || !err.open() || in.write(input) != input.size() || !in.flush()) {
        r.err = "cannot create temporary files";
        return r;
    }
    std::vector<QByteArray> argvBytes{cli};
    for (const QString &a : args)
        argvBytes.push_back(a.toUtf8());
    std::vector<char *> argv;
    for (QByteArray &a : argvBytes)
        argv.push_back(a.data());
    argv.push_back(nullptr);
    // The environment is built before fork(): the child only calls async-signal-safe functions.
    std::vector<QByteArray> envBytes{"OMP_NUM_THREADS=1", "EMBEDFORGE_THREADS=1", "MALLOC_ARENA_MAX=2"};
    for (char **e = environ; *e; ++e) {
        const QByteArray kv(*e);
        if (!kv.startsWith("OMP_NUM_THREADS=") && !kv.startsWith("EMBEDFORGE_THREADS=") &&
            !kv.startsWith("MALLOC_ARENA_MAX="))
            envBytes.push_back(kv);
    }
    std::vector<char *> envp;
    for (QByteArray &kv : envBytes)
        envp.push_back(kv.data());
    envp.push_back(nullptr);
    const QByteArray inPath = QFile::encodeName(in.fileName()), outPath = QFile::encodeName(out.fileName()),
                     errPath = QFile::encodeName(err.fileName());

    QElapsedTimer timer;
    timer.start();
    const pid_t pid = ::fork();
    if (pid == 0) { // the child: only async-signal-safe calls until exec
        const int i = ::open(inPath.constData(), O_RDONLY), o = ::open(outPath.constData(), O_WRONLY | O_TRUNC),
                  e = ::open(errPath.constData(), O_WRONLY | O_TRUNC);
        if (i < 0 || o < 0 || e < 0 || ::dup2(i, 0) < 0 || ::dup2(o, 1) < 0 || ::dup2(e, 2) < 0)
            ::_exit(126);
        const struct rlimit as
        {
            static_cast<rlim_t>(addressSpaceBytes), static_cast<rlim_t>(addressSpaceBytes)
        };
        ::setrlimit(RLIMIT_AS, &as);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    if (pid < 0) {
        r.err = "fork failed";
        return r;
    }
    int status = 0;
    struct rusage usage
    {
    };
    for (;;) {
        const pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
        if (done == pid)
            break;
        if (timer.elapsed() > timeoutMs && !r.timedOut) {
            ::kill(pid, SIGKILL);
            r.timedOut = true;
            ::wait4(pid, &status, 0, &usage);
            break;
        }
        QThread::msleep(5);
    }
    r.elapsedMs = timer.elapsed();
    r.peakRssKiB = usage.ru_maxrss;
    r.crashed = r.timedOut || WIFSIGNALED(status);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    out.seek(0);
    err.seek(0);
    r.out = out.readAll();
    r.err = err.readAll();
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

DialogsEnabled::DialogsEnabled()
    : m_saved(qgetenv("EMBEDFORGE_NO_DIALOGS")), m_wasSet(qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
{
    qunsetenv("EMBEDFORGE_NO_DIALOGS");
}

DialogsEnabled::~DialogsEnabled()
{
    if (m_wasSet)
        qputenv("EMBEDFORGE_NO_DIALOGS", m_saved);
}

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable(path + QStringLiteral(": ") + f.errorString()));
    QCOMPARE(f.write(content), qint64(content.size()));
}

} // namespace ef::test
