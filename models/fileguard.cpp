// SPDX-License-Identifier: GPL-3.0-or-later
// Regular-file checks, safe opening and bounded whole-file reads.
#include "models/fileguard.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ef::files {

namespace {

Kind kindOf(mode_t mode)
{
    if (S_ISREG(mode))
        return Kind::Regular;
    if (S_ISDIR(mode))
        return Kind::Directory;
    if (S_ISFIFO(mode))
        return Kind::Fifo;
    if (S_ISCHR(mode))
        return Kind::CharDevice;
    if (S_ISBLK(mode))
        return Kind::BlockDevice;
    if (S_ISSOCK(mode))
        return Kind::Socket;
    return Kind::Other;
}

std::string notRegular(Kind kind)
{
    return std::string("is ") + kindName(kind) + ", not a regular file";
}

std::string tooLarge(uint64_t size, uint64_t maxBytes)
{
    return "is larger than the " + formatBytes(maxBytes) + " allowed for this file" +
           (size > maxBytes ? " (" + formatBytes(size) + ")" : std::string());
}

} // namespace

FileError::FileError(const std::string &path, const std::string &reason)
    : std::runtime_error(path + ": " + reason), m_path(path), m_reason(reason)
{}

Status status(const std::string &path)
{
    Status s;
    struct stat st
    {
    };
    if (::stat(path.c_str(), &st) != 0) {
        s.error = errno;
        s.kind = errno == ENOENT || errno == ENOTDIR ? Kind::Missing : Kind::Inaccessible;
        return s;
    }
    s.kind = kindOf(st.st_mode);
    if (s.kind == Kind::Regular)
        s.size = static_cast<uint64_t>(st.st_size);
    return s;
}

const char *kindName(Kind kind)
{
    switch (kind) {
    case Kind::Regular:
        return "a regular file";
    case Kind::Directory:
        return "a directory";
    case Kind::Fifo:
        return "a named pipe (FIFO)";
    case Kind::CharDevice:
        return "a character device";
    case Kind::BlockDevice:
        return "a block device";
    case Kind::Socket:
        return "a socket";
    case Kind::Other:
        return "not a file";
    case Kind::Missing:
        return "missing";
    case Kind::Inaccessible:
        return "inaccessible";
    }
    return "?";
}

std::string regularFileProblem(const std::string &path)
{
    const Status s = status(path);
    switch (s.kind) {
    case Kind::Regular:
        return {};
    case Kind::Missing:
        return "does not exist";
    case Kind::Inaccessible:
        return std::string("cannot be read: ") + std::strerror(s.error);
    default:
        return notRegular(s.kind);
    }
}

std::string formatBytes(uint64_t bytes)
{
    char buf[64];
    if (bytes >= (uint64_t(1) << 30) && bytes % (uint64_t(1) << 30) == 0)
        std::snprintf(buf, sizeof buf, "%llu GiB", static_cast<unsigned long long>(bytes >> 30));
    else if (bytes >= (uint64_t(1) << 30))
        std::snprintf(buf, sizeof buf, "%.1f GiB", double(bytes) / double(uint64_t(1) << 30));
    else if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0)
        std::snprintf(buf, sizeof buf, "%llu MiB", static_cast<unsigned long long>(bytes >> 20));
    else if (bytes >= (uint64_t(1) << 20))
        std::snprintf(buf, sizeof buf, "%.1f MiB", double(bytes) / double(uint64_t(1) << 20));
    else if (bytes >= 1024 && bytes % 1024 == 0)
        std::snprintf(buf, sizeof buf, "%llu KiB", static_cast<unsigned long long>(bytes >> 10));
    else
        std::snprintf(buf, sizeof buf, "%llu bytes", static_cast<unsigned long long>(bytes));
    return buf;
}

int openRegular(const std::string &path, uint64_t *size)
{
    // A check before opening gives the clear reason for the usual case; the fstat below closes
    // the window in which the path could be replaced.
    if (const std::string problem = regularFileProblem(path); !problem.empty())
        throw FileError(path, problem);
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0)
        throw FileError(path, std::string("cannot be opened: ") + std::strerror(errno));
    struct stat st
    {
    };
    if (::fstat(fd, &st) != 0) {
        const int e = errno;
        ::close(fd);
        throw FileError(path, std::string("cannot be read: ") + std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd);
        throw FileError(path, notRegular(kindOf(st.st_mode)));
    }
    const int flags = ::fcntl(fd, F_GETFL);
    if (flags >= 0)
        ::fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
    if (size)
        *size = static_cast<uint64_t>(st.st_size);
    return fd;
}

std::string readRegular(const std::string &path, uint64_t maxBytes)
{
    uint64_t size = 0;
    const int fd = openRegular(path, &size);
    if (size > maxBytes) {
        ::close(fd);
        throw FileError(path, tooLarge(size, maxBytes));
    }
    std::string out;
    out.reserve(static_cast<size_t>(size));
    char buf[1 << 16];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            const int e = errno;
            ::close(fd);
            throw FileError(path, std::string("read error: ") + std::strerror(e));
        }
        if (n == 0)
            break;
        if (out.size() + static_cast<size_t>(n) > maxBytes) {
            ::close(fd);
            throw FileError(path, tooLarge(0, maxBytes));
        }
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

} // namespace ef::files
