// SPDX-License-Identifier: GPL-3.0-or-later
// The Templates page: the workspace's prompt templates, edited with live validation,
// versioned, compared with the built-in, previewed with sampled values, imported and exported.
#pragma once

#include <QList>
#include <QTimer>
#include <QWidget>

#include "backend/preview.h"
#include "backend/templates.h"
#include "backend/workspace.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTabWidget;
class QThreadPool;
class QTreeWidget;

namespace ef {

class PlaceholderHighlighter;

class TemplatesPage final : public QWidget
{
    Q_OBJECT

public:
    explicit TemplatesPage(QThreadPool *ioPool, QWidget *parent = nullptr);
    void setWorkspace(const Workspace &ws);

    // The template as currently edited (unsaved edits included).
    PromptTemplate editedTemplate() const;
    QList<TemplateIssue> currentIssues() const { return m_issues; }
    QStringList templateIds() const;
    void selectTemplate(const QString &id);
    bool isDirty() const { return m_dirty; }
    // Drops the unsaved edits: the editor shows the loaded version again.
    void discardEdits();
    // Undo and redo of the value-set table's edits (adding, removing, renaming a set, changing
    // its values); the Edit menu calls them while the table has the focus (its "editTarget").
    Q_INVOKABLE void undo();
    Q_INVOKABLE void redo();
    bool canUndoValueSets() const { return !m_valueUndo.isEmpty(); }
    bool canRedoValueSets() const { return !m_valueRedo.isEmpty(); }
    // Unsaved edits: asks Save / Discard / Cancel (a dialog named "unsavedQuestion").
    enum class UnsavedAnswer { Save, Discard, Cancel };
    UnsavedAnswer askAboutUnsavedEdits();
    // Saves the edits (as the Save button does); templateSaved or saveFailed follows.
    void saveEdits() { save(); }
    // The prompts the Preview tab shows (backend/preview's seed rule: the same as the CLI's).
    const QList<PreviewItem> &previewItems() const { return m_previewItems; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

Q_SIGNALS:
    void templatesLoaded(int count);
    void templateSaved(const QString &id, int version);
    void saveFailed(const QString &error);
    void previewRendered();

private:
    void reloadList(const QString &select = {});
    void loadTemplate(const QString &id);
    void showTemplate(const PromptTemplate &t);
    void markDirty();
    void revalidate();
    void save();
    void revertEdits();
    void showHistory(const QList<TemplateVersionInfo> &history);
    void showDiffAgainstBuiltin();
    void showDiffAgainstVersion(int version);
    void renderDiff(const TemplateDiff &diff, const QString &caption);
    void loadPreviewTasks();
    void renderPreview();
    void importTemplates();
    void exportTemplates();
    void addValueSet();
    void removeValueSet();

    QThreadPool *m_ioPool;
    Workspace m_ws;
    PromptTemplate m_loaded; // as stored (current version)
    bool m_loading = false;
    bool m_dirty = false;
    // The value-set table as rows of {name, values}: the state shown, and those before and after.
    using ValueRows = QList<QPair<QString, QString>>;
    ValueRows valueRows() const;
    void setValueRows(const ValueRows &rows);
    void recordValueSets(); // after a change: the previous state becomes undoable
    void updateValueSetButtons();
    ValueRows m_valueState;
    QList<ValueRows> m_valueUndo, m_valueRedo;
    QPushButton *m_undoValues = nullptr;
    QPushButton *m_redoValues = nullptr;
    QString m_lastText;
    quint64 m_loadRequest = 0;
    QString m_selectAfterSave; // a template chosen while the edits of another were being saved
    quint64 m_tasksRequest = 0;
    QString m_previewTasksFor; // the template whose tasks m_previewTasks holds
    QStringList m_previewTasks;
    QList<PreviewItem> m_previewItems;
    QList<TemplateIssue> m_issues;
    QTimer m_validateTimer;

    QListWidget *m_list;
    QLabel *m_header;
    QTabWidget *m_tabs;
    QLineEdit *m_title;
    QPlainTextEdit *m_text;
    PlaceholderHighlighter *m_highlighter;
    QTableWidget *m_valueSets;
    QComboBox *m_outputType;
    QLineEdit *m_outputKeys;
    QLineEdit *m_queryKey;
    QLineEdit *m_positiveKey;
    QLineEdit *m_negativeKey;
    QLineEdit *m_instruction;
    QCheckBox *m_lenient;
    QTreeWidget *m_history;
    QPlainTextEdit *m_diff;
    QComboBox *m_previewLanguage;
    QSpinBox *m_previewSeed;
    QSpinBox *m_previewCount;
    QPlainTextEdit *m_preview;
    QTreeWidget *m_issuesView;
    QLineEdit *m_note;
    QPushButton *m_save;
    QPushButton *m_revert;
};

} // namespace ef
