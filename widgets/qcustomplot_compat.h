// SPDX-License-Identifier: GPL-3.0-or-later
// Includes QCustomPlot in a QT_NO_KEYWORDS build: its header uses Qt's keyword macros
// (signals, slots, emit, foreach), so they are mapped to the Q_ forms around it only.
// Never include torch headers in a file that includes this one.
#pragma once

#define signals Q_SIGNALS
#define slots Q_SLOTS
#define emit Q_EMIT
#define foreach Q_FOREACH
#include <qcustomplot.h>
#undef signals
#undef slots
#undef emit
#undef foreach
