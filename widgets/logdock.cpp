// SPDX-License-Identifier: GPL-3.0-or-later
// The Log dock.
#include "widgets/logdock.h"

#include <QFontDatabase>
#include <QPlainTextEdit>

namespace ef {

LogDock::LogDock(QWidget *parent) : QDockWidget(tr("Log"), parent), m_text(new QPlainTextEdit(this))
{
    setObjectName(QStringLiteral("logDock"));
    m_text->setObjectName(QStringLiteral("logView"));
    m_text->setReadOnly(true);
    m_text->setMaximumBlockCount(5000);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    setWidget(m_text);
    connect(LogBus::instance(), &LogBus::messageLogged, this, &LogDock::append);
}

void LogDock::append(const LogEntry &entry)
{
    QString level;
    switch (entry.type) {
    case QtDebugMsg:
        level = QStringLiteral("debug");
        break;
    case QtInfoMsg:
        level = QStringLiteral("info");
        break;
    case QtWarningMsg:
        level = QStringLiteral("warning");
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        level = QStringLiteral("error");
        break;
    }
    m_text->appendPlainText(
        QStringLiteral("%1 %2 [%3] %4")
            .arg(entry.time.toString(QStringLiteral("HH:mm:ss.zzz")), level, entry.category, entry.text));
}

QString LogDock::text() const
{
    return m_text->toPlainText();
}

} // namespace ef
