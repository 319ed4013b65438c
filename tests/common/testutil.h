// SPDX-License-Identifier: GPL-3.0-or-later
// Helpers shared by the test executables: running the CLI, file hashes, artifact folder.
#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace ef::test {

struct ProcessResult
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    bool crashed = false;
};

// Runs the built embedforge-cli (EMBEDFORGE_CLI) with args, optional stdin, 120 s limit.
ProcessResult runCli(const QStringList &args, const QByteArray &input = {}, const QStringList &extraEnv = {});

// Like runCli, but the child cannot override file permissions even when the tests run as
// root: CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH leave its capability bounding set before
// exec, so a chmod-ed folder is read-only to it as it is to a user.
ProcessResult runCliWithoutOverride(const QStringList &args);

struct BoundedResult : ProcessResult
{
    qint64 elapsedMs = 0;  // wall time until the child ended (or was killed)
    qint64 peakRssKiB = 0; // the child's peak resident memory (wait4's ru_maxrss)
    bool timedOut = false; // killed after timeoutMs
};

// Runs embedforge-cli like runCli, measured: the child gets RLIMIT_AS = addressSpaceBytes (so a
// regression fails with an allocation error instead of taking the machine's memory), one
// LibTorch/OpenMP thread, and is killed after timeoutMs; its peak RSS comes from wait4().
BoundedResult runCliBounded(const QStringList &args, const QByteArray &input = {}, int timeoutMs = 20000,
                            qint64 addressSpaceBytes = qint64(4) << 30);

// SHA-256 of a file's bytes (empty when unreadable).
QByteArray fileHash(const QString &path);

// Writes content to path, creating parent folders; records a test failure if it cannot.
void writeFile(const QString &path, const QByteArray &content);

// Folder for files worth keeping after the run (screenshots); created on demand.
QString artifactsDir();

// The tests' environment sets EMBEDFORGE_NO_DIALOGS, so that no widget waits on a dialog; a test
// that drives a dialog lets them be shown for the life of this object.
class DialogsEnabled final
{
public:
    DialogsEnabled();
    ~DialogsEnabled();
    DialogsEnabled(const DialogsEnabled &) = delete;
    DialogsEnabled &operator=(const DialogsEnabled &) = delete;

private:
    QByteArray m_saved;
    bool m_wasSet;
};

} // namespace ef::test
