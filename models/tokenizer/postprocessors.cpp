// SPDX-License-Identifier: GPL-3.0-or-later
// tokenizer.json post-processors: Sequence, ByteLevel, TemplateProcessing, BertProcessing, RobertaProcessing.
#include "models/tokenizer/internal.h"

namespace ef::tokjson {

namespace {

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

} // namespace

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

} // namespace ef::tokjson
