// SPDX-License-Identifier: GPL-3.0-or-later
// Opening user-supplied input files in backend/ and app/ (corpora, templates): only regular files
// are read (symbolic links followed only to one), whole-file reads and lines have size limits, and
// every refusal is a translated message naming the file. Wraps models/fileguard.h, which the model
// readers use directly. Resource paths (":/...") are opened as they are.
//
// Limits (README, "Limits on inputs"): a corpus line (JSONL record, qrels row) or a document file
// holds at most kMaxLineBytes; a template file at most kMaxTemplateFileBytes.
//
// Thread-safety: free functions without shared state.
#pragma once

#include <QByteArray>
#include <QString>

#include "backend/expected.h"

class QFile;
class QSaveFile;

namespace ef::fileguard {

constexpr qint64 kMaxLineBytes = qint64(8) << 20;
constexpr qint64 kMaxTemplateFileBytes = qint64(16) << 20;

// Why path cannot be read as a regular file ("'x' is a named pipe (FIFO), not a regular file"),
// translated; empty when it can.
QString regularFileProblem(const QString &path);

// Opens f for reading on path when it is a regular file (the kind checked on the open descriptor,
// so a FIFO swapped in after the check cannot block). Otherwise false, with *error set. f is
// opened on a descriptor, so its fileName() is empty: callers name path themselves.
bool openForReading(QFile &f, const QString &path, QString *error);

// The whole file when it is regular and holds at most maxBytes.
Expected<QByteArray> readAll(const QString &path, qint64 maxBytes);

// The next line of f (line break kept) when it holds at most maxBytes besides its line break;
// otherwise *tooLong is set and the rest of the line is left unread. Memory stays bounded by
// maxBytes whatever the file holds.
QByteArray readLine(QFile &f, qint64 maxBytes, bool *tooLong);

// Commits f, a QSaveFile, only when all its bytes reached the disk. QSaveFile::commit() alone
// (Qt 6.4) renames a file whose buffered bytes failed to flush (a full disk, EFBIG): the target
// would be truncated. Returns false with f.errorString() set otherwise; the target is untouched.
bool commitSaveFile(QSaveFile &f);

// "'%1' line %2 is longer than 8 MiB, the most a line may hold" for path:line.
QString lineTooLong(const QString &path, qint64 lineNo, qint64 maxBytes);

} // namespace ef::fileguard
