// SPDX-License-Identifier: GPL-3.0-or-later
// The workspace schema, as forward-only migrations. Append; never edit a released entry.
#include "backend/workspace.h"

namespace ef {

const QList<Migration> &workspaceMigrations()
{
    static const QList<Migration> migrations = {
        {1, "meta",
         R"sql(
            CREATE TABLE meta (
                key   TEXT PRIMARY KEY NOT NULL,
                value TEXT NOT NULL
            ) WITHOUT ROWID;
         )sql"},
        {2, "jobs",
         R"sql(
            CREATE TABLE jobs (
                id          INTEGER PRIMARY KEY,
                kind        TEXT NOT NULL,
                title       TEXT NOT NULL,
                state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled')),
                done        INTEGER NOT NULL DEFAULT 0,
                total       INTEGER NOT NULL DEFAULT 0,
                message     TEXT NOT NULL DEFAULT '',
                error       TEXT NOT NULL DEFAULT '',
                created_at  TEXT NOT NULL,
                started_at  TEXT,
                finished_at TEXT
            );
            CREATE INDEX jobs_by_kind ON jobs(kind, created_at);
         )sql"},
        // Synthetic data generation (issue 4). Numbered 3 on the generation branch; renumbered
        // when merged after the corpora tables.
        {3, "generation",
         R"sql(
            CREATE TABLE templates (
                id         TEXT PRIMARY KEY NOT NULL,
                family     TEXT NOT NULL,
                step       TEXT NOT NULL,
                version    INTEGER NOT NULL,
                body       TEXT NOT NULL,          -- the template's JSON form
                updated_at TEXT NOT NULL
            ) WITHOUT ROWID;
            CREATE TABLE template_versions (
                template_id TEXT NOT NULL REFERENCES templates(id) ON DELETE CASCADE,
                version     INTEGER NOT NULL,
                body        TEXT NOT NULL,
                saved_at    TEXT NOT NULL,
                note        TEXT NOT NULL DEFAULT '',
                PRIMARY KEY (template_id, version)
            ) WITHOUT ROWID;
            CREATE TABLE gen_runs (
                id                INTEGER PRIMARY KEY,
                config            TEXT NOT NULL,   -- JSON; never holds an API key
                state             TEXT NOT NULL CHECK (state IN ('running','finished','failed','cancelled')),
                message           TEXT NOT NULL DEFAULT '',
                created_at        TEXT NOT NULL,
                finished_at       TEXT,
                prompt_tokens     INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                cost              REAL NOT NULL DEFAULT 0
            );
            CREATE TABLE gen_tasks (
                id         INTEGER PRIMARY KEY,
                run_id     INTEGER REFERENCES gen_runs(id) ON DELETE CASCADE,
                family     TEXT NOT NULL,
                text       TEXT NOT NULL,
                request_id INTEGER,
                UNIQUE (run_id, family, text)
            );
            CREATE TABLE gen_requests (
                id                INTEGER PRIMARY KEY,
                run_id            INTEGER NOT NULL REFERENCES gen_runs(id) ON DELETE CASCADE,
                seq               INTEGER NOT NULL,
                kind              TEXT NOT NULL CHECK (kind IN ('brainstorm','generate')),
                family            TEXT NOT NULL,
                template_id       TEXT NOT NULL,
                template_version  INTEGER NOT NULL,
                language          TEXT NOT NULL DEFAULT '',
                placeholders      TEXT NOT NULL DEFAULT '{}',
                task              TEXT NOT NULL DEFAULT '',
                prompt            TEXT NOT NULL,
                state             TEXT NOT NULL CHECK (state IN ('pending','in_flight','done','failed')),
                attempts          INTEGER NOT NULL DEFAULT 0,
                sends             INTEGER NOT NULL DEFAULT 0,
                http_status       INTEGER NOT NULL DEFAULT 0,
                error             TEXT NOT NULL DEFAULT '',
                raw_response      TEXT,
                prompt_tokens     INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                latency_ms        INTEGER NOT NULL DEFAULT 0,
                created_at        TEXT NOT NULL,
                sent_at           TEXT,
                finished_at       TEXT,
                UNIQUE (run_id, seq)
            );
            CREATE INDEX gen_requests_by_state ON gen_requests(run_id, state);
            CREATE TABLE examples (
                id                INTEGER PRIMARY KEY,
                run_id            INTEGER REFERENCES gen_runs(id) ON DELETE SET NULL,
                request_id        INTEGER UNIQUE REFERENCES gen_requests(id) ON DELETE SET NULL,
                family            TEXT NOT NULL,
                language          TEXT NOT NULL,
                instruction       TEXT NOT NULL DEFAULT '',
                query             TEXT NOT NULL DEFAULT '',
                positive          TEXT NOT NULL DEFAULT '',
                negative          TEXT,
                status            TEXT NOT NULL CHECK (status IN ('valid','invalid','duplicate')),
                invalid_reason    TEXT NOT NULL DEFAULT '',
                invalid_detail    TEXT NOT NULL DEFAULT '',
                dedup_key         TEXT NOT NULL DEFAULT '',
                template_id       TEXT NOT NULL DEFAULT '',
                template_version  INTEGER NOT NULL DEFAULT 0,
                placeholders      TEXT NOT NULL DEFAULT '{}',
                prompt            TEXT NOT NULL DEFAULT '',
                raw_response      TEXT NOT NULL DEFAULT '',
                prompt_tokens     INTEGER NOT NULL DEFAULT 0,
                completion_tokens INTEGER NOT NULL DEFAULT 0,
                latency_ms        INTEGER NOT NULL DEFAULT 0,
                source            TEXT NOT NULL DEFAULT 'generated',
                created_at        TEXT NOT NULL
            );
            CREATE UNIQUE INDEX examples_valid_dedup ON examples(dedup_key) WHERE status = 'valid';
            CREATE INDEX examples_by_family ON examples(family, language, status);
            CREATE INDEX examples_by_status ON examples(status, invalid_reason);
            CREATE INDEX examples_by_run ON examples(run_id, status, invalid_reason);
         )sql"},
        {4, "corpora",
         R"sql(
            CREATE TABLE corpora (
                id         INTEGER PRIMARY KEY,
                name       TEXT NOT NULL UNIQUE,
                source     TEXT NOT NULL,
                created_at TEXT NOT NULL
            );
            -- title_idx / text_idx: the texts as indexed (CJK characters spaced, see fts.h);
            -- each corpus has its own FTS5 table fts_<id> over them.
            CREATE TABLE documents (
                id        INTEGER PRIMARY KEY,
                corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                ext_id    TEXT NOT NULL,
                title     TEXT NOT NULL DEFAULT '',
                text      TEXT NOT NULL,
                title_idx TEXT NOT NULL DEFAULT '',
                text_idx  TEXT NOT NULL,
                UNIQUE (corpus_id, ext_id)
            );
            CREATE TABLE queries (
                id        INTEGER PRIMARY KEY,
                corpus_id INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                ext_id    TEXT NOT NULL,
                text      TEXT NOT NULL,
                UNIQUE (corpus_id, ext_id)
            );
            CREATE TABLE qrels (
                corpus_id    INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                split        TEXT NOT NULL,
                query_ext_id TEXT NOT NULL,
                doc_ext_id   TEXT NOT NULL,
                score        INTEGER NOT NULL,
                PRIMARY KEY (corpus_id, split, query_ext_id, doc_ext_id)
            ) WITHOUT ROWID;
            CREATE TABLE eval_results (
                id          INTEGER PRIMARY KEY,
                corpus_id   INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                method      TEXT NOT NULL,
                model       TEXT NOT NULL DEFAULT '',
                instruction TEXT NOT NULL DEFAULT '',
                split       TEXT NOT NULL,
                settings    TEXT NOT NULL,
                metrics     TEXT NOT NULL,
                per_query   TEXT NOT NULL,
                created_at  TEXT NOT NULL
            );
         )sql"},
        {5, "vectors",
         R"sql(
            -- One set of document vectors per corpus and model fingerprint (model files,
            -- pooling, max length, dtype): a changed model gets a new set, never stale vectors.
            CREATE TABLE vector_sets (
                id          INTEGER PRIMARY KEY,
                corpus_id   INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                fingerprint TEXT NOT NULL,
                model_dir   TEXT NOT NULL,
                settings    TEXT NOT NULL,
                dim         INTEGER NOT NULL,
                created_at  TEXT NOT NULL,
                UNIQUE (corpus_id, fingerprint)
            );
            -- float32 little-endian, dim values, L2-normalised.
            CREATE TABLE doc_vectors (
                id     INTEGER PRIMARY KEY,
                set_id INTEGER NOT NULL REFERENCES vector_sets(id) ON DELETE CASCADE,
                doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
                vector BLOB NOT NULL,
                UNIQUE (set_id, doc_id)
            );
         )sql"},
        {6, "training",
         R"sql(
            CREATE TABLE train_runs (
                id               INTEGER PRIMARY KEY,
                name             TEXT NOT NULL,
                status           TEXT NOT NULL DEFAULT 'created',
                message          TEXT NOT NULL DEFAULT '',
                config           TEXT NOT NULL,
                run_dir          TEXT NOT NULL,
                base_model       TEXT NOT NULL,
                mode             TEXT NOT NULL,
                steps            INTEGER NOT NULL DEFAULT 0,
                total_steps      INTEGER NOT NULL DEFAULT 0,
                examples         INTEGER NOT NULL DEFAULT 0,
                heldout          INTEGER NOT NULL DEFAULT 0,
                eval_corpus      TEXT,
                eval_split       TEXT,
                eval_instruction TEXT,
                created_at       TEXT NOT NULL,
                updated_at       TEXT NOT NULL
            );
            CREATE TABLE train_metrics (
                run_id               INTEGER NOT NULL REFERENCES train_runs(id) ON DELETE CASCADE,
                step                 INTEGER NOT NULL,
                loss                 REAL NOT NULL,
                lr                   REAL NOT NULL,
                grad_norm            REAL NOT NULL,
                accuracy             REAL NOT NULL,
                positive_cos         REAL NOT NULL,
                hardest_negative_cos REAL NOT NULL,
                masked               INTEGER NOT NULL,
                examples             INTEGER NOT NULL,
                tokens               INTEGER NOT NULL,
                examples_per_s       REAL NOT NULL,
                tokens_per_s         REAL NOT NULL,
                elapsed_s            REAL NOT NULL,
                memory_bytes         INTEGER NOT NULL,
                PRIMARY KEY (run_id, step)
            ) WITHOUT ROWID;
            CREATE TABLE train_evals (
                run_id   INTEGER NOT NULL REFERENCES train_runs(id) ON DELETE CASCADE,
                step     INTEGER NOT NULL,
                split    TEXT NOT NULL,
                queries  INTEGER NOT NULL,
                ndcg10   REAL NOT NULL,
                recall10 REAL NOT NULL,
                recall1  REAL NOT NULL,
                mrr10    REAL NOT NULL,
                PRIMARY KEY (run_id, step, split)
            ) WITHOUT ROWID;
            CREATE TABLE datasets (
                id          INTEGER PRIMARY KEY,
                name        TEXT NOT NULL UNIQUE,
                instruction TEXT NOT NULL DEFAULT '',
                ratio       REAL NOT NULL DEFAULT 1.0,
                source_file TEXT NOT NULL,
                imported_at TEXT NOT NULL
            );
            CREATE TABLE dataset_examples (
                id          INTEGER PRIMARY KEY,
                dataset_id  INTEGER NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
                line        INTEGER NOT NULL,
                query       TEXT NOT NULL,
                positive    TEXT NOT NULL,
                negatives   TEXT NOT NULL DEFAULT '[]',
                instruction TEXT NOT NULL DEFAULT ''
            );
            CREATE INDEX dataset_examples_by_dataset ON dataset_examples(dataset_id);
         )sql"},
        {7, "leakage",
         R"sql(
            -- Examples sharing a long word n-gram with an evaluation corpus (dataset leakage).
            CREATE TABLE leakage_flags (
                example_id INTEGER NOT NULL REFERENCES examples(id) ON DELETE CASCADE,
                corpus_id  INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
                field      TEXT NOT NULL,
                match_kind TEXT NOT NULL,
                match_id   TEXT NOT NULL,
                ngram      TEXT NOT NULL,
                ngram_size INTEGER NOT NULL,
                checked_at TEXT NOT NULL,
                PRIMARY KEY (example_id, corpus_id)
            ) WITHOUT ROWID;
            CREATE INDEX leakage_flags_by_corpus ON leakage_flags(corpus_id);
            -- 1: left out of training and of exports (one click on the Dataset page).
            ALTER TABLE examples ADD COLUMN excluded INTEGER NOT NULL DEFAULT 0;
         )sql"},
        {8, "job texts",
         R"sql(
            -- A job may end partly failed; and its title and message are kept as their
            -- translation source and values (texts: JSON, see backend/trtext.h), so that the
            -- history shows them in the reader's language. SQLite cannot change a CHECK: the
            -- table is rebuilt.
            CREATE TABLE jobs_v8 (
                id          INTEGER PRIMARY KEY,
                kind        TEXT NOT NULL,
                title       TEXT NOT NULL,
                state       TEXT NOT NULL CHECK (state IN ('queued','running','succeeded','failed','cancelled',
                                                           'partly_failed')),
                done        INTEGER NOT NULL DEFAULT 0,
                total       INTEGER NOT NULL DEFAULT 0,
                message     TEXT NOT NULL DEFAULT '',
                error       TEXT NOT NULL DEFAULT '',
                created_at  TEXT NOT NULL,
                started_at  TEXT,
                finished_at TEXT,
                texts       TEXT NOT NULL DEFAULT ''
            );
            INSERT INTO jobs_v8(id, kind, title, state, done, total, message, error, created_at, started_at,
                                finished_at)
                SELECT id, kind, title, state, done, total, message, error, created_at, started_at, finished_at
                FROM jobs;
            DROP TABLE jobs;
            ALTER TABLE jobs_v8 RENAME TO jobs;
            CREATE INDEX jobs_by_kind ON jobs(kind, created_at);
         )sql"},
    };
    return migrations;
}

} // namespace ef
