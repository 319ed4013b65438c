// SPDX-License-Identifier: GPL-3.0-or-later
// The Hugging Face tokenizer.json engine: normalizers, pre-tokenizers, BPE, post-processors, decoders.
#include <algorithm>
#include <array>
#include <cstring>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <unordered_set>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <nlohmann/json.hpp>
#include <pcre2.h>

#include "models/tokenizer.h"
#include "models/tokenizer_unicode.h"

namespace ef {

namespace {

using nlohmann::json;
namespace U = ef::tokunicode;

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

// ---- Regular expressions (PCRE2, UTF + UCP, JIT) ----

// Oniguruma and Rust's regex treat every White_Space character as \s; PCRE2 leaves out U+0085.
std::string adaptPattern(const std::string &p)
{
    std::string out;
    bool inClass = false;
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char n = p[i + 1];
            if (n == 's')
                out += inClass ? "\\s\\x{85}" : "[\\s\\x{85}]";
            else if (n == 'S' && !inClass)
                out += "[^\\s\\x{85}]";
            else
                out.append(p, i, 2);
            ++i;
            continue;
        }
        if (!inClass && c == '[') {
            inClass = true;
            out += c;
            // a ']' right after '[' or '[^' is literal
            if (i + 1 < p.size() && p[i + 1] == '^') {
                out += '^';
                ++i;
            }
            if (i + 1 < p.size() && p[i + 1] == ']') {
                out += ']';
                ++i;
            }
            continue;
        }
        if (inClass && c == ']')
            inClass = false;
        out += c;
    }
    return out;
}

class Regex
{
public:
    Regex(const std::string &pattern, const Loader &loader, const std::string &where) : m_pattern(pattern)
    {
        const std::string adapted = adaptPattern(pattern);
        int err = 0;
        PCRE2_SIZE errOffset = 0;
        m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(adapted.data()), adapted.size(),
                               PCRE2_UTF | PCRE2_UCP, &err, &errOffset, nullptr);
        if (!m_code) {
            PCRE2_UCHAR buf[256];
            pcre2_get_error_message(err, buf, sizeof buf);
            loader.fail(where + ": invalid regex \"" + pattern + "\": " + reinterpret_cast<const char *>(buf));
        }
        pcre2_jit_compile(m_code, PCRE2_JIT_COMPLETE); // falls back to the interpreter when JIT is unavailable
    }
    ~Regex() { pcre2_code_free(m_code); }
    Regex(const Regex &) = delete;
    Regex &operator=(const Regex &) = delete;

    // All non-overlapping matches, left to right, as [start, end) byte ranges (empty ones included).
    void findAll(const std::string &s, std::vector<std::pair<size_t, size_t>> &out) const
    {
        pcre2_match_data *md = pcre2_match_data_create_from_pattern(m_code, nullptr);
        size_t pos = 0;
        while (pos <= s.size()) {
            const int rc = pcre2_match(m_code, reinterpret_cast<PCRE2_SPTR>(s.data()), s.size(), pos,
                                       PCRE2_NO_UTF_CHECK, md, nullptr);
            if (rc == PCRE2_ERROR_NOMATCH)
                break;
            if (rc < 0) {
                pcre2_match_data_free(md);
                PCRE2_UCHAR buf[256];
                pcre2_get_error_message(rc, buf, sizeof buf);
                throw TokenizerError(std::string(), std::string("regex \"") + m_pattern + "\" failed at byte "
                                                        + std::to_string(pos) + ": " + reinterpret_cast<const char *>(buf));
            }
            const PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
            const size_t start = ov[0], end = ov[1];
            out.emplace_back(start, end);
            if (end > start) {
                pos = end;
            } else {
                if (end >= s.size())
                    break;
                pos = end + U::seqLen(static_cast<unsigned char>(s[end]));
            }
        }
        pcre2_match_data_free(md);
    }

private:
    std::string m_pattern;
    pcre2_code *m_code = nullptr;
};

// ---- Patterns and split behaviours (NormalizedString::split) ----

enum class Behavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

Behavior parseBehavior(const std::string &s, const Loader &loader, const std::string &where)
{
    if (s == "Removed")
        return Behavior::Removed;
    if (s == "Isolated")
        return Behavior::Isolated;
    if (s == "MergedWithPrevious")
        return Behavior::MergedWithPrevious;
    if (s == "MergedWithNext")
        return Behavior::MergedWithNext;
    if (s == "Contiguous")
        return Behavior::Contiguous;
    loader.unsupported(where, "split behavior", s);
}

using Span = std::pair<size_t, size_t>;
using MatchList = std::vector<std::pair<Span, bool>>; // covers the whole string; bool = is a match

class Pattern
{
public:
    virtual ~Pattern() = default;
    virtual void findMatches(const std::string &s, MatchList &out) const = 0;
};

void addMatches(const std::vector<Span> &found, size_t len, MatchList &out)
{
    size_t prev = 0;
    for (const Span &m : found) {
        if (prev != m.first)
            out.push_back({{prev, m.first}, false});
        out.push_back({m, true});
        prev = m.second;
    }
    if (prev != len)
        out.push_back({{prev, len}, false});
}

class RegexPattern : public Pattern
{
public:
    RegexPattern(const std::string &p, const Loader &l, const std::string &where) : m_re(p, l, where) {}
    void findMatches(const std::string &s, MatchList &out) const override
    {
        std::vector<Span> found;
        m_re.findAll(s, found);
        addMatches(found, s.size(), out);
    }

private:
    Regex m_re;
};

class LiteralPattern : public Pattern
{
public:
    explicit LiteralPattern(std::string lit) : m_lit(std::move(lit)) {}
    void findMatches(const std::string &s, MatchList &out) const override
    {
        std::vector<Span> found;
        if (!m_lit.empty()) {
            size_t pos = 0;
            while ((pos = s.find(m_lit, pos)) != std::string::npos) {
                found.emplace_back(pos, pos + m_lit.size());
                pos += m_lit.size();
            }
        }
        addMatches(found, s.size(), out);
    }

private:
    std::string m_lit;
};

class CharPredicatePattern : public Pattern
{
public:
    explicit CharPredicatePattern(std::function<bool(char32_t)> pred) : m_pred(std::move(pred)) {}
    void findMatches(const std::string &s, MatchList &out) const override
    {
        std::vector<Span> found;
        size_t i = 0;
        while (i < s.size()) {
            const size_t start = i;
            if (m_pred(U::next(s, i)))
                found.emplace_back(start, i);
        }
        addMatches(found, s.size(), out);
    }

private:
    std::function<bool(char32_t)> m_pred;
};

// Returns the pieces of s, as HF's NormalizedString::split does (empty pieces dropped).
std::vector<Span> splitWith(const std::string &s, const Pattern &pattern, Behavior behavior, bool invert = false)
{
    MatchList matches;
    if (s.empty())
        matches.push_back({{0, 0}, false});
    else
        pattern.findMatches(s, matches);
    if (invert)
        for (auto &m : matches)
            m.second = !m.second;

    std::vector<Span> pieces;
    switch (behavior) {
    case Behavior::Isolated:
        for (auto &m : matches)
            pieces.push_back(m.first);
        break;
    case Behavior::Removed:
        for (auto &m : matches)
            if (!m.second)
                pieces.push_back(m.first);
        break;
    case Behavior::MergedWithPrevious: {
        bool previousMatch = false;
        for (auto &m : matches) {
            if (m.second && !previousMatch && !pieces.empty())
                pieces.back().second = m.first.second;
            else
                pieces.push_back(m.first);
            previousMatch = m.second;
        }
        break;
    }
    case Behavior::MergedWithNext: {
        bool previousMatch = false;
        for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
            if (it->second && !previousMatch && !pieces.empty())
                pieces.back().first = it->first.first;
            else
                pieces.push_back(it->first);
            previousMatch = it->second;
        }
        std::reverse(pieces.begin(), pieces.end());
        break;
    }
    case Behavior::Contiguous: {
        bool previousMatch = false;
        for (auto &m : matches) {
            if (m.second == previousMatch && !pieces.empty())
                pieces.back().second = m.first.second;
            else
                pieces.push_back(m.first);
            previousMatch = m.second;
        }
        break;
    }
    }
    pieces.erase(std::remove_if(pieces.begin(), pieces.end(), [](const Span &p) { return p.first == p.second; }),
                 pieces.end());
    return pieces;
}

std::unique_ptr<Pattern> parsePattern(const json &p, const Loader &l, const std::string &where)
{
    if (!p.is_object() || p.size() != 1)
        l.fail(where + ": expected {\"String\": ...} or {\"Regex\": ...}, got " + p.dump());
    if (auto it = p.find("String"); it != p.end()) {
        if (!it->is_string())
            l.fail(where + ".String: expected a string");
        return std::make_unique<LiteralPattern>(it->get<std::string>());
    }
    if (auto it = p.find("Regex"); it != p.end()) {
        if (!it->is_string())
            l.fail(where + ".Regex: expected a string");
        return std::make_unique<RegexPattern>(it->get<std::string>(), l, where + ".Regex");
    }
    l.unsupported(where, "pattern kind", p.begin().key());
}

// ---- Normalizers ----

class Normalizer
{
public:
    virtual ~Normalizer() = default;
    virtual void apply(std::string &s) const = 0;
};

class FnNormalizer : public Normalizer
{
public:
    explicit FnNormalizer(std::function<void(std::string &)> fn) : m_fn(std::move(fn)) {}
    void apply(std::string &s) const override { m_fn(s); }

private:
    std::function<void(std::string &)> m_fn;
};

class SequenceNormalizer : public Normalizer
{
public:
    std::vector<std::unique_ptr<Normalizer>> items;
    void apply(std::string &s) const override
    {
        for (auto &n : items)
            n->apply(s);
    }
};

std::string replaceAll(const std::string &s, const Pattern &pattern, const std::string &content)
{
    MatchList matches;
    pattern.findMatches(s, matches);
    std::string out;
    out.reserve(s.size());
    for (auto &m : matches) {
        if (m.second)
            out += content;
        else
            out.append(s, m.first.first, m.first.second - m.first.first);
    }
    return out;
}

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
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::nfc(s); });
    if (t == "NFD")
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::nfd(s); });
    if (t == "NFKC")
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::nfkc(s); });
    if (t == "NFKD")
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::nfkd(s); });
    if (t == "Lowercase")
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::lowercase(s); });
    if (t == "StripAccents")
        return std::make_unique<FnNormalizer>([](std::string &s) { s = U::stripMarks(s); });
    if (t == "Strip") {
        const bool left = l.boolean(j, "strip_left", w, true);
        const bool right = l.boolean(j, "strip_right", w, true);
        return std::make_unique<FnNormalizer>([left, right](std::string &s) {
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
        return std::make_unique<FnNormalizer>([prepend](std::string &s) {
            if (!s.empty())
                s.insert(0, prepend);
        });
    }
    if (t == "Replace") {
        std::shared_ptr<Pattern> pattern = parsePattern(l.field(j, "pattern", w), l, w + ".pattern");
        const std::string content = l.str(j, "content", w);
        return std::make_unique<FnNormalizer>(
            [pattern, content](std::string &s) { s = replaceAll(s, *pattern, content); });
    }
    l.unsupported(where, "normalizer type", t);
}

// ---- Pre-tokenizers ----

struct Piece
{
    std::string text;
    bool atStart = false; // begins at offset 0 of the original input
};

class PreTokenizer
{
public:
    virtual ~PreTokenizer() = default;
    virtual void apply(std::vector<Piece> &pieces) const = 0;
};

// Splits every piece with fn, which returns spans of the (possibly modified) piece text.
template <typename Fn>
void splitEach(std::vector<Piece> &pieces, Fn fn)
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

// Oniguruma's Unicode \\w: Alphabetic (letters, Nl, the Other_Alphabetic symbols), marks, Nd, Pc, Join_Control.
const char *const kWordClass = R"(\p{L}\p{M}\p{Nd}\p{Nl}\p{Pc}\x{200C}\x{200D}\x{24B6}-\x{24E9}\x{1F130}-\x{1F149}\x{1F150}-\x{1F169}\x{1F170}-\x{1F189})";

const char *const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

class ByteLevelPreTokenizer : public PreTokenizer
{
public:
    ByteLevelPreTokenizer(bool addPrefixSpace, bool useRegex, const Loader &l, const std::string &where)
        : m_addPrefixSpace(addPrefixSpace), m_useRegex(useRegex)
    {
        if (useRegex)
            m_re = std::make_unique<RegexPattern>(kGpt2Pattern, l, where);
    }
    void apply(std::vector<Piece> &pieces) const override
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
    {
    }
    void apply(std::vector<Piece> &pieces) const override
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
    MetaspacePreTokenizer(char32_t replacement, PrependScheme scheme, bool split)
        : m_scheme(scheme), m_split(split)
    {
        U::append(m_replacement, replacement);
        m_splitPattern = std::make_unique<LiteralPattern>(m_replacement);
    }
    void apply(std::vector<Piece> &pieces) const override
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
            if (!startsWithRep
                && (m_scheme == PrependScheme::Always || (m_scheme == PrependScheme::First && atStart)))
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
    {
    }
    void apply(std::vector<Piece> &pieces) const override
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
    void apply(std::vector<Piece> &pieces) const override
    {
        for (auto &p : items)
            p->apply(pieces);
    }
};

class BertPreTokenizer : public PreTokenizer // whitespace removed, punctuation isolated
{
public:
    void apply(std::vector<Piece> &pieces) const override
    {
        static const CharPredicatePattern ws(U::isWhitespace);
        static const CharPredicatePattern punct(U::isPunctuation);
        splitEach(pieces, [](std::string &s, bool) { return splitWith(s, ws, Behavior::Removed); });
        splitEach(pieces, [](std::string &s, bool) { return splitWith(s, punct, Behavior::Isolated); });
    }
};

std::unique_ptr<PreTokenizer> parsePreTokenizer(const json &j, const Loader &l, const std::string &where)
{
    const std::string t = l.type(j, where);
    const std::string w = where + "(" + t + ")";
    if (t == "Sequence") {
        auto seq = std::make_unique<SequencePreTokenizer>();
        const json &list = l.field(j, "pretokenizers", w);
        if (!list.is_array())
            l.fail(w + ".pretokenizers: expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            seq->items.push_back(parsePreTokenizer(list[i], l, w + ".pretokenizers[" + std::to_string(i) + "]"));
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

// ---- BPE model ----

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

class BpeModel
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
        m_vocab.reserve(vocab.size());
        for (auto it = vocab.begin(); it != vocab.end(); ++it) {
            if (!it.value().is_number_integer() || it.value().get<int64_t>() < 0
                || it.value().get<int64_t>() > 0xFFFFFFFFLL)
                l.fail(w + ".vocab[\"" + it.key() + "\"]: expected a non-negative integer id, got "
                       + it.value().dump());
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
            m_merges.set(pairKey(ia->second, ib->second), {static_cast<uint32_t>(i), static_cast<uint32_t>(in->second)});
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

    bool byteFallback() const { return m_byteFallback; }
    const std::unordered_map<std::string, int64_t> &vocab() const { return m_vocab; }
    const std::unordered_map<int64_t, std::string> &vocabR() const { return m_vocabR; }

    void tokenize(const std::string &word, std::vector<int64_t> &out) const
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
    static uint64_t pairKey(int64_t a, int64_t b) { return (static_cast<uint64_t>(a) << 32) | static_cast<uint64_t>(b); }

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
                if (const PairMap::Value *pm = m_merges.find(pairKey(symbols[static_cast<size_t>(cur.prev)].id, cur.id)))
                    queue.push({pm->rank, cur.prev, pm->merged});
            }
            if (cur.next >= 0 && cur.next < n) {
                if (const PairMap::Value *nm = m_merges.find(pairKey(cur.id, symbols[static_cast<size_t>(cur.next)].id)))
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
    PairMap m_merges; // (a,b) -> (rank, merged id)
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

// ---- Post-processors ----

class PostProcessor
{
public:
    virtual ~PostProcessor() = default;
    virtual void process(TokenizedText &enc, bool addSpecialTokens) const = 0;
    // How many special tokens process() adds to a single sequence.
    virtual size_t addedCount() const = 0;
};

class TemplatePostProcessor : public PostProcessor
{
public:
    struct Item
    {
        bool isSequence;
        std::vector<int64_t> ids;
        std::vector<std::string> tokens;
    };
    std::vector<Item> single;
    size_t addedCount() const override
    {
        size_t n = 0;
        for (const Item &item : single)
            n += item.ids.size();
        return n;
    }
    void process(TokenizedText &enc, bool addSpecialTokens) const override
    {
        TokenizedText out;
        for (const Item &item : single) {
            if (item.isSequence) {
                out.ids.insert(out.ids.end(), enc.ids.begin(), enc.ids.end());
                out.tokens.insert(out.tokens.end(), enc.tokens.begin(), enc.tokens.end());
            } else if (addSpecialTokens) {
                out.ids.insert(out.ids.end(), item.ids.begin(), item.ids.end());
                out.tokens.insert(out.tokens.end(), item.tokens.begin(), item.tokens.end());
            }
        }
        enc = std::move(out);
    }
};

class SequencePostProcessor : public PostProcessor
{
public:
    std::vector<std::unique_ptr<PostProcessor>> items;
    size_t addedCount() const override
    {
        size_t n = 0;
        for (auto &p : items)
            n += p->addedCount();
        return n;
    }
    void process(TokenizedText &enc, bool addSpecialTokens) const override
    {
        for (auto &p : items)
            p->process(enc, addSpecialTokens);
    }
};

class NoOpPostProcessor : public PostProcessor // ByteLevel: only trims offsets, which we do not expose
{
public:
    void process(TokenizedText &, bool) const override {}
    size_t addedCount() const override { return 0; }
};

std::unique_ptr<PostProcessor> parsePostProcessor(const json &j, const Loader &l, const std::string &where)
{
    const std::string t = l.type(j, where);
    const std::string w = where + "(" + t + ")";
    if (t == "Sequence") {
        auto seq = std::make_unique<SequencePostProcessor>();
        const json &list = l.field(j, "processors", w);
        if (!list.is_array())
            l.fail(w + ".processors: expected an array");
        for (size_t i = 0; i < list.size(); ++i)
            seq->items.push_back(parsePostProcessor(list[i], l, w + ".processors[" + std::to_string(i) + "]"));
        return seq;
    }
    if (t == "ByteLevel")
        return std::make_unique<NoOpPostProcessor>();
    if (t == "TemplateProcessing") {
        auto tp = std::make_unique<TemplatePostProcessor>();
        const json &specials = l.field(j, "special_tokens", w);
        const json &single = l.field(j, "single", w);
        if (!single.is_array())
            l.fail(w + ".single: expected an array");
        for (size_t i = 0; i < single.size(); ++i) {
            const std::string iw = w + ".single[" + std::to_string(i) + "]";
            const json &piece = single[i];
            if (piece.contains("Sequence")) {
                const std::string id = l.str(piece["Sequence"], "id", iw + ".Sequence");
                if (id != "A")
                    l.fail(iw + ".Sequence.id: \"" + id + "\" in a single-sequence template (expected \"A\")");
                tp->single.push_back({true, {}, {}});
            } else if (piece.contains("SpecialToken")) {
                const std::string id = l.str(piece["SpecialToken"], "id", iw + ".SpecialToken");
                if (!specials.is_object() || !specials.contains(id))
                    l.fail(iw + ".SpecialToken.id: \"" + id + "\" is not in " + w + ".special_tokens");
                const json &st = specials[id];
                const std::string sw = w + ".special_tokens[\"" + id + "\"]";
                const json &ids = l.field(st, "ids", sw);
                const json &toks = l.field(st, "tokens", sw);
                if (!ids.is_array() || !toks.is_array() || ids.size() != toks.size())
                    l.fail(sw + ": ids and tokens must be arrays of the same length");
                TemplatePostProcessor::Item item{false, {}, {}};
                for (size_t k = 0; k < ids.size(); ++k) {
                    if (!ids[k].is_number_integer() || !toks[k].is_string())
                        l.fail(sw + ": ids must be integers and tokens strings");
                    item.ids.push_back(ids[k].get<int64_t>());
                    item.tokens.push_back(toks[k].get<std::string>());
                }
                tp->single.push_back(std::move(item));
            } else {
                l.fail(iw + ": expected {\"Sequence\": ...} or {\"SpecialToken\": ...}, got " + piece.dump());
            }
        }
        return tp;
    }
    if (t == "BertProcessing" || t == "RobertaProcessing") {
        auto tp = std::make_unique<TemplatePostProcessor>();
        auto tokenPair = [&](const char *name) {
            const json &p = l.field(j, name, w);
            if (!p.is_array() || p.size() != 2 || !p[0].is_string() || !p[1].is_number_integer())
                l.fail(w + "." + name + ": expected [token, id], got " + p.dump());
            return TemplatePostProcessor::Item{false, {p[1].get<int64_t>()}, {p[0].get<std::string>()}};
        };
        tp->single.push_back(tokenPair("cls"));
        tp->single.push_back({true, {}, {}});
        tp->single.push_back(tokenPair("sep"));
        return tp;
    }
    l.unsupported(where, "post_processor type", t);
}

// ---- Decoders ----

class Decoder
{
public:
    virtual ~Decoder() = default;
    virtual void decodeChain(std::vector<std::string> &tokens) const = 0;
};

class FnDecoder : public Decoder
{
public:
    explicit FnDecoder(std::function<void(std::vector<std::string> &)> fn) : m_fn(std::move(fn)) {}
    void decodeChain(std::vector<std::string> &tokens) const override { m_fn(tokens); }

private:
    std::function<void(std::vector<std::string> &)> m_fn;
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

std::unique_ptr<Decoder> parseDecoder(const json &j, const Loader &l, const std::string &where);

class SequenceDecoder : public Decoder
{
public:
    std::vector<std::unique_ptr<Decoder>> items;
    void decodeChain(std::vector<std::string> &tokens) const override
    {
        for (auto &d : items)
            d->decodeChain(tokens);
    }
};

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
        return std::make_unique<FnDecoder>([](std::vector<std::string> &tokens) {
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
        return std::make_unique<FnDecoder>([rep, prepend](std::vector<std::string> &tokens) {
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
        return std::make_unique<FnDecoder>([](std::vector<std::string> &tokens) {
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
                if (tok.size() == 6 && tok.compare(0, 3, "<0x") == 0 && tok[5] == '>'
                    && std::isxdigit(static_cast<unsigned char>(tok[3]))
                    && std::isxdigit(static_cast<unsigned char>(tok[4]))) {
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
        return std::make_unique<FnDecoder>([](std::vector<std::string> &tokens) {
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
        return std::make_unique<FnDecoder>([c, start, stop](std::vector<std::string> &tokens) {
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
        return std::make_unique<FnDecoder>([pattern, content](std::vector<std::string> &tokens) {
            for (auto &tok : tokens)
                tok = replaceAll(tok, *pattern, content);
        });
    }
    l.unsupported(where, "decoder type", t);
}

// ---- Added tokens ----

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

bool endsWithWord(const std::string &s, size_t end)
{
    if (end == 0)
        return false;
    size_t b = end - 1;
    while (b > 0 && (static_cast<unsigned char>(s[b]) & 0xC0) == 0x80)
        --b;
    size_t i = b;
    return U::isWordChar(U::next(s, i));
}

bool startsWithWord(const std::string &s, size_t start)
{
    if (start >= s.size())
        return false;
    size_t i = start;
    return U::isWordChar(U::next(s, i));
}

// ---- The tokenizer ----

class JsonTokenizer final : public Tokenizer
{
public:
    JsonTokenizer(const std::string &text, const std::string &source) : m_source(source)
    {
        Loader l{source};
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
        if (const json *t = l.optField(root, "truncation")) {
            m_truncate = true;
            m_truncMax = static_cast<size_t>(l.integer(*t, "max_length", "truncation"));
            const std::string dir = l.optStr(*t, "direction", "truncation").value_or("Right");
            if (dir != "Right" && dir != "Left")
                l.unsupported("truncation.direction", "value", dir);
            m_truncLeft = dir == "Left";
        }
        if (const json *p = l.optField(root, "padding")) {
            m_pad = true;
            const json &strategy = l.field(*p, "strategy", "padding");
            if (strategy.is_object() && strategy.contains("Fixed") && strategy["Fixed"].is_number_unsigned())
                m_padFixed = strategy["Fixed"].get<size_t>();
            else if (!(strategy.is_string() && strategy.get<std::string>() == "BatchLongest"))
                l.fail("padding.strategy: expected \"BatchLongest\" or {\"Fixed\": n}, got " + strategy.dump());
            const std::string dir = l.optStr(*p, "direction", "padding").value_or("Right");
            if (dir != "Right" && dir != "Left")
                l.unsupported("padding.direction", "value", dir);
            m_padLeft = dir == "Left";
            if (const json *m = l.optField(*p, "pad_to_multiple_of")) {
                if (!m->is_number_unsigned())
                    l.fail("padding.pad_to_multiple_of: expected a non-negative integer, got " + m->dump());
                m_padMultiple = m->get<size_t>();
            }
            m_padId = l.integer(*p, "pad_id", "padding");
            m_padToken = l.str(*p, "pad_token", "padding");
        }

        const json &model = l.field(root, "model", "tokenizer");
        std::string modelType = "BPE";
        if (const json *mt = l.optField(model, "type")) {
            if (!mt->is_string())
                l.fail("model.type: expected a string");
            modelType = mt->get<std::string>();
        }
        if (modelType != "BPE")
            l.unsupported("model", "model type", modelType);
        m_model = std::make_unique<BpeModel>(model, l);

        if (const json *n = l.optField(root, "normalizer"))
            m_normalizer = parseNormalizer(*n, l, "normalizer");
        if (const json *p = l.optField(root, "pre_tokenizer")) {
            m_preTokenizer = parsePreTokenizer(*p, l, "pre_tokenizer");
            m_byteLevel = p->dump().find("\"ByteLevel\"") != std::string::npos;
        }
        if (const json *p = l.optField(root, "post_processor"))
            m_postProcessor = parsePostProcessor(*p, l, "post_processor");
        if (const json *d = l.optField(root, "decoder"))
            m_decoder = parseDecoder(*d, l, "decoder");

        if (const json *added = l.optField(root, "added_tokens")) {
            if (!added->is_array())
                l.fail("added_tokens: expected an array");
            for (size_t i = 0; i < added->size(); ++i) {
                const json &a = (*added)[i];
                const std::string w = "added_tokens[" + std::to_string(i) + "]";
                AddedToken t;
                t.id = l.integer(a, "id", w);
                t.content = l.str(a, "content", w);
                t.singleWord = l.boolean(a, "single_word", w, false);
                t.lstrip = l.boolean(a, "lstrip", w, false);
                t.rstrip = l.boolean(a, "rstrip", w, false);
                t.special = l.boolean(a, "special", w, false);
                t.normalized = l.boolean(a, "normalized", w, !t.special);
                if (!isValidUtf8(t.content))
                    l.fail(w + ".content: not valid UTF-8");
                m_addedByContent[t.content] = t.id;
                m_addedById[t.id] = t.content;
                if (t.special)
                    m_specialIds.insert(t.id);
                m_added.push_back(std::move(t));
            }
            // Like HF, normalized tokens are looked for in normalized text by their normalized form.
            for (size_t i = 0; i < m_added.size(); ++i) {
                if (m_added[i].normalized) {
                    std::string form = m_added[i].content;
                    if (m_normalizer)
                        m_normalizer->apply(form);
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
                m_normalizer->apply(normalized);
            forEachAddedSplit(normalized, m_normalizedMatcher, origStart,
                              [&](const std::string &sub, size_t subStart, int t2) {
                                  if (t2 >= 0)
                                      pushAdded(enc, m_added[static_cast<size_t>(t2)].id, sub);
                                  else
                                      encodePiece(sub, subStart == 0, enc, withTokens);
                              });
        });
        if (m_truncate) {
            const size_t added = addSpecialTokens && m_postProcessor ? m_postProcessor->addedCount() : 0;
            const size_t max = m_truncMax > added ? m_truncMax - added : 0;
            if (enc.ids.size() > max) {
                const size_t drop = enc.ids.size() - max;
                if (m_truncLeft) {
                    enc.ids.erase(enc.ids.begin(), enc.ids.begin() + static_cast<std::ptrdiff_t>(drop));
                    enc.tokens.erase(enc.tokens.begin(), enc.tokens.begin() + static_cast<std::ptrdiff_t>(drop));
                } else {
                    enc.ids.resize(max);
                    enc.tokens.resize(max);
                }
            }
        }
        if (m_postProcessor)
            m_postProcessor->process(enc, addSpecialTokens);
        if (m_pad) {
            size_t target = m_padFixed.value_or(enc.ids.size());
            if (m_padMultiple > 0 && target % m_padMultiple > 0)
                target += m_padMultiple - target % m_padMultiple;
            if (enc.ids.size() < target) {
                const size_t n = target - enc.ids.size();
                const auto idPos = m_padLeft ? enc.ids.begin() : enc.ids.end();
                enc.ids.insert(idPos, n, m_padId);
                const auto tokPos = m_padLeft ? enc.tokens.begin() : enc.tokens.end();
                enc.tokens.insert(tokPos, n, m_padToken);
            }
        }
        return enc;
    }

public:
    std::string decode(const std::vector<int64_t> &ids, bool skipSpecialTokens) const override
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
        m_decoder->decodeChain(tokens);
        std::string out;
        for (auto &t : tokens)
            out += t;
        return out;
    }

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
        if (m_preTokenizer)
            m_preTokenizer->apply(pieces);
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
    std::unique_ptr<BpeModel> m_model;
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
    bool m_truncate = false; // tokenizer.json "truncation", applied before the post-processor like HF
    size_t m_truncMax = 0;
    bool m_truncLeft = false;
    bool m_pad = false; // tokenizer.json "padding", applied to the single encoding like HF
    std::optional<size_t> m_padFixed;
    size_t m_padMultiple = 0;
    bool m_padLeft = false;
    int64_t m_padId = 0;
    std::string m_padToken;
};

} // namespace

std::unique_ptr<Tokenizer> makeJsonTokenizer(const std::string &text, const std::string &source)
{
    try {
        return std::make_unique<JsonTokenizer>(text, source);
    } catch (const json::exception &e) {
        // A value of an unexpected JSON type anywhere the loader did not check explicitly: still
        // an error about this file, never an unrelated exception type.
        throw TokenizerError(source, std::string("malformed tokenizer.json: ") + e.what());
    }
}

} // namespace ef
