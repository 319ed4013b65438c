// SPDX-License-Identifier: GPL-3.0-or-later
// Internal interfaces of the tokenizer.json engine in models/tokenizer/: JSON field access with errors
// naming the file and field, patterns, and one interface per component kind (normalizers,
// pre-tokenizers, the model, post-processors, decoders, added tokens, padding and truncation).
// Included only by the files of this folder.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "models/tokenizer.h"
#include "models/tokenizer_unicode.h"

namespace ef::tokjson {

using nlohmann::json;
namespace U = ef::tokunicode;

// ---- Bounds on what a tokenizer.json may ask for (README, "Limits on inputs") ----

constexpr size_t kMaxVocab = size_t(1) << 22;           // BPE vocabulary entries (Gemma 3: 262,144)
constexpr size_t kMaxMerges = size_t(1) << 22;          // BPE merges (Gemma 3: 514,906)
constexpr size_t kMaxAddedTokens = size_t(1) << 18;     // added tokens (Gemma 3: 6,415)
constexpr size_t kMaxAddedTokenBytes = size_t(1) << 20; // their contents, all together
constexpr int64_t kMaxTokenId = 0xFFFFFFFFLL;           // ids are u32 in HF tokenizers
constexpr size_t kMaxTemplateTokens = 1024;             // special tokens a post-processor adds
// Normalizers, pre-tokenizers and decoders may make a text longer (NFKD, Replace, Metaspace,
// ByteLevel), but not beyond this many times the input plus kGrowthSlack: a chain of Replace
// "a" -> "aaaaaaaa" grows 8^n, and must stop at a few MiB rather than at bad_alloc.
constexpr size_t kMaxGrowth = 16;
constexpr size_t kGrowthSlack = size_t(1) << 20;
inline size_t growthBudget(size_t inputBytes)
{
    return inputBytes * kMaxGrowth + kGrowthSlack;
}
// The TokenizerError of a text grown beyond its budget, for the component at where.
[[noreturn]] void failGrowth(const std::string &where, const char *what, size_t budget);

// ---- JSON access with errors naming the file and the field ----

struct Loader
{
    std::string file;

    [[noreturn]] void fail(const std::string &message) const { throw TokenizerError(file, message); }

    const json &field(const json &obj, const char *name, const std::string &where) const
    {
        if (!obj.is_object())
            fail(where + ": expected an object");
        auto it = obj.find(name);
        if (it == obj.end())
            fail(where + "." + name + ": missing");
        return *it;
    }
    const json *optField(const json &obj, const char *name) const
    {
        auto it = obj.find(name);
        return it == obj.end() || it->is_null() ? nullptr : &*it;
    }
    std::string str(const json &obj, const char *name, const std::string &where) const
    {
        const json &v = field(obj, name, where);
        if (!v.is_string())
            fail(where + "." + name + ": expected a string, got " + v.dump());
        return v.get<std::string>();
    }
    std::optional<std::string> optStr(const json &obj, const char *name, const std::string &where) const
    {
        const json *v = optField(obj, name);
        if (!v)
            return std::nullopt;
        if (!v->is_string())
            fail(where + "." + name + ": expected a string, got " + v->dump());
        return v->get<std::string>();
    }
    bool boolean(const json &obj, const char *name, const std::string &where, bool def) const
    {
        const json *v = optField(obj, name);
        if (!v)
            return def;
        if (!v->is_boolean())
            fail(where + "." + name + ": expected true or false, got " + v->dump());
        return v->get<bool>();
    }
    int64_t integer(const json &obj, const char *name, const std::string &where) const
    {
        const json &v = field(obj, name, where);
        if (!v.is_number_integer() || v.get<int64_t>() < 0)
            fail(where + "." + name + ": expected a non-negative integer, got " + v.dump());
        return v.get<int64_t>();
    }
    std::string type(const json &obj, const std::string &where) const { return str(obj, "type", where); }
    [[noreturn]] void unsupported(const std::string &where, const std::string &what, const std::string &value) const
    {
        fail(where + ": " + what + " \"" + value + "\" is not supported");
    }
    char32_t singleChar(const std::string &s, const std::string &where) const
    {
        size_t i = 0;
        if (s.empty())
            fail(where + ": expected one character, got \"\"");
        const char32_t c = U::next(s, i);
        if (i != s.size())
            fail(where + ": expected one character, got \"" + s + "\"");
        return c;
    }
};

// ---- Patterns and split behaviours (NormalizedString::split); patterns.cpp ----

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parseBehavior(const std::string &s, const Loader &loader, const std::string &where);

using Span = std::pair<size_t, size_t>;
using MatchList = std::vector<std::pair<Span, bool>>; // covers the whole string; bool = is a match

class Pattern
{
public:
    virtual ~Pattern() = default;
    virtual void findMatches(const std::string &s, MatchList &out) const = 0;
};

class Regex; // PCRE2, UTF + UCP, JIT

class RegexPattern : public Pattern
{
public:
    RegexPattern(const std::string &p, const Loader &l, const std::string &where);
    ~RegexPattern() override;
    void findMatches(const std::string &s, MatchList &out) const override;

private:
    std::unique_ptr<Regex> m_re;
};

class LiteralPattern : public Pattern
{
public:
    explicit LiteralPattern(std::string lit) : m_lit(std::move(lit)) {}
    void findMatches(const std::string &s, MatchList &out) const override;

private:
    std::string m_lit;
};

class CharPredicatePattern : public Pattern
{
public:
    explicit CharPredicatePattern(std::function<bool(char32_t)> pred) : m_pred(std::move(pred)) {}
    void findMatches(const std::string &s, MatchList &out) const override;

private:
    std::function<bool(char32_t)> m_pred;
};

// Returns the pieces of s, as HF's NormalizedString::split does (empty pieces dropped).
std::vector<Span> splitWith(const std::string &s, const Pattern &pattern, Behavior behavior, bool invert = false);
std::unique_ptr<Pattern> parsePattern(const json &p, const Loader &l, const std::string &where);
// Every match of pattern in s replaced by content; stops early, with a result longer than
// maxBytes, once the result would exceed maxBytes.
std::string replaceAll(const std::string &s, const Pattern &pattern, const std::string &content,
                       size_t maxBytes = SIZE_MAX);

// ---- Normalizers; normalizers.cpp ----

class Normalizer
{
public:
    virtual ~Normalizer() = default;
    // maxBytes: the longest s may grow (growthBudget of the input); beyond it a TokenizerError.
    virtual void apply(std::string &s, size_t maxBytes) const = 0;
};

std::unique_ptr<Normalizer> parseNormalizer(const json &j, const Loader &l, const std::string &where);

// ---- Pre-tokenizers; pretokenizers.cpp ----

struct Piece
{
    std::string text;
    bool atStart = false; // begins at offset 0 of the original input
};

class PreTokenizer
{
public:
    virtual ~PreTokenizer() = default;
    // maxBytes: the most all pieces together may hold; a Sequence checks it after each step.
    virtual void apply(std::vector<Piece> &pieces, size_t maxBytes) const = 0;
};

std::unique_ptr<PreTokenizer> parsePreTokenizer(const json &j, const Loader &l, const std::string &where);
size_t totalBytes(const std::vector<Piece> &pieces);
// GPT-2's byte-to-character table of the ByteLevel pre-tokenizer (and decoder).
const std::array<std::string, 256> &byteToUnicode();

// ---- The model (BPE); bpe.cpp ----

class Model
{
public:
    virtual ~Model() = default;
    // Appends the ids of one pre-tokenized word to out.
    virtual void tokenize(const std::string &word, std::vector<int64_t> &out) const = 0;
    virtual const std::unordered_map<std::string, int64_t> &vocab() const = 0;
    virtual const std::unordered_map<int64_t, std::string> &vocabR() const = 0;
    virtual bool byteFallback() const = 0;
};

// tokenizer.json's "model" object; only "BPE" is supported.
std::unique_ptr<Model> parseModel(const json &model, const Loader &l);

// ---- Post-processors; postprocessors.cpp ----

class PostProcessor
{
public:
    virtual ~PostProcessor() = default;
    virtual void process(TokenizedText &enc, bool addSpecialTokens) const = 0;
    // How many special tokens process() adds to a single sequence.
    virtual size_t addedCount() const = 0;
};

std::unique_ptr<PostProcessor> parsePostProcessor(const json &j, const Loader &l, const std::string &where);

// ---- Decoders; decoders.cpp ----

class Decoder
{
public:
    virtual ~Decoder() = default;
    // maxBytes: the most all tokens together may hold; beyond it a TokenizerError.
    virtual void decodeChain(std::vector<std::string> &tokens, size_t maxBytes) const = 0;
};

std::unique_ptr<Decoder> parseDecoder(const json &j, const Loader &l, const std::string &where);

// ---- Added tokens; addedtokens.cpp ----

struct AddedToken
{
    int64_t id = 0;
    std::string content;
    bool singleWord = false;
    bool lstrip = false;
    bool rstrip = false;
    bool normalized = true;
    bool special = false;
};

// Leftmost-longest matcher over the added tokens' contents (a byte trie).
class AddedMatcher
{
public:
    void add(const std::string &content, size_t tokenIndex)
    {
        if (content.empty())
            return;
        int node = 0;
        for (unsigned char c : content) {
            auto &children = m_nodes[static_cast<size_t>(node)].children;
            auto it = children.find(c);
            if (it == children.end()) {
                m_nodes.push_back({});
                const int created = static_cast<int>(m_nodes.size()) - 1;
                m_nodes[static_cast<size_t>(node)].children[c] = created;
                node = created;
            } else {
                node = it->second;
            }
        }
        m_nodes[static_cast<size_t>(node)].token = static_cast<int>(tokenIndex);
        m_empty = false;
    }
    bool empty() const { return m_empty; }
    // Longest token starting at pos: (token index, length), or token index -1.
    std::pair<int, size_t> longestAt(const std::string &s, size_t pos) const
    {
        int node = 0;
        std::pair<int, size_t> best{-1, 0};
        for (size_t i = pos; i < s.size(); ++i) {
            const auto &children = m_nodes[static_cast<size_t>(node)].children;
            auto it = children.find(static_cast<unsigned char>(s[i]));
            if (it == children.end())
                break;
            node = it->second;
            if (m_nodes[static_cast<size_t>(node)].token >= 0)
                best = {m_nodes[static_cast<size_t>(node)].token, i + 1 - pos};
        }
        return best;
    }

private:
    struct Node
    {
        std::unordered_map<unsigned char, int> children;
        int token = -1;
    };
    std::vector<Node> m_nodes{Node{}};
    bool m_empty = true;
};

bool endsWithWord(const std::string &s, size_t end);
bool startsWithWord(const std::string &s, size_t start);
// tokenizer.json's "added_tokens" array.
std::vector<AddedToken> parseAddedTokens(const json &added, const Loader &l);

// ---- Padding and truncation; padding.cpp ----

// tokenizer.json "truncation", applied before the post-processor like HF.
struct Truncation
{
    bool enabled = false;
    size_t maxLength = 0;
    bool left = false;
    // added: the special tokens the post-processor will add.
    void apply(TokenizedText &enc, size_t added) const;
};

// tokenizer.json "padding", applied to the single encoding like HF.
struct Padding
{
    bool enabled = false;
    std::optional<size_t> fixed;
    size_t multiple = 0;
    bool left = false;
    int64_t id = 0;
    std::string token;
    void apply(TokenizedText &enc) const;
};

Truncation parseTruncation(const json &t, const Loader &l);
// maxLength: the longest sequence padding may produce (Fixed, pad_to_multiple_of).
Padding parsePadding(const json &p, const Loader &l, const TokenizerLimits &limits);

} // namespace ef::tokjson
