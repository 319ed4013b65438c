// SPDX-License-Identifier: GPL-3.0-or-later
// Answering a widget's modal dialog from a test. The dialog runs its own exec() loop, so the
// answer comes from a timer that polls for it: the test never spins an event loop beneath that
// exec() (which would deadlock), and does not depend on when the dialog opens (after a job, or
// once data has been read off the GUI thread). Widget tests run with EMBEDFORGE_NO_DIALOGS set;
// use test::DialogsEnabled (testutil.h) around the code that should show the dialog.
#pragma once

#include <functional>

#include <QMessageBox>
#include <QString>

class QObject;
class QWidget;

namespace ef::test {

// Calls answer(dialog) once, as soon as an application-modal dialog shows; gives up after
// timeoutMs. The polling timer belongs to context.
void whenModalShows(QObject *context, std::function<void(QWidget *)> answer, int timeoutMs = 10000);

// The usual answers: clicks the next message box's standard button, or its button with the given
// object name. *asked, when given, receives the box's object name, a space, its text, a space and
// its informative text.
void clickInNextMessageBox(QObject *context, QMessageBox::StandardButton button, QString *asked = nullptr);
void clickInNextMessageBox(QObject *context, const char *buttonName, QString *asked = nullptr);

} // namespace ef::test
