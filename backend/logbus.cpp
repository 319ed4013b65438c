// SPDX-License-Identifier: GPL-3.0-or-later
// Process-wide log forwarding.
#include "backend/logbus.h"

#include <atomic>

namespace ef {

namespace {
QtMessageHandler g_previous = nullptr;
std::atomic_bool g_installed{false};

void handler(QtMsgType type, const QMessageLogContext &context, const QString &msg)
{
    if (g_previous)
        g_previous(type, context, msg);
    Q_EMIT LogBus::instance()->messageLogged(LogEntry{
        QDateTime::currentDateTime(), type, QString::fromUtf8(context.category ? context.category : "default"), msg});
}
} // namespace

LogBus *LogBus::instance()
{
    static LogBus *bus = new LogBus; // lives until exit; messages can arrive during teardown
    return bus;
}

void LogBus::install()
{
    qRegisterMetaType<ef::LogEntry>();
    instance();
    if (!g_installed.exchange(true))
        g_previous = qInstallMessageHandler(handler);
}

} // namespace ef
