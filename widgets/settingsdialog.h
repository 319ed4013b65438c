// SPDX-License-Identifier: GPL-3.0-or-later
// The Settings dialog: LLM endpoint profiles, compute device, thread count, language.
#pragma once

#include <QDialog>

#include "backend/settings.h"

class QComboBox;
class QLabel;
class QSpinBox;
class QTableWidget;

namespace ef {

class SettingsDialog final : public QDialog
{
    Q_OBJECT

public:
    SettingsDialog(const AppSettings &settings, bool cudaAvailable, QWidget *parent = nullptr);
    // The edited settings (valid after accept()).
    AppSettings settings() const;
    // Checks the profiles; returns an empty string when valid, else what is wrong.
    QString validationError() const;

    void accept() override;

private:
    void addProfileRow(const EndpointProfile &p);

    AppSettings m_base;
    QTableWidget *m_profiles;
    QComboBox *m_device;
    QSpinBox *m_threads;
    QComboBox *m_language;
    QLabel *m_error;
};

} // namespace ef
