// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json "truncation" and "padding" of a single encoding, as HF applies them.
#include "models/tokenizer/internal.h"

namespace ef::tokjson {

Truncation parseTruncation(const json &t, const Loader &l)
{
    Truncation out;
    out.enabled = true;
    out.maxLength = static_cast<size_t>(l.integer(t, "max_length", "truncation"));
    const std::string dir = l.optStr(t, "direction", "truncation").value_or("Right");
    if (dir != "Right" && dir != "Left")
        l.unsupported("truncation.direction", "value", dir);
    out.left = dir == "Left";
    return out;
}

namespace {

// Padding allocates this many ids and token strings for every text it encodes.
void checkLength(uint64_t n, const TokenizerLimits &limits, const Loader &l, const std::string &field)
{
    if (n > static_cast<uint64_t>(limits.maxSequenceLength))
        l.fail(field + ": " + std::to_string(n) + " tokens is more than " + std::to_string(limits.maxSequenceLength) +
               " (" + limits.maxSequenceLengthSource + ")");
}

} // namespace

Padding parsePadding(const json &p, const Loader &l, const TokenizerLimits &limits)
{
    Padding out;
    out.enabled = true;
    const json &strategy = l.field(p, "strategy", "padding");
    if (strategy.is_object() && strategy.contains("Fixed") && strategy["Fixed"].is_number_unsigned()) {
        checkLength(strategy["Fixed"].get<uint64_t>(), limits, l, "padding.strategy.Fixed");
        out.fixed = strategy["Fixed"].get<size_t>();
    } else if (!(strategy.is_string() && strategy.get<std::string>() == "BatchLongest"))
        l.fail("padding.strategy: expected \"BatchLongest\" or {\"Fixed\": n}, got " + strategy.dump());
    const std::string dir = l.optStr(p, "direction", "padding").value_or("Right");
    if (dir != "Right" && dir != "Left")
        l.unsupported("padding.direction", "value", dir);
    out.left = dir == "Left";
    if (const json *m = l.optField(p, "pad_to_multiple_of")) {
        if (!m->is_number_unsigned())
            l.fail("padding.pad_to_multiple_of: expected a non-negative integer, got " + m->dump());
        checkLength(m->get<uint64_t>(), limits, l, "padding.pad_to_multiple_of");
        out.multiple = m->get<size_t>();
    }
    out.id = l.integer(p, "pad_id", "padding");
    out.token = l.str(p, "pad_token", "padding");
    return out;
}

void Truncation::apply(TokenizedText &enc, size_t added) const
{
    if (!enabled)
        return;
    const size_t max = maxLength > added ? maxLength - added : 0;
    if (enc.ids.size() > max) {
        const size_t drop = enc.ids.size() - max;
        if (left) {
            enc.ids.erase(enc.ids.begin(), enc.ids.begin() + static_cast<std::ptrdiff_t>(drop));
            enc.tokens.erase(enc.tokens.begin(), enc.tokens.begin() + static_cast<std::ptrdiff_t>(drop));
        } else {
            enc.ids.resize(max);
            enc.tokens.resize(max);
        }
    }
}

void Padding::apply(TokenizedText &enc) const
{
    if (!enabled)
        return;
    size_t target = fixed.value_or(enc.ids.size());
    if (multiple > 0 && target % multiple > 0)
        target += multiple - target % multiple;
    if (enc.ids.size() < target) {
        const size_t n = target - enc.ids.size();
        const auto idPos = left ? enc.ids.begin() : enc.ids.end();
        enc.ids.insert(idPos, n, id);
        const auto tokPos = left ? enc.tokens.begin() : enc.tokens.end();
        enc.tokens.insert(tokPos, n, token);
    }
}

} // namespace ef::tokjson
