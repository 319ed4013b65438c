// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog: LLM endpoint profiles, compute device, thread count, language.
#pragma once

#include <QDialog>

#include "backend/computeinfo.h"
#include "backend/settings.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace ef {

class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    // compute: the latest probe, shown in the compute panel (a default ComputeInfo: "probing").
    SettingsDialog(const AppSettings &settings, const ComputeInfo &compute, QWidget *parent = nullptr);
    // The edited settings (valid after accept()).
    AppSettings settings() const;
    // Checks the profiles; returns an empty string when valid, else what is wrong.
    QString validationError() const;

    void accept() override;
    // Sends one tiny request to the selected profile's endpoint and shows the answer or the error.
    void testConnection();

private:
    void addProfileRow(const EndpointProfile &p);
    void showDetails(int row);
    void storeDetails();

    AppSettings m_base;
    QList<EndpointProfile> m_rows; // full profiles, one per table row
    int m_detailRow = -1;
    bool m_loadingDetails = false;
    QTableWidget *m_profiles;
    QComboBox *m_kind;
    QLineEdit *m_deployment;
    QLineEdit *m_apiVersion;
    QDoubleSpinBox *m_temperature;
    QDoubleSpinBox *m_topP;
    QSpinBox *m_maxTokens;
    QCheckBox *m_jsonFormat;
    QSpinBox *m_timeout;
    QSpinBox *m_retries;
    QDoubleSpinBox *m_inputPrice;
    QDoubleSpinBox *m_outputPrice;
    QLineEdit *m_currency;
    QComboBox *m_device;
    QSpinBox *m_threads;
    QComboBox *m_language;
    QLabel *m_error;
    QPushButton *m_test;
    QLabel *m_testResult;
};

} // namespace ef
