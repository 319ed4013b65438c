// SPDX-License-Identifier: GPL-3.0-or-later
// User settings through QSettings.
#include "backend/settings.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>

#include "backend/fileguard.h"

namespace ef {

bool EndpointProfile::operator==(const EndpointProfile &o) const
{
    return name == o.name && baseUrl == o.baseUrl && model == o.model && apiKeyEnv == o.apiKeyEnv && kind == o.kind &&
           azureDeployment == o.azureDeployment && azureApiVersion == o.azureApiVersion &&
           temperature == o.temperature && topP == o.topP && maxTokens == o.maxTokens && seed == o.seed &&
           jsonResponseFormat == o.jsonResponseFormat && timeoutMs == o.timeoutMs && maxRetries == o.maxRetries &&
           backoffBaseMs == o.backoffBaseMs && backoffMaxMs == o.backoffMaxMs && maxInFlight == o.maxInFlight &&
           inputPricePerMTok == o.inputPricePerMTok && outputPricePerMTok == o.outputPricePerMTok &&
           currency == o.currency;
}

namespace apikeys {

namespace {
constexpr QFileDevice::Permissions kUserOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
constexpr QFileDevice::Permissions kOthers = QFileDevice::ReadGroup | QFileDevice::WriteGroup | QFileDevice::ExeGroup |
                                             QFileDevice::ReadOther | QFileDevice::WriteOther | QFileDevice::ExeOther;

QJsonObject readFile(QString *error)
{
    QFile f(keyFilePath());
    if (!f.exists())
        return {};
    if (f.permissions() & kOthers) {
        if (error)
            *error = QCoreApplication::translate(
                         "ef::ApiKeys", "the API key file '%1' is readable by other users; run chmod 600 on it")
                         .arg(f.fileName());
        return {};
    }
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot read the API key file '%1': %2")
                         .arg(f.fileName(), f.errorString());
        return {};
    }
    return QJsonDocument::fromJson(f.readAll()).object();
}
} // namespace

QString keyFilePath()
{
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppConfigLocation))
        .filePath(QStringLiteral("api-keys.json"));
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
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot write the API key file '%1': %2")
                         .arg(keyFilePath(), f.errorString());
        return false;
    }
    f.write(QJsonDocument(keys).toJson());
    if (!fileguard::commitSaveFile(f)) {
        if (error)
            *error = QCoreApplication::translate("ef::ApiKeys", "cannot write the API key file '%1': %2")
                         .arg(keyFilePath(), f.errorString());
        return false;
    }
    QFile::setPermissions(keyFilePath(), kUserOnly);
    return true;
}

} // namespace apikeys

namespace {

// Each field's key as written, and the spelling earlier builds used in the settings.
struct EndpointKey
{
    const char *key;
    const char *oldKey;
};
constexpr EndpointKey kName{"name", "name"};
constexpr EndpointKey kBaseUrl{"base_url", "baseUrl"};
constexpr EndpointKey kModel{"model", "model"};
constexpr EndpointKey kApiKeyEnv{"api_key_env", "apiKeyEnv"};
constexpr EndpointKey kKind{"kind", "kind"};
constexpr EndpointKey kAzureDeployment{"azure_deployment", "azureDeployment"};
constexpr EndpointKey kAzureApiVersion{"azure_api_version", "azureApiVersion"};
constexpr EndpointKey kTemperature{"temperature", "temperature"};
constexpr EndpointKey kTopP{"top_p", "topP"};
constexpr EndpointKey kMaxTokens{"max_tokens", "maxTokens"};
constexpr EndpointKey kSeed{"seed", "seed"};
constexpr EndpointKey kJsonResponseFormat{"json_response_format", "jsonResponseFormat"};
constexpr EndpointKey kTimeoutMs{"timeout_ms", "timeoutMs"};
constexpr EndpointKey kMaxRetries{"max_retries", "maxRetries"};
constexpr EndpointKey kBackoffBaseMs{"backoff_base_ms", "backoffBaseMs"};
constexpr EndpointKey kBackoffMaxMs{"backoff_max_ms", "backoffMaxMs"};
constexpr EndpointKey kMaxInFlight{"max_in_flight", "maxInFlight"};
constexpr EndpointKey kInputPrice{"input_price_per_mtok", "inputPricePerMTok"};
constexpr EndpointKey kOutputPrice{"output_price_per_mtok", "outputPricePerMTok"};
constexpr EndpointKey kCurrency{"currency", "currency"};

QJsonValue find(const QJsonObject &o, const EndpointKey &k)
{
    const QJsonValue v = o.value(QLatin1String(k.key));
    return v.isUndefined() ? o.value(QLatin1String(k.oldKey)) : v;
}

QString text(const QJsonObject &o, const EndpointKey &k, const QString &def = {})
{
    const QJsonValue v = find(o, k);
    return v.isString() ? v.toString() : def;
}

double number(const QJsonObject &o, const EndpointKey &k, double def)
{
    const QJsonValue v = find(o, k);
    if (v.isDouble())
        return v.toDouble();
    bool ok = false;
    const double d = v.toString().toDouble(&ok);
    return v.isString() && ok ? d : def;
}

qint64 integer(const QJsonObject &o, const EndpointKey &k, qint64 def)
{
    return static_cast<qint64>(number(o, k, static_cast<double>(def)));
}

bool flag(const QJsonObject &o, const EndpointKey &k, bool def)
{
    const QJsonValue v = find(o, k);
    if (v.isBool())
        return v.toBool();
    const QString s = v.toString();
    if (s == QLatin1String("true") || s == QLatin1String("1"))
        return true;
    if (s == QLatin1String("false") || s == QLatin1String("0"))
        return false;
    return def;
}

} // namespace

QJsonObject endpointToJson(const EndpointProfile &p)
{
    const auto k = [](const EndpointKey &key) { return QString::fromLatin1(key.key); };
    return QJsonObject{{k(kName), p.name},
                       {k(kBaseUrl), p.baseUrl},
                       {k(kModel), p.model},
                       {k(kApiKeyEnv), p.apiKeyEnv},
                       {k(kKind), p.kind},
                       {k(kAzureDeployment), p.azureDeployment},
                       {k(kAzureApiVersion), p.azureApiVersion},
                       {k(kTemperature), p.temperature},
                       {k(kTopP), p.topP},
                       {k(kMaxTokens), p.maxTokens},
                       {k(kSeed), p.seed},
                       {k(kJsonResponseFormat), p.jsonResponseFormat},
                       {k(kTimeoutMs), p.timeoutMs},
                       {k(kMaxRetries), p.maxRetries},
                       {k(kBackoffBaseMs), p.backoffBaseMs},
                       {k(kBackoffMaxMs), p.backoffMaxMs},
                       {k(kMaxInFlight), p.maxInFlight},
                       {k(kInputPrice), p.inputPricePerMTok},
                       {k(kOutputPrice), p.outputPricePerMTok},
                       {k(kCurrency), p.currency}};
}

EndpointProfile endpointFromJson(const QJsonObject &o)
{
    const EndpointProfile d;
    EndpointProfile p;
    p.name = text(o, kName);
    p.baseUrl = text(o, kBaseUrl);
    p.model = text(o, kModel);
    p.apiKeyEnv = text(o, kApiKeyEnv);
    p.kind = text(o, kKind, d.kind) == QLatin1String("azure") ? QStringLiteral("azure") : d.kind;
    p.azureDeployment = text(o, kAzureDeployment);
    p.azureApiVersion = text(o, kAzureApiVersion, d.azureApiVersion);
    p.temperature = number(o, kTemperature, d.temperature);
    p.topP = number(o, kTopP, d.topP);
    p.maxTokens = static_cast<int>(integer(o, kMaxTokens, d.maxTokens));
    p.seed = integer(o, kSeed, d.seed);
    p.jsonResponseFormat = flag(o, kJsonResponseFormat, d.jsonResponseFormat);
    p.timeoutMs = static_cast<int>(integer(o, kTimeoutMs, d.timeoutMs));
    p.maxRetries = static_cast<int>(integer(o, kMaxRetries, d.maxRetries));
    p.backoffBaseMs = static_cast<int>(integer(o, kBackoffBaseMs, d.backoffBaseMs));
    p.backoffMaxMs = static_cast<int>(integer(o, kBackoffMaxMs, d.backoffMaxMs));
    p.maxInFlight = static_cast<int>(integer(o, kMaxInFlight, d.maxInFlight));
    p.inputPricePerMTok = number(o, kInputPrice, d.inputPricePerMTok);
    p.outputPricePerMTok = number(o, kOutputPrice, d.outputPricePerMTok);
    p.currency = text(o, kCurrency, d.currency).trimmed();
    if (p.currency.isEmpty())
        p.currency = d.currency;
    return p;
}

AppSettings AppSettings::load()
{
    QSettings s;
    AppSettings out;
    const int n = s.beginReadArray(QStringLiteral("endpoints"));
    for (int i = 0; i < n; ++i) {
        s.setArrayIndex(i);
        QJsonObject o;
        for (const QString &key : s.childKeys())
            o.insert(key, QJsonValue::fromVariant(s.value(key)));
        out.endpoints.append(endpointFromJson(o));
    }
    s.endArray();
    const QString device = s.value(QStringLiteral("compute/device"), QStringLiteral("auto")).toString();
    out.computeDevice =
        (device == QLatin1String("cpu") || device == QLatin1String("cuda")) ? device : QStringLiteral("auto");
    out.computeThreads = std::max(0, s.value(QStringLiteral("compute/threads"), 0).toInt());
    out.recentWorkspaces = s.value(QStringLiteral("workspaces/recent")).toStringList();
    out.lastWorkspace = s.value(QStringLiteral("workspaces/last")).toString();
    out.language = s.value(QStringLiteral("ui/language")).toString();
    return out;
}

void AppSettings::save() const
{
    QSettings s;
    s.remove(QStringLiteral("endpoints")); // no keys of an older spelling stay behind
    s.beginWriteArray(QStringLiteral("endpoints"), static_cast<int>(endpoints.size()));
    for (int i = 0; i < endpoints.size(); ++i) {
        s.setArrayIndex(i);
        const QJsonObject o = endpointToJson(endpoints[i]);
        for (auto it = o.begin(); it != o.end(); ++it)
            s.setValue(it.key(), it.value().toVariant());
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
