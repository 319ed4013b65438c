// SPDX-License-Identifier: GPL-3.0-or-later
// LogBus: every qDebug/qInfo/qWarning/qCritical of the process, as a signal the Log dock shows.
//
// Thread-safety: messages may come from any thread; the signal is emitted in the emitting
// thread, so receivers in the GUI thread get it queued (automatic connection).
#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>

namespace ef {

struct LogEntry
{
    QDateTime time;
    QtMsgType type = QtInfoMsg;
    QString category;
    QString text;
};

class LogBus final : public QObject
{
    Q_OBJECT

public:
    static LogBus *instance();
    // Installs the message handler (idempotent); the previous handler still gets everything.
    static void install();

Q_SIGNALS:
    void messageLogged(const ef::LogEntry &entry);

private:
    LogBus() = default;
};

} // namespace ef

Q_DECLARE_METATYPE(ef::LogEntry)
