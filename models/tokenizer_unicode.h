// SPDX-License-Identifier: GPL-3.0-or-later
// Small UTF-8 and Unicode-property helpers for the tokenizers (utf8proc behind them). Internal header.
#pragma once

#include <cstdint>
#include <string>

namespace ef::tokunicode {

// Decodes the code point at s[i] (s must be valid UTF-8) and advances i past it.
inline char32_t next(const std::string &s, size_t &i)
{
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
        ++i;
        return c;
    }
    if (c < 0xE0) {
        const char32_t cp = ((c & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
        i += 2;
        return cp;
    }
    if (c < 0xF0) {
        const char32_t cp = ((c & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                            (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
        i += 3;
        return cp;
    }
    const char32_t cp = ((c & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                        ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                        (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
    i += 4;
    return cp;
}

// Length in bytes of the UTF-8 sequence that starts with lead byte c.
inline size_t seqLen(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
}

void append(std::string &out, char32_t cp);

// Rust's char::is_whitespace (the Unicode White_Space property).
bool isWhitespace(char32_t cp);
// Rust's char::is_numeric (general categories Nd, Nl, No).
bool isNumeric(char32_t cp);
// Hugging Face's is_punc: ASCII punctuation or a Unicode P* category.
bool isPunctuation(char32_t cp);
// A regex \w character (letters, marks, decimal digits, connector punctuation, joiners).
bool isWordChar(char32_t cp);

// Unicode normalisation forms through utf8proc; input must be valid UTF-8.
std::string nfc(const std::string &s);
std::string nfd(const std::string &s);
std::string nfkc(const std::string &s);
std::string nfkd(const std::string &s);
// Rust's str::to_lowercase per character (full mapping for U+0130, no context rules).
std::string lowercase(const std::string &s);
// Drops combining marks (categories Mn, Mc, Me), as Hugging Face's StripAccents does.
std::string stripMarks(const std::string &s);

} // namespace ef::tokunicode
