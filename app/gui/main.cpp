// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge: the GUI. Argument parsing and wiring only.
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

#include "backend/jobs.h"
#include "backend/logbus.h"
#include "backend/settings.h"
#include "translations/translations.h"
#include "widgets/mainwindow.h"

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("EmbedForge"));
    QApplication::setApplicationName(QStringLiteral("EmbedForge"));
    QApplication::setApplicationVersion(QStringLiteral(EMBEDFORGE_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("io.github.embedforge.EmbedForge"));
    ef::LogBus::install();

    // Peek at --lang before the parser so that --help is translated too.
    ef::AppSettings settings = ef::AppSettings::load();
    QString lang = settings.language;
    const QStringList raw = QApplication::arguments();
    for (int i = 1; i < raw.size(); ++i) {
        if (raw.at(i) == QLatin1String("--lang") && i + 1 < raw.size())
            lang = raw.at(i + 1);
        else if (raw.at(i).startsWith(QLatin1String("--lang=")))
            lang = raw.at(i).mid(7);
    }
    ef::installTranslations(lang);

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("ef::gui", "EmbedForge: a workbench that turns an LLM into a text-embedding trainer."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption langOption(QStringLiteral("lang"),
                                        QApplication::translate("ef::gui", "Interface language, e.g. zh_CN or en."),
                                        QStringLiteral("LANG"));
    const QCommandLineOption demoOption(
        QStringLiteral("demo"), QApplication::translate("ef::gui", "Open the demo workspace, not the last one."));
    parser.addOption(langOption);
    parser.addOption(demoOption);
    parser.addPositionalArgument(QStringLiteral("workspace"),
                                 QApplication::translate("ef::gui", "Workspace file (*.efws) to open."),
                                 QStringLiteral("[workspace]"));
    parser.process(app);

    ef::JobManager::configureComputeThreads(settings.computeThreads);
    ef::JobManager jobs;
    ef::MainWindow window(&jobs);
    window.show();

    // A workspace given on the command line; else the last one; else the demo workspace.
    const QString demo = QDir(QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation))
                             .filePath(QStringLiteral("embedforge/demo.efws"));
    if (!parser.positionalArguments().isEmpty())
        window.openWorkspace(parser.positionalArguments().constFirst(), true);
    else if (!parser.isSet(demoOption) && !settings.lastWorkspace.isEmpty() &&
             QFileInfo::exists(settings.lastWorkspace))
        window.openWorkspace(settings.lastWorkspace);
    else
        window.openDemoWorkspace(demo);

    const int rc = QApplication::exec();
    jobs.cancelAll();
    jobs.waitForIdle(30000);
    return rc;
}
