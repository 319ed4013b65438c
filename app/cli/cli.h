// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli's command registry, argument parsing and output helpers.
//
// Exit codes (an interface scripts rely on): 0 success, 1 failure, 2 usage error.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include "backend/database.h"
#include "backend/jobs.h"
#include "backend/workspace.h"

namespace ef::cli {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2 };

// Thrown for a malformed command line; main prints it with the command's synopsis, exit 2.
class UsageError : public std::runtime_error
{
public:
    explicit UsageError(const QString &message) : std::runtime_error(message.toStdString()) {}
    QString message() const { return QString::fromUtf8(what()); }
};

// Options of one command after parsing: --name VALUE pairs, switches, positionals.
struct ParsedArgs
{
    QHash<QString, QString> values;
    QStringList switches;
    QStringList positionals;

    bool has(const QString &name) const { return values.contains(name) || switches.contains(name); }
    QString value(const QString &name, const QString &def = {}) const { return values.value(name, def); }
    int intValue(const QString &name, int def, int min, int max) const; // throws UsageError
    double doubleValue(const QString &name, double def) const;          // throws UsageError
    quint64 seedValue(quint64 def = 0) const;                           // --seed; throws UsageError
};

// Draws progress on stderr: a redrawn bar on a terminal, plain lines otherwise.
class ProgressPrinter
{
public:
    explicit ProgressPrinter(QString label);
    ~ProgressPrinter();
    void update(qint64 done, qint64 total, const QString &message = {});
    void finish();
    bool isTerminal() const { return m_tty; }

private:
    QString m_label;
    bool m_tty;
    bool m_active = false;
    qint64 m_lastLineMs = -1;
    qint64 m_lastDone = -1;
};

struct Context
{
    QStringList args;  // what follows the command's words
    bool json = false; // --json given
    QTextStream &out;
    QTextStream &err;
    QString commandName; // "workspace init"
    QString synopsis;

    // Parses args: valueOptions take one value ("--model DIR"), switches take none.
    // Throws UsageError for unknown options, missing values or a wrong positional count.
    ParsedArgs parse(const QStringList &valueOptions, const QStringList &switches, int minPositionals,
                     int maxPositionals) const;
    // Prints "embedforge-cli: <command>: message" on stderr and returns ExitFailure.
    int fail(const QString &message) const;
    // Prints a JSON object as one line on stdout.
    void printJson(const QJsonObject &object) const;
};

// The workspace named by --workspace W, open, with a connection for this thread.
// Throws UsageError when --workspace is missing, std::runtime_error when it cannot be opened.
struct OpenedWorkspace
{
    Workspace ws;
    std::unique_ptr<Database> db;
};
OpenedWorkspace openWorkspace(const ParsedArgs &a);

struct Command
{
    QStringList words; // {"workspace", "init"}
    QString synopsis;  // "workspace init PATH [--json]"
    QString summary;   // one line, translated
    std::function<int(Context &)> run;
};

class Registry
{
public:
    void add(Command command) { m_commands.append(std::move(command)); }
    const QList<Command> &commands() const { return m_commands; }

private:
    QList<Command> m_commands;
};

// Reads stdin as raw bytes and calls fn(line, lineNumber) for each line without its line break
// ("\n" or "\r\n"); a last line without a break counts too. fn returns false to stop. A line
// longer than fileguard::kMaxLineBytes (8 MiB) stops the reading with *error set, so memory
// stays bounded whatever stdin holds.
void forEachStdinLine(const std::function<bool(const std::string &line, long long lineNo)> &fn, QString *error);

// e.what(), except for std::bad_alloc, which becomes a translated "out of memory" message (the
// library's own name for it says nothing to a user).
QString exceptionMessage(const std::exception &e);

// Runs one backend job to its end on a JobManager of the command's own (the same job factories
// the GUI submits), calling onProgress (once a unit is done) and onMetrics on this thread as
// they arrive. Returns the finished job: its state, error and typed result (jobResult<T>(info)).
// shouldCancel, when given, is polled ten times a second; true cancels the job (e.g. on Ctrl-C).
JobInfo runJob(JobSpec spec, const std::function<void(const JobProgress &)> &onProgress = {},
               const std::function<void(const QList<MetricSample> &)> &onMetrics = {},
               const std::function<bool()> &shouldCancel = {});

// One function per command group (each in its own file).
void registerWorkspaceCommands(Registry &registry);
void registerRetrievalCommands(Registry &registry);
void registerModelCommands(Registry &registry);
void registerTemplateCommands(Registry &registry);
void registerGenerateCommands(Registry &registry);
void registerDatasetCommands(Registry &registry);
void registerTokenizeCommands(Registry &registry);
void registerEmbedCommands(Registry &registry);
void registerTrainCommands(Registry &registry);
// `dataset import --jsonl FILE --name NAME`: a labelled dataset for training (train_commands.cpp).
int importLabelledDataset(Context &ctx, const ParsedArgs &args);

} // namespace ef::cli
