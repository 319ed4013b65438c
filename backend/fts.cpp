// SPDX-License-Identifier: GPL-3.0-or-later
// CJK segmentation and safe FTS5 MATCH expressions.
#include "backend/fts.h"

#include <algorithm>

namespace ef::fts {

bool isCjk(char32_t c)
{
    return (c >= 0x3040 && c <= 0x30FF)       // Hiragana, Katakana
           || (c >= 0x3400 && c <= 0x4DBF)    // CJK Extension A
           || (c >= 0x4E00 && c <= 0x9FFF)    // CJK Unified Ideographs
           || (c >= 0xAC00 && c <= 0xD7AF)    // Hangul syllables
           || (c >= 0xF900 && c <= 0xFAFF)    // CJK Compatibility Ideographs
           || (c >= 0x20000 && c <= 0x2FA1F); // Extensions B to F, compatibility supplement
}

namespace {
template <typename F> void forEachCodePoint(const QString &s, F f)
{
    const QList<uint> ucs4 = s.toUcs4();
    for (uint c : ucs4)
        f(static_cast<char32_t>(c));
}

QString fromCodePoint(char32_t c)
{
    return QString::fromUcs4(&c, 1);
}

bool isWordChar(char32_t c)
{
    const QString one = fromCodePoint(c);
    return !one.isEmpty() && (one.at(0).isLetterOrNumber() || one.at(0).isMark() || (one.size() == 2 && !isCjk(c)));
}
} // namespace

QString segmentForIndex(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 4);
    forEachCodePoint(text, [&](char32_t c) {
        if (c == 0)
            return;
        if (isCjk(c)) {
            out += QLatin1Char(' ');
            out += fromCodePoint(c);
            out += QLatin1Char(' ');
        } else {
            out += fromCodePoint(c);
        }
    });
    return out;
}

QString joinCjk(const QString &segmented)
{
    const QList<uint> cps = segmented.toUcs4();
    const int n = static_cast<int>(cps.size());
    // Snippet markers (\x01, \x02) are looked through; CJK punctuation joins like CJK text.
    const auto cjkLike = [](char32_t c) {
        return isCjk(c) || (c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF);
    };
    const auto neighbour = [&](int from, int step) -> char32_t {
        for (int k = from; k >= 0 && k < n; k += step)
            if (cps[k] != ' ' && cps[k] != 1 && cps[k] != 2)
                return cps[k];
        return 0;
    };
    QString out;
    for (int i = 0; i < n;) {
        if (cps[i] != ' ') {
            out += fromCodePoint(cps[i++]);
            continue;
        }
        int j = i;
        while (j < n && cps[j] == ' ')
            ++j;
        const char32_t prev = neighbour(i - 1, -1);
        const char32_t next = neighbour(j, 1);
        if (cjkLike(prev) || cjkLike(next)) {
            // Spaces added around CJK characters: none between two of them or at the ends,
            // one between a CJK character and other text.
            if (prev && next && !(cjkLike(prev) && cjkLike(next)))
                out += QLatin1Char(' ');
        } else {
            for (int k = i; k < j; ++k)
                out += QLatin1Char(' ');
        }
        i = j;
    }
    return out;
}

QStringList queryTerms(const QString &userText)
{
    QStringList terms;
    QString word;
    QString cjk;
    auto flush = [&] {
        if (!word.isEmpty())
            terms << word;
        if (!cjk.isEmpty())
            terms << cjk;
        word.clear();
        cjk.clear();
    };
    forEachCodePoint(userText, [&](char32_t c) {
        if (isCjk(c)) {
            if (!word.isEmpty()) {
                terms << word;
                word.clear();
            }
            cjk += fromCodePoint(c);
        } else if (isWordChar(c)) {
            if (!cjk.isEmpty()) {
                terms << cjk;
                cjk.clear();
            }
            word += fromCodePoint(c);
        } else {
            flush();
        }
    });
    flush();
    terms.removeDuplicates();
    return terms;
}

QString limitQueryBytes(const QString &userText, bool *cut)
{
    if (cut)
        *cut = false;
    if (userText.size() * 3 <= kMaxQueryBytes) // a UTF-16 unit is at most 3 bytes of UTF-8
        return userText;
    const QByteArray utf8 = userText.toUtf8();
    if (utf8.size() <= kMaxQueryBytes)
        return userText;
    qsizetype n = kMaxQueryBytes;
    while (n > 0 && (static_cast<uchar>(utf8.at(n)) & 0xC0) == 0x80) // not inside a character
        --n;
    if (cut)
        *cut = true;
    return QString::fromUtf8(utf8.constData(), n);
}

QString matchExpression(const QString &userText, bool *truncated)
{
    bool cut = false;
    QStringList quoted;
    int budget = kMaxQueryTerms;
    for (const QString &term : queryTerms(limitQueryBytes(userText, &cut))) {
        if (budget == 0) {
            cut = true;
            break;
        }
        QString t = term;
        const QList<uint> cps = term.toUcs4();
        if (isCjk(cps.value(0))) {
            // A CJK run becomes the phrase of its characters, as they were indexed.
            if (cps.size() > budget) {
                t = QString::fromUcs4(reinterpret_cast<const char32_t *>(cps.constData()), budget);
                cut = true;
            }
            budget -= static_cast<int>(std::min<qsizetype>(cps.size(), budget));
            t = segmentForIndex(t).simplified();
        } else {
            --budget;
        }
        t.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        quoted << QLatin1Char('"') + t + QLatin1Char('"');
    }
    if (truncated)
        *truncated = cut;
    return quoted.join(QStringLiteral(" OR "));
}

} // namespace ef::fts
