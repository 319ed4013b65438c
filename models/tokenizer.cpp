// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer loading (tokenizer.json or SentencePiece .model) and the SentencePiece-backed tokenizer.
#include "models/tokenizer.h"

#include <fstream>
#include <sstream>
#include <sys/stat.h>

#include <sentencepiece_processor.h>

namespace ef {

std::unique_ptr<Tokenizer> makeJsonTokenizer(const std::string &text, const std::string &source); // tokenizer_json.cpp

namespace {

bool fileExists(const std::string &path)
{
    struct stat st{};
    return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

std::string readFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw TokenizerError(path, "cannot open the file");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        throw TokenizerError(path, "read error");
    return ss.str();
}

class SentencePieceTokenizer final : public Tokenizer
{
public:
    SentencePieceTokenizer(const std::string &bytes, const std::string &source) : m_source(source)
    {
        const auto status = m_sp.LoadFromSerializedProto(bytes);
        if (!status.ok())
            throw TokenizerError(source, "not a SentencePiece model: " + status.ToString());
    }

    TokenizedText encodeWithTokens(const std::string &text, bool addSpecialTokens) const override
    {
        size_t bad = 0;
        if (!isValidUtf8(text, &bad))
            throw TokenizerError(m_source, "input text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        std::vector<int> ids;
        const auto status = m_sp.Encode(text, &ids);
        if (!status.ok())
            throw TokenizerError(m_source, "SentencePiece encode failed: " + status.ToString());
        TokenizedText out;
        // Like Hugging Face's LlamaTokenizer: BOS in front when the model has one.
        if (addSpecialTokens && m_sp.bos_id() >= 0) {
            out.ids.push_back(m_sp.bos_id());
            out.tokens.push_back(m_sp.IdToPiece(m_sp.bos_id()));
        }
        for (int id : ids) {
            out.ids.push_back(id);
            out.tokens.push_back(m_sp.IdToPiece(id));
        }
        return out;
    }

    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
    {
        std::vector<int> kept;
        for (int64_t id : ids) {
            if (id < 0 || id >= m_sp.GetPieceSize())
                continue;
            if (skipSpecialTokens && m_sp.IsControl(static_cast<int>(id)))
                continue;
            kept.push_back(static_cast<int>(id));
        }
        std::string out;
        const auto status = m_sp.Decode(kept, &out);
        if (!status.ok())
            throw TokenizerError(m_source, "SentencePiece decode failed: " + status.ToString());
        return out;
    }

    std::optional<int64_t> tokenToId(const std::string &token) const override
    {
        const int id = m_sp.PieceToId(token);
        if (id == m_sp.unk_id() && token != m_sp.IdToPiece(id))
            return std::nullopt;
        return id;
    }
    std::optional<std::string> idToToken(int64_t id) const override
    {
        if (id < 0 || id >= m_sp.GetPieceSize())
            return std::nullopt;
        return m_sp.IdToPiece(static_cast<int>(id));
    }
    int64_t vocabSize() const override { return m_sp.GetPieceSize(); }
    bool isSpecial(int64_t id) const override
    {
        return id >= 0 && id < m_sp.GetPieceSize()
               && (m_sp.IsControl(static_cast<int>(id)) || m_sp.IsUnknown(static_cast<int>(id)));
    }
    std::string kind() const override { return "sentencepiece"; }
    std::string source() const override { return m_source; }

private:
    std::string m_source;
    sentencepiece::SentencePieceProcessor m_sp;
};

} // namespace

bool isValidUtf8(const std::string &s, size_t *errorOffset)
{
    size_t i = 0;
    const size_t n = s.size();
    while (i < n) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t need = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            lo = c == 0xE0 ? 0xA0 : 0x80;
            hi = c == 0xED ? 0x9F : 0xBF;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            lo = c == 0xF0 ? 0x90 : 0x80;
            hi = c == 0xF4 ? 0x8F : 0xBF;
        } else {
            if (errorOffset)
                *errorOffset = i;
            return false;
        }
        if (i + need >= n) {
            if (errorOffset)
                *errorOffset = i;
            return false;
        }
        for (size_t k = 1; k <= need; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + k]);
            if (cc < (k == 1 ? lo : 0x80) || cc > (k == 1 ? hi : 0xBF)) {
                if (errorOffset)
                    *errorOffset = i;
                return false;
            }
        }
        i += need + 1;
    }
    return true;
}

std::vector<int64_t> Tokenizer::encode(const std::string &text, bool addSpecialTokens) const
{
    return encodeWithTokens(text, addSpecialTokens).ids;
}

std::vector<std::string> Tokenizer::tokens(const std::string &text, bool addSpecialTokens) const
{
    return encodeWithTokens(text, addSpecialTokens).tokens;
}

std::unique_ptr<Tokenizer> Tokenizer::fromJson(const std::string &jsonText, const std::string &sourceName)
{
    return makeJsonTokenizer(jsonText, sourceName);
}

std::unique_ptr<Tokenizer> Tokenizer::fromFile(const std::string &path)
{
    const std::string bytes = readFile(path);
    size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t'))
        ++i;
    if (i < bytes.size() && bytes[i] == '{')
        return makeJsonTokenizer(bytes, path);
    return std::make_unique<SentencePieceTokenizer>(bytes, path);
}

std::unique_ptr<Tokenizer> Tokenizer::fromDirectory(const std::string &dir)
{
    const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    if (fileExists(base + "tokenizer.json"))
        return fromFile(base + "tokenizer.json");
    if (fileExists(base + "tokenizer.model"))
        return fromFile(base + "tokenizer.model");
    throw TokenizerError(dir, "no tokenizer.json or tokenizer.model in this directory");
}

} // namespace ef
