// SPDX-License-Identifier: GPL-3.0-or-later
// Text tokenizers: Hugging Face tokenizer.json (BPE, byte-level and byte-fallback) and SentencePiece .model.
//
// Thread-safety: a Tokenizer is immutable after loading except for an internal, mutex-guarded
// word cache, so one instance may be shared and encode()/decode() called from many threads at once.
// Ownership: fromFile() returns a unique_ptr; the tokenizer holds no reference to the file afterwards.
// Errors: loading throws TokenizerError naming the file, the component or field and the value;
// encode() throws TokenizerError for text that is not valid UTF-8.
// Hostile files: only regular files are read, JSON nested deeper than 64 levels is refused, and
// every size that drives an allocation is bounded (TokenizerLimits and models/tokenizer/internal.h),
// so a malformed file costs a TokenizerError, never a hang or gigabytes; so does a normalizer or
// decoder that makes a text grow without bound while encoding or decoding.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ef {

class TokenizerError : public std::runtime_error
{
public:
    TokenizerError(const std::string &file, const std::string &message)
        : std::runtime_error(file.empty() ? message : file + ": " + message), m_file(file)
    {}
    const std::string &file() const { return m_file; }

private:
    std::string m_file;
};

// Bounds a tokenizer file must respect. The defaults fit every released model.
struct TokenizerLimits
{
    uint64_t maxFileBytes = uint64_t(128) << 20; // tokenizer.json or .model (Gemma 3's is 33 MB)
    // The longest sequence padding may produce (padding.strategy.Fixed, pad_to_multiple_of);
    // fromDirectory() lowers it to config.json's max_position_embeddings.
    int64_t maxSequenceLength = int64_t(1) << 20;
    std::string maxSequenceLengthSource = "EmbedForge's limit";
};

// Ids and token strings of one encoded text, in order.
struct TokenizedText
{
    std::vector<int64_t> ids;
    std::vector<std::string> tokens;
};

class Tokenizer
{
public:
    virtual ~Tokenizer() = default;

    // Loads "tokenizer.json" (any JSON file) or a SentencePiece "tokenizer.model" (anything else).
    static std::unique_ptr<Tokenizer> fromFile(const std::string &path, const TokenizerLimits &limits = {});
    // Loads tokenizer.json text; sourceName is used in error messages.
    static std::unique_ptr<Tokenizer> fromJson(const std::string &jsonText,
                                               const std::string &sourceName = "tokenizer.json",
                                               const TokenizerLimits &limits = {});
    // Loads from a model directory: tokenizer.json when present, else tokenizer.model; padding
    // is bounded by config.json's max_position_embeddings when the folder has one.
    static std::unique_ptr<Tokenizer> fromDirectory(const std::string &dir);

    // Encodes like Hugging Face `tokenizer.encode(text, add_special_tokens=...)`.
    virtual TokenizedText encodeWithTokens(const std::string &text, bool addSpecialTokens = true) const = 0;
    std::vector<int64_t> encode(const std::string &text, bool addSpecialTokens = true) const;
    std::vector<std::string> tokens(const std::string &text, bool addSpecialTokens = true) const;

    // Like Hugging Face `tokenizer.decode(ids, skip_special_tokens=...)`. Unknown ids are skipped.
    virtual std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens = false) const = 0;

    virtual std::optional<int64_t> tokenToId(const std::string &token) const = 0;
    virtual std::optional<std::string> idToToken(int64_t id) const = 0;
    // Number of ids, added tokens included (max id + 1).
    virtual int64_t vocabSize() const = 0;
    // Whether id is a special added token (tokenizer.json) or a control symbol (SentencePiece).
    virtual bool isSpecial(int64_t id) const = 0;

    // "bpe-byte-level", "bpe-byte-fallback", "bpe" (tokenizer.json) or "sentencepiece" (.model).
    virtual std::string kind() const = 0;
    // The file it was loaded from (or the sourceName given to fromJson).
    virtual std::string source() const = 0;

protected:
    // What encode() returns; an implementation may skip building the token strings.
    virtual std::vector<int64_t> encodeIds(const std::string &text, bool addSpecialTokens) const
    {
        return encodeWithTokens(text, addSpecialTokens).ids;
    }
};

// True when s is well-formed UTF-8; otherwise errorOffset (when given) gets the first bad byte.
bool isValidUtf8(const std::string &s, size_t *errorOffset = nullptr);

} // namespace ef
