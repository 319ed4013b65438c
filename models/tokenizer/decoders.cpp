// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json decoders: Sequence, ByteLevel, Metaspace, ByteFallback, Fuse, Strip, Replace.
#include <cctype>

#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

const std::unordered_map<char32_t, unsigned char> &unicodeToByte()
{
    static const std::unordered_map<char32_t, unsigned char> table = [] {
        std::unordered_map<char32_t, unsigned char> t;
        for (int b = 0; b < 256; ++b) {
            size_t i = 0;
            t[U::next(byteToUnicode()[static_cast<size_t>(b)], i)] = static_cast<unsigned char>(b);
        }
        return t;
    }();
    return table;
}

size_t totalBytes(const std::vector<std::string> &tokens)
{
    size_t n = 0;
    for (const std::string &t : tokens)
        n += t.size();
    return n;
}

// fn gets the tokens and the most they may hold together (fn may stop early past it: Replace does).
class FnDecoder : public Decoder
{
public:
    FnDecoder(std::string where, std::function<void(std::vector<std::string> &, size_t)> fn)
        : m_where(std::move(where)), m_fn(std::move(fn))
    {}
    void decodeChain(std::vector<std::string> &tokens, size_t maxBytes) const override
    {
        m_fn(tokens, maxBytes);
        if (totalBytes(tokens) > maxBytes)
            failGrowth(m_where, "decoded text", maxBytes);
    }

private:
    std::string m_where;
    std::function<void(std::vector<std::string> &, size_t)> m_fn;
};

// String::from_utf8_lossy: each maximal invalid subsequence becomes U+FFFD.
std::string utf8Lossy(const std::string &bytes)
{
    std::string out;
    out.reserve(bytes.size());
    size_t i = 0;
    while (i < bytes.size()) {
        const auto c = static_cast<unsigned char>(bytes[i]);
        size_t need = 0;
        unsigned char lo = 0x80, hi = 0xBF;
        if (c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            need = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2;
            if (c == 0xE0)
                lo = 0xA0;
            if (c == 0xED)
                hi = 0x9F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3;
            if (c == 0xF0)
                lo = 0x90;
            if (c == 0xF4)
                hi = 0x8F;
        } else {
            out += "\xEF\xBF\xBD";
            ++i;
            continue;
        }
        size_t k = 1;
        for (; k <= need && i + k < bytes.size(); ++k) {
            const auto cc = static_cast<unsigned char>(bytes[i + k]);
            const unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
            if (cc < l || cc > h)
                break;
        }
        if (k == need + 1) {
            out.append(bytes, i, need + 1);
            i += need + 1;
        } else {
            out += "\xEF\xBF\xBD";
            i += k;
        }
    }
    return out;
}

class SequenceDecoder : public Decoder
{
public:
    std::vector<std::unique_ptr<Decoder>> items;
    void decodeChain(std::vector<std::string> &tokens, size_t maxBytes) const override
    {
        for (auto &d : items)
            d->decodeChain(tokens, maxBytes);
    }
};

} // namespace

std::unique_ptr<Decoder> parseDecoder(const json &j, const Loader &l, const std::string &where)
{
    const std::string t = l.type(j, where);
    const std::string w = where + "(" + t + ")";
    if (t == "Sequence") {
        auto seq = std::make_unique<SequenceDecoder>();
        const json &list = l.field(j, "decoders", w);
        if (!list.is_array())
            l.fail(w + ".decoders: expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            seq->items.push_back(parseDecoder(list[i], l, w + ".decoders[" + std::to_string(i) + "]"));
        return seq;
    }
    if (t == "ByteLevel") {
        return std::make_unique<FnDecoder>(w, [](std::vector<std::string> &tokens, size_t) {
            const auto &table = unicodeToByte();
            std::string bytes;
            for (const std::string &tok : tokens) {
                std::string tb;
                bool ok = true;
                size_t i = 0;
                while (i < tok.size()) {
                    auto it = table.find(U::next(tok, i));
                    if (it == table.end()) {
                        ok = false;
                        break;
                    }
                    tb += static_cast<char>(it->second);
                }
                bytes += ok ? tb : tok;
            }
            tokens = {utf8Lossy(bytes)};
        });
    }
    if (t == "Metaspace") {
        const std::string rep = l.optStr(j, "replacement", w).value_or("\xE2\x96\x81");
        l.singleChar(rep, w + ".replacement");
        bool prepend = true;
        if (auto s = l.optStr(j, "prepend_scheme", w))
            prepend = *s != "never";
        else if (l.optField(j, "add_prefix_space"))
            prepend = l.boolean(j, "add_prefix_space", w, true);
        return std::make_unique<FnDecoder>(w, [rep, prepend](std::vector<std::string> &tokens, size_t) {
            for (size_t i = 0; i < tokens.size(); ++i) {
                std::string out;
                const std::string &tok = tokens[i];
                size_t p = 0;
                while (p < tok.size()) {
                    if (tok.compare(p, rep.size(), rep) == 0) {
                        if (!(i == 0 && prepend))
                            out += ' ';
                        p += rep.size();
                    } else {
                        out += tok[p++];
                    }
                }
                tokens[i] = std::move(out);
            }
        });
    }
    if (t == "ByteFallback") {
        return std::make_unique<FnDecoder>(w, [](std::vector<std::string> &tokens, size_t) {
            std::vector<std::string> out;
            std::string pending;
            size_t pendingCount = 0;
            auto flush = [&] {
                if (!pendingCount)
                    return;
                if (isValidUtf8(pending))
                    out.push_back(pending);
                else
                    for (size_t k = 0; k < pendingCount; ++k)
                        out.emplace_back("\xEF\xBF\xBD");
                pending.clear();
                pendingCount = 0;
            };
            for (std::string &tok : tokens) {
                if (tok.size() == 6 && tok.compare(0, 3, "<0x") == 0 && tok[5] == '>' &&
                    std::isxdigit(static_cast<unsigned char>(tok[3])) &&
                    std::isxdigit(static_cast<unsigned char>(tok[4]))) {
                    pending += static_cast<char>(std::stoi(tok.substr(3, 2), nullptr, 16));
                    ++pendingCount;
                } else {
                    flush();
                    out.push_back(std::move(tok));
                }
            }
            flush();
            tokens = std::move(out);
        });
    }
    if (t == "Fuse") {
        return std::make_unique<FnDecoder>(w, [](std::vector<std::string> &tokens, size_t) {
            std::string all;
            for (auto &tok : tokens)
                all += tok;
            tokens = {all};
        });
    }
    if (t == "Strip") {
        const std::string content = l.str(j, "content", w);
        const char32_t c = l.singleChar(content, w + ".content");
        const size_t start = static_cast<size_t>(l.integer(j, "start", w));
        const size_t stop = static_cast<size_t>(l.integer(j, "stop", w));
        return std::make_unique<FnDecoder>(w, [c, start, stop](std::vector<std::string> &tokens, size_t) {
            for (auto &tok : tokens) {
                std::vector<char32_t> chars;
                size_t i = 0;
                while (i < tok.size())
                    chars.push_back(U::next(tok, i));
                size_t startCut = 0;
                for (size_t k = 0; k < chars.size() && k < start && chars[k] == c; ++k)
                    startCut = k + 1;
                size_t stopCut = chars.size();
                for (size_t k = 0; k < chars.size() && k < stop && chars[chars.size() - 1 - k] == c; ++k)
                    stopCut = chars.size() - k - 1;
                std::string out;
                for (size_t k = startCut; k < stopCut; ++k)
                    U::append(out, chars[k]);
                tok = std::move(out);
            }
        });
    }
    if (t == "Replace") {
        std::shared_ptr<Pattern> pattern = parsePattern(l.field(j, "pattern", w), l, w + ".pattern");
        const std::string content = l.str(j, "content", w);
        return std::make_unique<FnDecoder>(w, [pattern, content](std::vector<std::string> &tokens, size_t maxBytes) {
            size_t total = totalBytes(tokens);
            for (auto &tok : tokens) {
                const size_t before = tok.size();
                tok = replaceAll(tok, *pattern, content, maxBytes - std::min(maxBytes, total - before));
                total = total - before + tok.size();
                if (total > maxBytes)
                    return; // FnDecoder reports it
            }
        });
    }
    l.unsupported(where, "decoder type", t);
}

} // namespace ef::tokjson
