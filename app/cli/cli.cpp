// SPDX-License-Identifier: GPL-3.0-or-later
// Argument parsing, progress output and JSON output for embedforge-cli.
#include "app/cli/cli.h"

#include <cstdio>
#include <new>
#include <string>
#include <vector>
#include <unistd.h>

#include <QCoreApplication>
#include <QDateTime>
#include <QEventLoop>
#include <QTimer>
#include <QJsonDocument>

#include "backend/argtext.h"
#include "backend/fileguard.h"

namespace ef::cli {

QString exceptionMessage(const std::exception &e)
{
    if (dynamic_cast<const std::bad_alloc *>(&e))
        return QCoreApplication::translate("ef::cli", "out of memory: an input is too large for this machine");
    return QString::fromUtf8(e.what());
}

int ParsedArgs::intValue(const QString &name, int def, int min, int max) const
{
    if (!values.contains(name))
        return def;
    bool ok = false;
    const int v = values.value(name).toInt(&ok);
    if (!ok || v < min || v > max)
        throw UsageError(QCoreApplication::translate("ef::cli", "--%1 must be an integer from %2 to %3, not '%4'")
                             .arg(argText(name), argText(min), argText(max), argText(values.value(name))));
    return v;
}

double ParsedArgs::doubleValue(const QString &name, double def) const
{
    if (!values.contains(name))
        return def;
    bool ok = false;
    const double v = value(name).toDouble(&ok);
    if (!ok)
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--%1 must be a number, not '%2'").arg(name, value(name)));
    return v;
}

quint64 ParsedArgs::seedValue(quint64 def) const
{
    if (!values.contains(QStringLiteral("seed")))
        return def;
    bool ok = false;
    const quint64 v = value(QStringLiteral("seed")).toULongLong(&ok);
    if (!ok)
        throw UsageError(QCoreApplication::translate("ef::cli", "--seed must be a non-negative integer, not '%1'")
                             .arg(value(QStringLiteral("seed"))));
    return v;
}

ParsedArgs Context::parse(const QStringList &valueOptions, const QStringList &switchOptions, int minPositionals,
                          int maxPositionals) const
{
    ParsedArgs parsed;
    bool onlyPositionals = false;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (onlyPositionals || !a.startsWith(QLatin1String("--")) || a == QLatin1String("-")) {
            parsed.positionals << a;
            continue;
        }
        if (a == QLatin1String("--")) {
            onlyPositionals = true;
            continue;
        }
        QString name = a.mid(2);
        QString inlineValue;
        const int eq = name.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            inlineValue = name.mid(eq + 1);
            name.truncate(eq);
        }
        if (valueOptions.contains(name)) {
            if (eq >= 0) {
                parsed.values.insert(name, inlineValue);
            } else {
                if (i + 1 >= args.size())
                    throw UsageError(QCoreApplication::translate("ef::cli", "option --%1 needs a value").arg(name));
                parsed.values.insert(name, args.at(++i));
            }
        } else if (switchOptions.contains(name) && eq < 0) {
            parsed.switches << name;
        } else {
            throw UsageError(QCoreApplication::translate("ef::cli", "unknown option '%1'").arg(a));
        }
    }
    if (parsed.positionals.size() < minPositionals)
        throw UsageError(QCoreApplication::translate("ef::cli", "missing argument"));
    if (maxPositionals >= 0 && parsed.positionals.size() > maxPositionals)
        throw UsageError(QCoreApplication::translate("ef::cli", "unexpected argument '%1'")
                             .arg(parsed.positionals.at(maxPositionals)));
    return parsed;
}

int Context::fail(const QString &message) const
{
    err << "embedforge-cli: " << commandName << ": " << message << Qt::endl;
    return ExitFailure;
}

void Context::printJson(const QJsonObject &object) const
{
    out << QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact)) << Qt::endl;
}

OpenedWorkspace openWorkspace(const ParsedArgs &a)
{
    const QString path = a.value(QStringLiteral("workspace"));
    if (path.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--workspace W is required"));
    auto ws = Workspace::open(path);
    if (!ws)
        throw std::runtime_error(ws.error().toStdString());
    auto db = ws->connect();
    if (!db)
        throw std::runtime_error(db.error().toStdString());
    return {ws.value(), std::move(db.value())};
}

JobInfo runJob(JobSpec spec, const std::function<void(const JobProgress &)> &onProgress,
               const std::function<void(const QList<MetricSample> &)> &onMetrics,
               const std::function<bool()> &shouldCancel)
{
    JobManager jobs;
    QEventLoop loop;
    JobInfo finished;
    quint64 id = 0;
    QTimer poll;
    if (shouldCancel) {
        QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
            if (id && shouldCancel())
                jobs.cancel(id);
        });
        poll.start(100);
    }
    QObject::connect(&jobs, &JobManager::jobProgress, &loop, [&](quint64 job, const JobProgress &p) {
        if (job == id && onProgress && p.done > 0) // nothing to draw before the first unit is done
            onProgress(p);
    });
    QObject::connect(&jobs, &JobManager::jobMetrics, &loop, [&](quint64 job, const QList<MetricSample> &samples) {
        if (job == id && onMetrics)
            onMetrics(samples);
    });
    QObject::connect(&jobs, &JobManager::jobFinished, &loop, [&](const JobInfo &info) {
        if (info.id != id)
            return;
        finished = info;
        loop.quit();
    });
    id = jobs.submit(std::move(spec));
    if (!isFinished(jobs.job(id).state))
        loop.exec();
    return finished.id ? finished : jobs.job(id);
}

// ---- ProgressPrinter ----

ProgressPrinter::ProgressPrinter(QString label) : m_label(std::move(label)), m_tty(isatty(fileno(stderr)) == 1)
{}

ProgressPrinter::~ProgressPrinter()
{
    finish();
}

void ProgressPrinter::update(qint64 done, qint64 total, const QString &message)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_tty) {
        constexpr int kWidth = 30;
        const int filled = total > 0 ? static_cast<int>(kWidth * std::min(done, total) / total) : 0;
        const QString bar = QString(filled, QLatin1Char('#')) + QString(kWidth - filled, QLatin1Char('.'));
        const QString counts =
            total > 0 ? QStringLiteral("%1/%2").arg(argText(done), argText(total)) : QString::number(done);
        const QByteArray line = QStringLiteral("\r%1 [%2] %3 %4\x1b[K").arg(m_label, bar, counts, message).toUtf8();
        std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
        std::fflush(stderr);
        m_active = true;
        return;
    }
    // Not a terminal: one line per step, at most one a second unless the work is done.
    const bool last = total > 0 && done >= total;
    if (done == m_lastDone || (!last && m_lastLineMs >= 0 && now - m_lastLineMs < 1000))
        return;
    m_lastLineMs = now;
    m_lastDone = done;
    const QString counts =
        total > 0 ? QStringLiteral("%1/%2").arg(argText(done), argText(total)) : QString::number(done);
    const QByteArray line = QStringLiteral("%1: %2 %3\n").arg(m_label, counts, message).toUtf8();
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
    std::fflush(stderr);
}

void ProgressPrinter::finish()
{
    if (m_tty && m_active) {
        std::fputc('\n', stderr);
        std::fflush(stderr);
    }
    m_active = false;
}

// Reads stdin as raw bytes and calls fn(line, lineNumber) for each line without its "\n" / "\r\n".
void forEachStdinLine(const std::function<bool(const std::string &, long long)> &fn, QString *error)
{
    constexpr size_t kMaxLine = static_cast<size_t>(fileguard::kMaxLineBytes);
    std::string pending;
    std::vector<char> buf(1 << 16);
    long long lineNo = 0;
    size_t n = 0;
    while ((n = std::fread(buf.data(), 1, buf.size(), stdin)) > 0) {
        const size_t scanned = pending.size(); // no line break before here: scan only the new bytes
        pending.append(buf.data(), n);
        size_t start = 0, nl = 0, from = scanned;
        while ((nl = pending.find('\n', from)) != std::string::npos) {
            size_t end = nl;
            if (end > start && pending[end - 1] == '\r')
                --end;
            if (end - start > kMaxLine) {
                *error = fileguard::lineTooLong(QStringLiteral("stdin"), lineNo + 1, fileguard::kMaxLineBytes);
                return;
            }
            if (!fn(pending.substr(start, end - start), ++lineNo))
                return;
            start = from = nl + 1;
        }
        pending.erase(0, start);
        if (pending.size() > kMaxLine + 1) {
            *error = fileguard::lineTooLong(QStringLiteral("stdin"), lineNo + 1, fileguard::kMaxLineBytes);
            return;
        }
    }
    if (!pending.empty()) { // a last line without a line break
        if (pending.back() == '\r')
            pending.pop_back();
        fn(pending, ++lineNo);
    }
}

} // namespace ef::cli
