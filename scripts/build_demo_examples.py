#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Writes resources/demo/examples.jsonl from the hand-written demo content in scripts/demo_content/.
# Each record holds the fields the example table stores and the raw LLM response it came from,
# in the family's exact JSON keys (paper.md §1b), sometimes fenced or wrapped in prose as real
# models do; a few are deliberately invalid or duplicated so that the Dataset page shows them.
import json, os, random, sys

here = os.path.dirname(os.path.abspath(__file__))
content = os.path.join(here, "demo_content")
ns = {}
for name in ("retrieval", "classification", "symmetric", "longlong", "more"):
    with open(os.path.join(content, name + ".py"), encoding="utf-8") as f:
        exec(f.read(), ns)
rng = random.Random(2024)
NAMES = {"en": "English", "zh": "Chinese (Simplified)", "de": "German", "es": "Spanish", "fr": "French", "ja": "Japanese",
         "ru": "Russian", "pt": "Portuguese", "ar": "Arabic", "hi": "Hindi", "sw": "Swahili", "id": "Indonesian",
         "vi": "Vietnamese", "pl": "Polish", "uz": "Uzbek"}

def wrap(obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2 if rng.random() < 0.5 else None)
    r = rng.random()
    if r < 0.25:
        return "```json\n" + text + "\n```"
    if r < 0.35:
        return "Here is the example you asked for:\n\n" + text
    return text

records = []
def add(family, language, instruction, query, positive, negative, raw_obj, placeholders):
    records.append({"family": family, "language": language, "instruction": instruction, "query": query,
                    "positive": positive, "negative": negative, "status": "valid", "raw_response": wrap(raw_obj),
                    "template": family + ".generate", "placeholders": placeholders})

for lang, task, q, pos, neg, qt, ql, cl, diff in ns["R"]:
    add("retrieval", lang, task, q, pos, neg,
        {"user_query": q, "positive_document": pos, "hard_negative_document": neg},
        {"query_type": qt, "query_length": ql, "clarity": cl, "num_words": "50", "difficulty": diff, "language": NAMES[lang]})
for lang, task, text, label, mis, nw, diff, cl in ns["C"]:
    add("classification", lang, task, text, label, mis, {"input_text": text, "label": label, "misleading_label": mis},
        {"num_words": nw, "difficulty": diff, "clarity": cl, "language": NAMES[lang]})
for lang, s1, s2, s3, hi, lo, unit, diff in ns["S"]:
    add("sts", lang, "Retrieve semantically similar text.", s1, s2, s3, {"S1": s1, "S2": s2, "S3": s3},
        {"high_score": hi, "low_score": lo, "unit": unit, "difficulty": diff, "language": NAMES[lang]})
for src, tgt, s1, s2, s3, hi, lo, unit, diff in ns["B"]:
    add("bitext", src, "Retrieve parallel sentences.", s1, s2, s3, {"S1": s1, "S2": s2, "S3": s3},
        {"high_score": hi, "low_score": lo, "unit": unit, "difficulty": diff, "src_lang": NAMES[src], "tgt_lang": NAMES[tgt]})
    records[-1]["target_language"] = tgt
for lang, task, inp, pos in ns["SS"]:
    add("short-short", lang, task, inp, pos, None, {"input": inp, "positive_document": pos}, {"language": NAMES[lang]})
for lang, task, inp, pos in ns["L"]:
    add("long-long", lang, task, inp, pos, None, {"input": inp, "positive_document": pos}, {"language": NAMES[lang]})

valid = len(records)
# Outputs a real model gets wrong, kept with the reason (the pipeline never drops them silently).
bad = [
 ("retrieval", "en", "missing_key", '{"user_query": "best budget hiking boots", "positive_document": "Three pairs under 100 euros held up over 200 km of trail testing..."}'),
 ("retrieval", "zh", "truncated_json", '```json\n{"user_query": "北京 周末 亲子 活动", "positive_document": "国家自然博物馆周末有恐龙主题讲解，\n'),
 ("classification", "en", "missing_key", '{"input_text": "The app logs me out every five minutes.", "label": "technical support"}'),
 ("classification", "de", "empty_value", '{"input_text": "Die Lieferung kam zwei Wochen zu spät.", "label": "", "misleading_label": "Produktqualität"}'),
 ("sts", "en", "not_object", '["The bus was late.", "The bus arrived late.", "The bus is red."]'),
 ("sts", "fr", "missing_key", '{"S1": "Il pleut depuis ce matin.", "S2": "Depuis le matin, il ne cesse de pleuvoir."}'),
 ("bitext", "en", "truncated_json", '{"S1": "The shop opens at 8.", "S2": "店铺八点开门。", "S3": "店铺八点关门。",'),
 ("short-short", "en", "no_json", "I'm sorry, but I can't create that example because the task description is incomplete."),
 ("short-short", "ja", "empty_value", '{"input": "猫舌", "positive_document": ""}'),
 ("long-long", "en", "missing_key", '{"input": "Cities should build more bike lanes because...", "document": "Bike lanes reduce congestion..."}'),
 ("retrieval", "es", "no_json", '"consulta: mejores playas de Galicia"'),
 ("classification", "zh", "missing_key", '{"text": "这部电影的配乐太好听了", "category": "正面", "wrong_category": "负面"}'),
 ("classification", "en", "unexpected_keys", '{"input_text": "Loved the soundtrack.", "label": "positive", "misleading_label": "negative", "explanation": "The reviewer praises the music."}'),
 ("sts", "de", "invalid_json", '{"S1": "Der Zug ist pünktlich." "S2": "Der Zug kommt rechtzeitig an.", "S3": "Der Zug ist rot."}'),
]
for family, lang, reason, raw in bad:
    records.append({"family": family, "language": lang, "instruction": "", "query": "", "positive": "", "negative": None,
                    "status": "invalid", "invalid_reason": reason, "raw_response": raw, "template": family + ".generate",
                    "placeholders": {"language": NAMES[lang]}})

# Exact duplicates of earlier valid outputs (the paper removes them by exact string matching).
for idx in rng.sample(range(valid), 10):
    dup = dict(records[idx])
    dup["status"] = "duplicate"
    dup["duplicate_of_line"] = idx + 1
    records.append(dup)


out = os.path.join(here, "..", "resources", "demo", "examples.jsonl")
with open(out, "w", encoding="utf-8") as f:
    for r in records:
        f.write(json.dumps(r, ensure_ascii=False) + "\n")
fam = {}
langs = {}
for r in records[:valid]:
    fam[r["family"]] = fam.get(r["family"], 0) + 1
    langs[r["language"]] = langs.get(r["language"], 0) + 1
print("wrote %d records (%d valid, %d invalid, 10 duplicates) to %s" % (len(records), valid, len(bad), os.path.normpath(out)))
print("families:", fam)
print("languages:", dict(sorted(langs.items(), key=lambda kv: -kv[1])))

# A BEIR-layout demo corpus for the Search page, from the valid retrieval examples: each
# query's positive document is relevant (score 2); hard negatives stay in as distractors.
corpus_dir = os.path.join(here, "..", "resources", "demo", "corpus")
os.makedirs(os.path.join(corpus_dir, "qrels"), exist_ok=True)
docs, queries, qrels = [], [], []
for i, r in enumerate(x for x in records[:valid] if x["family"] == "retrieval"):
    pos_id, neg_id, q_id = "doc%03dp" % i, "doc%03dn" % i, "q%03d" % i
    title = r["positive"].split(". ")[0][:80] if r["language"] not in ("zh", "ja") else r["positive"].split("。")[0][:30]
    docs.append({"_id": pos_id, "title": title, "text": r["positive"]})
    docs.append({"_id": neg_id, "title": "", "text": r["negative"]})
    queries.append({"_id": q_id, "text": r["query"]})
    qrels.append((q_id, pos_id, 2))
with open(os.path.join(corpus_dir, "corpus.jsonl"), "w", encoding="utf-8") as f:
    for d in docs:
        f.write(json.dumps(d, ensure_ascii=False) + "\n")
with open(os.path.join(corpus_dir, "queries.jsonl"), "w", encoding="utf-8") as f:
    for q in queries:
        f.write(json.dumps(q, ensure_ascii=False) + "\n")
with open(os.path.join(corpus_dir, "qrels", "test.tsv"), "w", encoding="utf-8") as f:
    f.write("query-id\tcorpus-id\tscore\n")
    for q, d, s in qrels:
        f.write("%s\t%s\t%d\n" % (q, d, s))
print("demo corpus: %d documents, %d queries" % (len(docs), len(queries)))
