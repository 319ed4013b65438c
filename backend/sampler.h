// SPDX-License-Identifier: GPL-3.0-or-later
// Sampler: seeded draws of placeholder values and languages (the XLM-R / CC-100 language table).
//
// The default language weighting follows the open reproduction of the paper ([OSE] in
// paper.md §2): English 0.431, thirteen favoured languages 0.029 each, the rest share what
// is left equally. "uniform" and "size" (proportional to the CC-100 GiB column) are the
// other schemes; explicit per-language weights override any scheme. Draws come from a
// 64-bit Mersenne Twister (std::mt19937_64, fully specified by the standard) with our own
// integer-to-real mapping, so the same seed gives the same values on every platform.
//
// Thread-safety: Sampler is a value with its own RNG state; use one per thread.
#pragma once

#include <cstdint>
#include <random>

#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include "backend/expected.h"

namespace ef {

struct PromptTemplate;

struct LanguageInfo
{
    QString code;   // ISO 639-1 where one exists ("zh"); variants tagged ("zh-Hant", "hi-Latn")
    QString name;   // English name used in prompts ("German")
    double sizeGiB; // CC-100 size
};

// The 100 XLM-R languages in the CC-100 table's order.
const QList<LanguageInfo> &xlmrLanguages();
const LanguageInfo *findLanguage(const QString &codeOrName);

struct SamplerConfig
{
    QString scheme = QStringLiteral("ose"); // "ose", "uniform" or "size"
    QMap<QString, double> weights;          // code -> weight, overrides the scheme
    QStringList languages;                  // restrict to these codes (empty = all)
};

// Normalised language weights for a configuration (codes in table order).
Expected<QList<QPair<QString, double>>> languageWeights(const SamplerConfig &config);

struct SampledValues
{
    QMap<QString, QString> values; // every placeholder of the template except task
    QString language;              // code of the example's language (bitext: source)
    QString targetLanguage;        // bitext only
};

class Sampler final
{
public:
    // Fails when the configuration names unknown languages or leaves no weight.
    static Expected<Sampler> create(const SamplerConfig &config, quint64 seed);
    // A stream derived from (seed, a, b): the same triple always gives the same draws.
    static quint64 deriveSeed(quint64 seed, quint64 a, quint64 b = 0);

    void reseed(quint64 seed) { m_rng.seed(seed); }
    double uniform();         // [0, 1)
    int uniformInt(int n);    // [0, n)
    QString sampleLanguage(); // a code, by weight
    QString sampleLanguageExcept(const QString &code);
    // Draws a value for each value set of t and the languages t needs. A fixed language
    // (code) replaces the draw for {language} / {src_lang}.
    SampledValues sample(const PromptTemplate &t, const QString &fixedLanguage = {});

private:
    Sampler() = default;
    std::mt19937_64 m_rng;
    QStringList m_codes;
    QList<double> m_cumulative;
};

} // namespace ef
