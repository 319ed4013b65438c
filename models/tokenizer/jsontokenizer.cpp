// SPDX-License-Identifier: GPL-3.0-or-later
// The Hugging Face tokenizer.json engine: the loader that reads the file's components (each kind in
// its own file of this folder) and the tokenizer that runs them in HF's order.
#include <algorithm>
#include <unordered_set>

#include "models/jsonguard.h"
#include "models/tokenizer/internal.h"

namespace ef {

namespace {

using namespace ef::tokjson;

class JsonTokenizer final : public Tokenizer
{
public:
    JsonTokenizer(const std::string &text, const std::string &source, const TokenizerLimits &limits) : m_source(source)
    {
        Loader l{source};
        // nlohmann::json parses iteratively, but dump() and the component readers recurse once
        // per level: a file nested 200,000 levels deep must stop here.
        if (const auto tooDeep = jsonguard::findTooDeep(text))
            l.fail(jsonguard::describe(*tooDeep));
        json root;
        try {
            root = json::parse(text);
        } catch (const json::exception &e) {
            // parse_error, and out_of_range for a number JSON cannot represent (found by
            // fuzz/fuzz_tokenizer_json; it used to escape as an uncaught exception).
            l.fail(std::string("not valid JSON: ") + e.what());
        }
        if (!root.is_object())
            l.fail("expected a JSON object at the top level");
        if (const json *t = l.optField(root, "truncation"))
            m_truncation = parseTruncation(*t, l);
        if (const json *p = l.optField(root, "padding"))
            m_padding = parsePadding(*p, l, limits);

        m_model = parseModel(l.field(root, "model", "tokenizer"), l);

        if (const json *n = l.optField(root, "normalizer"))
            m_normalizer = parseNormalizer(*n, l, "normalizer");
        if (const json *p = l.optField(root, "pre_tokenizer")) {
            m_preTokenizer = parsePreTokenizer(*p, l, "pre_tokenizer");
            m_byteLevel = p->dump().find("\"ByteLevel\"") != std::string::npos;
        }
        if (const json *p = l.optField(root, "post_processor")) {
            m_postProcessor = parsePostProcessor(*p, l, "post_processor");
            if (m_postProcessor->addedCount() > kMaxTemplateTokens)
                l.fail("post_processor: adds " + std::to_string(m_postProcessor->addedCount()) +
                       " special tokens to every text, more than " + std::to_string(kMaxTemplateTokens));
        }
        if (const json *d = l.optField(root, "decoder"))
            m_decoder = parseDecoder(*d, l, "decoder");

        if (const json *added = l.optField(root, "added_tokens")) {
            m_added = parseAddedTokens(*added, l);
            for (const AddedToken &t : m_added) {
                m_addedByContent[t.content] = t.id;
                m_addedById[t.id] = t.content;
                if (t.special)
                    m_specialIds.insert(t.id);
            }
            // Like HF, normalized tokens are looked for in normalized text by their normalized form.
            for (size_t i = 0; i < m_added.size(); ++i) {
                if (m_added[i].normalized) {
                    std::string form = m_added[i].content;
                    if (m_normalizer)
                        m_normalizer->apply(form, growthBudget(form.size()));
                    m_normalizedMatcher.add(form, i);
                    m_addedDecodeForm[m_added[i].id] = form; // HF decodes these as their normalized form
                } else {
                    m_rawMatcher.add(m_added[i].content, i);
                }
            }
        }
        m_vocabSize = 0;
        for (auto &kv : m_model->vocabR())
            m_vocabSize = std::max(m_vocabSize, kv.first + 1);
        for (auto &t : m_added)
            m_vocabSize = std::max(m_vocabSize, t.id + 1);
    }

    TokenizedText encodeWithTokens(const std::string &text, bool addSpecialTokens) const override
    {
        size_t bad = 0;
        if (!isValidUtf8(text, &bad))
            throw TokenizerError(m_source, "input text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        try {
            return encodeValid(text, addSpecialTokens, true);
        } catch (const TokenizerError &e) {
            if (!e.file().empty())
                throw;
            throw TokenizerError(m_source, e.what()); // a regex failure, raised without the file name
        } catch (const std::bad_alloc &) {
            throw outOfMemory("encoding", text.size());
        }
    }

protected:
    // encode(): the same without looking up the token strings of the model's ids.
    std::vector<int64_t> encodeIds(const std::string &text, bool addSpecialTokens) const override
    {
        size_t bad = 0;
        if (!isValidUtf8(text, &bad))
            throw TokenizerError(m_source, "input text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        try {
            return encodeValid(text, addSpecialTokens, false).ids;
        } catch (const TokenizerError &e) {
            if (!e.file().empty())
                throw;
            throw TokenizerError(m_source, e.what());
        } catch (const std::bad_alloc &) {
            throw outOfMemory("encoding", text.size());
        }
    }

private:
    // withTokens false: the model's tokens are left empty strings (callers want the ids only).
    TokenizedText encodeValid(const std::string &text, bool addSpecialTokens, bool withTokens) const
    {
        TokenizedText enc;
        // 1. split out tokens that match the raw text, 2. normalise the rest, 3. split out normalised ones.
        forEachAddedSplit(text, m_rawMatcher, 0, [&](const std::string &part, size_t origStart, int token) {
            if (token >= 0) {
                pushAdded(enc, m_added[static_cast<size_t>(token)].id, part);
                return;
            }
            std::string normalized = part;
            if (m_normalizer)
                m_normalizer->apply(normalized, growthBudget(part.size()));
            forEachAddedSplit(normalized, m_normalizedMatcher, origStart,
                              [&](const std::string &sub, size_t subStart, int t2) {
                                  if (t2 >= 0)
                                      pushAdded(enc, m_added[static_cast<size_t>(t2)].id, sub);
                                  else
                                      encodePiece(sub, subStart == 0, enc, withTokens);
                              });
        });
        if (m_truncation.enabled)
            m_truncation.apply(enc, addSpecialTokens && m_postProcessor ? m_postProcessor->addedCount() : 0);
        if (m_postProcessor)
            m_postProcessor->process(enc, addSpecialTokens);
        m_padding.apply(enc);
        return enc;
    }

public:
    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
    {
        try {
            return decodeIds(ids, skipSpecialTokens);
        } catch (const TokenizerError &e) {
            if (!e.file().empty())
                throw;
            throw TokenizerError(m_source, e.what());
        } catch (const std::bad_alloc &) {
            throw outOfMemory("decoding", ids.size());
        }
    }

private:
    TokenizerError outOfMemory(const char *what, size_t size) const
    {
        return TokenizerError(m_source, std::string("out of memory while ") + what + " an input of " +
                                            std::to_string(size) + (what[0] == 'e' ? " bytes" : " ids") +
                                            ": the input is too large for this tokenizer");
    }

    std::string decodeIds(const std::vector<int64_t> &ids, bool skipSpecialTokens) const
    {
        std::vector<std::string> tokens;
        tokens.reserve(ids.size());
        for (int64_t id : ids) {
            if (skipSpecialTokens && m_specialIds.count(id))
                continue;
            if (auto it = m_addedDecodeForm.find(id); it != m_addedDecodeForm.end()) {
                tokens.push_back(it->second);
                continue;
            }
            auto t = idToToken(id);
            if (t)
                tokens.push_back(std::move(*t));
        }
        if (!m_decoder) {
            std::string out;
            for (size_t i = 0; i < tokens.size(); ++i) {
                if (i)
                    out += ' ';
                out += tokens[i];
            }
            return out;
        }
        size_t bytes = 0;
        for (const std::string &t : tokens)
            bytes += t.size();
        m_decoder->decodeChain(tokens, growthBudget(bytes));
        std::string out;
        for (auto &t : tokens)
            out += t;
        return out;
    }

public:
    std::optional<int64_t> tokenToId(const std::string &token) const override
    {
        if (auto it = m_addedByContent.find(token); it != m_addedByContent.end())
            return it->second;
        if (auto it = m_model->vocab().find(token); it != m_model->vocab().end())
            return it->second;
        return std::nullopt;
    }
    std::optional<std::string> idToToken(int64_t id) const override
    {
        if (auto it = m_addedById.find(id); it != m_addedById.end())
            return it->second;
        if (auto it = m_model->vocabR().find(id); it != m_model->vocabR().end())
            return it->second;
        return std::nullopt;
    }
    int64_t vocabSize() const override { return m_vocabSize; }
    bool isSpecial(int64_t id) const override { return m_specialIds.count(id) > 0; }
    std::string kind() const override
    {
        if (m_byteLevel)
            return "bpe-byte-level";
        return m_model->byteFallback() ? "bpe-byte-fallback" : "bpe";
    }
    std::string source() const override { return m_source; }

private:
    // The token string is the matched text, stripped whitespace included (as in HF).
    static void pushAdded(TokenizedText &enc, int64_t id, const std::string &matched)
    {
        enc.ids.push_back(id);
        enc.tokens.push_back(matched);
    }

    // Calls fn(part, originalStart, tokenIndex or -1) for the pieces of s around added-token matches,
    // with HF's single_word, lstrip and rstrip rules.
    template <typename Fn>
    void forEachAddedSplit(const std::string &s, const AddedMatcher &matcher, size_t base, Fn fn) const
    {
        if (matcher.empty()) {
            fn(s, base, -1);
            return;
        }
        size_t startOffset = 0;
        size_t pos = 0;
        while (pos < s.size()) {
            const auto [token, len] = matcher.longestAt(s, pos);
            if (token < 0) {
                ++pos;
                continue;
            }
            size_t start = pos, stop = pos + len;
            pos = stop;
            const AddedToken &t = m_added[static_cast<size_t>(token)];
            if (t.singleWord && (endsWithWord(s, start) || startsWithWord(s, stop)))
                continue;
            if (t.lstrip) {
                size_t newStart = start;
                while (newStart > 0) {
                    size_t b = newStart - 1;
                    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80)
                        --b;
                    size_t i = b;
                    if (!U::isWhitespace(U::next(s, i)))
                        break;
                    newStart = b;
                }
                start = std::max(newStart, startOffset);
            }
            if (t.rstrip) {
                size_t i = stop;
                while (i < s.size()) {
                    size_t k = i;
                    if (!U::isWhitespace(U::next(s, k)))
                        break;
                    i = k;
                }
                stop = i;
            }
            if (startOffset < start)
                fn(s.substr(startOffset, start - startOffset), base + startOffset, -1);
            fn(s.substr(start, stop - start), base + start, token);
            startOffset = stop;
        }
        if (startOffset < s.size())
            fn(s.substr(startOffset), base + startOffset, -1);
    }

    void encodePiece(const std::string &text, bool atStart, TokenizedText &enc, bool withTokens) const
    {
        if (text.empty())
            return;
        std::vector<Piece> pieces{{text, atStart}};
        if (m_preTokenizer) {
            const size_t budget = growthBudget(text.size());
            m_preTokenizer->apply(pieces, budget);
            if (totalBytes(pieces) > budget)
                failGrowth("pre_tokenizer", "pre-tokenized text", budget);
        }
        const size_t first = enc.ids.size();
        for (const Piece &p : pieces)
            m_model->tokenize(p.text, enc.ids);
        if (!withTokens) {
            enc.tokens.resize(enc.ids.size());
            return;
        }
        const auto &vocabR = m_model->vocabR();
        for (size_t i = first; i < enc.ids.size(); ++i)
            enc.tokens.push_back(vocabR.at(enc.ids[i]));
    }

    std::string m_source;
    std::unique_ptr<Model> m_model;
    std::unique_ptr<Normalizer> m_normalizer;
    std::unique_ptr<PreTokenizer> m_preTokenizer;
    std::unique_ptr<PostProcessor> m_postProcessor;
    std::unique_ptr<Decoder> m_decoder;
    std::vector<AddedToken> m_added;
    AddedMatcher m_rawMatcher;
    AddedMatcher m_normalizedMatcher;
    std::unordered_map<std::string, int64_t> m_addedByContent;
    std::unordered_map<int64_t, std::string> m_addedById;
    std::unordered_map<int64_t, std::string> m_addedDecodeForm;
    std::unordered_set<int64_t> m_specialIds;
    bool m_byteLevel = false;
    int64_t m_vocabSize = 0;
    Truncation m_truncation;
    Padding m_padding;
};

} // namespace

std::unique_ptr<Tokenizer> makeJsonTokenizer(const std::string &text, const std::string &source,
                                             const TokenizerLimits &limits)
{
    try {
        return std::make_unique<JsonTokenizer>(text, source, limits);
    } catch (const TokenizerError &e) {
        if (!e.file().empty())
            throw;
        throw TokenizerError(source, e.what()); // e.g. an added token's normalized form grew too long
    } catch (const std::bad_alloc &) {
        throw TokenizerError(source, "out of memory while loading it (" + std::to_string(text.size()) +
                                         " bytes): the file asks for more than this machine has");
    } catch (const json::exception &e) {
        // A value of an unexpected JSON type anywhere the loader did not check explicitly: still
        // an error about this file, never an unrelated exception type.
        throw TokenizerError(source, std::string("malformed tokenizer.json: ") + e.what());
    }
}

} // namespace ef
