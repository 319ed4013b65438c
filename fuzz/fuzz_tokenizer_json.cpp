// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer: arbitrary bytes as tokenizer.json through ef::Tokenizer::fromJson; a loaded
// tokenizer then encodes and decodes a few texts. Anything but TokenizerError (or a clean load)
// is a finding: crashes, hangs, leaks, undefined behaviour, other exception types.
#include <cstdint>
#include <string>

#include "models/tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string json(reinterpret_cast<const char *>(data), size);
    std::unique_ptr<ef::Tokenizer> tok;
    try {
        tok = ef::Tokenizer::fromJson(json, "fuzz.json");
    } catch (const ef::TokenizerError &) {
        return 0;
    }
    for (const char *text : {"", "Hello world", "  spaces  and\ttabs\n", "中文 日本語 한국어 🙂",
                             "a\xcc\x81 e\xcc\x80 123456789", "https://example.com/path?q=1 && x"}) {
        try {
            const auto ids = tok->encode(text, true);
            const auto withTokens = tok->encodeWithTokens(text, true);
            if (withTokens.ids != ids || withTokens.tokens.size() != ids.size())
                __builtin_trap(); // encode() takes a path without token strings: it must agree
            (void)tok->decode(ids, false);
            (void)tok->encode(text, false);
        } catch (const ef::TokenizerError &) {
        }
    }
    return 0;
}
