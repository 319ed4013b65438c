// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli: the headless front end. Argument parsing and wiring only.
#include <cstdio>

#include <QCoreApplication>
#include <QTextStream>

#include "app/cli/cli.h"
#include "backend/database.h"
#include "backend/jobs.h"
#include "translations/translations.h"

namespace {

void printHelp(QTextStream &out, const ef::cli::Registry &registry, const QStringList &prefix)
{
    out << QCoreApplication::translate("ef::cli", "Usage: embedforge-cli [--json] [--lang LANG] COMMAND [ARGS...]")
        << Qt::endl
        << Qt::endl
        << QCoreApplication::translate(
               "ef::cli", "EmbedForge's headless interface: everything the workbench does, for scripts and servers.")
        << Qt::endl
        << Qt::endl
        << QCoreApplication::translate("ef::cli", "Commands:") << Qt::endl;
    for (const auto &c : registry.commands()) {
        if (!prefix.isEmpty() && c.words.mid(0, prefix.size()) != prefix)
            continue;
        out << QStringLiteral("  %1").arg(c.synopsis, -44) << QStringLiteral("  ") << c.summary << Qt::endl;
    }
    out << Qt::endl
        << QCoreApplication::translate("ef::cli", "Global options:") << Qt::endl
        << QStringLiteral("  %1  %2")
               .arg(QStringLiteral("--json"), -44)
               .arg(QCoreApplication::translate("ef::cli", "machine-readable output (one JSON object per line)"))
        << Qt::endl
        << QStringLiteral("  %1  %2")
               .arg(QStringLiteral("--lang LANG"), -44)
               .arg(QCoreApplication::translate("ef::cli", "language of messages, e.g. zh_CN"))
        << Qt::endl
        << QStringLiteral("  %1  %2")
               .arg(QStringLiteral("--help, -h"), -44)
               .arg(QCoreApplication::translate("ef::cli", "show this help"))
        << Qt::endl
        << QStringLiteral("  %1  %2")
               .arg(QStringLiteral("--version"), -44)
               .arg(QCoreApplication::translate("ef::cli", "show the version"))
        << Qt::endl
        << Qt::endl
        << QCoreApplication::translate("ef::cli", "Exit codes: 0 success, 1 failure, 2 usage error.") << Qt::endl;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("EmbedForge"));
    QCoreApplication::setApplicationName(QStringLiteral("EmbedForge"));
    QCoreApplication::setApplicationVersion(QStringLiteral(EMBEDFORGE_VERSION));

    QTextStream out(stdout);
    QTextStream err(stderr);

    // Global options may stand anywhere before "--".
    QStringList args = app.arguments().mid(1);
    bool json = false, help = false, version = false;
    QString lang;
    QStringList rest;
    for (int i = 0; i < args.size(); ++i) {
        const QString &a = args.at(i);
        if (a == QLatin1String("--")) {
            rest += args.mid(i);
            break;
        }
        if (a == QLatin1String("--json"))
            json = true;
        else if (a == QLatin1String("--help") || a == QLatin1String("-h"))
            help = true;
        else if (a == QLatin1String("--version"))
            version = true;
        else if (a == QLatin1String("--lang") && i + 1 < args.size())
            lang = args.at(++i);
        else if (a.startsWith(QLatin1String("--lang=")))
            lang = a.mid(7);
        else
            rest << a;
    }
    ef::installTranslations(lang.isEmpty() ? qEnvironmentVariable("EMBEDFORGE_LANG") : lang);

    ef::cli::Registry registry;
    ef::cli::registerWorkspaceCommands(registry);
    ef::cli::registerTemplateCommands(registry);
    ef::cli::registerGenerateCommands(registry);
    ef::cli::registerDatasetCommands(registry);
    ef::cli::registerRetrievalCommands(registry);
    ef::cli::registerModelCommands(registry);
    ef::cli::registerTokenizeCommands(registry);
    ef::cli::registerEmbedCommands(registry);
    ef::cli::registerTrainCommands(registry);

    if (version) {
        out << "embedforge-cli " << QCoreApplication::applicationVersion() << Qt::endl;
        return ef::cli::ExitOk;
    }

    // Find the longest command whose words prefix the arguments.
    const ef::cli::Command *command = nullptr;
    for (const auto &c : registry.commands()) {
        if (rest.mid(0, c.words.size()) == c.words && (!command || c.words.size() > command->words.size()))
            command = &c;
    }
    if (!command) {
        if (help || rest.isEmpty()) {
            printHelp(help ? out : err, registry, rest);
            return help ? ef::cli::ExitOk : ef::cli::ExitUsage;
        }
        err << "embedforge-cli: "
            << QCoreApplication::translate("ef::cli", "unknown command '%1'").arg(rest.join(QLatin1Char(' ')))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Run 'embedforge-cli --help' for the list of commands.")
            << Qt::endl;
        return ef::cli::ExitUsage;
    }
    if (help) {
        out << QCoreApplication::translate("ef::cli", "Usage: embedforge-cli %1").arg(command->synopsis) << Qt::endl
            << command->summary << Qt::endl;
        return ef::cli::ExitOk;
    }

    const QString name = command->words.join(QLatin1Char(' '));
    ef::JobManager::configureComputeThreads(qEnvironmentVariableIntValue("EMBEDFORGE_THREADS"));
    ef::cli::Context ctx{rest.mid(command->words.size()), json, out, err, name, command->synopsis};
    try {
        const int rc = command->run(ctx);
        out.flush();
        return rc;
    } catch (const ef::cli::UsageError &e) {
        err << "embedforge-cli: " << name << ": " << e.message() << Qt::endl
            << QCoreApplication::translate("ef::cli", "Usage: embedforge-cli %1").arg(command->synopsis) << Qt::endl;
        return ef::cli::ExitUsage;
    } catch (const ef::DbError &e) {
        return ctx.fail(e.message());
    } catch (const std::bad_alloc &) {
        // Never "std::bad_alloc" as the message; the commands say which input when they know.
        return ctx.fail(
            QCoreApplication::translate("ef::cli", "out of memory: an input is too large for this machine"));
    } catch (const std::exception &e) {
        return ctx.fail(QString::fromUtf8(e.what()));
    }
}
