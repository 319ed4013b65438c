// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json added tokens: the "added_tokens" array and the word-boundary tests of single_word.
#include "models/tokenizer/internal.h"

namespace ef::tokjson {

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

std::vector<AddedToken> parseAddedTokens(const json &added, const Loader &l)
{
    if (!added.is_array())
        l.fail("added_tokens: expected an array");
    if (added.size() > kMaxAddedTokens)
        l.fail("added_tokens: " + std::to_string(added.size()) + " entries, more than the " +
               std::to_string(kMaxAddedTokens) + " a tokenizer may have");
    std::vector<AddedToken> out;
    size_t contentBytes = 0;
    for (size_t i = 0; i < added.size(); ++i) {
        const json &a = added[i];
        const std::string w = "added_tokens[" + std::to_string(i) + "]";
        AddedToken t;
        t.id = l.integer(a, "id", w);
        if (t.id > kMaxTokenId)
            l.fail(w + ".id: " + std::to_string(t.id) + " is larger than the largest token id " +
                   std::to_string(kMaxTokenId));
        t.content = l.str(a, "content", w);
        contentBytes += t.content.size();
        if (contentBytes > kMaxAddedTokenBytes)
            l.fail(w + ".content: the added tokens' contents exceed " + std::to_string(kMaxAddedTokenBytes) +
                   " bytes together");
        t.singleWord = l.boolean(a, "single_word", w, false);
        t.lstrip = l.boolean(a, "lstrip", w, false);
        t.rstrip = l.boolean(a, "rstrip", w, false);
        t.special = l.boolean(a, "special", w, false);
        t.normalized = l.boolean(a, "normalized", w, !t.special);
        if (!isValidUtf8(t.content))
            l.fail(w + ".content: not valid UTF-8");
        out.push_back(std::move(t));
    }
    return out;
}

} // namespace ef::tokjson
