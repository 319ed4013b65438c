// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog.
#include "widgets/settingsdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QSpinBox>
#include <QTableWidget>
#include <QThread>
#include <QUrl>
#include <QVBoxLayout>

namespace ef {

namespace {
enum ProfileColumn { NameCol, UrlCol, ModelCol, KeyEnvCol, ProfileColumnCount };
}

SettingsDialog::SettingsDialog(const AppSettings &settings, bool cudaAvailable, QWidget *parent)
    : QDialog(parent), m_base(settings), m_profiles(new QTableWidget(0, ProfileColumnCount, this)),
      m_device(new QComboBox(this)), m_threads(new QSpinBox(this)), m_language(new QComboBox(this)), m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    auto *endpoints = new QGroupBox(tr("LLM endpoints"), this);
    auto *epLayout = new QVBoxLayout(endpoints);
    m_profiles->setObjectName(QStringLiteral("endpointProfiles"));
    m_profiles->setHorizontalHeaderLabels({tr("Name"), tr("Base URL"), tr("Model"), tr("API key variable")});
    m_profiles->horizontalHeader()->setSectionResizeMode(UrlCol, QHeaderView::Stretch);
    m_profiles->verticalHeader()->hide();
    for (const EndpointProfile &p : settings.endpoints)
        addProfileRow(p);
    auto *hint = new QLabel(tr("OpenAI-compatible endpoints (OpenAI, Azure OpenAI, vLLM, llama.cpp, Ollama). "
                               "API keys are read from the named environment variable and never stored."),
                            this);
    hint->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    auto *add = new QPushButton(tr("Add"), this);
    add->setObjectName(QStringLiteral("addEndpoint"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removeEndpoint"));
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch();
    epLayout->addWidget(m_profiles);
    epLayout->addLayout(buttons);
    epLayout->addWidget(hint);
    connect(add, &QPushButton::clicked, this, [this] {
        EndpointProfile p;
        p.name = tr("New endpoint");
        p.baseUrl = QStringLiteral("http://127.0.0.1:8000/v1");
        p.apiKeyEnv = QStringLiteral("OPENAI_API_KEY");
        addProfileRow(p);
        m_profiles->editItem(m_profiles->item(m_profiles->rowCount() - 1, NameCol));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_profiles->currentRow();
        if (row >= 0)
            m_profiles->removeRow(row);
    });

    auto *compute = new QGroupBox(tr("Compute"), this);
    auto *form = new QFormLayout(compute);
    m_device->setObjectName(QStringLiteral("computeDevice"));
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(cudaAvailable ? tr("CUDA") : tr("CUDA (not available)"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(settings.computeDevice)));
    m_threads->setObjectName(QStringLiteral("computeThreads"));
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("Automatic"));
    m_threads->setValue(settings.computeThreads);
    form->addRow(tr("Device:"), m_device);
    form->addRow(tr("CPU threads:"), m_threads);

    auto *ui = new QGroupBox(tr("Interface"), this);
    auto *uiForm = new QFormLayout(ui);
    m_language->setObjectName(QStringLiteral("language"));
    m_language->addItem(tr("System language"), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("简体中文"), QStringLiteral("zh_CN"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(settings.language)));
    uiForm->addRow(tr("Language (after restart):"), m_language);

    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setStyleSheet(QStringLiteral("color: #b00020"));
    m_error->setWordWrap(true);

    auto *box = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(box, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(box, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(endpoints, 1);
    layout->addWidget(compute);
    layout->addWidget(ui);
    layout->addWidget(m_error);
    layout->addWidget(box);
    resize(760, 520);
}

void SettingsDialog::addProfileRow(const EndpointProfile &p)
{
    const int row = m_profiles->rowCount();
    m_profiles->insertRow(row);
    m_profiles->setItem(row, NameCol, new QTableWidgetItem(p.name));
    m_profiles->setItem(row, UrlCol, new QTableWidgetItem(p.baseUrl));
    m_profiles->setItem(row, ModelCol, new QTableWidgetItem(p.model));
    m_profiles->setItem(row, KeyEnvCol, new QTableWidgetItem(p.apiKeyEnv));
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s = m_base;
    s.endpoints.clear();
    for (int r = 0; r < m_profiles->rowCount(); ++r) {
        auto text = [&](int c) { return m_profiles->item(r, c) ? m_profiles->item(r, c)->text().trimmed() : QString(); };
        // The table edits four fields; the others (sampling, retries, prices) are kept.
        EndpointProfile p;
        for (const EndpointProfile &b : m_base.endpoints)
            if (b.name == text(NameCol))
                p = b;
        p.name = text(NameCol);
        p.baseUrl = text(UrlCol);
        p.model = text(ModelCol);
        p.apiKeyEnv = text(KeyEnvCol);
        s.endpoints.append(p);
    }
    s.computeDevice = m_device->currentData().toString();
    s.computeThreads = m_threads->value();
    s.language = m_language->currentData().toString();
    return s;
}

QString SettingsDialog::validationError() const
{
    QSet<QString> names;
    const AppSettings s = settings();
    for (int i = 0; i < s.endpoints.size(); ++i) {
        const EndpointProfile &p = s.endpoints.at(i);
        if (p.name.isEmpty())
            return tr("Endpoint %1 has no name.").arg(i + 1);
        if (names.contains(p.name))
            return tr("Two endpoints are named '%1'.").arg(p.name);
        names.insert(p.name);
        const QUrl url(p.baseUrl, QUrl::StrictMode);
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) || url.host().isEmpty())
            return tr("Endpoint '%1': '%2' is not an http(s) URL.").arg(p.name, p.baseUrl);
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!p.apiKeyEnv.isEmpty() && !envName.match(p.apiKeyEnv).hasMatch())
            return tr("Endpoint '%1': '%2' is not an environment variable name.").arg(p.name, p.apiKeyEnv);
    }
    return {};
}

void SettingsDialog::accept()
{
    const QString error = validationError();
    m_error->setText(error);
    if (error.isEmpty())
        QDialog::accept();
}

} // namespace ef
