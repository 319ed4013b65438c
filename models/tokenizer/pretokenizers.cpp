// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json pre-tokenizers: Sequence, ByteLevel, Split, Metaspace, Digits, Punctuation,
// Whitespace, WhitespaceSplit and BertPreTokenizer.
#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

// Splits every piece with fn, which returns spans of the (possibly modified) piece text.
template <typename Fn> void splitEach(std::vector<Piece> &pieces, Fn fn)
{
    std::vector<Piece> out;
    out.reserve(pieces.size() * 2);
    for (Piece &p : pieces) {
        const bool atStart = p.atStart;
        const std::vector<Span> spans = fn(p.text, atStart);
        for (const Span &s : spans)
            out.push_back({p.text.substr(s.first, s.second - s.first), atStart && s.first == 0});
    }
    pieces = std::move(out);
}

} // namespace

size_t totalBytes(const std::vector<Piece> &pieces)
{
    size_t n = 0;
    for (const Piece &p : pieces)
        n += p.text.size();
    return n;
}

const std::array<std::string, 256> &byteToUnicode()
{
    static const std::array<std::string, 256> table = [] {
        std::array<std::string, 256> t;
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            const char32_t cp = printable ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
            U::append(t[static_cast<size_t>(b)], cp);
        }
        return t;
    }();
    return table;
}

namespace {

// Oniguruma's Unicode \\w: Alphabetic (letters, Nl, the Other_Alphabetic symbols), marks, Nd, Pc, Join_Control.
const char *const kWordClass =
    R"(\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}\x{24B6}-\x{24E9}\x{1F130}-\x{1F149}\x{1F150}-\x{1F169}\x{1F170}-\x{1F189})";

const char *const kGpt2Pattern = R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer : public PreTokenizer
{
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, const Loader &l, const std::string &where)
        : m_addPrefixSpace(addPrefixSpace), m_useRegex(useRegex)
    {
        if (useRegex)
            m_re = std::make_unique<RegexPattern>(kGpt2Pattern, l, where);
    }
    void apply(std::vector<Piece> &pieces, size_t) const override
    {
        splitEach(pieces, [this](std::string &s, bool) {
            if (m_addPrefixSpace && (s.empty() || s[0] != ' '))
                s.insert(0, " ");
            if (m_useRegex)
                return splitWith(s, *m_re, Behavior::Isolated);
            return s.empty() ? std::vector<Span>{} : std::vector<Span>{{0, s.size()}};
        });
        const auto &table = byteToUnicode();
        for (Piece &p : pieces) {
            std::string mapped;
            mapped.reserve(p.text.size() * 2);
            for (unsigned char c : p.text)
                mapped += table[c];
            p.text = std::move(mapped);
        }
    }

private:
    bool m_addPrefixSpace;
    bool m_useRegex;
    std::unique_ptr<RegexPattern> m_re;
};

class SplitPreTokenizer : public PreTokenizer
{
public:
    SplitPreTokenizer(std::unique_ptr<Pattern> pattern, Behavior behavior, bool invert)
        : m_pattern(std::move(pattern)), m_behavior(behavior), m_invert(invert)
    {}
    void apply(std::vector<Piece> &pieces, size_t) const override
    {
        splitEach(pieces, [this](std::string &s, bool) { return splitWith(s, *m_pattern, m_behavior, m_invert); });
    }

private:
    std::unique_ptr<Pattern> m_pattern;
    Behavior m_behavior;
    bool m_invert;
};

enum class PrependScheme { First, Always, Never };

class MetaspacePreTokenizer : public PreTokenizer
{
public:
    MetaspacePreTokenizer(char32_t replacement, PrependScheme scheme, bool split) : m_scheme(scheme), m_split(split)
    {
        U::append(m_replacement, replacement);
        m_splitPattern = std::make_unique<LiteralPattern>(m_replacement);
    }
    void apply(std::vector<Piece> &pieces, size_t) const override
    {
        splitEach(pieces, [this](std::string &s, bool atStart) {
            std::string r;
            r.reserve(s.size() + 8);
            for (char c : s) {
                if (c == ' ')
                    r += m_replacement;
                else
                    r += c;
            }
            const bool startsWithRep = r.compare(0, m_replacement.size(), m_replacement) == 0;
            if (!startsWithRep && (m_scheme == PrependScheme::Always || (m_scheme == PrependScheme::First && atStart)))
                r.insert(0, m_replacement);
            s = std::move(r);
            if (m_split)
                return splitWith(s, *m_splitPattern, Behavior::MergedWithNext);
            return s.empty() ? std::vector<Span>{} : std::vector<Span>{{0, s.size()}};
        });
    }

private:
    PrependScheme m_scheme;
    bool m_split;
    std::string m_replacement;
    std::unique_ptr<Pattern> m_splitPattern;
};

class PatternPreTokenizer : public PreTokenizer
{
public:
    PatternPreTokenizer(std::unique_ptr<Pattern> pattern, Behavior behavior, bool invert = false)
        : m_pattern(std::move(pattern)), m_behavior(behavior), m_invert(invert)
    {}
    void apply(std::vector<Piece> &pieces, size_t) const override
    {
        splitEach(pieces, [this](std::string &s, bool) { return splitWith(s, *m_pattern, m_behavior, m_invert); });
    }

private:
    std::unique_ptr<Pattern> m_pattern;
    Behavior m_behavior;
    bool m_invert;
};

class SequencePreTokenizer : public PreTokenizer
{
public:
    std::vector<std::unique_ptr<PreTokenizer>> items;
    std::vector<std::string> itemWhere;
    void apply(std::vector<Piece> &pieces, size_t maxBytes) const override
    {
        for (size_t i = 0; i < items.size(); ++i) {
            items[i]->apply(pieces, maxBytes);
            // Each step at most triples the text (Metaspace, ByteLevel), so a check after each
            // keeps a chain of them within a few times the budget.
            if (totalBytes(pieces) > maxBytes)
                failGrowth(itemWhere[i], "pre-tokenized text", maxBytes);
        }
    }
};

class BertPreTokenizer : public PreTokenizer // whitespace removed, punctuation isolated
{
public:
    void apply(std::vector<Piece> &pieces, size_t) const override
    {
        static const CharPredicatePattern ws(U::isWhitespace);
        static const CharPredicatePattern punct(U::isPunctuation);
        splitEach(pieces, [](std::string &s, bool) { return splitWith(s, ws, Behavior::Removed); });
        splitEach(pieces, [](std::string &s, bool) { return splitWith(s, punct, Behavior::Isolated); });
    }
};

} // namespace

std::unique_ptr<PreTokenizer> parsePreTokenizer(const json &j, const Loader &l, const std::string &where)
{
    const std::string t = l.type(j, where);
    const std::string w = where + "(" + t + ")";
    if (t == "Sequence") {
        auto seq = std::make_unique<SequencePreTokenizer>();
        const json &list = l.field(j, "pretokenizers", w);
        if (!list.is_array())
            l.fail(w + ".pretokenizers: expected an array");
        for (size_t i = 0; i < list.size(); ++i) {
            seq->itemWhere.push_back(w + ".pretokenizers[" + std::to_string(i) + "]");
            seq->items.push_back(parsePreTokenizer(list[i], l, seq->itemWhere.back()));
        }
        return seq;
    }
    if (t == "ByteLevel")
        return std::make_unique<ByteLevelPreTokenizer>(l.boolean(j, "add_prefix_space", w, true),
                                                       l.boolean(j, "use_regex", w, true), l, w);
    if (t == "Split") {
        auto pattern = parsePattern(l.field(j, "pattern", w), l, w + ".pattern");
        const Behavior b = parseBehavior(l.str(j, "behavior", w), l, w + ".behavior");
        return std::make_unique<SplitPreTokenizer>(std::move(pattern), b, l.boolean(j, "invert", w, false));
    }
    if (t == "Metaspace") {
        const std::string rep = l.optStr(j, "replacement", w).value_or("\xE2\x96\x81");
        const char32_t repChar = l.singleChar(rep, w + ".replacement");
        PrependScheme scheme = PrependScheme::Always;
        if (auto s = l.optStr(j, "prepend_scheme", w)) {
            if (*s == "first")
                scheme = PrependScheme::First;
            else if (*s == "always")
                scheme = PrependScheme::Always;
            else if (*s == "never")
                scheme = PrependScheme::Never;
            else
                l.unsupported(w + ".prepend_scheme", "value", *s);
        } else if (l.optField(j, "add_prefix_space")) {
            scheme = l.boolean(j, "add_prefix_space", w, true) ? PrependScheme::Always : PrependScheme::Never;
        }
        return std::make_unique<MetaspacePreTokenizer>(repChar, scheme, l.boolean(j, "split", w, true));
    }
    if (t == "Digits") {
        const bool individual = l.boolean(j, "individual_digits", w, false);
        return std::make_unique<PatternPreTokenizer>(std::make_unique<CharPredicatePattern>(U::isNumeric),
                                                     individual ? Behavior::Isolated : Behavior::Contiguous);
    }
    if (t == "Punctuation") {
        Behavior b = Behavior::Isolated;
        if (auto s = l.optStr(j, "behavior", w))
            b = parseBehavior(*s, l, w + ".behavior");
        return std::make_unique<PatternPreTokenizer>(std::make_unique<CharPredicatePattern>(U::isPunctuation), b);
    }
    if (t == "Whitespace") {
        // HF: Regex(r"\w+|[^\w\s]+") split with Invert + Removed; \w as Oniguruma's Unicode word class.
        auto re = std::make_unique<RegexPattern>(std::string("[") + kWordClass + "]+|[^" + kWordClass + "\\s]+", l, w);
        return std::make_unique<PatternPreTokenizer>(std::move(re), Behavior::Removed, true);
    }
    if (t == "WhitespaceSplit")
        return std::make_unique<PatternPreTokenizer>(std::make_unique<CharPredicatePattern>(U::isWhitespace),
                                                     Behavior::Removed);
    if (t == "BertPreTokenizer")
        return std::make_unique<BertPreTokenizer>();
    l.unsupported(where, "pre_tokenizer type", t);
}

} // namespace ef::tokjson
