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

// Limits on a query (README, "Limits on inputs"). BM25's time and memory grow with the terms
// OR'ed together and with the length of a phrase: on a 20,000-document corpus 4,096 terms took
// 30 s and a 40,000-character CJK phrase 1.7 GB. So only a query's first kMaxQueryBytes of UTF-8
// are read, and only its first kMaxQueryTerms indexed tokens searched (a word is one token, a
// CJK run one per character, cut to fit). Queries within both are searched exactly as before.
constexpr qsizetype kMaxQueryBytes = 16384;
constexpr int kMaxQueryTerms = 256;

// userText cut to at most kMaxQueryBytes of UTF-8 at a character boundary; *cut tells whether it was.
QString limitQueryBytes(const QString &userText, bool *cut = nullptr);

// A safe MATCH expression: every term a quoted string (CJK runs as quoted phrases of their
// characters), joined by OR (BM25 ranks documents that match more terms higher), within the
// limits above; *truncated tells whether the query was cut to fit them. Empty when the text has
// no term; callers return no results then.
QString matchExpression(const QString &userText, bool *truncated = nullptr);

} // namespace ef::fts
