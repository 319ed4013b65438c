// SPDX-License-Identifier: GPL-3.0-or-later
// Generation configuration and counters: JSON and metric forms.
#include "backend/generationconfig.h"

#include <algorithm>
#include <cmath>

#include <QCoreApplication>
#include <QJsonArray>

#include "backend/templates.h"

namespace ef {

namespace {

QJsonArray toArray(const QStringList &l)
{
    QJsonArray a;
    for (const QString &s : l)
        a.append(s);
    return a;
}

QStringList toStringList(const QJsonValue &v)
{
    QStringList out;
    for (const QJsonValue &x : v.toArray())
        out << x.toString();
    return out;
}

// The generate (or brainstorm) template of a family: "<family>.<step>" if present, else the
// first template with that family and step.
const QString kInvalidReasonPrefix = QStringLiteral("invalid_reason/");
const QString kFailurePrefix = QStringLiteral("failures/");

} // namespace

QJsonObject GenerationConfig::toJson() const
{
    QJsonObject weights;
    for (auto it = sampler.weights.cbegin(); it != sampler.weights.cend(); ++it)
        weights.insert(it.key(), it.value());
    QJsonObject familyWeightsJson;
    if (!evenSplit)
        for (auto it = familyWeights.cbegin(); it != familyWeights.cend(); ++it)
            familyWeightsJson.insert(it.key(), it.value());
    QJsonObject o{{QStringLiteral("examples"), examples},
                  {QStringLiteral("families"), toArray(families)},
                  {QStringLiteral("languages"), toArray(sampler.languages)},
                  {QStringLiteral("language_weighting"), sampler.scheme},
                  {QStringLiteral("language_weights"), weights},
                  {QStringLiteral("seed"), QString::number(seed)},
                  {QStringLiteral("concurrency"), concurrency},
                  {QStringLiteral("brainstorms_per_family"), brainstormsPerFamily},
                  {QStringLiteral("endpoint"), endpointToJson(endpoint)}};
    if (!evenSplit)
        o.insert(QStringLiteral("family_weights"), familyWeightsJson);
    if (budget > 0)
        o.insert(QStringLiteral("budget"), budget);
    return o;
}

Expected<GenerationConfig> GenerationConfig::fromJson(const QJsonObject &o)
{
    GenerationConfig c;
    c.examples = o.value(QStringLiteral("examples")).toInt();
    c.families = toStringList(o.value(QStringLiteral("families")));
    c.sampler.languages = toStringList(o.value(QStringLiteral("languages")));
    c.sampler.scheme = o.value(QStringLiteral("language_weighting")).toString(QStringLiteral("ose"));
    const QJsonObject w = o.value(QStringLiteral("language_weights")).toObject();
    for (auto it = w.begin(); it != w.end(); ++it)
        c.sampler.weights.insert(it.key(), it.value().toDouble());
    c.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    c.concurrency = o.value(QStringLiteral("concurrency")).toInt(8);
    c.brainstormsPerFamily = o.value(QStringLiteral("brainstorms_per_family")).toInt();
    c.endpoint = endpointFromJson(o.value(QStringLiteral("endpoint")).toObject());
    c.evenSplit = !o.contains(QStringLiteral("family_weights"));
    const QJsonObject fw = o.value(QStringLiteral("family_weights")).toObject();
    for (auto it = fw.begin(); it != fw.end(); ++it)
        c.familyWeights.insert(it.key(), it.value().toDouble());
    c.budget = o.value(QStringLiteral("budget")).toDouble(0.0);
    for (const QString &f : std::as_const(c.families))
        if (!taskFamilies().contains(f))
            return makeError(
                QCoreApplication::translate("ef::Generation", "unknown task family '%1' (expected one of %2)")
                    .arg(f, taskFamilies().join(QStringLiteral(", "))));
    if (c.examples < 0)
        return makeError(QCoreApplication::translate("ef::Generation", "the number of examples must not be negative"));
    return c;
}

const QMap<QString, double> &paperFamilyWeights()
{
    static const QMap<QString, double> weights{
        {QStringLiteral("retrieval"), 167.0}, {QStringLiteral("classification"), 122.0},
        {QStringLiteral("sts"), 99.0},        {QStringLiteral("bitext"), 89.0},
        {QStringLiteral("long-long"), 17.0},  {QStringLiteral("short-short"), 13.0}};
    return weights;
}

QMap<QString, int> GenerationConfig::examplesPerFamily() const
{
    const QStringList fams = families.isEmpty() ? taskFamilies() : families;
    QMap<QString, int> out;
    const int n = static_cast<int>(fams.size());
    if (evenSplit || n == 0) { // runs stored before family weights existed
        for (int i = 0; i < n; ++i)
            out.insert(fams.at(i), examples / n + (i < examples % n ? 1 : 0));
        return out;
    }
    const QMap<QString, double> &w = familyWeights.isEmpty() ? paperFamilyWeights() : familyWeights;
    double total = 0;
    for (const QString &f : fams)
        total += std::max(0.0, w.value(f, 0.0));
    if (total <= 0) {
        for (const QString &f : fams)
            out.insert(f, 0);
        return out;
    }
    // Largest remainder: floors first, then one more to the largest fractional parts.
    QList<QPair<double, int>> remainders; // (fraction, family index)
    int given = 0;
    for (int i = 0; i < n; ++i) {
        const double exact = examples * std::max(0.0, w.value(fams.at(i), 0.0)) / total;
        const int floor = static_cast<int>(std::floor(exact));
        out.insert(fams.at(i), floor);
        given += floor;
        remainders.append({exact - floor, i});
    }
    std::stable_sort(remainders.begin(), remainders.end(),
                     [](const QPair<double, int> &a, const QPair<double, int> &b) { return a.first > b.first; });
    for (int k = 0; k < examples - given && k < remainders.size(); ++k)
        out[fams.at(remainders.at(k).second)] += 1;
    return out;
}

Expected<QMap<QString, double>> GenerationConfig::parseFamilyWeights(const QString &text)
{
    QMap<QString, double> out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString entry = part.trimmed();
        const int eq = static_cast<int>(entry.indexOf(QLatin1Char('=')));
        const QString family = entry.left(eq).trimmed();
        bool ok = false;
        const double weight = eq > 0 ? entry.mid(eq + 1).trimmed().toDouble(&ok) : 0.0;
        if (eq <= 0 || !ok)
            return makeError(QCoreApplication::translate("ef::Generation",
                                                         "family weight '%1' is not FAMILY=NUMBER (e.g. retrieval=167)")
                                 .arg(entry));
        if (!taskFamilies().contains(family))
            return makeError(QCoreApplication::translate("ef::Generation",
                                                         "family weight '%1': unknown family '%2' (expected one of %3)")
                                 .arg(entry, family, taskFamilies().join(QStringLiteral(", "))));
        if (!(weight >= 0) || !std::isfinite(weight))
            return makeError(
                QCoreApplication::translate("ef::Generation", "family weight '%1' must be a number of 0 or more")
                    .arg(entry));
        if (out.contains(family))
            return makeError(
                QCoreApplication::translate("ef::Generation", "family '%1' is weighted twice").arg(family));
        out.insert(family, weight);
    }
    if (out.isEmpty())
        return makeError(QCoreApplication::translate("ef::Generation", "no family weights given"));
    return out;
}

QJsonObject GenerationCounters::toJson() const
{
    QJsonObject reasons, failures;
    for (auto it = invalidReasons.cbegin(); it != invalidReasons.cend(); ++it)
        reasons.insert(it.key(), it.value());
    for (auto it = failuresByKind.cbegin(); it != failuresByKind.cend(); ++it)
        failures.insert(it.key(), it.value());
    return QJsonObject{{QStringLiteral("requests"), requestsTotal},
                       {QStringLiteral("pending"), pending},
                       {QStringLiteral("in_flight"), inFlight},
                       {QStringLiteral("done"), done},
                       {QStringLiteral("failed"), failed},
                       {QStringLiteral("valid"), valid},
                       {QStringLiteral("invalid"), invalid},
                       {QStringLiteral("duplicate"), duplicate},
                       {QStringLiteral("tasks"), tasks},
                       {QStringLiteral("invalid_reasons"), reasons},
                       {QStringLiteral("failures"), failures},
                       {QStringLiteral("prompt_tokens"), promptTokens},
                       {QStringLiteral("completion_tokens"), completionTokens},
                       {QStringLiteral("cost"), cost},
                       {QStringLiteral("requests_per_second"), requestsPerSecond},
                       {QStringLiteral("eta_ms"), etaMs}};
}

MetricSample generationMetricsSample(qint64 step, const GenerationCounters &c)
{
    MetricSample s;
    s.step = step;
    s.values = {{QStringLiteral("requests"), double(c.requestsTotal)},
                {QStringLiteral("pending"), double(c.pending)},
                {QStringLiteral("in_flight"), double(c.inFlight)},
                {QStringLiteral("done"), double(c.done)},
                {QStringLiteral("failed"), double(c.failed)},
                {QStringLiteral("valid"), double(c.valid)},
                {QStringLiteral("invalid"), double(c.invalid)},
                {QStringLiteral("duplicate"), double(c.duplicate)},
                {QStringLiteral("tasks"), double(c.tasks)},
                {QStringLiteral("prompt_tokens"), double(c.promptTokens)},
                {QStringLiteral("completion_tokens"), double(c.completionTokens)},
                {QStringLiteral("cost"), c.cost},
                {QStringLiteral("requests_per_second"), c.requestsPerSecond},
                {QStringLiteral("eta_ms"), double(c.etaMs)},
                {QStringLiteral("sent"), double(c.sentThisSession)}};
    for (auto it = c.invalidReasons.cbegin(); it != c.invalidReasons.cend(); ++it)
        s.values.insert(kInvalidReasonPrefix + it.key(), double(it.value()));
    for (auto it = c.failuresByKind.cbegin(); it != c.failuresByKind.cend(); ++it)
        s.values.insert(kFailurePrefix + it.key(), double(it.value()));
    return s;
}

GenerationCounters generationCountersFrom(const MetricSample &s)
{
    const auto count = [&s](const char *name) { return static_cast<qint64>(s.value(QString::fromLatin1(name))); };
    GenerationCounters c;
    c.requestsTotal = count("requests");
    c.pending = count("pending");
    c.inFlight = count("in_flight");
    c.done = count("done");
    c.failed = count("failed");
    c.valid = count("valid");
    c.invalid = count("invalid");
    c.duplicate = count("duplicate");
    c.tasks = count("tasks");
    c.promptTokens = count("prompt_tokens");
    c.completionTokens = count("completion_tokens");
    c.cost = s.value(QStringLiteral("cost"));
    c.requestsPerSecond = s.value(QStringLiteral("requests_per_second"));
    c.etaMs = static_cast<qint64>(s.value(QStringLiteral("eta_ms"), -1));
    c.sentThisSession = count("sent");
    for (auto it = s.values.cbegin(); it != s.values.cend(); ++it) {
        if (it.key().startsWith(kInvalidReasonPrefix))
            c.invalidReasons.insert(it.key().mid(kInvalidReasonPrefix.size()), static_cast<qint64>(it.value()));
        else if (it.key().startsWith(kFailurePrefix))
            c.failuresByKind.insert(it.key().mid(kFailurePrefix.size()), static_cast<qint64>(it.value()));
    }
    return c;
}

} // namespace ef
