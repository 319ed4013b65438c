// SPDX-License-Identifier: GPL-3.0-or-later
// Lease: an exclusive flock per piece of work, naming its holder.
#include "backend/lease.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QSysInfo>

#include "backend/timestamp.h"
#include "backend/workspace.h"

namespace ef {

Expected<Lease> Lease::take(const QString &workspacePath, const QString &key, const QString &what)
{
    const QString dir = QDir(Workspace::artifactsDirFor(workspacePath)).filePath(QStringLiteral("leases"));
    if (!QDir().mkpath(dir))
        return makeError(
            QCoreApplication::translate("ef::Lease", "cannot create the folder '%1' for %2's lease").arg(dir, what));
    const QString path = QDir(dir).filePath(key + QStringLiteral(".lock"));
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return makeError(QCoreApplication::translate("ef::Lease", "cannot open the lease '%1' for %2: %3")
                             .arg(path, what, QString::fromLocal8Bit(std::strerror(errno))));
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        char buf[512] = {0};
        const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
        ::close(fd);
        if (err != EWOULDBLOCK)
            return makeError(QCoreApplication::translate("ef::Lease", "cannot lock the lease '%1' for %2: %3")
                                 .arg(path, what, QString::fromLocal8Bit(std::strerror(err))));
        const QString holder = n > 0 ? QString::fromUtf8(buf, static_cast<int>(n)).trimmed() : QString();
        return makeError(
            holder.isEmpty()
                ? QCoreApplication::translate("ef::Lease", "%1 is being processed by another process").arg(what)
                : QCoreApplication::translate("ef::Lease", "%1 is being processed by %2").arg(what, holder));
    }
    const QString me = QCoreApplication::translate("ef::Lease", "process %1 since %2, on host %3")
                           .arg(QString::number(::getpid()), isoNow(), QSysInfo::machineHostName()) +
                       QLatin1Char('\n');
    const QByteArray bytes = me.toUtf8();
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, bytes.constData(), bytes.size(), 0) != bytes.size()) {
        // The lease is held all the same; only the holder's name could not be written.
    }
    Lease lease;
    lease.m_fd = fd;
    lease.m_path = path;
    return lease;
}

std::optional<bool> Lease::isTaken(const QString &workspacePath, const QString &key)
{
    const QString path = QDir(QDir(Workspace::artifactsDirFor(workspacePath)).filePath(QStringLiteral("leases")))
                             .filePath(key + QStringLiteral(".lock"));
    struct stat st = {};
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return std::nullopt; // never taken yet (a new run whose job has not started), or unreadable
    QFile locks(QStringLiteral("/proc/locks"));
    if (!locks.open(QIODevice::ReadOnly))
        return std::nullopt;
    // "1: FLOCK  ADVISORY  WRITE 11998 fe:00:10977354 0 EOF": major and minor in hex, the inode in
    // decimal. Waiters ("1: -> FLOCK ...") hold nothing.
    const QList<QByteArray> lines = locks.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const QList<QByteArray> f = line.simplified().split(' ');
        if (f.size() < 6 || f.at(1) != "FLOCK")
            continue;
        const QList<QByteArray> id = f.at(5).split(':');
        if (id.size() != 3)
            continue;
        bool ok1 = false, ok2 = false, ok3 = false;
        const unsigned devMajor = id.at(0).toUInt(&ok1, 16);
        const unsigned devMinor = id.at(1).toUInt(&ok2, 16);
        const qulonglong inode = id.at(2).toULongLong(&ok3, 10);
        if (ok1 && ok2 && ok3 && devMajor == major(st.st_dev) && devMinor == minor(st.st_dev) && inode == st.st_ino)
            return true;
    }
    return false;
}

Lease::Lease(Lease &&other) noexcept : m_fd(other.m_fd), m_path(std::move(other.m_path))
{
    other.m_fd = -1;
}

Lease &Lease::operator=(Lease &&other) noexcept
{
    if (this != &other) {
        release();
        m_fd = other.m_fd;
        m_path = std::move(other.m_path);
        other.m_fd = -1;
    }
    return *this;
}

Lease::~Lease()
{
    release();
}

void Lease::release()
{
    if (m_fd < 0)
        return;
    // Emptied first, so that a reader never names a holder that is gone; the file stays (removing
    // it would race with a process that opened it and waits to lock it).
    (void)::ftruncate(m_fd, 0);
    ::close(m_fd);
    m_fd = -1;
}

} // namespace ef
