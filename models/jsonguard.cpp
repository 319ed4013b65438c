// SPDX-License-Identifier: GPL-3.0-or-later
// JSON nesting-depth scan.
#include "models/jsonguard.h"

#include <vector>

namespace ef::jsonguard {

namespace {

constexpr size_t kShownLevels = 6; // path components shown before "..."
constexpr size_t kShownKey = 40;   // bytes of a key shown

struct Frame
{
    bool object = false;
    size_t index = 0;                // arrays: the current element
    size_t keyBegin = 0, keyEnd = 0; // objects: the current key's raw bytes
    bool haveKey = false;
};

std::string pathOf(std::string_view text, const std::vector<Frame> &frames)
{
    std::string path;
    size_t shown = 0;
    for (const Frame &f : frames) {
        if (shown == kShownLevels) {
            path += "...";
            break;
        }
        if (f.object) {
            if (!f.haveKey)
                break;
            std::string key(text.substr(f.keyBegin, f.keyEnd - f.keyBegin));
            if (key.size() > kShownKey)
                key = key.substr(0, kShownKey) + "...";
            if (!path.empty())
                path += '.';
            path += key;
        } else {
            path += '[' + std::to_string(f.index) + ']';
        }
        ++shown;
    }
    return path.empty() ? std::string("the top level") : path;
}

} // namespace

std::optional<TooDeep> findTooDeep(std::string_view text, size_t maxDepth)
{
    std::vector<Frame> frames;
    frames.reserve(maxDepth + 1);
    bool inString = false;
    bool expectKey = false;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
                if (expectKey && !frames.empty() && frames.back().object) {
                    frames.back().keyEnd = i;
                    frames.back().haveKey = true;
                    expectKey = false;
                }
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            if (expectKey && !frames.empty() && frames.back().object)
                frames.back().keyBegin = i + 1;
            break;
        case '{':
        case '[':
            if (frames.size() >= maxDepth)
                return TooDeep{i, pathOf(text, frames)};
            frames.push_back(Frame{c == '{'});
            expectKey = c == '{';
            break;
        case '}':
        case ']':
            if (!frames.empty())
                frames.pop_back();
            expectKey = false;
            break;
        case ',':
            if (!frames.empty()) {
                if (frames.back().object)
                    expectKey = true;
                else
                    ++frames.back().index;
            }
            break;
        default:
            break;
        }
    }
    return std::nullopt;
}

std::string describe(const TooDeep &tooDeep, size_t maxDepth)
{
    return "JSON nested deeper than " + std::to_string(maxDepth) + " levels at " + tooDeep.path + " (byte " +
           std::to_string(tooDeep.offset) + ")";
}

} // namespace ef::jsonguard
