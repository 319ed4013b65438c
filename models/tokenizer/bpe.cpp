// SPDX-License-Identifier: GPL-3.0-or-later
// The tokenizer.json BPE model: vocabulary, merges (a flat pair map), byte fallback, unknown
// tokens, and a sharded word cache.
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <queue>

#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

// Open-addressing hash map from a pair of token ids to (merge rank, merged id): one probe
// sequence in one flat array instead of std::unordered_map's bucket and node indirections (the
// BPE merge loop's hottest lookup; Gemma 3 has 514,906 merges).
class PairMap
{
public:
    struct Value
    {
        uint32_t rank;
        uint32_t merged;
    };
    void reserve(size_t n)
    {
        size_t cap = 16;
        while (cap < n * 2)
            cap <<= 1;
        m_slots.assign(cap, Slot{0, {kEmpty, 0}});
        m_mask = cap - 1;
        m_size = 0;
    }
    // Inserts or overwrites (a later duplicate merge wins, as in HF's merge map).
    void set(uint64_t key, Value v)
    {
        if ((m_size + 1) * 2 > m_slots.size())
            grow();
        for (size_t i = slot(key);; i = (i + 1) & m_mask) {
            Slot &s = m_slots[i];
            if (s.value.rank == kEmpty) {
                s = {key, v};
                ++m_size;
                return;
            }
            if (s.key == key) {
                s.value = v;
                return;
            }
        }
    }
    const Value *find(uint64_t key) const
    {
        if (m_slots.empty())
            return nullptr;
        for (size_t i = slot(key);; i = (i + 1) & m_mask) {
            const Slot &s = m_slots[i];
            if (s.value.rank == kEmpty)
                return nullptr;
            if (s.key == key)
                return &s.value;
        }
    }

private:
    static constexpr uint32_t kEmpty = 0xFFFFFFFFu; // ranks are indices into merges, always smaller
    struct Slot
    {
        uint64_t key;
        Value value;
    };
    size_t slot(uint64_t key) const
    {
        key ^= key >> 31;
        key *= 0x9E3779B97F4A7C15ULL;
        return static_cast<size_t>(key >> 17) & m_mask;
    }
    void grow()
    {
        std::vector<Slot> old;
        old.swap(m_slots);
        const size_t entries = m_size;
        reserve(std::max<size_t>(entries + 1, 8));
        for (const Slot &s : old)
            if (s.value.rank != kEmpty)
                set(s.key, s.value);
    }
    std::vector<Slot> m_slots;
    size_t m_mask = 0;
    size_t m_size = 0;
};
class BpeModel final : public Model
{
public:
    BpeModel(const json &j, const Loader &l)
    {
        const std::string w = "model(BPE)";
        if (l.optField(j, "dropout")) {
            const json &d = j["dropout"];
            if (!(d.is_number() && d.get<double>() == 0.0))
                l.fail(w + ".dropout: " + d.dump() + " is not supported (only null; dropout makes encoding random)");
        }
        const json &vocab = l.field(j, "vocab", w);
        if (!vocab.is_object())
            l.fail(w + ".vocab: expected an object of token -> id");
        if (vocab.size() > kMaxVocab)
            l.fail(w + ".vocab: " + std::to_string(vocab.size()) + " entries, more than the " +
                   std::to_string(kMaxVocab) + " a tokenizer may have");
        m_vocab.reserve(vocab.size());
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0 ||
                it.value().get<int64_t>() > 0xFFFFFFFFLL)
                l.fail(w + ".vocab[\"" + it.key() + "\"]: expected a non-negative integer id, got " +
                       it.value().dump());
            const int64_t id = it.value().get<int64_t>();
            m_vocab[it.key()] = id;
            m_vocabR[id] = it.key();
        }
        m_unk = l.optStr(j, "unk_token", w);
        if (auto p = l.optStr(j, "continuing_subword_prefix", w); p && !p->empty())
            m_prefix = *p;
        if (auto s = l.optStr(j, "end_of_word_suffix", w); s && !s->empty())
            m_suffix = *s;
        m_fuseUnk = l.boolean(j, "fuse_unk", w, false);
        m_byteFallback = l.boolean(j, "byte_fallback", w, false);
        m_ignoreMerges = l.boolean(j, "ignore_merges", w, false);
        if (m_unk) {
            auto it = m_vocab.find(*m_unk);
            if (it == m_vocab.end())
                l.fail(w + ".unk_token: \"" + *m_unk + "\" is not in the vocabulary");
            m_unkId = it->second;
        }

        const json &merges = l.field(j, "merges", w);
        if (!merges.is_array())
            l.fail(w + ".merges: expected an array");
        if (merges.size() > kMaxMerges)
            l.fail(w + ".merges: " + std::to_string(merges.size()) + " entries, more than the " +
                   std::to_string(kMaxMerges) + " a tokenizer may have");
        m_merges.reserve(merges.size());
        for (size_t i = 0; i < merges.size(); ++i) {
            const json &m = merges[i];
            const std::string mw = w + ".merges[" + std::to_string(i) + "]";
            std::string a, b;
            if (m.is_string()) {
                const std::string s = m.get<std::string>();
                const size_t sp = s.find(' ');
                if (sp == std::string::npos || s.find(' ', sp + 1) != std::string::npos)
                    l.fail(mw + ": expected \"a b\" (two tokens separated by one space), got \"" + s + "\"");
                a = s.substr(0, sp);
                b = s.substr(sp + 1);
            } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
                a = m[0].get<std::string>();
                b = m[1].get<std::string>();
            } else {
                l.fail(mw + ": expected \"a b\" or [\"a\", \"b\"], got " + m.dump());
            }
            const auto ia = m_vocab.find(a), ib = m_vocab.find(b);
            if (ia == m_vocab.end())
                l.fail(mw + ": token \"" + a + "\" is not in the vocabulary");
            if (ib == m_vocab.end())
                l.fail(mw + ": token \"" + b + "\" is not in the vocabulary");
            const size_t cut = m_prefix && b.compare(0, m_prefix->size(), *m_prefix) == 0 ? m_prefix->size() : 0;
            const std::string merged = a + b.substr(std::min(cut, b.size()));
            const auto in = m_vocab.find(merged);
            if (in == m_vocab.end())
                l.fail(mw + ": merged token \"" + merged + "\" is not in the vocabulary");
            m_merges.set(pairKey(ia->second, ib->second),
                         {static_cast<uint32_t>(i), static_cast<uint32_t>(in->second)});
        }
        // Ids of the one-character tokens of the Basic Multilingual Plane, looked up without hashing
        // a string for every character of a word (built from the vocabulary, nothing hard-coded).
        if (!m_prefix && !m_suffix) {
            m_charIds.assign(0x10000, -1);
            for (const auto &[token, id] : m_vocab) {
                if (token.empty() || U::seqLen(static_cast<unsigned char>(token[0])) != token.size())
                    continue;
                size_t k = 0;
                const char32_t cp = U::next(token, k);
                if (k == token.size() && cp < 0x10000)
                    m_charIds[cp] = id <= INT32_MAX ? static_cast<int32_t>(id) : -2;
            }
        }
        for (int b = 0; b < 256; ++b) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "<0x%02X>", b);
            auto it = m_vocab.find(buf);
            m_byteIds[static_cast<size_t>(b)] = it == m_vocab.end() ? -1 : it->second;
        }
    }

    bool byteFallback() const override { return m_byteFallback; }
    const std::unordered_map<std::string, int64_t> &vocab() const override { return m_vocab; }
    const std::unordered_map<int64_t, std::string> &vocabR() const override { return m_vocabR; }

    void tokenize(const std::string &word, std::vector<int64_t> &out) const override
    {
        if (word.empty())
            return;
        if (m_ignoreMerges) {
            auto it = m_vocab.find(word);
            if (it != m_vocab.end()) {
                out.push_back(it->second);
                return;
            }
        }
        const bool cacheable = word.size() < kMaxCachedWord;
        CacheShard &shard = m_cache[std::hash<std::string>{}(word) % kShards];
        if (cacheable) {
            std::lock_guard<std::mutex> lock(shard.mutex);
            auto it = shard.map.find(word);
            if (it != shard.map.end()) {
                out.insert(out.end(), it->second.begin(), it->second.end());
                return;
            }
        }
        std::vector<int64_t> ids = mergeWord(word);
        out.insert(out.end(), ids.begin(), ids.end());
        if (cacheable) {
            std::lock_guard<std::mutex> lock(shard.mutex);
            if (shard.map.size() < kCacheCapacityPerShard)
                shard.map.emplace(word, std::move(ids));
        }
    }

private:
    static uint64_t pairKey(int64_t a, int64_t b)
    {
        return (static_cast<uint64_t>(a) << 32) | static_cast<uint64_t>(b);
    }

    struct Symbol
    {
        int64_t id;
        int prev;
        int next;
        size_t len;
    };
    struct Merge
    {
        uint32_t rank;
        int pos;
        uint32_t newId;
        bool operator<(const Merge &o) const // std::priority_queue pops the "largest": lowest rank, then lowest pos
        {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };

    std::vector<int64_t> mergeWord(const std::string &w) const
    {
        std::vector<Symbol> symbols;
        symbols.reserve(w.size());
        auto add = [&symbols](int64_t id, size_t len) {
            const int n = static_cast<int>(symbols.size());
            symbols.push_back({id, n - 1, n + 1, len});
        };
        bool hasUnk = false;
        int64_t unkId = 0;
        size_t unkLen = 0;
        size_t i = 0;
        std::string s;
        while (i < w.size()) {
            const size_t start = i;
            i += U::seqLen(static_cast<unsigned char>(w[i]));
            const bool isFirst = start == 0, isLast = i >= w.size();
            const size_t byteLen = i - start;
            if (!m_charIds.empty() && i <= w.size()) {
                size_t k = start;
                const char32_t cp = U::next(w, k);
                if (cp < 0x10000 && m_charIds[cp] >= 0) {
                    if (hasUnk) {
                        add(unkId, unkLen);
                        hasUnk = false;
                    }
                    add(m_charIds[cp], byteLen);
                    continue;
                }
            }
            s.assign(w, start, byteLen);
            if (!isFirst && m_prefix)
                s.insert(0, *m_prefix);
            if (isLast && m_suffix)
                s += *m_suffix;
            auto it = m_vocab.find(s);
            if (it != m_vocab.end()) {
                if (hasUnk) {
                    add(unkId, unkLen);
                    hasUnk = false;
                }
                add(it->second, byteLen);
                continue;
            }
            if (m_byteFallback) {
                bool all = true;
                for (unsigned char c : s)
                    all = all && m_byteIds[c] >= 0;
                if (all) {
                    for (unsigned char c : s)
                        add(m_byteIds[c], 1);
                    continue;
                }
            }
            if (m_unk) {
                if (hasUnk && m_fuseUnk) {
                    unkLen += byteLen;
                } else {
                    if (hasUnk)
                        add(unkId, unkLen);
                    hasUnk = true;
                    unkId = m_unkId;
                    unkLen = byteLen;
                }
            }
        }
        if (hasUnk)
            add(unkId, unkLen);
        if (!symbols.empty())
            symbols.back().next = -1;

        std::priority_queue<Merge> queue;
        for (size_t k = 0; k + 1 < symbols.size(); ++k) {
            if (const PairMap::Value *m = m_merges.find(pairKey(symbols[k].id, symbols[k + 1].id)))
                queue.push({m->rank, static_cast<int>(k), m->merged});
        }
        const int n = static_cast<int>(symbols.size());
        while (!queue.empty()) {
            const Merge top = queue.top();
            queue.pop();
            Symbol &cur = symbols[static_cast<size_t>(top.pos)];
            if (cur.len == 0 || cur.next == -1)
                continue;
            const int nextPos = cur.next;
            const Symbol right = symbols[static_cast<size_t>(nextPos)];
            const PairMap::Value *m = m_merges.find(pairKey(cur.id, right.id));
            if (!m || m->merged != top.newId)
                continue;
            cur.id = top.newId;
            cur.len += right.len;
            cur.next = right.next;
            symbols[static_cast<size_t>(nextPos)].len = 0;
            if (right.next > -1 && right.next < n)
                symbols[static_cast<size_t>(right.next)].prev = top.pos;
            if (cur.prev >= 0) {
                if (const PairMap::Value *pm =
                        m_merges.find(pairKey(symbols[static_cast<size_t>(cur.prev)].id, cur.id)))
                    queue.push({pm->rank, cur.prev, pm->merged});
            }
            if (cur.next >= 0 && cur.next < n) {
                if (const PairMap::Value *nm =
                        m_merges.find(pairKey(cur.id, symbols[static_cast<size_t>(cur.next)].id)))
                    queue.push({nm->rank, top.pos, nm->merged});
            }
        }
        std::vector<int64_t> ids;
        for (const Symbol &sym : symbols)
            if (sym.len > 0)
                ids.push_back(sym.id);
        return ids;
    }

    static constexpr size_t kMaxCachedWord = 256;
    static constexpr size_t kShards = 16;
    static constexpr size_t kCacheCapacityPerShard = 4096;
    struct CacheShard
    {
        std::mutex mutex;
        std::unordered_map<std::string, std::vector<int64_t>> map;
    };

    std::unordered_map<std::string, int64_t> m_vocab;
    std::unordered_map<int64_t, std::string> m_vocabR;
    PairMap m_merges;               // (a,b) -> (rank, merged id)
    std::vector<int32_t> m_charIds; // BMP code point -> id of that one-character token, -1 none, -2 ask m_vocab
    std::optional<std::string> m_unk;
    int64_t m_unkId = 0;
    std::optional<std::string> m_prefix;
    std::optional<std::string> m_suffix;
    bool m_fuseUnk = false;
    bool m_byteFallback = false;
    bool m_ignoreMerges = false;
    std::array<int64_t, 256> m_byteIds{};
    mutable std::array<CacheShard, kShards> m_cache;
};

} // namespace

std::unique_ptr<Model> parseModel(const json &model, const Loader &l)
{
    std::string modelType = "BPE";
    if (const json *mt = l.optField(model, "type")) {
        if (!mt->is_string())
            l.fail("model.type: expected a string");
        modelType = mt->get<std::string>();
    }
    if (modelType != "BPE")
        l.unsupported("model", "model type", modelType);
    return std::make_unique<BpeModel>(model, l);
}

} // namespace ef::tokjson
