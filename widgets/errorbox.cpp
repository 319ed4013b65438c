// SPDX-License-Identifier: GPL-3.0-or-later
// Readable errors with their details.
#include "widgets/errorbox.h"

#include <QFileInfo>
#include <QMessageBox>
#include <QRegularExpression>

namespace ef {

QString readableError(const QString &technical)
{
    QString line = technical.trimmed().section(QLatin1Char('\n'), 0, 0).trimmed();
    // '/a/b/c.efws' and "/a/b/c" become 'c.efws' and "c"; a bare /a/b/c (up to a space, a colon
    // or a comma) becomes c. The full paths stay in the details.
    static const QRegularExpression quoted(QStringLiteral("(['\"])(/[^'\"]*/)([^'\"/]+)\\1"));
    line.replace(quoted, QStringLiteral("\\1\\3\\1"));
    static const QRegularExpression bare(QStringLiteral("(^|[\\s(])/(?:[^\\s:,'\"()/]+/)+([^\\s:,'\"()/]+)"));
    line.replace(bare, QStringLiteral("\\1\\2"));
    constexpr qsizetype kMax = 300;
    if (line.size() > kMax)
        line = line.left(kMax - 1) + QChar(0x2026);
    return line;
}

QMessageBox *showError(QWidget *parent, const QString &title, const QString &what, const QString &technical)
{
    if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return nullptr;
    auto *box = new QMessageBox(QMessageBox::Warning, title, what, QMessageBox::Close, parent);
    box->setObjectName(QStringLiteral("errorBox"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    const QString readable = readableError(technical);
    box->setInformativeText(readable);
    if (!technical.trimmed().isEmpty() && technical.trimmed() != readable)
        box->setDetailedText(technical.trimmed());
    box->open();
    return box;
}

} // namespace ef
