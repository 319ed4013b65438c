// SPDX-License-Identifier: GPL-3.0-or-later
// User settings shared by the GUI and the CLI, stored with QSettings (never in a workspace).
// API keys are never stored here: a profile names the environment variable that holds one.
#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace ef {

struct EndpointProfile
{
    QString name;      // "local vLLM"
    QString baseUrl;   // "http://127.0.0.1:8000/v1"
    QString model;     // "Qwen2-7B-Instruct"
    QString apiKeyEnv; // "OPENAI_API_KEY"; empty for endpoints without a key

    bool operator==(const EndpointProfile &o) const
    {
        return name == o.name && baseUrl == o.baseUrl && model == o.model && apiKeyEnv == o.apiKeyEnv;
    }
};

struct AppSettings
{
    static constexpr int kMaxRecent = 10;

    QList<EndpointProfile> endpoints;
    QString computeDevice = QStringLiteral("auto"); // "auto", "cpu" or "cuda"
    int computeThreads = 0;                         // 0 = automatic
    QStringList recentWorkspaces;                   // most recent first
    QString lastWorkspace;
    QString language;                               // empty = system locale

    static AppSettings load();
    void save() const;
    // Moves path to the front of the recent list and makes it the last workspace.
    void noteWorkspaceOpened(const QString &path);
};

} // namespace ef
