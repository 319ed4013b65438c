// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli model info DIR.
#include <map>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonObject>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "models/compute.h"
#include "models/modelconfig.h"
#include "models/safetensors.h"
#include "models/tinymodel.h"
#include "models/tokenizer.h"

namespace ef::cli {

namespace {

int info(Context &ctx)
{
    ctx.parse({}, {}, 0, 0);
    const compute::DeviceInfo d = compute::probeDevices();
    if (ctx.json) {
        ctx.out << QString::fromStdString(compute::infoJson(d, EMBEDFORGE_VERSION, false)) << Qt::endl;
        return ExitOk;
    }
    ctx.out << QCoreApplication::translate("ef::cli", "EmbedForge %1, LibTorch %2")
                   .arg(QStringLiteral(EMBEDFORGE_VERSION), QString::fromStdString(d.torchVersion))
            << Qt::endl;
    if (d.cudaAvailable)
        ctx.out << QCoreApplication::translate("ef::cli", "CUDA: available (runtime %1)").arg(d.cudaRuntimeVersion)
                << Qt::endl;
    else
        ctx.out << QCoreApplication::translate("ef::cli", "CUDA: not available (%1)")
                       .arg(QString::fromStdString(d.cudaStatus))
                << Qt::endl;
    ctx.out << QCoreApplication::translate("ef::cli", "CPU: %1, %2 hardware threads, %3 GiB; LibTorch uses %4 threads")
                   .arg(QString::fromStdString(d.cpuName))
                   .arg(d.cpuCores)
                   .arg(double(d.cpuMemoryBytes) / double(1 << 30), 0, 'f', 1)
                   .arg(d.intraOpThreads)
            << Qt::endl;
    for (const auto &g : d.gpus)
        ctx.out << QCoreApplication::translate("ef::cli", "GPU %1: %2, %3 GiB, compute capability %4.%5")
                       .arg(g.index)
                       .arg(QString::fromStdString(g.name))
                       .arg(double(g.memoryBytes) / double(1 << 30), 0, 'f', 1)
                       .arg(g.major)
                       .arg(g.minor)
                << Qt::endl;
    return ExitOk;
}

int modelInfo(Context &ctx)
{
    const ParsedArgs a = ctx.parse({}, {}, 1, 1);
    const QString dir = a.positionals.at(0);
    const std::string configPath = QDir(dir).filePath(QStringLiteral("config.json")).toStdString();
    models::ModelConfig cfg;
    try {
        cfg = models::ModelConfig::fromFile(configPath);
    } catch (const models::ConfigError &e) {
        return ctx.fail(QString::fromStdString(e.what()));
    }
    qint64 parameters = 0;
    std::map<std::string, qint64> byDtype;
    try {
        const st::Checkpoint checkpoint = st::Checkpoint::open(dir.toStdString());
        models::checkAgainstWeights(cfg, checkpoint, configPath);
        for (const std::string &name : checkpoint.names()) {
            const st::TensorView *t = checkpoint.find(name);
            parameters += t->elements();
            byDtype[st::dtypeName(t->dtype)] += t->elements();
        }
    } catch (const st::SafetensorsError &e) {
        return ctx.fail(QString::fromStdString(e.what()));
    } catch (const models::ConfigError &e) {
        return ctx.fail(QString::fromStdString(e.what()));
    }
    QString weightsDtype;
    qint64 most = -1;
    for (const auto &[name, n] : byDtype)
        if (n > most) {
            most = n;
            weightsDtype = QString::fromStdString(name);
        }
    QString tokenizerKind = QStringLiteral("none");
    QString tokenizerError;
    try {
        // exists() follows links; a broken link or a FIFO named tokenizer.json still counts, and
        // fromDirectory() says what is wrong with it.
        const auto present = [&](const char *name) {
            const QFileInfo fi(QDir(dir).filePath(QString::fromLatin1(name)));
            return fi.exists() || fi.isSymLink();
        };
        if (present("tokenizer.json") || present("tokenizer.model"))
            tokenizerKind = QString::fromStdString(Tokenizer::fromDirectory(dir.toStdString())->kind());
    } catch (const std::bad_alloc &) {
        tokenizerKind = QStringLiteral("unsupported");
        tokenizerError =
            QCoreApplication::translate("ef::cli", "%1: the tokenizer is too large to load (out of memory)").arg(dir);
    } catch (const std::exception &e) {
        tokenizerKind = QStringLiteral("unsupported");
        tokenizerError = exceptionMessage(e);
    }
    const QJsonObject o{
        {QStringLiteral("family"), QString::fromLatin1(cfg.familyName())},
        {QStringLiteral("architecture"), QString::fromStdString(cfg.architecture)},
        {QStringLiteral("hidden_size"), qint64(cfg.hiddenSize)},
        {QStringLiteral("intermediate_size"), qint64(cfg.intermediateSize)},
        {QStringLiteral("layers"), qint64(cfg.numLayers)},
        {QStringLiteral("heads"), qint64(cfg.numHeads)},
        {QStringLiteral("kv_heads"), qint64(cfg.numKvHeads)},
        {QStringLiteral("head_dim"), qint64(cfg.headDim)},
        {QStringLiteral("vocab_size"), qint64(cfg.vocabSize)},
        {QStringLiteral("max_position_embeddings"), qint64(cfg.maxPositions)},
        {QStringLiteral("rope_theta"), cfg.ropeTheta},
        {QStringLiteral("rope_scaling"), QString::fromStdString(cfg.ropeScaling.type)},
        {QStringLiteral("sliding_window"), cfg.slidingWindow ? QJsonValue(qint64(*cfg.slidingWindow)) : QJsonValue()},
        {QStringLiteral("parameters"), parameters},
        {QStringLiteral("dtype"), weightsDtype},
        {QStringLiteral("config_dtype"), QString::fromStdString(cfg.torchDtype)},
        {QStringLiteral("tokenizer"), tokenizerKind},
    };
    // A tokenizer that cannot be loaded makes the folder unusable for text: the information is
    // still printed, then the error, exit 1.
    if (ctx.json) {
        QJsonObject out = o;
        if (!tokenizerError.isEmpty())
            out.insert(QStringLiteral("tokenizer_error"), tokenizerError);
        ctx.printJson(out);
        return tokenizerError.isEmpty() ? ExitOk : ctx.fail(tokenizerError);
    }
    ctx.out << QCoreApplication::translate("ef::cli", "Family:      %1 (%2)")
                   .arg(QString::fromLatin1(cfg.familyName()), QString::fromStdString(cfg.architecture))
            << Qt::endl
            << QCoreApplication::translate(
                   "ef::cli", "Sizes:       hidden %1, intermediate %2, %3 layers, %4 heads (%5 KV), head dim %6")
                   .arg(argText(cfg.hiddenSize), argText(cfg.intermediateSize), argText(cfg.numLayers),
                        argText(cfg.numHeads), argText(cfg.numKvHeads), argText(cfg.headDim))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Parameters:  %1 (%2)")
                   .arg(argText(parameters), argText(weightsDtype))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "Vocabulary:  %1; tokenizer %2")
                   .arg(argText(cfg.vocabSize), argText(tokenizerKind))
            << Qt::endl
            << QCoreApplication::translate("ef::cli", "RoPE:        theta %1, scaling %2; context %3")
                   .arg(argText(cfg.ropeTheta), argText(QString::fromStdString(cfg.ropeScaling.type)),
                        argText(cfg.maxPositions))
            << Qt::endl;
    if (!tokenizerError.isEmpty())
        return ctx.fail(tokenizerError);
    return ExitOk;
}

int makeTiny(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("family"), QStringLiteral("out"), QStringLiteral("seed")}, {}, 0, 0);
    const QString family = a.value(QStringLiteral("family"));
    models::TinyModelOptions o;
    if (family == QLatin1String("llama"))
        o.family = models::Family::Llama;
    else if (family == QLatin1String("mistral"))
        o.family = models::Family::Mistral;
    else if (family == QLatin1String("qwen2"))
        o.family = models::Family::Qwen2;
    else
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--family must be llama, mistral or qwen2, not '%1'").arg(family));
    const QString out = a.value(QStringLiteral("out"));
    if (out.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--out DIR is required"));
    bool ok = true;
    o.seed = a.has(QStringLiteral("seed")) ? a.value(QStringLiteral("seed")).toULongLong(&ok) : 0;
    if (!ok)
        throw UsageError(QCoreApplication::translate("ef::cli", "--seed must be a non-negative integer, not '%1'")
                             .arg(a.value(QStringLiteral("seed"))));
    try {
        const models::ModelConfig c = models::makeTinyModel(out.toStdString(), o);
        if (ctx.json)
            ctx.printJson({{QStringLiteral("out"), out},
                           {QStringLiteral("family"), QString::fromLatin1(c.familyName())},
                           {QStringLiteral("vocab_size"), qint64(c.vocabSize)}});
        else
            ctx.out << QCoreApplication::translate("ef::cli", "Wrote a tiny %1 model to %2")
                           .arg(QString::fromLatin1(c.familyName()), out)
                    << Qt::endl;
    } catch (const std::exception &e) {
        return ctx.fail(exceptionMessage(e));
    }
    return ExitOk;
}

} // namespace

void registerModelCommands(Registry &registry)
{
    registry.add(
        {{QStringLiteral("model"), QStringLiteral("make-tiny")},
         QStringLiteral("model make-tiny --family llama|mistral|qwen2 --out DIR [--seed N]"),
         QCoreApplication::translate(
             "ef::cli", "Write a tiny, complete Hugging Face model folder with seeded random weights (for tests)"),
         makeTiny});
    registry.add({{QStringLiteral("info")},
                  QStringLiteral("info [--json]"),
                  QCoreApplication::translate("ef::cli", "What this build can do: LibTorch, CUDA, devices and threads"),
                  info});
    registry.add(
        {{QStringLiteral("model"), QStringLiteral("info")},
         QStringLiteral("model info DIR [--json]"),
         QCoreApplication::translate(
             "ef::cli", "Show a Hugging Face model folder's family, sizes, parameter count, dtype and tokenizer"),
         modelInfo});
}

} // namespace ef::cli
