// SPDX-License-Identifier: GPL-3.0-or-later
// User settings shared by the GUI and the CLI, stored with QSettings (never in a workspace).
// API keys are never stored here: a profile names the environment variable that holds one.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ef {

struct EndpointProfile
{
    QString name;      // "local vLLM"
    QString baseUrl;   // "http://127.0.0.1:8000/v1"
    QString model;     // "Qwen2-7B-Instruct"
    QString apiKeyEnv; // "OPENAI_API_KEY"; empty: the user-only key file, else no key

    // Protocol: "openai" (POST {baseUrl}/chat/completions, Bearer key) or "azure"
    // (POST {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version=..., api-key).
    QString kind = QStringLiteral("openai");
    QString azureDeployment;
    QString azureApiVersion = QStringLiteral("2024-02-01");

    // Sampling; the paper's generators used temperature 1.0 and top_p 1.0.
    double temperature = 1.0;
    double topP = 1.0;
    int maxTokens = 0; // 0 = not sent
    qint64 seed = -1;  // -1 = not sent
    bool jsonResponseFormat = false;

    int timeoutMs = 120000;  // whole request, per attempt
    int maxRetries = 5;      // retries after the first attempt (429, 5xx, network errors)
    int backoffBaseMs = 500; // exponential backoff with jitter
    int backoffMaxMs = 30000;
    int maxInFlight = 16; // requests on the wire at once

    double inputPricePerMTok = 0.0;           // currency units per million prompt tokens
    double outputPricePerMTok = 0.0;          // ... per million completion tokens
    QString currency = QStringLiteral("USD"); // of the prices, for estimates and budgets

    bool operator==(const EndpointProfile &o) const;
    bool operator!=(const EndpointProfile &o) const { return !(*this == o); }
};

// An EndpointProfile as JSON: the one spelling EmbedForge writes, in the user's settings and
// in a workspace's generation runs. Keys are snake_case ("base_url", "api_key_env",
// "max_in_flight", "input_price_per_mtok", ...); the API key itself is never part of it.
QJsonObject endpointToJson(const EndpointProfile &profile);
// Reads that spelling and also the camelCase keys that earlier builds wrote into the settings
// ("baseUrl", "apiKeyEnv", ...), so old settings files keep their profiles. Numbers and
// booleans may be JSON values or their text (QSettings keeps text). Missing keys keep the
// defaults; an unknown kind reads as "openai".
EndpointProfile endpointFromJson(const QJsonObject &object);

// API keys. A key comes from the environment variable a profile names, else from the
// user-only key file (QStandardPaths::AppConfigLocation/api-keys.json, mode 0600, keyed by
// profile name), which is refused when group or others may read it. Keys are never written
// to a workspace, a log or an export.
namespace apikeys {
QString keyFilePath();
// The key for a profile, or an empty string when there is none. error: why a file was refused.
QString resolve(const EndpointProfile &profile, QString *error = nullptr);
// Stores (or with an empty key removes) a profile's key in the key file, mode 0600.
bool store(const QString &profileName, const QString &key, QString *error = nullptr);
} // namespace apikeys

struct AppSettings
{
    static constexpr int kMaxRecent = 10;

    QList<EndpointProfile> endpoints;
    QString computeDevice = QStringLiteral("auto"); // "auto", "cpu" or "cuda"
    int computeThreads = 0;                         // 0 = automatic
    QStringList recentWorkspaces;                   // most recent first
    QString lastWorkspace;
    QString language; // empty = system locale

    static AppSettings load();
    void save() const;
    // Moves path to the front of the recent list and makes it the last workspace.
    void noteWorkspaceOpened(const QString &path);
};

} // namespace ef
