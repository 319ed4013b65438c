// SPDX-License-Identifier: GPL-3.0-or-later
// User settings through QSettings.
#include "backend/settings.h"

#include <QFileInfo>
#include <QSettings>

namespace ef {

AppSettings AppSettings::load()
{
    QSettings s;
    AppSettings out;
    const int n = s.beginReadArray(QStringLiteral("endpoints"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        EndpointProfile p;
        p.name = s.value(QStringLiteral("name")).toString();
        p.baseUrl = s.value(QStringLiteral("baseUrl")).toString();
        p.model = s.value(QStringLiteral("model")).toString();
        p.apiKeyEnv = s.value(QStringLiteral("apiKeyEnv")).toString();
        out.endpoints.append(p);
    }
    s.endArray();
    const QString device = s.value(QStringLiteral("compute/device"), QStringLiteral("auto")).toString();
    out.computeDevice = (device == QLatin1String("cpu") || device == QLatin1String("cuda")) ? device : QStringLiteral("auto");
    out.computeThreads = std::max(0, s.value(QStringLiteral("compute/threads"), 0).toInt());
    out.recentWorkspaces = s.value(QStringLiteral("workspaces/recent")).toStringList();
    out.lastWorkspace = s.value(QStringLiteral("workspaces/last")).toString();
    out.language = s.value(QStringLiteral("ui/language")).toString();
    return out;
}

void AppSettings::save() const
{
    QSettings s;
    s.beginWriteArray(QStringLiteral("endpoints"), static_cast<int>(endpoints.size()));
    for (int i = 0; i < endpoints.size(); ++i) {
        s.setArrayIndex(i);
        s.setValue(QStringLiteral("name"), endpoints[i].name);
        s.setValue(QStringLiteral("baseUrl"), endpoints[i].baseUrl);
        s.setValue(QStringLiteral("model"), endpoints[i].model);
        s.setValue(QStringLiteral("apiKeyEnv"), endpoints[i].apiKeyEnv);
    }
    s.endArray();
    s.setValue(QStringLiteral("compute/device"), computeDevice);
    s.setValue(QStringLiteral("compute/threads"), computeThreads);
    s.setValue(QStringLiteral("workspaces/recent"), recentWorkspaces);
    s.setValue(QStringLiteral("workspaces/last"), lastWorkspace);
    s.setValue(QStringLiteral("ui/language"), language);
    s.sync();
}

void AppSettings::noteWorkspaceOpened(const QString &path)
{
    const QString abs = QFileInfo(path).absoluteFilePath();
    recentWorkspaces.removeAll(abs);
    recentWorkspaces.prepend(abs);
    while (recentWorkspaces.size() > kMaxRecent)
        recentWorkspaces.removeLast();
    lastWorkspace = abs;
}

} // namespace ef
