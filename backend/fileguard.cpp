// SPDX-License-Identifier: GPL-3.0-or-later
// Regular-file checks for Qt callers, with translated messages.
#include "backend/fileguard.h"

#include <algorithm>
#include <cstring>

#include <unistd.h>

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include "backend/argtext.h"
#include "models/fileguard.h"

namespace ef::fileguard {

namespace {

std::string local(const QString &path)
{
    return QFile::encodeName(path).toStdString();
}

bool isResource(const QString &path)
{
    return path.startsWith(QLatin1Char(':')) || path.startsWith(QLatin1String("qrc:"));
}

QString sizeText(qint64 bytes)
{
    return QString::fromStdString(files::formatBytes(static_cast<uint64_t>(bytes)));
}

} // namespace

QString regularFileProblem(const QString &path)
{
    if (isResource(path))
        return QFile::exists(path) ? QString()
                                   : QCoreApplication::translate("ef::FileGuard", "'%1' does not exist").arg(path);
    const files::Status s = files::status(local(path));
    switch (s.kind) {
    case files::Kind::Regular:
        return {};
    case files::Kind::Missing:
        return QCoreApplication::translate("ef::FileGuard", "'%1' does not exist").arg(path);
    case files::Kind::Inaccessible:
        return QCoreApplication::translate("ef::FileGuard", "cannot read '%1': %2")
            .arg(path, QString::fromLocal8Bit(std::strerror(s.error)));
    case files::Kind::Directory:
        return QCoreApplication::translate("ef::FileGuard", "'%1' is a folder, not a regular file").arg(path);
    case files::Kind::Fifo:
        return QCoreApplication::translate("ef::FileGuard", "'%1' is a named pipe (FIFO), not a regular file")
            .arg(path);
    case files::Kind::CharDevice:
    case files::Kind::BlockDevice:
        return QCoreApplication::translate("ef::FileGuard", "'%1' is a device, not a regular file").arg(path);
    case files::Kind::Socket:
        return QCoreApplication::translate("ef::FileGuard", "'%1' is a socket, not a regular file").arg(path);
    case files::Kind::Other:
        break;
    }
    return QCoreApplication::translate("ef::FileGuard", "'%1' is not a regular file").arg(path);
}

bool openForReading(QFile &f, const QString &path, QString *error)
{
    if (isResource(path)) {
        f.setFileName(path);
        if (f.open(QIODevice::ReadOnly))
            return true;
        *error = QCoreApplication::translate("ef::FileGuard", "cannot read '%1': %2").arg(path, f.errorString());
        return false;
    }
    if (const QString problem = regularFileProblem(path); !problem.isEmpty()) {
        *error = problem;
        return false;
    }
    int fd = -1;
    try {
        fd = files::openRegular(local(path));
    } catch (const files::FileError &e) {
        *error = QCoreApplication::translate("ef::FileGuard", "cannot read '%1': %2")
                     .arg(path, QString::fromStdString(e.reason()));
        return false;
    }
    if (!f.open(fd, QIODevice::ReadOnly, QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        *error = QCoreApplication::translate("ef::FileGuard", "cannot read '%1': %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

Expected<QByteArray> readAll(const QString &path, qint64 maxBytes)
{
    QFile f;
    QString error;
    if (!openForReading(f, path, &error))
        return makeError(error);
    // The size is checked before and while reading: files under /proc report none.
    const QByteArray bytes = f.size() > maxBytes ? QByteArray() : f.read(maxBytes + 1);
    if (f.size() > maxBytes || bytes.size() > maxBytes)
        return makeError(
            QCoreApplication::translate("ef::FileGuard", "'%1' is larger than %2, the most this file may hold")
                .arg(path, sizeText(maxBytes)));
    if (f.error() != QFileDevice::NoError)
        return makeError(
            QCoreApplication::translate("ef::FileGuard", "cannot read '%1': %2").arg(path, f.errorString()));
    return bytes;
}

QByteArray readLine(QFile &f, qint64 maxBytes, bool *tooLong)
{
    // In pieces of 64 KiB: readLine(n) allocates n bytes up front, and most lines are short.
    // Room for the content, "\r\n", and one byte more to tell a long line from a full one.
    constexpr qint64 kPiece = qint64(1) << 16;
    QByteArray raw = f.readLine(kPiece);
    while (!raw.endsWith('\n') && raw.size() <= maxBytes + 2) {
        const QByteArray more = f.readLine(std::min(kPiece, maxBytes + 3 - raw.size()));
        if (more.isEmpty())
            break;
        raw += more;
    }
    qsizetype content = raw.size();
    if (raw.endsWith('\n'))
        --content;
    if (raw.endsWith("\r\n"))
        --content;
    *tooLong = content > maxBytes;
    return raw;
}

bool commitSaveFile(QSaveFile &f)
{
    if (!f.flush() || f.error() != QFileDevice::NoError) {
        f.cancelWriting();
        return false;
    }
    return f.commit();
}

QString lineTooLong(const QString &path, qint64 lineNo, qint64 maxBytes)
{
    return QCoreApplication::translate("ef::FileGuard", "%1:%2: the line is longer than %3, the most a line may hold")
        .arg(argText(path), argText(lineNo), argText(sizeText(maxBytes)));
}

} // namespace ef::fileguard
