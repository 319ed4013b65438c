// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog.
#include "widgets/settingsdialog.h"

#include <algorithm>

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLineEdit>
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

#include "backend/llmclient.h"
#include "backend/settings.h"

namespace ef {

namespace {
enum ProfileColumn { NameCol, UrlCol, ModelCol, KeyEnvCol, ProfileColumnCount };
}

SettingsDialog::SettingsDialog(const AppSettings &settings, const ComputeInfo &computeInfo, QWidget *parent)
    : QDialog(parent), m_base(settings), m_profiles(new QTableWidget(0, ProfileColumnCount, this)),
      m_kind(new QComboBox(this)), m_deployment(new QLineEdit(this)), m_apiVersion(new QLineEdit(this)),
      m_temperature(new QDoubleSpinBox(this)), m_topP(new QDoubleSpinBox(this)), m_maxTokens(new QSpinBox(this)),
      m_jsonFormat(new QCheckBox(tr("Ask for a JSON object (response_format)"), this)), m_timeout(new QSpinBox(this)),
      m_retries(new QSpinBox(this)), m_inputPrice(new QDoubleSpinBox(this)), m_outputPrice(new QDoubleSpinBox(this)),
      m_currency(new QLineEdit(this)), m_device(new QComboBox(this)), m_threads(new QSpinBox(this)),
      m_language(new QComboBox(this)), m_error(new QLabel(this))
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
        m_profiles->setCurrentCell(m_profiles->rowCount() - 1, NameCol);
        m_profiles->editItem(m_profiles->item(m_profiles->rowCount() - 1, NameCol));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_profiles->currentRow();
        if (row < 0)
            return;
        m_detailRow = -1;
        m_rows.removeAt(row);
        m_profiles->removeRow(row);
        showDetails(m_profiles->currentRow());
    });

    // Details of the selected endpoint: protocol, sampling, limits, prices.
    auto *details = new QGroupBox(tr("Selected endpoint"), this);
    auto *dForm = new QFormLayout(details);
    m_kind->addItem(tr("OpenAI-compatible"), QStringLiteral("openai"));
    m_kind->addItem(tr("Azure OpenAI"), QStringLiteral("azure"));
    m_deployment->setPlaceholderText(tr("Azure deployment name"));
    m_temperature->setRange(0.0, 2.0);
    m_temperature->setSingleStep(0.1);
    m_topP->setRange(0.0, 1.0);
    m_topP->setSingleStep(0.05);
    m_maxTokens->setRange(0, 1000000);
    m_maxTokens->setSpecialValueText(tr("not sent"));
    m_timeout->setRange(1, 3600);
    m_timeout->setSuffix(tr(" s"));
    m_retries->setRange(0, 20);
    for (QDoubleSpinBox *price : {m_inputPrice, m_outputPrice}) {
        price->setRange(0.0, 10000.0);
        price->setDecimals(4);
    }
    auto *protocol = new QHBoxLayout;
    protocol->addWidget(m_kind);
    protocol->addWidget(m_deployment, 1);
    protocol->addWidget(new QLabel(tr("api-version:"), details));
    protocol->addWidget(m_apiVersion);
    dForm->addRow(tr("Protocol:"), protocol);
    auto *sampling = new QHBoxLayout;
    sampling->addWidget(new QLabel(tr("temperature"), details));
    sampling->addWidget(m_temperature);
    sampling->addWidget(new QLabel(tr("top_p"), details));
    sampling->addWidget(m_topP);
    sampling->addWidget(new QLabel(tr("max_tokens"), details));
    sampling->addWidget(m_maxTokens);
    sampling->addWidget(m_jsonFormat);
    dForm->addRow(tr("Sampling:"), sampling);
    auto *limits = new QHBoxLayout;
    limits->addWidget(new QLabel(tr("timeout"), details));
    limits->addWidget(m_timeout);
    limits->addWidget(new QLabel(tr("retries"), details));
    limits->addWidget(m_retries);
    // Requests in flight are the Generate page's setting (stored with each run): one setting, not two.
    limits->addStretch();
    dForm->addRow(tr("Limits:"), limits);
    auto *prices = new QHBoxLayout;
    prices->addWidget(new QLabel(tr("input"), details));
    prices->addWidget(m_inputPrice);
    prices->addWidget(new QLabel(tr("output"), details));
    prices->addWidget(m_outputPrice);
    m_currency->setObjectName(QStringLiteral("currency"));
    m_currency->setMaximumWidth(60);
    m_currency->setToolTip(tr("The currency of the prices (USD, EUR, CNY, ...), shown with cost estimates"));
    prices->addWidget(m_currency);
    prices->addWidget(new QLabel(tr("per million tokens"), details));
    prices->addStretch();
    dForm->addRow(tr("Prices:"), prices);
    m_test = new QPushButton(tr("Test connection"), details);
    m_test->setObjectName(QStringLiteral("testConnection"));
    m_test->setToolTip(tr("Send one short request with this profile and show the answer or the error"));
    m_testResult = new QLabel(details);
    m_testResult->setObjectName(QStringLiteral("testResult"));
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *test = new QHBoxLayout;
    test->addWidget(m_test);
    test->addWidget(m_testResult, 1);
    dForm->addRow(QString(), test);
    connect(m_test, &QPushButton::clicked, this, &SettingsDialog::testConnection);
    epLayout->addWidget(details);
    connect(m_profiles, &QTableWidget::currentCellChanged, this, [this](int row) { showDetails(row); });
    for (QComboBox *c : {m_kind})
        connect(c, &QComboBox::currentIndexChanged, this, &SettingsDialog::storeDetails);
    for (QLineEdit *e : {m_deployment, m_apiVersion, m_currency})
        connect(e, &QLineEdit::textEdited, this, &SettingsDialog::storeDetails);
    for (QDoubleSpinBox *d : {m_temperature, m_topP, m_inputPrice, m_outputPrice})
        connect(d, &QDoubleSpinBox::valueChanged, this, &SettingsDialog::storeDetails);
    for (QSpinBox *sp : {m_maxTokens, m_timeout, m_retries})
        connect(sp, &QSpinBox::valueChanged, this, &SettingsDialog::storeDetails);
    connect(m_jsonFormat, &QCheckBox::toggled, this, &SettingsDialog::storeDetails);
    if (m_profiles->rowCount() > 0)
        m_profiles->setCurrentCell(0, NameCol);
    showDetails(m_profiles->currentRow());

    auto *compute = new QGroupBox(tr("Compute"), this);
    auto *form = new QFormLayout(compute);
    m_device->setObjectName(QStringLiteral("computeDevice"));
    m_device->addItem(tr("Automatic (CUDA when available)"), QStringLiteral("auto"));
    m_device->addItem(tr("CPU"), QStringLiteral("cpu"));
    m_device->addItem(computeInfo.cudaAvailable ? tr("CUDA") : tr("CUDA (not available)"), QStringLiteral("cuda"));
    m_device->setCurrentIndex(std::max(0, m_device->findData(settings.computeDevice)));
    m_threads->setObjectName(QStringLiteral("computeThreads"));
    m_threads->setRange(0, std::max(1, QThread::idealThreadCount()) * 2);
    m_threads->setSpecialValueText(tr("Automatic"));
    m_threads->setValue(settings.computeThreads);
    form->addRow(tr("Device:"), m_device);
    form->addRow(tr("CPU threads:"), m_threads);
    auto *status = new QLabel(describeComputeDetails(computeInfo), compute);
    status->setObjectName(QStringLiteral("computeStatus"));
    status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    status->setWordWrap(true);
    form->addRow(tr("Status:"), status);

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

void SettingsDialog::showDetails(int row)
{
    m_detailRow = row;
    const bool valid = row >= 0 && row < m_rows.size();
    for (QWidget *w :
         std::initializer_list<QWidget *>{m_kind, m_deployment, m_apiVersion, m_temperature, m_topP, m_maxTokens,
                                          m_jsonFormat, m_timeout, m_retries, m_inputPrice, m_outputPrice, m_currency})
        w->setEnabled(valid);
    if (!valid)
        return;
    const EndpointProfile &p = m_rows.at(row);
    m_loadingDetails = true;
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(p.kind)));
    m_deployment->setText(p.azureDeployment);
    m_apiVersion->setText(p.azureApiVersion);
    m_temperature->setValue(p.temperature);
    m_topP->setValue(p.topP);
    m_maxTokens->setValue(p.maxTokens);
    m_jsonFormat->setChecked(p.jsonResponseFormat);
    m_timeout->setValue(std::max(1, p.timeoutMs / 1000));
    m_retries->setValue(p.maxRetries);
    m_inputPrice->setValue(p.inputPricePerMTok);
    m_outputPrice->setValue(p.outputPricePerMTok);
    m_currency->setText(p.currency);
    m_deployment->setEnabled(p.kind == QLatin1String("azure"));
    m_apiVersion->setEnabled(p.kind == QLatin1String("azure"));
    m_loadingDetails = false;
}

void SettingsDialog::storeDetails()
{
    if (m_loadingDetails || m_detailRow < 0 || m_detailRow >= m_rows.size())
        return;
    EndpointProfile &p = m_rows[m_detailRow];
    p.kind = m_kind->currentData().toString();
    p.azureDeployment = m_deployment->text().trimmed();
    p.azureApiVersion = m_apiVersion->text().trimmed();
    p.temperature = m_temperature->value();
    p.topP = m_topP->value();
    p.maxTokens = m_maxTokens->value();
    p.jsonResponseFormat = m_jsonFormat->isChecked();
    p.timeoutMs = m_timeout->value() * 1000;
    p.maxRetries = m_retries->value();
    p.inputPricePerMTok = m_inputPrice->value();
    p.outputPricePerMTok = m_outputPrice->value();
    p.currency = m_currency->text().trimmed().isEmpty() ? QStringLiteral("USD") : m_currency->text().trimmed();
    m_deployment->setEnabled(p.kind == QLatin1String("azure"));
    m_apiVersion->setEnabled(p.kind == QLatin1String("azure"));
}

void SettingsDialog::addProfileRow(const EndpointProfile &p)
{
    m_rows.append(p);
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
        auto text = [&](int c) {
            return m_profiles->item(r, c) ? m_profiles->item(r, c)->text().trimmed() : QString();
        };
        EndpointProfile p = r < m_rows.size() ? m_rows.at(r) : EndpointProfile{};
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
        if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")) ||
            url.host().isEmpty())
            return tr("Endpoint '%1': '%2' is not an http(s) URL.").arg(p.name, p.baseUrl);
        if (p.kind == QLatin1String("azure") && p.azureDeployment.isEmpty())
            return tr("Endpoint '%1' uses Azure OpenAI but names no deployment.").arg(p.name);
        static const QRegularExpression envName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_]*$"));
        if (!p.apiKeyEnv.isEmpty() && !envName.match(p.apiKeyEnv).hasMatch())
            return tr("Endpoint '%1': '%2' is not an environment variable name.").arg(p.name, p.apiKeyEnv);
    }
    return {};
}

void SettingsDialog::testConnection()
{
    storeDetails();
    const AppSettings s = settings();
    const int row = m_profiles->currentRow();
    if (row < 0 || row >= s.endpoints.size()) {
        m_testResult->setText(tr("Select a profile first."));
        return;
    }
    EndpointProfile p = s.endpoints.at(row);
    if (p.baseUrl.isEmpty()) {
        m_testResult->setText(tr("The profile has no base URL."));
        return;
    }
    QString keyError;
    const QString key = apikeys::resolve(p, &keyError); // the environment, or a small local file
    if (!keyError.isEmpty()) {
        m_testResult->setText(keyError);
        return;
    }
    if (key.isEmpty() && !p.apiKeyEnv.isEmpty()) {
        m_testResult->setText(tr("The environment variable %1 is not set, and the key file has no key for this "
                                 "profile: requests would be refused.")
                                  .arg(p.apiKeyEnv));
        return;
    }
    p.maxRetries = 0;
    p.timeoutMs = std::min(p.timeoutMs, 30000);
    p.maxTokens = 16;
    m_test->setEnabled(false);
    m_testResult->setText(tr("Sending one short request…"));
    auto *client = new LlmClient(p, key, this);
    connect(client, &LlmClient::finished, this, [this, client](const LlmResult &r) {
        m_test->setEnabled(true);
        if (r.ok)
            m_testResult->setText(tr("It works: the endpoint answered \u201c%1\u201d in %2 ms.")
                                      .arg(r.content.simplified().left(80), QString::number(r.latencyMs)));
        else
            m_testResult->setText(tr("It failed: %1").arg(r.error));
        client->deleteLater();
    });
    client->submit({1, QStringLiteral("Reply with the single word OK."), QStringLiteral("ef-test-connection")});
}

void SettingsDialog::accept()
{
    const QString error = validationError();
    m_error->setText(error);
    if (error.isEmpty())
        QDialog::accept();
}

} // namespace ef
