// SPDX-License-Identifier: GPL-3.0-or-later
// embedforge-cli tokenize: one text per stdin line in, one {"ids","tokens"} JSON object per line out.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include <QCoreApplication>

#include "app/cli/cli.h"
#include "backend/argtext.h"
#include "models/tokenizer.h"

namespace ef::cli {

namespace {

int tokenize(Context &ctx)
{
    const ParsedArgs a =
        ctx.parse({QStringLiteral("tokenizer")}, {QStringLiteral("no-special"), QStringLiteral("jsonl")}, 0, 0);
    if (!a.values.contains(QStringLiteral("tokenizer")))
        throw UsageError(QCoreApplication::translate("ef::cli", "--tokenizer FILE is required"));
    const bool addSpecial = !a.has(QStringLiteral("no-special"));
    const bool jsonl = a.has(QStringLiteral("jsonl"));

    std::unique_ptr<Tokenizer> tok;
    try {
        tok = Tokenizer::fromFile(a.value(QStringLiteral("tokenizer")).toStdString());
    } catch (const TokenizerError &e) {
        return ctx.fail(QString::fromStdString(e.what()));
    }

    ctx.out.flush();
    std::string out;
    QString error;
    forEachStdinLine(
        [&](const std::string &line, long long lineNo) {
            std::string text;
            if (jsonl) {
                nlohmann::json v;
                try {
                    v = nlohmann::json::parse(line);
                } catch (const nlohmann::json::exception &e) {
                    error = QCoreApplication::translate("ef::cli", "line %1: not valid JSON: %2")
                                .arg(argText(lineNo), argText(QString::fromUtf8(e.what())));
                    return false;
                }
                if (!v.is_string()) {
                    error = QCoreApplication::translate("ef::cli", "line %1: expected a JSON string, got %2")
                                .arg(argText(lineNo), argText(QString::fromUtf8(v.type_name())));
                    return false;
                }
                text = v.get<std::string>();
            } else {
                text = line;
            }
            size_t bad = 0;
            if (!isValidUtf8(text, &bad)) {
                error = QCoreApplication::translate("ef::cli", "line %1: invalid UTF-8 at byte %2")
                            .arg(argText(lineNo), argText(static_cast<qulonglong>(bad)));
                return false;
            }
            TokenizedText enc;
            try {
                enc = tok->encodeWithTokens(text, addSpecial);
            } catch (const TokenizerError &e) { // e.g. a normalizer that grows the text without bound
                error = QCoreApplication::translate("ef::cli", "line %1: %2")
                            .arg(argText(lineNo), argText(QString::fromStdString(e.what())));
                return false;
            }
            out += nlohmann::json{{"ids", enc.ids}, {"tokens", enc.tokens}}.dump(
                -1, ' ', false, nlohmann::json::error_handler_t::replace);
            out += '\n';
            if (out.size() > (1 << 16)) {
                std::fwrite(out.data(), 1, out.size(), stdout);
                out.clear();
            }
            return true;
        },
        &error);
    std::fwrite(out.data(), 1, out.size(), stdout);
    std::fflush(stdout);
    if (!error.isEmpty())
        return ctx.fail(error);
    return ExitOk;
}

} // namespace

void registerTokenizeCommands(Registry &registry)
{
    registry.add(
        {{QStringLiteral("tokenize")},
         QStringLiteral("tokenize --tokenizer FILE [--no-special] [--jsonl]"),
         QCoreApplication::translate(
             "ef::cli",
             "Tokenize one text per stdin line (a JSON string per line with --jsonl); one JSON object per line out"),
         tokenize});
}

} // namespace ef::cli
