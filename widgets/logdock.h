// SPDX-License-Identifier: GPL-3.0-or-later
// The Log dock: the process's log messages, newest at the bottom.
#pragma once

#include <QDockWidget>

#include "backend/logbus.h"

class QPlainTextEdit;

namespace ef {

class LogDock final : public QDockWidget
{
    Q_OBJECT

public:
    explicit LogDock(QWidget *parent = nullptr);
    void append(const LogEntry &entry);
    QString text() const;

private:
    QPlainTextEdit *m_text;
};

} // namespace ef
