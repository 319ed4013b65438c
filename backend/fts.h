// SPDX-License-Identifier: GPL-3.0-or-later
// Text preparation for SQLite FTS5: CJK segmentation and injection-proof MATCH queries.
//
// FTS5's unicode61 tokenizer splits on spaces and punctuation, so a run of Chinese or
// Japanese characters, written without spaces, becomes one huge token and a query for a
// word inside it never matches. EmbedForge therefore indexes a copy of each text in which
// every CJK character stands alone (segmentForIndex), and turns a CJK run in a query into a
// quoted phrase of those characters, which matches the run wherever it occurs. Every query
// term is quoted, so no user text can form FTS5 syntax (NEAR, *, -, ^, column filters,
// AND/OR/NOT, parentheses) or raise a syntax error.
#pragma once

#include <QString>
#include <QStringList>

namespace ef::fts {

// True for Han, Hiragana, Katakana, Hangul and CJK punctuation-free ideographs.
bool isCjk(char32_t c);

// The text as it is indexed: each CJK character surrounded by spaces; NUL removed.
QString segmentForIndex(const QString &text);

// Undo of segmentForIndex for display (snippets): spaces between two CJK characters removed.
QString joinCjk(const QString &segmented);

// The query terms: words, with CJK runs kept together (one term per run).
QStringList queryTerms(const QString &userText);

// A safe MATCH expression: every term a quoted string (CJK runs as quoted phrases of their
// characters), joined by OR (BM25 ranks documents that match more terms higher). Empty when
// the text has no term; callers return no results then.
QString matchExpression(const QString &userText);

} // namespace ef::fts
