// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli embed: texts (one per stdin line) or token-id arrays (--ids) in, one JSON
// object per line out, in input order.
#include <charconv>
#include <cstdio>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include <QCoreApplication>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "models/compute.h"
#include "models/embedder.h"
#include "models/tokenizer.h"

namespace ef::cli {

namespace {

// Texts are embedded in chunks of this many lines: enough for length bucketing to pay off,
// small enough that memory stays bounded however long stdin is.
constexpr size_t kChunkLines = 2048;

void appendFloat(std::string &out, float v)
{
    char buf[32];
    const auto r = std::to_chars(buf, buf + sizeof buf, v); // shortest text that reads back exactly
    out.append(buf, r.ptr);
}

void appendRow(std::string &out, const float *row, int64_t n)
{
    out += '[';
    for (int64_t i = 0; i < n; ++i) {
        if (i)
            out += ',';
        appendFloat(out, row[i]);
    }
    out += ']';
}

void flushOut(std::string &out, bool force)
{
    if (force || out.size() > (1 << 16)) {
        std::fwrite(out.data(), 1, out.size(), stdout);
        out.clear();
        if (force)
            std::fflush(stdout);
    }
}

int embed(Context &ctx)
{
    const ParsedArgs a = ctx.parse({QStringLiteral("model"), QStringLiteral("adapter"), QStringLiteral("instruction"),
                                    QStringLiteral("max-length"), QStringLiteral("batch"), QStringLiteral("device"),
                                    QStringLiteral("dtype"), QStringLiteral("padding-side"), QStringLiteral("threads")},
                                   {QStringLiteral("ids"), QStringLiteral("hidden-states")}, 0, 0);
    const QString modelDir = a.value(QStringLiteral("model"));
    if (modelDir.isEmpty())
        throw UsageError(QCoreApplication::translate("ef::cli", "--model DIR is required"));
    const bool idsMode = a.has(QStringLiteral("ids"));
    const int batch = a.intValue(QStringLiteral("batch"), 16, 1, 4096);
    const int maxLength = a.intValue(QStringLiteral("max-length"), 512, 2, 1 << 20);
    const int threads = a.intValue(QStringLiteral("threads"), 0, 0, 1024);
    const QString device = a.value(QStringLiteral("device"), QStringLiteral("cpu"));
    const QString dtype = a.value(QStringLiteral("dtype"), QStringLiteral("f32"));
    if (device != QLatin1String("cpu") && device != QLatin1String("auto") && !device.startsWith(QLatin1String("cuda")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--device must be cpu or cuda, not '%1'").arg(device));
    if (dtype != QLatin1String("f32") && dtype != QLatin1String("bf16") && dtype != QLatin1String("f16"))
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--dtype must be f32, bf16 or f16, not '%1'").arg(dtype));
    const QString side = a.value(QStringLiteral("padding-side"), QStringLiteral("right"));
    if (side != QLatin1String("left") && side != QLatin1String("right"))
        throw UsageError(
            QCoreApplication::translate("ef::cli", "--padding-side must be left or right, not '%1'").arg(side));
    if (!idsMode) {
        for (const QString &o : {QStringLiteral("padding-side"), QStringLiteral("hidden-states")})
            if (a.has(o))
                throw UsageError(QCoreApplication::translate("ef::cli", "--%1 needs --ids").arg(o));
    } else if (a.has(QStringLiteral("instruction")) || a.has(QStringLiteral("max-length"))) {
        throw UsageError(QCoreApplication::translate(
            "ef::cli", "--ids runs token ids exactly as given: --instruction and --max-length do not apply"));
    }

    compute::setIntraOpThreads(threads);
    std::unique_ptr<models::Embedder> model;
    try {
        models::LoadOptions lo;
        lo.device = device.toStdString();
        lo.dtype = dtype.toStdString();
        lo.requireTokenizer = !idsMode;
        lo.adapter = a.value(QStringLiteral("adapter")).toStdString();
        model = models::Embedder::load(modelDir.toStdString(), lo);
    } catch (const std::bad_alloc &) {
        return ctx.fail(
            QCoreApplication::translate("ef::cli", "%1: out of memory while loading the model").arg(modelDir));
    } catch (const std::exception &e) {
        return ctx.fail(exceptionMessage(e));
    }

    ctx.out.flush();
    std::string out;
    QString error;
    if (idsMode) {
        const models::PaddingSide padding =
            side == QLatin1String("left") ? models::PaddingSide::Left : models::PaddingSide::Right;
        const bool wantHidden = a.has(QStringLiteral("hidden-states"));
        std::vector<std::vector<int64_t>> pending;
        const auto run = [&]() -> bool {
            if (pending.empty())
                return true;
            try {
                const models::IdsResult r = model->forwardIds(pending, padding, batch, wantHidden);
                for (size_t i = 0; i < pending.size(); ++i) {
                    out += "{\"pooled\":";
                    appendRow(out, r.pooled.row(static_cast<int64_t>(i)), r.pooled.cols);
                    if (wantHidden) {
                        out += ",\"hidden\":[";
                        const models::Matrix &h = r.hidden[i];
                        for (int64_t t = 0; t < h.rows; ++t) {
                            if (t)
                                out += ',';
                            appendRow(out, h.row(t), h.cols);
                        }
                        out += ']';
                    }
                    out += "}\n";
                    flushOut(out, false);
                }
            } catch (const std::exception &e) {
                error = exceptionMessage(e);
                return false;
            }
            pending.clear();
            return true;
        };
        forEachStdinLine(
            [&](const std::string &line, long long lineNo) {
                nlohmann::json v;
                try {
                    v = nlohmann::json::parse(line);
                } catch (const nlohmann::json::exception &e) {
                    error = QCoreApplication::translate("ef::cli", "line %1: not valid JSON: %2")
                                .arg(argText(lineNo), argText(QString::fromUtf8(e.what())));
                    return false;
                }
                if (!v.is_array() || v.empty()) {
                    error =
                        QCoreApplication::translate("ef::cli", "line %1: expected a non-empty JSON array of token ids")
                            .arg(lineNo);
                    return false;
                }
                std::vector<int64_t> ids;
                for (const auto &x : v) {
                    if (!x.is_number_integer()) {
                        error =
                            QCoreApplication::translate("ef::cli", "line %1: token ids must be integers, got %2")
                                .arg(lineNo)
                                // dump() recurses once per level: a nested value is named by its type
                                .arg(QString::fromStdString(x.is_structured() ? std::string(x.type_name()) : x.dump()));
                        return false;
                    }
                    const int64_t id = x.get<int64_t>();
                    if (id < 0 || id >= model->config().vocabSize) {
                        error = QCoreApplication::translate("ef::cli",
                                                            "line %1: token id %2 is outside the vocabulary (0..%3)")
                                    .arg(argText(lineNo), argText(id), argText(model->config().vocabSize - 1));
                        return false;
                    }
                    ids.push_back(id);
                }
                pending.push_back(std::move(ids));
                return pending.size() < static_cast<size_t>(batch) || run();
            },
            &error);
        // Lines before a bad one are still answered, so nothing that was valid is lost.
        const QString inputError = error;
        error.clear();
        run();
        if (error.isEmpty())
            error = inputError;
    } else {
        const std::string instruction = a.value(QStringLiteral("instruction")).toStdString();
        std::vector<std::string> pending;
        ProgressPrinter progress(QCoreApplication::translate("ef::cli", "Embedding"));
        size_t done = 0;
        const auto run = [&]() -> bool {
            if (pending.empty())
                return true;
            try {
                models::EmbedOptions eo;
                eo.instruction = instruction;
                eo.maxLength = maxLength;
                eo.batchSize = batch;
                const size_t base = done;
                const models::Matrix m = model->embed(pending, eo, [&](size_t n, size_t) {
                    progress.update(static_cast<qint64>(base + n), -1);
                    return true;
                });
                for (int64_t i = 0; i < m.rows; ++i) {
                    out += "{\"embedding\":";
                    appendRow(out, m.row(i), m.cols);
                    out += "}\n";
                    flushOut(out, false);
                }
                done += pending.size();
            } catch (const std::exception &e) {
                error = exceptionMessage(e);
                return false;
            }
            pending.clear();
            return true;
        };
        forEachStdinLine(
            [&](const std::string &line, long long lineNo) {
                size_t bad = 0;
                if (!isValidUtf8(line, &bad)) {
                    error = QCoreApplication::translate("ef::cli", "line %1: invalid UTF-8 at byte %2")
                                .arg(argText(lineNo), argText(static_cast<qulonglong>(bad)));
                    return false;
                }
                pending.push_back(line);
                return pending.size() < kChunkLines || run();
            },
            &error);
        const QString inputError = error;
        error.clear();
        run();
        if (error.isEmpty())
            error = inputError;
        progress.finish();
    }
    flushOut(out, true);
    if (!error.isEmpty())
        return ctx.fail(error);
    return ExitOk;
}

} // namespace

void registerEmbedCommands(Registry &registry)
{
    registry.add(
        {{QStringLiteral("embed")},
         QStringLiteral("embed --model DIR [--adapter DIR] [--instruction TEXT] [--max-length N] [--batch N] "
                        "[--device cpu|cuda] [--dtype f32|bf16|f16] [--threads N] | "
                        "embed --model DIR --ids [--padding-side left|right] [--batch N] [--hidden-states]"),
         QCoreApplication::translate("ef::cli", "Embed one text per stdin line (or, with --ids, one JSON array "
                                                "of token ids per line); one JSON object per line out"),
         embed});
}

} // namespace ef::cli
