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

// SHA-256 of a file's bytes (empty when unreadable).
QByteArray fileHash(const QString &path);

// Writes content to path, creating parent folders; records a test failure if it cannot.
void writeFile(const QString &path, const QByteArray &content);

// Folder for files worth keeping after the run (screenshots); created on demand.
QString artifactsDir();

} // namespace ef::test
