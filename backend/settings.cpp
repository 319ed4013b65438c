// SPDX-License-Identifier: GPL-3.0-or-later
// User settings through QSettings.
#include "backend/settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

namespace ef {

bool EndpointProfile::operator==(const EndpointProfile &o) const
{
    return name == o.name && baseUrl == o.baseUrl && model == o.model && apiKeyEnv == o.apiKeyEnv && kind == o.kind
           && azureDeployment == o.azureDeployment && azureApiVersion == o.azureApiVersion
           && temperature == o.temperature && topP == o.topP && maxTokens == o.maxTokens && seed == o.seed
           && jsonResponseFormat == o.jsonResponseFormat && timeoutMs == o.timeoutMs && maxRetries == o.maxRetries
           && backoffBaseMs == o.backoffBaseMs && backoffMaxMs == o.backoffMaxMs && maxInFlight == o.maxInFlight
           && inputPricePerMTok == o.inputPricePerMTok && outputPricePerMTok == o.outputPricePerMTok;
}

namespace apikeys {

namespace {
constexpr QFileDevice::Permissions kUserOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup
                                             | QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

QJsonObject readFile(QString *error)
{
    QFile f(keyFilePath());
    if (!f.exists())
        return {};
    if (f.permissions() & kOthers) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "the API key file '%1' is readable by other users; run chmod 600 on it").arg(f.fileName());
        return {};
    }
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot read the API key file '%1': %2").arg(f.fileName(), f.errorString());
        return {};
    }
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

QString keyFilePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation)).filePath(QStringLiteral("api-keys.json"));
}

QString resolve(const EndpointProfile &profile, QString *error)
{
    if (!profile.apiKeyEnv.isEmpty()) {
        const QString v = qEnvironmentVariable(profile.apiKeyEnv.toLocal8Bit().constData());
        if (!v.isEmpty())
            return v;
    }
    return readFile(error).value(profile.name).toString();
}

bool store(const QString &profileName, const QString &key, QString *error)
{
    QJsonObject keys = readFile(error);
    if (key.isEmpty())
        keys.remove(profileName);
    else
        keys.insert(profileName, key);
    QDir().mkpath(QFileInfo(keyFilePath()).absolutePath());
    QSaveFile f(keyFilePath());
    if (!f.open(QIODevice::WriteOnly) || !f.setPermissions(kUserOnly)) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot write the API key file '%1': %2").arg(keyFilePath(), f.errorString());
        return false;
    }
    f.write(QJsonDocument(keys).toJson());
    if (!f.commit()) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot write the API key file '%1': %2").arg(keyFilePath(), f.errorString());
        return false;
    }
    QFile::setPermissions(keyFilePath(), kUserOnly);
    return true;
}

} // namespace apikeys

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
        const EndpointProfile d;
        p.kind = s.value(QStringLiteral("kind"), d.kind).toString() == QLatin1String("azure") ? QStringLiteral("azure") : d.kind;
        p.azureDeployment = s.value(QStringLiteral("azureDeployment")).toString();
        p.azureApiVersion = s.value(QStringLiteral("azureApiVersion"), d.azureApiVersion).toString();
        p.temperature = s.value(QStringLiteral("temperature"), d.temperature).toDouble();
        p.topP = s.value(QStringLiteral("topP"), d.topP).toDouble();
        p.maxTokens = s.value(QStringLiteral("maxTokens"), d.maxTokens).toInt();
        p.seed = s.value(QStringLiteral("seed"), d.seed).toLongLong();
        p.jsonResponseFormat = s.value(QStringLiteral("jsonResponseFormat"), d.jsonResponseFormat).toBool();
        p.timeoutMs = s.value(QStringLiteral("timeoutMs"), d.timeoutMs).toInt();
        p.maxRetries = s.value(QStringLiteral("maxRetries"), d.maxRetries).toInt();
        p.backoffBaseMs = s.value(QStringLiteral("backoffBaseMs"), d.backoffBaseMs).toInt();
        p.backoffMaxMs = s.value(QStringLiteral("backoffMaxMs"), d.backoffMaxMs).toInt();
        p.maxInFlight = s.value(QStringLiteral("maxInFlight"), d.maxInFlight).toInt();
        p.inputPricePerMTok = s.value(QStringLiteral("inputPricePerMTok"), d.inputPricePerMTok).toDouble();
        p.outputPricePerMTok = s.value(QStringLiteral("outputPricePerMTok"), d.outputPricePerMTok).toDouble();
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
        const EndpointProfile &p = endpoints[i];
        s.setValue(QStringLiteral("kind"), p.kind);
        s.setValue(QStringLiteral("azureDeployment"), p.azureDeployment);
        s.setValue(QStringLiteral("azureApiVersion"), p.azureApiVersion);
        s.setValue(QStringLiteral("temperature"), p.temperature);
        s.setValue(QStringLiteral("topP"), p.topP);
        s.setValue(QStringLiteral("maxTokens"), p.maxTokens);
        s.setValue(QStringLiteral("seed"), p.seed);
        s.setValue(QStringLiteral("jsonResponseFormat"), p.jsonResponseFormat);
        s.setValue(QStringLiteral("timeoutMs"), p.timeoutMs);
        s.setValue(QStringLiteral("maxRetries"), p.maxRetries);
        s.setValue(QStringLiteral("backoffBaseMs"), p.backoffBaseMs);
        s.setValue(QStringLiteral("backoffMaxMs"), p.backoffMaxMs);
        s.setValue(QStringLiteral("maxInFlight"), p.maxInFlight);
        s.setValue(QStringLiteral("inputPricePerMTok"), p.inputPricePerMTok);
        s.setValue(QStringLiteral("outputPricePerMTok"), p.outputPricePerMTok);
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
