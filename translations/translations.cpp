// SPDX-License-Identifier: GPL-3.0-or-later
// Translation loading: installed .qm files first, then the copies embedded in the binary.
#include "translations/translations.h"

#include <QCoreApplication>
#include <QDir>
#include <QLibraryInfo>
#include <QList>
#include <QLocale>
#include <QTranslator>

namespace ef {

namespace {
QList<QTranslator *> &installed()
{
    static QList<QTranslator *> list;
    return list;
}

QStringList searchDirs()
{
    const QString appDir = QCoreApplication::applicationDirPath();
    return {QDir(appDir).filePath(QStringLiteral("../") + QStringLiteral(EMBEDFORGE_TRANSLATIONS_INSTALL_DIR)),
            QStringLiteral(":/i18n")};
}
} // namespace

QString installTranslations(const QString &language)
{
    auto *app = QCoreApplication::instance();
    if (!app)
        return {};
    for (QTranslator *t : installed()) {
        QCoreApplication::removeTranslator(t);
        delete t;
    }
    installed().clear();

    const QLocale locale = language.isEmpty() ? QLocale::system() : QLocale(language);
    // Numbers, sizes and dates follow the chosen language too, not only the texts.
    QLocale::setDefault(locale);
    if (locale.language() == QLocale::English || locale.language() == QLocale::C)
        return {};

    QString loaded;
    for (const QString &dir : searchDirs()) {
        auto *tr = new QTranslator(app);
        if (tr->load(locale, QStringLiteral("embedforge"), QStringLiteral("_"), dir)) {
            QCoreApplication::installTranslator(tr);
            installed().append(tr);
            loaded = tr->language().isEmpty() ? locale.name() : tr->language();
            break;
        }
        delete tr;
    }
    auto *qt = new QTranslator(app);
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        QCoreApplication::installTranslator(qt);
        installed().append(qt);
    } else {
        delete qt;
    }
    return loaded;
}

QStringList availableLanguages()
{
    QStringList out;
    const QStringList files = QDir(QStringLiteral(":/i18n")).entryList({QStringLiteral("embedforge_*.qm")});
    for (const QString &f : files)
        out << f.mid(11, f.size() - 11 - 3);
    return out;
}

} // namespace ef
