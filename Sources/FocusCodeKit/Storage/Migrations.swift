import GRDB

/// The schema, as a list of migrations. A migration that has landed is never edited:
/// a change to the schema is a new migration appended here. Raw SQL on purpose, so that a
/// migration keeps meaning what it meant when it landed (record types change later).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-initial-schema", migrate: v1)
        migrator.registerMigration("v2-passages", migrate: v2)
        migrator.registerMigration("v3-suggestions", migrate: v3Suggestions)
        migrator.registerMigration("v4-hub", migrate: v4Hub)
        migrator.registerMigration("v5-hub", migrate: v5Hub)
        return migrator
    }

    /// The whole schema of PRODUCT.md §2–5: later issues add behaviour, not tables.
    static func v1(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE project_info (
              key   TEXT PRIMARY KEY NOT NULL,
              value TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE groups (
              id         INTEGER PRIMARY KEY,
              name       TEXT NOT NULL UNIQUE COLLATE NOCASE,
              held_on    TEXT,
              site       TEXT,
              notes      TEXT,
              position   INTEGER NOT NULL,
              created_at TEXT NOT NULL
            );

            CREATE TABLE documents (
              id           INTEGER PRIMARY KEY,
              group_id     INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
              file_name    TEXT NOT NULL,
              format       TEXT NOT NULL,
              content_hash TEXT NOT NULL UNIQUE,
              position     INTEGER NOT NULL,
              turn_count   INTEGER NOT NULL,
              word_count   INTEGER NOT NULL,
              imported_at  TEXT NOT NULL,
              imported_by  TEXT
            );
            CREATE INDEX documents_group ON documents(group_id, position);

            CREATE TABLE participants (
              id           INTEGER PRIMARY KEY,
              pseudonym    TEXT NOT NULL UNIQUE COLLATE NOCASE,
              is_moderator INTEGER NOT NULL DEFAULT 0 CHECK (is_moderator IN (0, 1)),
              label_digest TEXT UNIQUE,
              created_at   TEXT NOT NULL
            );

            CREATE TABLE participant_attributes (
              participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
              name           TEXT NOT NULL,
              value          TEXT NOT NULL,
              PRIMARY KEY (participant_id, name)
            ) WITHOUT ROWID;

            CREATE TABLE excerpts (
              id             INTEGER PRIMARY KEY,
              ref            TEXT NOT NULL UNIQUE,
              group_id       INTEGER NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
              document_id    INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
              participant_id INTEGER REFERENCES participants(id),
              seq            INTEGER NOT NULL,
              start_ms       INTEGER,
              end_ms         INTEGER,
              text           TEXT NOT NULL,
              word_count     INTEGER NOT NULL,
              UNIQUE (group_id, seq)
            );
            CREATE INDEX excerpts_participant ON excerpts(participant_id);

            CREATE VIRTUAL TABLE excerpts_fts USING fts5(
              text, content='excerpts', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
            );
            -- No insert trigger: importers index new rows in one statement per import
            -- (Project.indexNewExcerpts), which is many times faster than a trigger per row.
            CREATE TRIGGER excerpts_fts_delete AFTER DELETE ON excerpts BEGIN
              INSERT INTO excerpts_fts(excerpts_fts, rowid, text) VALUES ('delete', old.id, old.text);
            END;
            CREATE TRIGGER excerpts_fts_update AFTER UPDATE OF text ON excerpts BEGIN
              INSERT INTO excerpts_fts(excerpts_fts, rowid, text) VALUES ('delete', old.id, old.text);
              INSERT INTO excerpts_fts(rowid, text) VALUES (new.id, new.text);
            END;

            CREATE TABLE codes (
              id                 INTEGER PRIMARY KEY,
              uid                TEXT NOT NULL UNIQUE,
              parent_id          INTEGER REFERENCES codes(id),
              name               TEXT NOT NULL CHECK (name <> '' AND instr(name, '/') = 0),
              description        TEXT,
              inclusion          TEXT,
              exclusion          TEXT,
              example            TEXT,
              colour             TEXT,
              exclusive_children INTEGER NOT NULL DEFAULT 0 CHECK (exclusive_children IN (0, 1)),
              retired            INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
              position           INTEGER NOT NULL,
              created_at         TEXT NOT NULL
            );
            CREATE UNIQUE INDEX codes_sibling_name ON codes(ifnull(parent_id, 0), name COLLATE NOCASE);
            CREATE INDEX codes_parent ON codes(parent_id);

            CREATE TABLE coders (
              id         INTEGER PRIMARY KEY,
              name       TEXT NOT NULL UNIQUE,
              uid        TEXT NOT NULL UNIQUE DEFAULT (\(uuidSQL)),
              created_at TEXT NOT NULL
            );

            CREATE TABLE codings (
              id         INTEGER PRIMARY KEY,
              excerpt_id INTEGER NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
              code_id    INTEGER NOT NULL REFERENCES codes(id),
              coder_id   INTEGER NOT NULL REFERENCES coders(id),
              span_start INTEGER,
              span_end   INTEGER,
              note       TEXT,
              created_at TEXT NOT NULL,
              UNIQUE (excerpt_id, code_id, coder_id),
              CHECK ((span_start IS NULL) = (span_end IS NULL)),
              CHECK (span_start IS NULL OR (span_start >= 0 AND span_end > span_start))
            );
            CREATE INDEX codings_code ON codings(code_id, coder_id);
            CREATE INDEX codings_coder ON codings(coder_id, excerpt_id);

            CREATE TABLE reviews (
              excerpt_id  INTEGER NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
              coder_id    INTEGER NOT NULL REFERENCES coders(id),
              reviewed_at TEXT NOT NULL,
              PRIMARY KEY (excerpt_id, coder_id)
            ) WITHOUT ROWID;
            CREATE INDEX reviews_coder ON reviews(coder_id);

            CREATE TABLE memos (
              id          INTEGER PRIMARY KEY,
              target_kind TEXT NOT NULL CHECK (target_kind IN ('project', 'group', 'participant', 'excerpt', 'code')),
              target_id   INTEGER,
              author      TEXT,
              text        TEXT NOT NULL,
              created_at  TEXT NOT NULL,
              updated_at  TEXT NOT NULL,
              CHECK ((target_kind = 'project') = (target_id IS NULL))
            );
            CREATE INDEX memos_target ON memos(target_kind, target_id);

            CREATE TABLE audit_log (
              id          INTEGER PRIMARY KEY,
              at          TEXT NOT NULL,
              actor       TEXT,
              action      TEXT NOT NULL,
              object_kind TEXT,
              object_ref  TEXT,
              detail      TEXT
            );

            CREATE TABLE redaction_counts (
              document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
              kind        TEXT NOT NULL,
              count       INTEGER NOT NULL CHECK (count >= 0),
              PRIMARY KEY (document_id, kind)
            ) WITHOUT ROWID;

            CREATE TABLE placeholders (
              id     INTEGER PRIMARY KEY,
              kind   TEXT NOT NULL,
              number INTEGER NOT NULL,
              digest TEXT NOT NULL UNIQUE,
              UNIQUE (kind, number)
            );

            CREATE TABLE anonymisation_decisions (
              digest     TEXT PRIMARY KEY NOT NULL,
              decision   TEXT NOT NULL CHECK (decision IN ('redact', 'keep')),
              kind       TEXT,
              decided_by TEXT,
              decided_at TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }

    /// Codings become passages: many per (excerpt, code, coder), overlapping allowed, each with a stable `uid`
    /// (for exchange and the team hub; a row inserted without one gets a random UUID). Exact duplicates (same excerpt, code, coder and span, or two whole-turn
    /// codings) are refused by a unique index. Every existing coding is kept, with its row id, span, note and time.
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE codings_v2 (
              id         INTEGER PRIMARY KEY,
              uid        TEXT NOT NULL UNIQUE DEFAULT (\(uuidSQL)),
              excerpt_id INTEGER NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
              code_id    INTEGER NOT NULL REFERENCES codes(id),
              coder_id   INTEGER NOT NULL REFERENCES coders(id),
              span_start INTEGER,
              span_end   INTEGER,
              note       TEXT,
              created_at TEXT NOT NULL,
              CHECK ((span_start IS NULL) = (span_end IS NULL)),
              CHECK (span_start IS NULL OR (span_start >= 0 AND span_end > span_start))
            );
            INSERT INTO codings_v2(id, uid, excerpt_id, code_id, coder_id, span_start, span_end, note, created_at)
              SELECT id, focuscode_uid(), excerpt_id, code_id, coder_id, span_start, span_end, note, created_at FROM codings ORDER BY id;
            DROP TABLE codings;
            ALTER TABLE codings_v2 RENAME TO codings;
            CREATE UNIQUE INDEX codings_passage ON codings(excerpt_id, code_id, coder_id, ifnull(span_start, -1), ifnull(span_end, -1));
            CREATE INDEX codings_code ON codings(code_id, coder_id);
            CREATE INDEX codings_coder ON codings(coder_id, excerpt_id);
            """)
    }

    /// `focuscode_uid()` in SQL: a new time-ordered ID (`OrderedUID`), registered on every connection that writes, for
    /// passages made in SQL (moved by the passages migration, copied by reconcile) so that they too append to the index.
    static let orderedUIDFunction = DatabaseFunction("focuscode_uid", argumentCount: 0, pure: false) { _ in OrderedUID.next() }

    /// A random version-4 UUID in lower-case text, computed by SQLite: the column default, for a row that a script
    /// inserts with SQLite's own shell, where `focuscode_uid()` does not exist.
    static let uuidSQL = "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) || '-' || "
        + "substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6)))"

    /// The machine coder: trained models, and each suggestion's confidence and review (kept apart from `codings`,
    /// where a suggestion is an ordinary coding of the machine's coder).
    static func v3Suggestions(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE suggestion_model (
              id             INTEGER PRIMARY KEY,
              name           TEXT NOT NULL UNIQUE,
              algorithm      TEXT NOT NULL,
              training_coder TEXT NOT NULL,
              training_turns INTEGER NOT NULL,
              level          INTEGER,
              params         TEXT NOT NULL,
              codes          TEXT NOT NULL,
              examples       TEXT NOT NULL,
              vocabulary     TEXT NOT NULL,
              weights        BLOB NOT NULL,
              bias           BLOB NOT NULL,
              created_at     TEXT NOT NULL
            );

            CREATE TABLE suggestion (
              excerpt_id  INTEGER NOT NULL REFERENCES excerpts(id) ON DELETE CASCADE,
              code_id     INTEGER NOT NULL REFERENCES codes(id),
              coder_id    INTEGER NOT NULL REFERENCES coders(id),
              model_id    INTEGER REFERENCES suggestion_model(id) ON DELETE SET NULL,
              confidence  REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
              status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected')),
              reviewed_by TEXT,
              reviewed_at TEXT,
              created_at  TEXT NOT NULL,
              PRIMARY KEY (excerpt_id, code_id, coder_id)
            ) WITHOUT ROWID;
            CREATE INDEX suggestion_coder ON suggestion(coder_id, status);
            """)
    }

    /// The team hub: which hub a project is linked to (`hub_link`, key–value, never a password) and, per synced row,
    /// the hub's version of it and the content hash it had then (`hub_rows`), so that a push sends only what changed
    /// since the last sync. Only new tables: every existing row stays as it was.
    static func v4Hub(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE hub_link (
              key   TEXT PRIMARY KEY NOT NULL,
              value TEXT NOT NULL
            ) WITHOUT ROWID;

            CREATE TABLE hub_rows (
              kind    TEXT NOT NULL,
              uid     TEXT NOT NULL,
              version INTEGER NOT NULL,
              hash    TEXT NOT NULL,
              PRIMARY KEY (kind, uid)
            ) WITHOUT ROWID;
            """)
    }

    /// Memos travel through the team hub: each memo gets a stable `uid` (existing memos in row order, time-ordered
    /// like passages; a memo inserted without one, e.g. from SQLite's own shell, gets a random one from a trigger),
    /// and `hub_rows` remembers whose row each synced row was (`coder`), so that a deletion is sent as that coder's.
    /// `code_merges` remembers which code was merged into which, so that a merge travels through the hub as a merge.
    /// Only adds columns, a table, an index and a trigger: every existing row keeps its content.
    static func v5Hub(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE memos ADD COLUMN uid TEXT;
            UPDATE memos SET uid = focuscode_uid();
            CREATE UNIQUE INDEX memos_uid ON memos(uid);
            CREATE TRIGGER memos_uid_default AFTER INSERT ON memos WHEN NEW.uid IS NULL
            BEGIN UPDATE memos SET uid = (\(uuidSQL)) WHERE id = NEW.id; END;

            ALTER TABLE hub_rows ADD COLUMN coder TEXT;
            UPDATE hub_rows SET coder = coalesce(
              (SELECT lower(r.name) FROM codings c JOIN coders r ON r.id = c.coder_id WHERE c.uid = hub_rows.uid),
              (SELECT value FROM hub_link WHERE key = 'coder'))
            WHERE kind = 'passage';
            UPDATE hub_rows SET coder = substr(uid, instr(uid, '/') + 1) WHERE kind = 'review';

            CREATE TABLE code_merges (
              source_uid TEXT PRIMARY KEY NOT NULL,
              target_uid TEXT NOT NULL,
              merged_at  TEXT NOT NULL
            ) WITHOUT ROWID;
            """)
    }
}
