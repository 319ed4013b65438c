// SPDX-License-Identifier: GPL-3.0-or-later
// Loads EmbedForge's (and Qt's own) translations for a language.
#pragma once

#include <QString>
#include <QStringList>

namespace ef {

// Installs translators on the running QCoreApplication for language ("zh_CN"; empty: the
// system locale). Replaces translators installed by an earlier call. Returns the name of
// the EmbedForge catalogue loaded (e.g. "zh_CN"), or an empty string for English / none.
QString installTranslations(const QString &language);

// Languages EmbedForge ships a catalogue for, besides English.
QStringList availableLanguages();

} // namespace ef
