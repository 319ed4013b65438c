// SPDX-License-Identifier: GPL-3.0-or-later
// Peer for bench_tokenizer: Hugging Face's Rust `tokenizers` through its Node binding, on the
// same tokenizer.json and the same texts (one per line), one text at a time, special tokens added.
// Prints "<MB/s> <ids checksum> <token count>" on one line; the checksum is FNV-1a over every id.
// Usage: node bench/hf_tokenizers_bench.js NODE_MODULES TOKENIZER_JSON TEXTS_FILE
'use strict';
const fs = require('fs');
const path = require('path');
const { Tokenizer } = require(path.join(path.resolve(process.argv[2]), 'tokenizers'));

async function main() {
    const tok = Tokenizer.fromFile(process.argv[3]);
    const lines = fs.readFileSync(process.argv[4], 'utf8').split('\n').filter((l) => l.length > 0);
    const bytes = lines.reduce((n, l) => n + Buffer.byteLength(l, 'utf8'), 0);
    for (const l of lines.slice(0, 200)) await tok.encode(l, null, { addSpecialTokens: true }); // warm-up
    let best = Infinity, checksum = 0n, count = 0;
    for (let rep = 0; rep < 3; ++rep) {
        let h = 0xcbf29ce484222325n, n = 0;
        const t0 = process.hrtime.bigint();
        for (const l of lines) {
            const ids = (await tok.encode(l, null, { addSpecialTokens: true })).getIds();
            for (const id of ids) {
                h ^= BigInt(id);
                h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
            }
            n += ids.length;
        }
        const s = Number(process.hrtime.bigint() - t0) / 1e9;
        // The checksum loop is ours, not the tokenizer's: time it separately and subtract.
        best = Math.min(best, s);
        checksum = h;
        count = n;
    }
    // Cost of the checksum alone, so only tokenization is timed.
    const allIds = [];
    for (const l of lines.slice(0, 2000)) allIds.push((await tok.encode(l, null, { addSpecialTokens: true })).getIds());
    const t1 = process.hrtime.bigint();
    let h2 = 0xcbf29ce484222325n;
    for (const ids of allIds) for (const id of ids) { h2 ^= BigInt(id); h2 = (h2 * 0x100000001b3n) & 0xffffffffffffffffn; }
    const perLine = Number(process.hrtime.bigint() - t1) / 1e9 / Math.max(1, allIds.length);
    const tokenize = Math.max(1e-9, best - perLine * lines.length);
    // The binding's per-call overhead (a promise per text) is part of using it one text at a
    // time; encodeBatch amortises it. Report the faster of the two, single-threaded (the caller
    // sets TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1).
    let bestBatch = Infinity;
    for (let rep = 0; rep < 3; ++rep) {
        const t0 = process.hrtime.bigint();
        for (let i = 0; i < lines.length; i += 1000)
            await tok.encodeBatch(lines.slice(i, i + 1000), { addSpecialTokens: true });
        bestBatch = Math.min(bestBatch, Number(process.hrtime.bigint() - t0) / 1e9);
    }
    console.log(`${(bytes / 1e6 / Math.min(tokenize, bestBatch)).toFixed(3)} ${checksum.toString(16)} ${count}`);
}
main().catch((e) => { console.error(e.message); process.exit(1); });
