// SPDX-License-Identifier: GPL-3.0-or-later
// The XLM-R language table, language weighting and the seeded sampler.
#include "backend/sampler.h"

#include <QCoreApplication>

#include "backend/templates.h"

namespace ef {

namespace {

quint64 splitMix(quint64 x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}
} // namespace

const QList<LanguageInfo> &xlmrLanguages()
{
    // paper.md §2, [CC]: CC-100 in token-count order. Codes without ISO 639-1 get a script
    // subtag; the second Burmese row is CC-100's Zawgyi-encoded Burmese, tagged my-Qaag and named
    // "Burmese (Zawgyi)" in prompts.
    static const QList<LanguageInfo> table = {
        {QStringLiteral("en"), QStringLiteral("English"), 300.8},
        {QStringLiteral("vi"), QStringLiteral("Vietnamese"), 137.3},
        {QStringLiteral("ru"), QStringLiteral("Russian"), 278.0},
        {QStringLiteral("id"), QStringLiteral("Indonesian"), 148.3},
        {QStringLiteral("fa"), QStringLiteral("Persian"), 111.6},
        {QStringLiteral("sv"), QStringLiteral("Swedish"), 85.0},
        {QStringLiteral("ro"), QStringLiteral("Romanian"), 61.4},
        {QStringLiteral("de"), QStringLiteral("German"), 66.6},
        {QStringLiteral("fr"), QStringLiteral("French"), 56.8},
        {QStringLiteral("es"), QStringLiteral("Spanish"), 53.3},
        {QStringLiteral("no"), QStringLiteral("Norwegian"), 49.0},
        {QStringLiteral("pt"), QStringLiteral("Portuguese"), 49.1},
        {QStringLiteral("da"), QStringLiteral("Danish"), 45.6},
        {QStringLiteral("hu"), QStringLiteral("Hungarian"), 58.4},
        {QStringLiteral("uk"), QStringLiteral("Ukrainian"), 84.6},
        {QStringLiteral("fi"), QStringLiteral("Finnish"), 54.3},
        {QStringLiteral("pl"), QStringLiteral("Polish"), 44.6},
        {QStringLiteral("ko"), QStringLiteral("Korean"), 54.2},
        {QStringLiteral("bg"), QStringLiteral("Bulgarian"), 57.5},
        {QStringLiteral("nl"), QStringLiteral("Dutch"), 29.3},
        {QStringLiteral("it"), QStringLiteral("Italian"), 30.2},
        {QStringLiteral("el"), QStringLiteral("Greek"), 46.9},
        {QStringLiteral("sk"), QStringLiteral("Slovak"), 23.2},
        {QStringLiteral("he"), QStringLiteral("Hebrew"), 31.6},
        {QStringLiteral("hr"), QStringLiteral("Croatian"), 20.5},
        {QStringLiteral("ar"), QStringLiteral("Arabic"), 28.0},
        {QStringLiteral("tr"), QStringLiteral("Turkish"), 20.9},
        {QStringLiteral("cs"), QStringLiteral("Czech"), 16.3},
        {QStringLiteral("lt"), QStringLiteral("Lithuanian"), 13.7},
        {QStringLiteral("th"), QStringLiteral("Thai"), 71.7},
        {QStringLiteral("ca"), QStringLiteral("Catalan"), 10.1},
        {QStringLiteral("hi"), QStringLiteral("Hindi"), 20.2},
        {QStringLiteral("sl"), QStringLiteral("Slovenian"), 10.3},
        {QStringLiteral("ms"), QStringLiteral("Malay"), 8.5},
        {QStringLiteral("lv"), QStringLiteral("Latvian"), 8.8},
        {QStringLiteral("sq"), QStringLiteral("Albanian"), 5.4},
        {QStringLiteral("et"), QStringLiteral("Estonian"), 6.1},
        {QStringLiteral("sr"), QStringLiteral("Serbian"), 9.1},
        {QStringLiteral("az"), QStringLiteral("Azerbaijani"), 6.5},
        {QStringLiteral("ur"), QStringLiteral("Urdu"), 5.7},
        {QStringLiteral("ta"), QStringLiteral("Tamil"), 12.2},
        {QStringLiteral("tl"), QStringLiteral("Filipino"), 3.1},
        {QStringLiteral("ja"), QStringLiteral("Japanese"), 69.3},
        {QStringLiteral("bn"), QStringLiteral("Bengali"), 8.4},
        {QStringLiteral("is"), QStringLiteral("Icelandic"), 3.2},
        {QStringLiteral("gl"), QStringLiteral("Galician"), 2.9},
        {QStringLiteral("kk"), QStringLiteral("Kazakh"), 6.4},
        {QStringLiteral("ka"), QStringLiteral("Georgian"), 9.1},
        {QStringLiteral("mk"), QStringLiteral("Macedonian"), 4.8},
        {QStringLiteral("hy"), QStringLiteral("Armenian"), 5.5},
        {QStringLiteral("la"), QStringLiteral("Latin"), 2.5},
        {QStringLiteral("be"), QStringLiteral("Belarusian"), 4.3},
        {QStringLiteral("ml"), QStringLiteral("Malayalam"), 7.6},
        {QStringLiteral("sw"), QStringLiteral("Swahili"), 1.6},
        {QStringLiteral("eu"), QStringLiteral("Basque"), 2.0},
        {QStringLiteral("zh"), QStringLiteral("Chinese (Simplified)"), 46.9},
        {QStringLiteral("te"), QStringLiteral("Telugu"), 4.7},
        {QStringLiteral("mn"), QStringLiteral("Mongolian"), 3.0},
        {QStringLiteral("si"), QStringLiteral("Sinhala"), 3.6},
        {QStringLiteral("af"), QStringLiteral("Afrikaans"), 1.3},
        {QStringLiteral("ne"), QStringLiteral("Nepali"), 3.8},
        {QStringLiteral("zh-Hant"), QStringLiteral("Chinese (Traditional)"), 16.6},
        {QStringLiteral("mr"), QStringLiteral("Marathi"), 2.8},
        {QStringLiteral("kn"), QStringLiteral("Kannada"), 3.3},
        {QStringLiteral("eo"), QStringLiteral("Esperanto"), 0.9},
        {QStringLiteral("cy"), QStringLiteral("Welsh"), 0.8},
        {QStringLiteral("gu"), QStringLiteral("Gujarati"), 1.9},
        {QStringLiteral("ps"), QStringLiteral("Pashto"), 0.7},
        {QStringLiteral("ky"), QStringLiteral("Kyrgyz"), 1.2},
        {QStringLiteral("uz"), QStringLiteral("Uzbek"), 0.7},
        {QStringLiteral("hi-Latn"), QStringLiteral("Hindi Romanized"), 0.5},
        {QStringLiteral("ga"), QStringLiteral("Irish"), 0.5},
        {QStringLiteral("ur-Latn"), QStringLiteral("Urdu Romanized"), 0.5},
        {QStringLiteral("bn-Latn"), QStringLiteral("Bengali Romanized"), 0.5},
        {QStringLiteral("am"), QStringLiteral("Amharic"), 0.8},
        {QStringLiteral("pa"), QStringLiteral("Punjabi"), 0.8},
        {QStringLiteral("ku"), QStringLiteral("Kurdish (Kurmanji)"), 0.4},
        {QStringLiteral("so"), QStringLiteral("Somali"), 0.4},
        {QStringLiteral("ha"), QStringLiteral("Hausa"), 0.3},
        {QStringLiteral("my"), QStringLiteral("Burmese"), 1.6},
        {QStringLiteral("sd"), QStringLiteral("Sindhi"), 0.4},
        {QStringLiteral("te-Latn"), QStringLiteral("Telugu Romanized"), 0.3},
        {QStringLiteral("km"), QStringLiteral("Khmer"), 1.5},
        {QStringLiteral("or"), QStringLiteral("Oriya"), 0.6},
        {QStringLiteral("ta-Latn"), QStringLiteral("Tamil Romanized"), 0.3},
        {QStringLiteral("yi"), QStringLiteral("Yiddish"), 0.3},
        {QStringLiteral("fy"), QStringLiteral("Western Frisian"), 0.2},
        {QStringLiteral("ug"), QStringLiteral("Uyghur"), 0.4},
        {QStringLiteral("mg"), QStringLiteral("Malagasy"), 0.2},
        {QStringLiteral("jv"), QStringLiteral("Javanese"), 0.2},
        {QStringLiteral("gd"), QStringLiteral("Scottish Gaelic"), 0.1},
        {QStringLiteral("lo"), QStringLiteral("Lao"), 0.6},
        {QStringLiteral("sa"), QStringLiteral("Sanskrit"), 0.3},
        {QStringLiteral("br"), QStringLiteral("Breton"), 0.1},
        {QStringLiteral("my-Qaag"), QStringLiteral("Burmese (Zawgyi)"), 0.4},
        {QStringLiteral("bs"), QStringLiteral("Bosnian"), 0.1},
        {QStringLiteral("xh"), QStringLiteral("Xhosa"), 0.1},
        {QStringLiteral("su"), QStringLiteral("Sundanese"), 0.1},
        {QStringLiteral("om"), QStringLiteral("Oromo"), 0.1},
        {QStringLiteral("as"), QStringLiteral("Assamese"), 0.1},
    };
    return table;
}

const LanguageInfo *findLanguage(const QString &codeOrName)
{
    for (const LanguageInfo &l : xlmrLanguages())
        if (l.code.compare(codeOrName, Qt::CaseInsensitive) == 0)
            return &l;
    for (const LanguageInfo &l : xlmrLanguages())
        if (l.name.compare(codeOrName, Qt::CaseInsensitive) == 0)
            return &l;
    return nullptr;
}

Expected<QList<QPair<QString, double>>> languageWeights(const SamplerConfig &config)
{
    static const QStringList favoured = {
        QStringLiteral("ar"), QStringLiteral("zh"), QStringLiteral("nl"), QStringLiteral("fr"), QStringLiteral("de"),
        QStringLiteral("id"), QStringLiteral("it"), QStringLiteral("ja"), QStringLiteral("fa"), QStringLiteral("pl"),
        QStringLiteral("pt"), QStringLiteral("ru"), QStringLiteral("es")};
    for (const QString &c : config.languages)
        if (!findLanguage(c))
            return makeError(QCoreApplication::translate(
                                 "ef::Sampler", "unknown language '%1' (use a code of the XLM-R table, e.g. de, zh)")
                                 .arg(c));
    for (auto it = config.weights.cbegin(); it != config.weights.cend(); ++it) {
        if (!findLanguage(it.key()))
            return makeError(
                QCoreApplication::translate("ef::Sampler", "unknown language '%1' in the weights").arg(it.key()));
        if (!(it.value() >= 0.0))
            return makeError(
                QCoreApplication::translate("ef::Sampler", "the weight of '%1' must be zero or more").arg(it.key()));
    }
    if (config.scheme != QLatin1String("ose") && config.scheme != QLatin1String("uniform") &&
        config.scheme != QLatin1String("size"))
        return makeError(
            QCoreApplication::translate("ef::Sampler", "unknown language weighting '%1' (ose, uniform or size)")
                .arg(config.scheme));
    const int others = static_cast<int>(xlmrLanguages().size()) - 1 - static_cast<int>(favoured.size());
    const double rest = (1.0 - 0.431 - 0.029 * favoured.size()) / others;
    QList<QPair<QString, double>> out;
    double total = 0.0;
    for (const LanguageInfo &l : xlmrLanguages()) {
        if (!config.languages.isEmpty()) {
            bool listed = false;
            for (const QString &c : config.languages)
                listed = listed || findLanguage(c)->code == l.code;
            if (!listed)
                continue;
        }
        double w;
        if (config.weights.contains(l.code))
            w = config.weights.value(l.code);
        else if (config.scheme == QLatin1String("uniform"))
            w = 1.0;
        else if (config.scheme == QLatin1String("size"))
            w = l.sizeGiB;
        else
            w = l.code == QLatin1String("en") ? 0.431 : favoured.contains(l.code) ? 0.029 : rest;
        out.append({l.code, w});
        total += w;
    }
    if (!(total > 0.0))
        return makeError(QCoreApplication::translate("ef::Sampler", "the language weights add up to zero"));
    for (auto &p : out)
        p.second /= total;
    return out;
}

Expected<Sampler> Sampler::create(const SamplerConfig &config, quint64 seed)
{
    auto weights = languageWeights(config);
    if (!weights)
        return makeError(weights.error());
    Sampler s;
    s.m_rng.seed(seed);
    double acc = 0.0;
    for (const auto &p : weights.value()) {
        acc += p.second;
        s.m_codes << p.first;
        s.m_cumulative << acc;
    }
    return s;
}

quint64 Sampler::deriveSeed(quint64 seed, quint64 a, quint64 b)
{
    return splitMix(splitMix(splitMix(seed) ^ a) ^ (b * 0x9e3779b97f4a7c15ULL + 1));
}

double Sampler::uniform()
{
    return static_cast<double>(m_rng() >> 11) * (1.0 / 9007199254740992.0);
}

int Sampler::uniformInt(int n)
{
    if (n <= 1)
        return 0;
    return std::min(n - 1, static_cast<int>(uniform() * n));
}

QString Sampler::sampleLanguage()
{
    const double u = uniform() * m_cumulative.constLast();
    const auto it = std::upper_bound(m_cumulative.cbegin(), m_cumulative.cend(), u);
    const auto idx = std::min<qsizetype>(it - m_cumulative.cbegin(), m_codes.size() - 1);
    return m_codes.at(idx);
}

QString Sampler::sampleLanguageExcept(const QString &code)
{
    if (m_codes.size() < 2)
        return {};
    for (int i = 0; i < 1000; ++i) {
        const QString c = sampleLanguage();
        if (c != code)
            return c;
    }
    for (const QString &c : m_codes) // weights so skewed that rejection failed: first other one
        if (c != code)
            return c;
    return {};
}

SampledValues Sampler::sample(const PromptTemplate &t, const QString &fixedLanguage)
{
    SampledValues out;
    // Value sets first, in name order (QMap), so adding a language does not shift them.
    for (auto it = t.valueSets.cbegin(); it != t.valueSets.cend(); ++it)
        out.values.insert(it.key(), it.value().isEmpty()
                                        ? QString()
                                        : it.value().at(uniformInt(static_cast<int>(it.value().size()))));
    const QString drawn = sampleLanguage();
    out.language = fixedLanguage.isEmpty() ? drawn : fixedLanguage;
    const LanguageInfo *lang = findLanguage(out.language);
    const QString name = lang ? lang->name : out.language;
    if (t.family == QLatin1String("bitext")) {
        out.targetLanguage = sampleLanguageExcept(out.language);
        const LanguageInfo *tgt = findLanguage(out.targetLanguage);
        out.values.insert(QStringLiteral("src_lang"), name);
        out.values.insert(QStringLiteral("tgt_lang"), tgt ? tgt->name : out.targetLanguage);
        out.values.insert(QStringLiteral("language"), name);
    } else {
        out.values.insert(QStringLiteral("language"), name);
    }
    return out;
}

} // namespace ef
