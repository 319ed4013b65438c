// SPDX-License-Identifier: GPL-3.0-or-later
// The Templates page.
#include "widgets/templatespage.h"

#include <utility>

#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QKeySequence>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSignalBlocker>
#include <QSpinBox>
#include <QSplitter>
#include <QSyntaxHighlighter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "backend/argtext.h"
#include "backend/preview.h"
#include "backend/sampler.h"
#include "widgets/displaytext.h"
#include "widgets/errorbox.h"
#include "widgets/async.h"

namespace ef {

// Colours {placeholders}: known ones (a value set or filled by the pipeline) in blue,
// unknown ones in red with a wavy underline, literal {{ }} in grey.
class PlaceholderHighlighter final : public QSyntaxHighlighter
{
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;
    void setKnown(const QStringList &known)
    {
        if (known == m_known)
            return;
        m_known = known;
        rehighlight();
    }

protected:
    void highlightBlock(const QString &text) override
    {
        static const QRegularExpression re(QStringLiteral("\\{\\{|\\}\\}|\\{([A-Za-z_][A-Za-z0-9_]*)\\}"));
        QTextCharFormat known, unknown, literal;
        known.setForeground(QColor(0x1f, 0x5f, 0xbf));
        known.setFontWeight(QFont::Bold);
        unknown.setForeground(QColor(0xb0, 0x00, 0x20));
        unknown.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        unknown.setUnderlineColor(QColor(0xb0, 0x00, 0x20));
        literal.setForeground(Qt::gray);
        for (auto it = re.globalMatch(text); it.hasNext();) {
            const QRegularExpressionMatch m = it.next();
            if (m.captured(1).isEmpty())
                setFormat(static_cast<int>(m.capturedStart()), 2, literal);
            else
                setFormat(static_cast<int>(m.capturedStart()), static_cast<int>(m.capturedLength()),
                          m_known.contains(m.captured(1)) ? known : unknown);
        }
    }

private:
    QStringList m_known;
};

namespace {
QStringList splitList(const QString &s)
{
    QStringList out;
    for (const QString &part : s.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!part.trimmed().isEmpty())
            out << part.trimmed();
    return out;
}
} // namespace

TemplatesPage::TemplatesPage(QThreadPool *ioPool, QWidget *parent)
    : QWidget(parent), m_ioPool(ioPool), m_list(new QListWidget(this)), m_header(new QLabel(this)),
      m_tabs(new QTabWidget(this)), m_title(new QLineEdit(this)), m_text(new QPlainTextEdit(this)),
      m_highlighter(new PlaceholderHighlighter(m_text->document())), m_valueSets(new QTableWidget(0, 2, this)),
      m_outputType(new QComboBox(this)), m_outputKeys(new QLineEdit(this)), m_queryKey(new QLineEdit(this)),
      m_positiveKey(new QLineEdit(this)), m_negativeKey(new QLineEdit(this)), m_instruction(new QLineEdit(this)),
      m_lenient(new QCheckBox(tr("Lenient: accept replies with keys the format does not name"), this)),
      m_history(new QTreeWidget(this)), m_diff(new QPlainTextEdit(this)), m_previewLanguage(new QComboBox(this)),
      m_previewSeed(new QSpinBox(this)), m_previewCount(new QSpinBox(this)), m_preview(new QPlainTextEdit(this)),
      m_issuesView(new QTreeWidget(this)), m_note(new QLineEdit(this)),
      m_save(new QPushButton(tr("Save version"), this)), m_revert(new QPushButton(tr("Revert"), this))
{
    setObjectName(QStringLiteral("templatesPage"));
    m_list->setObjectName(QStringLiteral("templateList"));
    m_text->setObjectName(QStringLiteral("templateText"));
    m_valueSets->setObjectName(QStringLiteral("valueSets"));
    m_issuesView->setObjectName(QStringLiteral("templateIssues"));
    m_save->setObjectName(QStringLiteral("saveTemplate"));
    m_save->setShortcut(QKeySequence::Save); // Ctrl+S
    m_save->setToolTip(
        tr("Save a new version (%1)").arg(QKeySequence(QKeySequence::Save).toString(QKeySequence::NativeText)));
    m_history->setObjectName(QStringLiteral("templateHistory"));
    m_diff->setObjectName(QStringLiteral("templateDiff"));
    m_preview->setObjectName(QStringLiteral("templatePreview"));
    m_previewLanguage->setObjectName(QStringLiteral("previewLanguage"));
    m_previewSeed->setObjectName(QStringLiteral("previewSeed"));
    m_previewCount->setObjectName(QStringLiteral("previewCount"));

    // Left: the list and import/export.
    auto *left = new QWidget(this);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(new QLabel(QStringLiteral("<h2>%1</h2>").arg(tr("Templates")), left));
    leftLayout->addWidget(m_list, 1);
    auto *io = new QHBoxLayout;
    auto *importButton = new QPushButton(tr("Import…"), left);
    auto *exportButton = new QPushButton(tr("Export…"), left);
    io->addWidget(importButton);
    io->addWidget(exportButton);
    leftLayout->addLayout(io);
    connect(importButton, &QPushButton::clicked, this, &TemplatesPage::importTemplates);
    connect(exportButton, &QPushButton::clicked, this, &TemplatesPage::exportTemplates);

    // Prompt tab.
    auto *promptTab = new QWidget(this);
    auto *promptForm = new QFormLayout(promptTab);
    m_text->setLineWrapMode(QPlainTextEdit::WidgetWidth);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    promptForm->addRow(tr("Title:"), m_title);
    promptForm->addRow(tr("Prompt:"), m_text);
    auto *hint = new QLabel(tr("{name} is filled from a value set (or with the task and language); write {{ and }} "
                               "for literal braces."),
                            promptTab);
    hint->setWordWrap(true);
    promptForm->addRow(QString(), hint);
    m_tabs->addTab(promptTab, tr("Prompt"));

    // Value sets tab.
    auto *valuesTab = new QWidget(this);
    auto *valuesLayout = new QVBoxLayout(valuesTab);
    m_valueSets->setHorizontalHeaderLabels({tr("Placeholder"), tr("Values (comma-separated)")});
    m_valueSets->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_valueSets->verticalHeader()->hide();
    valuesLayout->addWidget(m_valueSets, 1);
    auto *valueButtons = new QHBoxLayout;
    auto *addSet = new QPushButton(tr("Add value set"), valuesTab);
    addSet->setObjectName(QStringLiteral("addValueSet"));
    auto *removeSet = new QPushButton(tr("Remove"), valuesTab);
    m_undoValues = new QPushButton(tr("Undo"), valuesTab);
    m_undoValues->setObjectName(QStringLiteral("undoValueSets"));
    m_undoValues->setToolTip(tr("Undo the last change to the value sets (%1 in the table)")
                                 .arg(QKeySequence(QKeySequence::Undo).toString(QKeySequence::NativeText)));
    m_redoValues = new QPushButton(tr("Redo"), valuesTab);
    m_redoValues->setObjectName(QStringLiteral("redoValueSets"));
    m_redoValues->setToolTip(tr("Redo the change undone last (%1 in the table)")
                                 .arg(QKeySequence(QKeySequence::Redo).toString(QKeySequence::NativeText)));
    valueButtons->addWidget(addSet);
    valueButtons->addWidget(removeSet);
    valueButtons->addStretch();
    valueButtons->addWidget(m_undoValues);
    valueButtons->addWidget(m_redoValues);
    connect(m_undoValues, &QPushButton::clicked, this, &TemplatesPage::undo);
    connect(m_redoValues, &QPushButton::clicked, this, &TemplatesPage::redo);
    // Ctrl+Z and Ctrl+Shift+Z in the table (not while a cell is being edited: its editor has them).
    m_valueSets->setProperty("editTarget", QVariant::fromValue<QObject *>(this));
    m_valueSets->installEventFilter(this);
    valuesLayout->addLayout(valueButtons);
    connect(addSet, &QPushButton::clicked, this, &TemplatesPage::addValueSet);
    connect(removeSet, &QPushButton::clicked, this, &TemplatesPage::removeValueSet);
    m_tabs->addTab(valuesTab, tr("Value sets"));

    // Output schema tab.
    auto *schemaTab = new QWidget(this);
    auto *schemaForm = new QFormLayout(schemaTab);
    m_outputType->addItem(tr("JSON object (one example)"), QStringLiteral("object"));
    m_outputType->addItem(tr("List of task sentences (brainstorm)"), QStringLiteral("list"));
    schemaForm->addRow(tr("Output:"), m_outputType);
    schemaForm->addRow(tr("Required keys:"), m_outputKeys);
    schemaForm->addRow(tr("Query from key:"), m_queryKey);
    schemaForm->addRow(tr("Positive from key:"), m_positiveKey);
    schemaForm->addRow(tr("Hard negative from key:"), m_negativeKey);
    schemaForm->addRow(tr("Instruction:"), m_instruction);
    m_lenient->setObjectName(QStringLiteral("lenient"));
    m_lenient->setToolTip(tr("Off (the paper's rule): a reply with other keys is invalid, reason unexpected_keys."));
    schemaForm->addRow(QString(), m_lenient);
    m_tabs->addTab(schemaTab, tr("Output schema"));

    // History tab: versions and diffs.
    auto *historyTab = new QWidget(this);
    auto *historyLayout = new QVBoxLayout(historyTab);
    m_history->setHeaderLabels({tr("Version"), tr("Saved"), tr("Note")});
    m_history->setRootIsDecorated(false);
    auto *diffBuiltin = new QPushButton(tr("Compare with built-in"), historyTab);
    diffBuiltin->setObjectName(QStringLiteral("diffBuiltin"));
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    historyLayout->addWidget(m_history, 1);
    historyLayout->addWidget(diffBuiltin);
    historyLayout->addWidget(m_diff, 2);
    connect(diffBuiltin, &QPushButton::clicked, this, &TemplatesPage::showDiffAgainstBuiltin);
    connect(m_history, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item)
            showDiffAgainstVersion(item->data(0, Qt::UserRole).toInt());
    });
    m_tabs->addTab(historyTab, tr("History"));

    // Preview tab: rendered prompts with the sampled values shown.
    auto *previewTab = new QWidget(this);
    auto *previewLayout = new QVBoxLayout(previewTab);
    auto *previewBar = new QHBoxLayout;
    m_previewLanguage->addItem(tr("Sampled language"), QString());
    for (const LanguageInfo &l : xlmrLanguages())
        m_previewLanguage->addItem(l.name, l.code);
    m_previewSeed->setRange(0, 1000000);
    m_previewSeed->setValue(1);
    m_previewCount->setRange(1, 20);
    m_previewCount->setValue(3);
    previewBar->addWidget(new QLabel(tr("Language:"), previewTab));
    previewBar->addWidget(m_previewLanguage);
    previewBar->addWidget(new QLabel(tr("Seed:"), previewTab));
    previewBar->addWidget(m_previewSeed);
    previewBar->addWidget(new QLabel(tr("Prompts:"), previewTab));
    previewBar->addWidget(m_previewCount);
    previewBar->addStretch();
    m_preview->setReadOnly(true);
    previewLayout->addLayout(previewBar);
    previewLayout->addWidget(m_preview, 1);
    m_tabs->addTab(previewTab, tr("Preview"));
    for (QObject *o : {static_cast<QObject *>(m_previewLanguage), static_cast<QObject *>(m_previewSeed),
                       static_cast<QObject *>(m_previewCount)}) {
        if (auto *c = qobject_cast<QComboBox *>(o))
            connect(c, &QComboBox::currentIndexChanged, this, &TemplatesPage::renderPreview);
        else if (auto *s = qobject_cast<QSpinBox *>(o))
            connect(s, &QSpinBox::valueChanged, this, &TemplatesPage::renderPreview);
    }

    // Right: header, tabs, validation, save.
    auto *right = new QWidget(this);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_header->setTextFormat(Qt::RichText);
    rightLayout->addWidget(m_header);
    rightLayout->addWidget(m_tabs, 3);
    m_issuesView->setHeaderLabels({tr("Severity"), tr("Problem")});
    m_issuesView->setRootIsDecorated(false);
    m_issuesView->setMaximumHeight(130);
    rightLayout->addWidget(m_issuesView);
    auto *saveBar = new QHBoxLayout;
    m_note->setPlaceholderText(tr("What changed (optional)"));
    saveBar->addWidget(m_note, 1);
    saveBar->addWidget(m_revert);
    saveBar->addWidget(m_save);
    rightLayout->addLayout(saveBar);
    connect(m_save, &QPushButton::clicked, this, &TemplatesPage::save);
    connect(m_revert, &QPushButton::clicked, this, &TemplatesPage::revertEdits);

    auto *split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(right);
    split->setStretchFactor(1, 1);
    split->setSizes({240, 900});
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(split);

    m_validateTimer.setSingleShot(true);
    m_validateTimer.setInterval(150);
    connect(&m_validateTimer, &QTimer::timeout, this, &TemplatesPage::revalidate);
    for (QLineEdit *e : {m_title, m_outputKeys, m_queryKey, m_positiveKey, m_negativeKey, m_instruction})
        connect(e, &QLineEdit::textEdited, this, &TemplatesPage::markDirty);
    // Re-highlighting also emits textChanged; only a change of the text itself counts.
    connect(m_text, &QPlainTextEdit::textChanged, this, [this] {
        const QString now = m_text->toPlainText();
        if (now == m_lastText)
            return;
        m_lastText = now;
        markDirty();
    });
    connect(m_valueSets, &QTableWidget::itemChanged, this, [this] {
        if (m_loading)
            return;
        recordValueSets();
        markDirty();
    });
    connect(m_outputType, &QComboBox::currentIndexChanged, this, &TemplatesPage::markDirty);
    connect(m_lenient, &QCheckBox::toggled, this, &TemplatesPage::markDirty);
    connect(m_list, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (item)
            loadTemplate(item->data(Qt::UserRole).toString());
    });
    setEnabled(false);
}

void TemplatesPage::setWorkspace(const Workspace &ws)
{
    m_ws = ws;
    setEnabled(ws.isValid());
    reloadList();
}

QStringList TemplatesPage::templateIds() const
{
    QStringList ids;
    for (int i = 0; i < m_list->count(); ++i)
        ids << m_list->item(i)->data(Qt::UserRole).toString();
    return ids;
}

void TemplatesPage::selectTemplate(const QString &id)
{
    for (int i = 0; i < m_list->count(); ++i)
        if (m_list->item(i)->data(Qt::UserRole).toString() == id)
            m_list->setCurrentRow(i);
}

void TemplatesPage::reloadList(const QString &select)
{
    if (!m_ws.isValid())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this, [ws] { return templatestore::list(ws); },
        [this, select](const Expected<QList<PromptTemplate>> &result) {
            if (!result) {
                m_header->setText(result.error().toHtmlEscaped());
                return;
            }
            const QList<PromptTemplate> &templates = result.value();
            const QString keep = select.isEmpty() && m_list->currentItem()
                                     ? m_list->currentItem()->data(Qt::UserRole).toString()
                                     : select;
            m_list->blockSignals(true);
            m_list->clear();
            for (const PromptTemplate &t : templates) {
                auto *item = new QListWidgetItem(QStringLiteral("%1 · %2").arg(t.family, t.step), m_list);
                item->setData(Qt::UserRole, t.id);
                item->setToolTip(t.title);
            }
            m_list->blockSignals(false);
            Q_EMIT templatesLoaded(static_cast<int>(templates.size()));
            if (!templates.isEmpty()) {
                const QStringList ids = templateIds();
                const int row = std::max(0, static_cast<int>(ids.indexOf(keep)));
                m_list->setCurrentRow(row); // loads it (the list was cleared, so the row changes)
            }
        });
}

void TemplatesPage::loadTemplate(const QString &id)
{
    if (m_dirty && id != m_loaded.id) {
        // Unsaved edits of another template: Save, Discard or Cancel. Cancel keeps the edits and
        // the list on their template without reloading it (it used to reload, losing them).
        switch (askAboutUnsavedEdits()) {
        case UnsavedAnswer::Cancel: {
            const QSignalBlocker block(m_list);
            selectTemplate(m_loaded.id);
            return;
        }
        case UnsavedAnswer::Save:
            m_selectAfterSave = id;
            save();
            return;
        case UnsavedAnswer::Discard:
            break;
        }
    }
    const Workspace ws = m_ws;
    const quint64 request = ++m_loadRequest; // a newer selection supersedes this one
    struct Loaded
    {
        Expected<PromptTemplate> t = makeError({});
        QList<TemplateVersionInfo> history;
    };
    runAsync(
        m_ioPool, this,
        [ws, id] {
            Loaded r;
            r.t = templatestore::load(ws, id);
            if (auto h = templatestore::history(ws, id))
                r.history = h.value();
            return r;
        },
        [this, request](const Loaded &result) {
            if (request != m_loadRequest)
                return;
            const Loaded r = result;
            if (!r.t) {
                m_header->setText(r.t.error().toHtmlEscaped());
                return;
            }
            showTemplate(r.t.value());
            showHistory(r.history);
        });
}

void TemplatesPage::showTemplate(const PromptTemplate &t)
{
    m_loading = true;
    m_loaded = t;
    m_header->setText(
        tr("<b>%1</b> — %2 · %3 · version %4").arg(t.id.toHtmlEscaped(), t.family, t.step).arg(t.version));
    m_title->setText(t.title);
    m_lastText = t.text;
    m_text->setPlainText(t.text);
    m_valueSets->setRowCount(0);
    for (auto it = t.valueSets.cbegin(); it != t.valueSets.cend(); ++it) {
        const int row = m_valueSets->rowCount();
        m_valueSets->insertRow(row);
        m_valueSets->setItem(row, 0, new QTableWidgetItem(it.key()));
        m_valueSets->setItem(row, 1, new QTableWidgetItem(it.value().join(QStringLiteral(", "))));
    }
    m_outputType->setCurrentIndex(std::max(0, m_outputType->findData(t.output.type)));
    m_outputKeys->setText(t.output.keys.join(QStringLiteral(", ")));
    m_queryKey->setText(t.output.queryKey);
    m_positiveKey->setText(t.output.positiveKey);
    m_negativeKey->setText(t.output.negativeKey);
    m_instruction->setText(t.output.instruction);
    m_lenient->setChecked(t.output.lenient);
    m_note->clear();
    m_loading = false;
    m_valueState = valueRows();
    m_valueUndo.clear();
    m_valueRedo.clear();
    updateValueSetButtons();
    m_dirty = false;
    m_revert->setEnabled(false);
    for (int i = 0; i < m_list->count(); ++i) { // no template is modified now
        QListWidgetItem *item = m_list->item(i);
        if (item->text().endsWith(QLatin1String(" *")))
            item->setText(item->text().chopped(2));
    }
    revalidate();
    loadPreviewTasks();
}

PromptTemplate TemplatesPage::editedTemplate() const
{
    PromptTemplate t = m_loaded;
    t.title = m_title->text();
    t.text = m_text->toPlainText();
    t.valueSets.clear();
    for (int r = 0; r < m_valueSets->rowCount(); ++r) {
        const QString name = m_valueSets->item(r, 0) ? m_valueSets->item(r, 0)->text().trimmed() : QString();
        if (!name.isEmpty())
            t.valueSets.insert(name, splitList(m_valueSets->item(r, 1) ? m_valueSets->item(r, 1)->text() : QString()));
    }
    t.output.type = m_outputType->currentData().toString();
    t.output.keys = splitList(m_outputKeys->text());
    t.output.queryKey = m_queryKey->text().trimmed();
    t.output.positiveKey = m_positiveKey->text().trimmed();
    t.output.negativeKey = m_negativeKey->text().trimmed();
    t.output.instruction = m_instruction->text().trimmed();
    t.output.lenient = m_lenient->isChecked();
    return t;
}

bool TemplatesPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_valueSets && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        if (key->matches(QKeySequence::Undo)) {
            undo();
            return true;
        }
        if (key->matches(QKeySequence::Redo)) {
            redo();
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void TemplatesPage::discardEdits()
{
    if (m_dirty)
        showTemplate(m_loaded);
}

TemplatesPage::UnsavedAnswer TemplatesPage::askAboutUnsavedEdits()
{
    if (!m_dirty)
        return UnsavedAnswer::Discard;
    if (qEnvironmentVariableIsSet("EMBEDFORGE_NO_DIALOGS"))
        return UnsavedAnswer::Discard;
    QMessageBox box(QMessageBox::Question, tr("Unsaved changes"),
                    tr("The template %1 has unsaved changes.").arg(m_loaded.id), QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("unsavedQuestion"));
    QPushButton *saveButton = box.addButton(QMessageBox::Save);
    QPushButton *discard = box.addButton(QMessageBox::Discard);
    box.addButton(QMessageBox::Cancel);
    box.setDefaultButton(saveButton);
    box.exec();
    if (box.clickedButton() == saveButton)
        return UnsavedAnswer::Save;
    if (box.clickedButton() == discard)
        return UnsavedAnswer::Discard;
    return UnsavedAnswer::Cancel;
}

void TemplatesPage::markDirty()
{
    if (m_loading)
        return;
    m_dirty = true;
    m_revert->setEnabled(true);
    m_validateTimer.start();
    // The modified marker on the template in the list.
    for (int i = 0; i < m_list->count(); ++i) {
        QListWidgetItem *item = m_list->item(i);
        if (item->data(Qt::UserRole).toString() == m_loaded.id && !item->text().endsWith(QLatin1String(" *")))
            item->setText(item->text() + QStringLiteral(" *"));
    }
}

void TemplatesPage::revalidate()
{
    const PromptTemplate t = editedTemplate();
    m_issues = validateTemplate(t);
    QStringList known = builtinPlaceholders();
    known += t.valueSets.keys();
    m_highlighter->setKnown(known);
    m_issuesView->clear();
    for (const TemplateIssue &issue : std::as_const(m_issues)) {
        auto *item = new QTreeWidgetItem(m_issuesView);
        const bool error = issue.severity == TemplateIssue::Severity::Error;
        item->setText(0, error ? tr("Error") : tr("Warning"));
        item->setText(1, issue.message);
        item->setForeground(0, error ? QColor(0xb0, 0x00, 0x20) : QColor(0x9a, 0x60, 0x00));
    }
    if (m_issues.isEmpty())
        (new QTreeWidgetItem(m_issuesView))->setText(1, tr("No problems found."));
    m_save->setEnabled(m_dirty && !hasErrors(m_issues));
    renderPreview();
}

void TemplatesPage::loadPreviewTasks()
{
    const PromptTemplate t = m_loaded;
    const Workspace ws = m_ws;
    const quint64 request = ++m_tasksRequest;
    m_previewTasksFor.clear();
    runAsync(
        m_ioPool, this, [ws, t] { return previewTasks(ws, t); },
        [this, request, id = t.id](const Expected<QStringList> &tasks) {
            if (request != m_tasksRequest)
                return;
            m_previewTasksFor = id;
            m_previewTasks = tasks ? tasks.value() : QStringList(); // none: renderPreview says why
            renderPreview();
        });
}

void TemplatesPage::renderPreview()
{
    const PromptTemplate t = editedTemplate();
    if (t.id.isEmpty())
        return;
    if (m_previewTasksFor != t.id) {
        m_preview->setPlainText(tr("Loading the workspace's tasks…"));
        return; // loadPreviewTasks() renders when they arrive
    }
    const Expected<QList<PreviewItem>> items =
        ef::renderPreview(t, m_previewTasks, m_previewLanguage->currentData().toString(), m_previewCount->value(),
                          static_cast<quint64>(m_previewSeed->value()));
    if (!items) {
        m_previewItems.clear();
        m_preview->setPlainText(tr("Cannot render: %1").arg(items.error()));
        Q_EMIT previewRendered();
        return;
    }
    m_previewItems = items.value();
    QString out;
    for (int i = 0; i < m_previewItems.size(); ++i) {
        const PreviewItem &item = m_previewItems.at(i);
        out += tr("── Prompt %1 ──").arg(i + 1) + QLatin1Char('\n');
        for (auto it = item.values.cbegin(); it != item.values.cend(); ++it)
            out += QStringLiteral("  %1 = %2\n").arg(it.key(), it.value());
        out += QLatin1Char('\n') + item.prompt + QStringLiteral("\n\n");
    }
    m_preview->setPlainText(out);
    Q_EMIT previewRendered();
}

void TemplatesPage::save()
{
    const PromptTemplate t = editedTemplate();
    if (hasErrors(validateTemplate(t)))
        return;
    const Workspace ws = m_ws;
    const QString note = m_note->text();
    m_save->setEnabled(false);
    runAsync(
        m_ioPool, this, [ws, t, note] { return templatestore::save(ws, t, note); },
        [this, id = t.id](const Expected<int> &result) {
            const Expected<int> r = result;
            if (!r) {
                m_save->setEnabled(true);
                if (!m_selectAfterSave.isEmpty()) { // stay with the edits that could not be saved
                    m_selectAfterSave.clear();
                    const QSignalBlocker block(m_list);
                    selectTemplate(m_loaded.id);
                }
                Q_EMIT saveFailed(r.error());
                showError(this, tr("Cannot save template"),
                          tr("The template was not saved; your edits are still in the editor."), r.error());
                return;
            }
            m_dirty = false;
            for (int i = 0; i < m_list->count(); ++i) {
                QListWidgetItem *item = m_list->item(i);
                if (item->text().endsWith(QLatin1String(" *")))
                    item->setText(item->text().chopped(2));
            }
            Q_EMIT templateSaved(id, r.value());
            // A template chosen while these edits were saved is shown now.
            loadTemplate(m_selectAfterSave.isEmpty() ? id : std::exchange(m_selectAfterSave, QString()));
        });
}

void TemplatesPage::revertEdits()
{
    showTemplate(m_loaded);
}

void TemplatesPage::showHistory(const QList<TemplateVersionInfo> &history)
{
    m_history->clear();
    for (const TemplateVersionInfo &v : history) {
        auto *item = new QTreeWidgetItem(m_history);
        item->setText(0, QString::number(v.version));
        item->setText(1, displayTime(v.savedAt));
        item->setToolTip(1, v.savedAt);
        item->setText(2, v.note);
        item->setData(0, Qt::UserRole, v.version);
    }
    m_diff->clear();
}

void TemplatesPage::showDiffAgainstBuiltin()
{
    const PromptTemplate *builtin = builtinTemplate(m_loaded.id);
    if (!builtin) {
        m_diff->setPlainText(tr("%1 is not a built-in template.").arg(m_loaded.id));
        return;
    }
    renderDiff(diffTemplates(*builtin, editedTemplate()), tr("Built-in → this workspace (with unsaved edits)"));
}

void TemplatesPage::showDiffAgainstVersion(int version)
{
    const Workspace ws = m_ws;
    const QString id = m_loaded.id;
    runAsync(
        m_ioPool, this, [ws, id, version] { return templatestore::load(ws, id, version); },
        [this, version](const Expected<PromptTemplate> &result) {
            const Expected<PromptTemplate> old = result;
            if (!old) {
                m_diff->setPlainText(old.error());
                return;
            }
            renderDiff(diffTemplates(old.value(), editedTemplate()), tr("Version %1 → current").arg(version));
        });
}

void TemplatesPage::renderDiff(const TemplateDiff &diff, const QString &caption)
{
    QString out = caption + QStringLiteral("\n\n");
    if (diff.isEmpty()) {
        out += tr("No differences.");
    } else {
        for (const TemplateDiffEntry &e : diff.fields)
            if (e.field != QLatin1String("text"))
                out += QStringLiteral("%1:\n  - %2\n  + %3\n").arg(e.field, e.before, e.after);
        if (!diff.textLines.isEmpty())
            out += QStringLiteral("\n") + diff.textLines.join(QLatin1Char('\n'));
    }
    m_diff->setPlainText(out);
}

void TemplatesPage::addValueSet()
{
    const int row = m_valueSets->rowCount();
    {
        const QSignalBlocker block(m_valueSets); // one change, recorded below
        m_valueSets->insertRow(row);
        m_valueSets->setItem(row, 0, new QTableWidgetItem(QStringLiteral("name")));
        m_valueSets->setItem(row, 1, new QTableWidgetItem(QString()));
    }
    recordValueSets();
    // The new row becomes the current one, so that Tab after its name moves to its own values
    // (it went to the first row's, which then received the values).
    m_valueSets->setCurrentCell(row, 0);
    m_valueSets->editItem(m_valueSets->item(row, 0));
    markDirty();
}

void TemplatesPage::removeValueSet()
{
    const int row = m_valueSets->currentRow();
    if (row < 0)
        return;
    m_valueSets->removeRow(row);
    recordValueSets();
    markDirty();
}

TemplatesPage::ValueRows TemplatesPage::valueRows() const
{
    ValueRows rows;
    for (int r = 0; r < m_valueSets->rowCount(); ++r)
        rows.append({m_valueSets->item(r, 0) ? m_valueSets->item(r, 0)->text() : QString(),
                     m_valueSets->item(r, 1) ? m_valueSets->item(r, 1)->text() : QString()});
    return rows;
}

void TemplatesPage::setValueRows(const ValueRows &rows)
{
    const QSignalBlocker block(m_valueSets);
    const int keepRow = m_valueSets->currentRow(), keepColumn = m_valueSets->currentColumn();
    m_valueSets->setRowCount(0);
    for (const auto &[name, values] : rows) {
        const int r = m_valueSets->rowCount();
        m_valueSets->insertRow(r);
        m_valueSets->setItem(r, 0, new QTableWidgetItem(name));
        m_valueSets->setItem(r, 1, new QTableWidgetItem(values));
    }
    if (!rows.isEmpty())
        m_valueSets->setCurrentCell(std::clamp(keepRow, 0, static_cast<int>(rows.size()) - 1), std::max(0, keepColumn));
    m_valueState = rows;
}

void TemplatesPage::recordValueSets()
{
    const ValueRows now = valueRows();
    if (now == m_valueState)
        return;
    m_valueUndo.append(m_valueState);
    if (m_valueUndo.size() > 200) // bounded: the oldest steps go first
        m_valueUndo.removeFirst();
    m_valueRedo.clear();
    m_valueState = now;
    updateValueSetButtons();
}

void TemplatesPage::undo()
{
    if (m_valueUndo.isEmpty())
        return;
    m_valueRedo.append(m_valueState);
    setValueRows(m_valueUndo.takeLast());
    updateValueSetButtons();
    markDirty();
    revalidate();
}

void TemplatesPage::redo()
{
    if (m_valueRedo.isEmpty())
        return;
    m_valueUndo.append(m_valueState);
    setValueRows(m_valueRedo.takeLast());
    updateValueSetButtons();
    markDirty();
    revalidate();
}

void TemplatesPage::updateValueSetButtons()
{
    m_undoValues->setEnabled(!m_valueUndo.isEmpty());
    m_redoValues->setEnabled(!m_valueRedo.isEmpty());
}

void TemplatesPage::importTemplates()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Import templates"), QString(), tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this,
        [ws, path]() -> QString {
            const auto saved = templatestore::importFile(ws, path);
            if (!saved)
                return saved.error();
            QStringList done;
            for (const auto &[id, version] : saved.value())
                done << tr("%1 (version %2)").arg(argText(id), argText(version));
            return tr("Imported: %1").arg(done.join(QStringLiteral(", ")));
        },
        [this](const QString &result) {
            const QString message = result;
            QMessageBox::information(this, tr("Import templates"), message);
            reloadList();
        });
}

void TemplatesPage::exportTemplates()
{
    QString path = QFileDialog::getSaveFileName(this, tr("Export templates"), QStringLiteral("templates.json"),
                                                tr("JSON files (*.json)"));
    if (path.isEmpty())
        return;
    const Workspace ws = m_ws;
    runAsync(
        m_ioPool, this, [ws, path] { return templatestore::exportFile(ws, path).error(); },
        [this](const QString &result) {
            if (!result.isEmpty())
                showError(this, tr("Export templates"), tr("The templates were not exported."), result);
        });
}

} // namespace ef
