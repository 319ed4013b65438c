// SPDX-License-Identifier: GPL-3.0-or-later
// Answering modal dialogs from tests.
#include "tests/common/modal.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QPushButton>
#include <QTest>
#include <QTimer>

namespace ef::test {

void whenModalShows(QObject *context, std::function<void(QWidget *)> answer, int timeoutMs)
{
    auto *poll = new QTimer(context);
    poll->setInterval(20);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    QObject::connect(poll, &QTimer::timeout, context, [poll, clock, timeoutMs, answer = std::move(answer)] {
        QWidget *dialog = QApplication::activeModalWidget();
        if (!dialog && clock->elapsed() < timeoutMs)
            return;
        poll->stop();
        poll->deleteLater();
        if (dialog)
            answer(dialog);
    });
    poll->start();
}

namespace {
void clickIn(QObject *context, std::function<QAbstractButton *(QMessageBox *)> which, QString *asked)
{
    whenModalShows(context, [which = std::move(which), asked](QWidget *dialog) {
        auto *box = qobject_cast<QMessageBox *>(dialog);
        if (!box)
            return;
        if (asked)
            *asked = box->objectName() + QLatin1Char(' ') + box->text() + QLatin1Char(' ') + box->informativeText();
        if (QAbstractButton *button = which(box))
            QTest::mouseClick(button, Qt::LeftButton);
    });
}
} // namespace

void clickInNextMessageBox(QObject *context, QMessageBox::StandardButton button, QString *asked)
{
    clickIn(
        context, [button](QMessageBox *box) -> QAbstractButton * { return box->button(button); }, asked);
}

void clickInNextMessageBox(QObject *context, const char *buttonName, QString *asked)
{
    const QString name = QLatin1String(buttonName);
    clickIn(
        context, [name](QMessageBox *box) -> QAbstractButton * { return box->findChild<QPushButton *>(name); }, asked);
}

} // namespace ef::test
