// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json normalizers: Sequence, NFC/NFD/NFKC/NFKD, Lowercase, StripAccents, Strip, Prepend, Replace.
#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

// fn gets the text and the longest it may become (fn may stop early past it: Replace does).
class FnNormalizer : public Normalizer
{
public:
    FnNormalizer(std::string where, std::function<void(std::string &, size_t)> fn)
        : m_where(std::move(where)), m_fn(std::move(fn))
    {}
    void apply(std::string &s, size_t maxBytes) const override
    {
        m_fn(s, maxBytes);
        if (s.size() > maxBytes)
            failGrowth(m_where, "normalized text", maxBytes);
    }

private:
    std::string m_where;
    std::function<void(std::string &, size_t)> m_fn;
};

class SequenceNormalizer : public Normalizer
{
public:
    std::vector<std::unique_ptr<Normalizer>> items;
    void apply(std::string &s, size_t maxBytes) const override
    {
        for (auto &n : items)
            n->apply(s, maxBytes);
    }
};

} // namespace

std::unique_ptr<Normalizer> parseNormalizer(const json &j, const Loader &l, const std::string &where)
{
    const std::string t = l.type(j, where);
    const std::string w = where + "(" + t + ")";
    if (t == "Sequence") {
        auto seq = std::make_unique<SequenceNormalizer>();
        const json &list = l.field(j, "normalizers", w);
        if (!list.is_array())
            l.fail(w + ".normalizers: expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            seq->items.push_back(parseNormalizer(list[i], l, w + ".normalizers[" + std::to_string(i) + "]"));
        return seq;
    }
    if (t == "NFC")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::nfc(s); });
    if (t == "NFD")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::nfd(s); });
    if (t == "NFKC")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::nfkc(s); });
    if (t == "NFKD")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::nfkd(s); });
    if (t == "Lowercase")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::lowercase(s); });
    if (t == "StripAccents")
        return std::make_unique<FnNormalizer>(w, [](std::string &s, size_t) { s = U::stripMarks(s); });
    if (t == "Strip") {
        const bool left = l.boolean(j, "strip_left", w, true);
        const bool right = l.boolean(j, "strip_right", w, true);
        return std::make_unique<FnNormalizer>(w, [left, right](std::string &s, size_t) {
            size_t b = 0, e = s.size();
            if (left) {
                size_t i = 0;
                while (i < s.size()) {
                    const size_t at = i;
                    if (!U::isWhitespace(U::next(s, i))) {
                        b = at;
                        break;
                    }
                    b = i;
                }
            }
            if (right) {
                size_t i = b;
                size_t lastNonWs = b;
                while (i < e) {
                    if (!U::isWhitespace(U::next(s, i)))
                        lastNonWs = i;
                }
                e = lastNonWs;
            }
            s = s.substr(b, e - b);
        });
    }
    if (t == "Prepend") {
        const std::string prepend = l.str(j, "prepend", w);
        return std::make_unique<FnNormalizer>(w, [prepend](std::string &s, size_t) {
            if (!s.empty())
                s.insert(0, prepend);
        });
    }
    if (t == "Replace") {
        std::shared_ptr<Pattern> pattern = parsePattern(l.field(j, "pattern", w), l, w + ".pattern");
        const std::string content = l.str(j, "content", w);
        return std::make_unique<FnNormalizer>(
            w, [pattern, content](std::string &s, size_t maxBytes) { s = replaceAll(s, *pattern, content, maxBytes); });
    }
    l.unsupported(where, "normalizer type", t);
}

} // namespace ef::tokjson
