// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

// Errors as a user reads them: what failed, in a sentence, then the cause in a short form (file
// names instead of full paths, one line), with the whole technical text behind "Show Details…".

#include <QString>

class QMessageBox;
class QWidget;

namespace ef {

// The first line of a technical error, with absolute paths shortened to their file names and cut
// to about 300 characters. Empty when the error is empty.
QString readableError(const QString &technical);

// A warning box: title, what failed (a sentence, already translated), the readable cause and the
// technical text as its details. Returns the box (deleted on close) so that tests can read it;
// it is shown with open(), never blocking the caller. Nothing is shown under EMBEDFORGE_NO_DIALOGS.
QMessageBox *showError(QWidget *parent, const QString &title, const QString &what, const QString &technical);

} // namespace ef
