// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json patterns: regular expressions (PCRE2), literal and character-class patterns, and
// HF's split behaviours (NormalizedString::split) and replacement.
#include <algorithm>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

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

} // namespace

class Regex
{
public:
    Regex(const std::string &pattern, const Loader &loader, const std::string &where) : m_pattern(pattern)
    {
        const std::string adapted = adaptPattern(pattern);
        int err = 0;
        PCRE2_SIZE errOffset = 0;
        m_code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(adapted.data()), adapted.size(), PCRE2_UTF | PCRE2_UCP,
                               &err, &errOffset, nullptr);
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
                throw TokenizerError(std::string(), std::string("regex \"") + m_pattern + "\" failed at byte " +
                                                        std::to_string(pos) + ": " +
                                                        reinterpret_cast<const char *>(buf));
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

namespace {

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

} // namespace

RegexPattern::RegexPattern(const std::string &p, const Loader &l, const std::string &where)
    : m_re(std::make_unique<Regex>(p, l, where))
{}

RegexPattern::~RegexPattern() = default;

void RegexPattern::findMatches(const std::string &s, MatchList &out) const
{
    std::vector<Span> found;
    m_re->findAll(s, found);
    addMatches(found, s.size(), out);
}

void LiteralPattern::findMatches(const std::string &s, MatchList &out) const
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

void CharPredicatePattern::findMatches(const std::string &s, MatchList &out) const
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

std::vector<Span> splitWith(const std::string &s, const Pattern &pattern, Behavior behavior, bool invert)
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

std::string replaceAll(const std::string &s, const Pattern &pattern, const std::string &content, size_t maxBytes)
{
    MatchList matches;
    pattern.findMatches(s, matches);
    std::string out;
    out.reserve(std::min(s.size(), maxBytes));
    for (auto &m : matches) {
        if (m.second)
            out += content;
        else
            out.append(s, m.first.first, m.first.second - m.first.first);
        if (out.size() > maxBytes)
            break; // the caller reports it; building the rest could take gigabytes
    }
    return out;
}

void failGrowth(const std::string &where, const char *what, size_t budget)
{
    const size_t input = budget > kGrowthSlack ? (budget - kGrowthSlack) / kMaxGrowth : 0;
    throw TokenizerError(std::string(), where + ": the " + what + " grew beyond " + std::to_string(budget) +
                                            " bytes (" + std::to_string(kMaxGrowth) + " times the input of " +
                                            std::to_string(input) +
                                            " bytes, plus 1 MiB); refusing a tokenizer that expands text "
                                            "without bound");
}

} // namespace ef::tokjson
