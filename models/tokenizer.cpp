// SPDX-License-Identifier: GPL-3.0-or-later
// Tokenizer loading (tokenizer.json or SentencePiece .model) and the SentencePiece-backed tokenizer.
#include "models/tokenizer.h"

#include <cstdlib>
#include <type_traits>

#include <dlfcn.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "models/fileguard.h"
#include "models/jsonguard.h"

namespace ef {

std::unique_ptr<Tokenizer> makeJsonTokenizer(const std::string &text, const std::string &source,
                                             const TokenizerLimits &limits); // tokenizer/jsontokenizer.cpp

namespace {

constexpr uint64_t kMaxConfigBytes = uint64_t(16) << 20; // as models/modelconfig.cpp

bool exists(const std::string &path)
{
    return files::status(path).kind != files::Kind::Missing;
}

std::string readFile(const std::string &path, uint64_t maxBytes)
{
    try {
        return files::readRegular(path, maxBytes);
    } catch (const files::FileError &e) {
        throw TokenizerError(path, e.reason());
    }
}

// The folder's config.json max_position_embeddings, which bounds padding; nothing when the file
// is absent or unusable (ModelConfig reports what is wrong with it).
void applyModelLimits(const std::string &configPath, TokenizerLimits &limits)
{
    if (!exists(configPath))
        return;
    try {
        const std::string text = files::readRegular(configPath, kMaxConfigBytes);
        if (jsonguard::findTooDeep(text))
            return;
        const nlohmann::json j = nlohmann::json::parse(text, nullptr, false);
        if (!j.is_object())
            return;
        const auto it = j.find("max_position_embeddings");
        if (it != j.end() && it->is_number_integer() && it->get<int64_t>() > 0 &&
            it->get<int64_t>() < limits.maxSequenceLength) {
            limits.maxSequenceLength = it->get<int64_t>();
            limits.maxSequenceLengthSource = "max_position_embeddings in " + configPath;
        }
    } catch (const std::exception &) {
    }
}

// The functions of sentencepiece_module.cpp, loaded once per process.
struct SpmModule
{
    void *(*load)(const char *, size_t, char *, size_t) = nullptr;
    void (*free)(void *) = nullptr;
    long (*encode)(void *, const char *, size_t, int *, size_t, char *, size_t) = nullptr;
    long (*decode)(void *, const int *, size_t, char *, size_t, char *, size_t) = nullptr;
    const char *(*idToPiece)(void *, int, size_t *) = nullptr;
    int (*pieceToId)(void *, const char *, size_t) = nullptr;
    int (*info)(void *, int) = nullptr;
    int (*is)(void *, int, int) = nullptr;
    std::string error;
};

const SpmModule &spmModule()
{
    static const SpmModule module = [] {
        SpmModule m;
#ifdef EMBEDFORGE_NO_SENTENCEPIECE
        m.error = "this build has no SentencePiece support (libsentencepiece was not found when it was configured); "
                  "use the model's tokenizer.json";
        return m;
#else
        std::vector<std::string> candidates;
        if (const char *env = std::getenv("EMBEDFORGE_SPM_MODULE"))
            candidates.emplace_back(env);
        // Relative to the running program first, so an installed copy (a .deb under /usr) uses its
        // own module; then the build tree's, then the configured install path.
        char exe[4096];
        const ssize_t n = ::readlink("/proc/self/exe", exe, sizeof(exe) - 1);
        if (n > 0) {
            std::string dir(exe, static_cast<size_t>(n));
            dir.erase(dir.find_last_of('/') + 1);
            candidates.push_back(dir + EMBEDFORGE_SPM_MODULE_RELATIVE_PATH);
        }
        candidates.emplace_back(EMBEDFORGE_SPM_MODULE_BUILD_PATH);
        candidates.emplace_back(EMBEDFORGE_SPM_MODULE_INSTALL_PATH);
        void *lib = nullptr;
        std::string tried;
        for (const auto &c : candidates) {
#ifdef EMBEDFORGE_SANITIZE
            // ASan and UBSan abort on RTLD_DEEPBIND; their test processes do not load LibTorch,
            // whose protobuf the flag keeps apart (see sentencepiece_module.cpp).
            lib = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
            lib = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
            if (lib)
                break;
            const char *e = ::dlerror();
            tried += "\n  " + c + ": " + (e ? e : "not found");
        }
        if (!lib) {
            m.error = "cannot load the SentencePiece module:" + tried;
            return m;
        }
        auto sym = [&](auto &fn, const char *name) {
            fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(::dlsym(lib, name));
            if (!fn && m.error.empty())
                m.error = std::string("the SentencePiece module lacks ") + name;
        };
        sym(m.load, "ef_spm_load");
        sym(m.free, "ef_spm_free");
        sym(m.encode, "ef_spm_encode");
        sym(m.decode, "ef_spm_decode");
        sym(m.idToPiece, "ef_spm_id_to_piece");
        sym(m.pieceToId, "ef_spm_piece_to_id");
        sym(m.info, "ef_spm_info");
        sym(m.is, "ef_spm_is");
        return m;
#endif
    }();
    return module;
}

class SentencePieceTokenizer final : public Tokenizer
{
public:
    SentencePieceTokenizer(const std::string &bytes, const std::string &source) : m_source(source), m_mod(spmModule())
    {
        if (!m_mod.error.empty())
            throw TokenizerError(source, m_mod.error);
        char err[512] = {0};
        m_handle = m_mod.load(bytes.data(), bytes.size(), err, sizeof err);
        if (!m_handle)
            throw TokenizerError(source, std::string("not a SentencePiece model: ") + err);
        m_pieces = m_mod.info(m_handle, 0);
        m_bos = m_mod.info(m_handle, 1);
        m_unk = m_mod.info(m_handle, 2);
    }
    ~SentencePieceTokenizer() override { m_mod.free(m_handle); }
    SentencePieceTokenizer(const SentencePieceTokenizer &) = delete;
    SentencePieceTokenizer &operator=(const SentencePieceTokenizer &) = delete;

    TokenizedText encodeWithTokens(const std::string &text, bool addSpecialTokens) const override
    {
        size_t bad = 0;
        if (!isValidUtf8(text, &bad))
            throw TokenizerError(m_source, "input text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
        std::vector<int> ids(text.size() + 8);
        char err[512] = {0};
        long n = m_mod.encode(m_handle, text.data(), text.size(), ids.data(), ids.size(), err, sizeof err);
        if (n > static_cast<long>(ids.size())) {
            ids.resize(static_cast<size_t>(n));
            n = m_mod.encode(m_handle, text.data(), text.size(), ids.data(), ids.size(), err, sizeof err);
        }
        if (n < 0)
            throw TokenizerError(m_source, std::string("SentencePiece encode failed: ") + err);
        ids.resize(static_cast<size_t>(n));
        TokenizedText out;
        // Like Hugging Face's LlamaTokenizer: BOS in front when the model has one.
        if (addSpecialTokens && m_bos >= 0) {
            out.ids.push_back(m_bos);
            out.tokens.push_back(piece(m_bos));
        }
        for (int id : ids) {
            out.ids.push_back(id);
            out.tokens.push_back(piece(id));
        }
        return out;
    }

    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
    {
        std::vector<int> kept;
        for (int64_t id : ids) {
            if (id < 0 || id >= m_pieces)
                continue;
            if (skipSpecialTokens && m_mod.is(m_handle, static_cast<int>(id), 0))
                continue;
            kept.push_back(static_cast<int>(id));
        }
        std::string out(kept.size() * 8 + 16, '\0');
        char err[512] = {0};
        long n = m_mod.decode(m_handle, kept.data(), kept.size(), out.data(), out.size(), err, sizeof err);
        if (n > static_cast<long>(out.size())) {
            out.resize(static_cast<size_t>(n));
            n = m_mod.decode(m_handle, kept.data(), kept.size(), out.data(), out.size(), err, sizeof err);
        }
        if (n < 0)
            throw TokenizerError(m_source, std::string("SentencePiece decode failed: ") + err);
        out.resize(static_cast<size_t>(n));
        return out;
    }

    std::optional<int64_t> tokenToId(const std::string &token) const override
    {
        const int id = m_mod.pieceToId(m_handle, token.data(), token.size());
        if (id == m_unk && token != piece(id))
            return std::nullopt;
        return id;
    }
    std::optional<std::string> idToToken(int64_t id) const override
    {
        if (id < 0 || id >= m_pieces)
            return std::nullopt;
        return piece(static_cast<int>(id));
    }
    int64_t vocabSize() const override { return m_pieces; }
    bool isSpecial(int64_t id) const override
    {
        return id >= 0 && id < m_pieces &&
               (m_mod.is(m_handle, static_cast<int>(id), 0) || m_mod.is(m_handle, static_cast<int>(id), 1));
    }
    std::string kind() const override { return "sentencepiece"; }
    std::string source() const override { return m_source; }

private:
    std::string piece(int id) const
    {
        size_t len = 0;
        const char *p = m_mod.idToPiece(m_handle, id, &len);
        return std::string(p, len);
    }

    std::string m_source;
    const SpmModule &m_mod;
    void *m_handle = nullptr;
    int m_pieces = 0;
    int m_bos = -1;
    int m_unk = 0;
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
    return encodeIds(text, addSpecialTokens);
}

std::vector<std::string> Tokenizer::tokens(const std::string &text, bool addSpecialTokens) const
{
    return encodeWithTokens(text, addSpecialTokens).tokens;
}

std::unique_ptr<Tokenizer> Tokenizer::fromJson(const std::string &jsonText, const std::string &sourceName,
                                               const TokenizerLimits &limits)
{
    return makeJsonTokenizer(jsonText, sourceName, limits);
}

std::unique_ptr<Tokenizer> Tokenizer::fromFile(const std::string &path, const TokenizerLimits &limits)
{
    const std::string bytes = readFile(path, limits.maxFileBytes);
    size_t i = 0;
    while (i < bytes.size() && (bytes[i] == ' ' || bytes[i] == '\n' || bytes[i] == '\r' || bytes[i] == '\t'))
        ++i;
    if (i < bytes.size() && bytes[i] == '{')
        return makeJsonTokenizer(bytes, path, limits);
    try {
        return std::make_unique<SentencePieceTokenizer>(bytes, path);
    } catch (const std::bad_alloc &) {
        throw TokenizerError(path, "out of memory while loading it (" + std::to_string(bytes.size()) +
                                       " bytes): the file asks for more than this machine has");
    }
}

std::unique_ptr<Tokenizer> Tokenizer::fromDirectory(const std::string &dir)
{
    const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    TokenizerLimits limits;
    applyModelLimits(base + "config.json", limits);
    // Present in any form counts: a FIFO or a directory named tokenizer.json is an error naming
    // it (fromFile), not a reason to look elsewhere.
    if (exists(base + "tokenizer.json"))
        return fromFile(base + "tokenizer.json", limits);
    if (exists(base + "tokenizer.model"))
        return fromFile(base + "tokenizer.model", limits);
    throw TokenizerError(dir, "no tokenizer.json or tokenizer.model in this directory");
}

} // namespace ef
