// SPDX-License-Identifier: GPL-3.0-or-later
// A nesting-depth check of JSON text before it is parsed. nlohmann::json's DOM parser is
// iterative, but dump(), copies, comparisons and our component readers (tokenizer.json Sequences
// inside Sequences) recurse once per level, and their error paths grow with the depth: a file
// nested 200,000 levels deep overflows the stack or takes gigabytes. Every untrusted JSON file
// (tokenizer.json, config.json, safetensors headers and indexes) is scanned first; a file deeper
// than the limit is an error naming where. No real model file comes close (tokenizer.json: 5).
//
// Thread-safety: pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ef::jsonguard {

// Arrays and objects nested inside each other, the top-level value counting as level 1.
constexpr size_t kMaxDepth = 64;

struct TooDeep
{
    size_t offset = 0; // byte offset of the '{' or '[' that opens level maxDepth + 1
    std::string path;  // where it is, e.g. normalizer.normalizers[0].normalizers[0]... (abbreviated)
};

// The first array or object that opens deeper than maxDepth levels, or nullopt. A single pass
// over the bytes with O(maxDepth) memory, no recursion; malformed JSON is left to the parser.
std::optional<TooDeep> findTooDeep(std::string_view text, size_t maxDepth = kMaxDepth);

// "JSON nested deeper than 64 levels at PATH (byte N)".
std::string describe(const TooDeep &tooDeep, size_t maxDepth = kMaxDepth);

} // namespace ef::jsonguard
