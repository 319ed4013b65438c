// SPDX-License-Identifier: GPL-3.0-or-later
// Opening input files that may come from anywhere (model folders, corpora, templates): only regular
// files are read, symbolic links are followed only to regular files, and whole-file reads have a
// size limit. A FIFO, a device or a socket in place of a model file is an error naming it, never an
// open() or a read that blocks forever or never ends. Plain C++, no Qt: models/ uses it directly,
// backend/fileguard.h wraps it for Qt callers.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace ef::files {

// What a path names, symbolic links followed.
enum class Kind { Regular, Directory, Fifo, CharDevice, BlockDevice, Socket, Other, Missing, Inaccessible };

struct Status
{
    Kind kind = Kind::Missing;
    int error = 0;     // errno of a failed stat (Missing, Inaccessible)
    uint64_t size = 0; // bytes, for a regular file
};

Status status(const std::string &path);
// "a named pipe (FIFO)", "a directory", ...
const char *kindName(Kind kind);

// Why path cannot be read as a regular file ("is a named pipe (FIFO), not a regular file",
// "does not exist", ...), or empty when it can.
std::string regularFileProblem(const std::string &path);

// "64 MiB", "1.5 GiB", "300 bytes": sizes in messages.
std::string formatBytes(uint64_t bytes);

// Error of openRegular() and readRegular(): what() is "PATH: REASON"; reason() alone lets callers
// rethrow it as their own error type with the same path.
class FileError : public std::runtime_error
{
public:
    FileError(const std::string &path, const std::string &reason);
    const std::string &path() const { return m_path; }
    const std::string &reason() const { return m_reason; }

private:
    std::string m_path;
    std::string m_reason;
};

// Opens path read-only (O_CLOEXEC) when it is a regular file. The open itself uses O_NONBLOCK,
// so a FIFO swapped in after a check cannot block it, and the kind is checked on the descriptor
// (fstat), so there is no window between check and use. Returns the descriptor; *size gets the
// file's size. Throws FileError.
int openRegular(const std::string &path, uint64_t *size = nullptr);

// The whole content of a regular file of at most maxBytes (checked before reading and while
// reading, for files that grow or report no size, like those under /proc). Throws FileError.
std::string readRegular(const std::string &path, uint64_t maxBytes);

} // namespace ef::files
