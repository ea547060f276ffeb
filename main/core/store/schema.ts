// Forward-only migrations. Entry i moves the schema from version i to i + 1 (PRAGMA user_version).
// Never edit a shipped migration: append a new one.

export const MIGRATIONS: readonly string[] = [
  // 0 -> 1: every entity of DESIGN section 3.
  `
  CREATE TABLE run (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL UNIQUE,
    path            TEXT NOT NULL UNIQUE,
    format          TEXT,            -- null until detected
    format_setting  TEXT NOT NULL DEFAULT 'auto',  -- auto | hf | peft | verl | openrlhf | pattern:REGEX
    group_name      TEXT,
    seed            INTEGER,
    tags            TEXT NOT NULL DEFAULT '[]',
    color           TEXT,
    status          TEXT NOT NULL DEFAULT 'watching' CHECK (status IN ('watching','paused','finished','error')),
    status_message  TEXT,
    base_model      TEXT,
    probe_config    TEXT NOT NULL DEFAULT '{}',   -- suites, backend, judge, policy
    hidden          INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL
  );

  CREATE TABLE checkpoint (
    id                INTEGER PRIMARY KEY,
    run_id            INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step              INTEGER NOT NULL,
    path              TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('full','lora','other')),
    state             TEXT NOT NULL CHECK (state IN ('incomplete','pending','probing','done','failed','gone')),
    detected_at       TEXT NOT NULL,
    completed_at      TEXT,
    probed_at         TEXT,
    fingerprint       TEXT,
    fingerprint_since INTEGER,           -- ms epoch when this fingerprint was first seen
    essentials        TEXT NOT NULL DEFAULT '[]',  -- top-level names whose loss means the checkpoint is gone
    waiting_for       TEXT,              -- why it is still incomplete
    UNIQUE (run_id, path)
  );
  CREATE INDEX checkpoint_run_step ON checkpoint(run_id, step);

  -- One row per training-metric series; samples refer to it by integer id, which keeps a long run's table compact.
  CREATE TABLE metric_series (
    id        INTEGER PRIMARY KEY,
    run_id    INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    key       TEXT NOT NULL,            -- as the trainer wrote it
    source    TEXT NOT NULL,            -- trainer_state, tfevents, jsonl
    UNIQUE (run_id, key)
  );

  CREATE TABLE metric (
    series_id INTEGER NOT NULL REFERENCES metric_series(id) ON DELETE CASCADE,
    step      INTEGER NOT NULL,
    value     REAL,
    wall_time REAL,                       -- seconds since epoch, where the source has it
    PRIMARY KEY (series_id, step)
  ) WITHOUT ROWID;

  -- Where each incremental reader stopped, so a re-poll reads only what is new.
  CREATE TABLE source_cursor (
    run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    reader     TEXT NOT NULL,
    offset     INTEGER NOT NULL DEFAULT 0,
    size       INTEGER NOT NULL DEFAULT 0,
    mtime_ms   REAL NOT NULL DEFAULT 0,
    state      TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (run_id, path)
  ) WITHOUT ROWID;

  CREATE TABLE run_problem (
    run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    message    TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen  TEXT NOT NULL,
    PRIMARY KEY (run_id, path)
  ) WITHOUT ROWID;

  CREATE TABLE suite (
    id          INTEGER PRIMARY KEY,
    suite_key   TEXT NOT NULL,
    version     TEXT NOT NULL,            -- content hash
    name        TEXT NOT NULL,
    source      TEXT,
    content     TEXT NOT NULL,            -- the normalised suite as JSON
    imported_at TEXT NOT NULL,
    UNIQUE (suite_key, version)
  );

  CREATE TABLE trait (
    id          INTEGER PRIMARY KEY,
    suite_id    INTEGER NOT NULL REFERENCES suite(id) ON DELETE CASCADE,
    trait_key   TEXT NOT NULL,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    polarity    TEXT NOT NULL CHECK (polarity IN ('higher_is_trait','lower_is_trait')),
    role        TEXT NOT NULL CHECK (role IN ('wanted','unwanted_in_distribution','unwanted_out_of_distribution','control')),
    UNIQUE (suite_id, trait_key)
  );

  CREATE TABLE context (
    id            INTEGER PRIMARY KEY,
    trait_id      INTEGER NOT NULL REFERENCES trait(id) ON DELETE CASCADE,
    context_key   TEXT NOT NULL,
    role          TEXT NOT NULL,
    system_prompt TEXT,
    user_prefix   TEXT,
    UNIQUE (trait_id, context_key)
  );

  CREATE TABLE job (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
    trait_id      INTEGER NOT NULL REFERENCES trait(id) ON DELETE CASCADE,
    context_id    INTEGER NOT NULL REFERENCES context(id) ON DELETE CASCADE,
    state         TEXT NOT NULL CHECK (state IN ('queued','running','paused','done','failed','cancelled')),
    priority      INTEGER NOT NULL DEFAULT 0,
    done          INTEGER NOT NULL DEFAULT 0,
    total         INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (checkpoint_id, trait_id, context_id)
  );

  CREATE TABLE sample (
    id            INTEGER PRIMARY KEY,
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
    trait_id      INTEGER NOT NULL REFERENCES trait(id) ON DELETE CASCADE,  -- a trait belongs to one suite version
    context_id    INTEGER NOT NULL REFERENCES context(id) ON DELETE CASCADE,
    item_key      TEXT NOT NULL,
    sample_index  INTEGER NOT NULL,
    prompt        TEXT NOT NULL,
    response      TEXT,
    score         REAL,
    scores        TEXT NOT NULL DEFAULT '{}',   -- every scorer's value, null reason and raw judge data
    null_reason   TEXT,
    latency_ms    REAL,
    tokens        INTEGER,
    created_at    TEXT NOT NULL,
    UNIQUE (checkpoint_id, trait_id, context_id, item_key, sample_index)
  );

  CREATE TABLE score (
    checkpoint_id INTEGER NOT NULL REFERENCES checkpoint(id) ON DELETE CASCADE,
    trait_id      INTEGER NOT NULL REFERENCES trait(id) ON DELETE CASCADE,
    context_id    INTEGER NOT NULL REFERENCES context(id) ON DELETE CASCADE,
    mean          REAL,
    ci_low        REAL,
    ci_high       REAL,
    n             INTEGER NOT NULL,
    nulls         INTEGER NOT NULL,
    updated_at    TEXT NOT NULL,
    PRIMARY KEY (checkpoint_id, trait_id, context_id)
  ) WITHOUT ROWID;

  CREATE TABLE annotation (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step       INTEGER NOT NULL,
    step_to    INTEGER,
    text       TEXT NOT NULL,
    tags       TEXT NOT NULL DEFAULT '[]',
    color      TEXT,
    created_at TEXT NOT NULL,
    edited_at  TEXT NOT NULL
  );
  CREATE INDEX annotation_run ON annotation(run_id, step);

  CREATE TABLE backend (
    id               INTEGER PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    kind             TEXT NOT NULL,
    base_urls        TEXT NOT NULL DEFAULT '[]',
    model_template   TEXT,
    max_concurrency  INTEGER NOT NULL DEFAULT 8,
    timeout_ms       INTEGER NOT NULL DEFAULT 120000,
    api_key_env      TEXT,               -- the CLI reads the key from this environment variable
    api_key_sealed   BLOB,               -- the app stores the key encrypted with safeStorage; never plain text
    settings         TEXT NOT NULL DEFAULT '{}'
  );
  `,
  // v2: a per-run counter of score and checkpoint-completion changes, kept by triggers, so a reader (the app's
  // score cache) can tell in microseconds whether a run's scores changed, whichever process wrote them.
  `
  ALTER TABLE run ADD COLUMN scores_version INTEGER NOT NULL DEFAULT 0;
  CREATE TRIGGER score_insert_bumps_run AFTER INSERT ON score BEGIN
    UPDATE run SET scores_version = scores_version + 1 WHERE id = (SELECT run_id FROM checkpoint WHERE id = NEW.checkpoint_id);
  END;
  CREATE TRIGGER score_update_bumps_run AFTER UPDATE ON score BEGIN
    UPDATE run SET scores_version = scores_version + 1 WHERE id = (SELECT run_id FROM checkpoint WHERE id = NEW.checkpoint_id);
  END;
  CREATE TRIGGER score_delete_bumps_run AFTER DELETE ON score BEGIN
    UPDATE run SET scores_version = scores_version + 1 WHERE id = (SELECT run_id FROM checkpoint WHERE id = OLD.checkpoint_id);
  END;
  CREATE TRIGGER checkpoint_completion_bumps_run AFTER UPDATE OF completed_at, step ON checkpoint BEGIN
    UPDATE run SET scores_version = scores_version + 1 WHERE id = NEW.run_id;
  END;
  CREATE TRIGGER checkpoint_delete_bumps_run AFTER DELETE ON checkpoint BEGIN
    UPDATE run SET scores_version = scores_version + 1 WHERE id = OLD.run_id;
  END;
  `,
  // v3: leases on jobs, so several processes (the app, CLI watches) can share a workspace without doing the same
  // work twice: a job is held by one owner until its lease expires without a heartbeat.
  `
  ALTER TABLE job ADD COLUMN lease_owner TEXT;
  ALTER TABLE job ADD COLUMN lease_expires INTEGER;   -- milliseconds since the epoch
  CREATE INDEX job_lease ON job(lease_owner) WHERE lease_owner IS NOT NULL;
  `,
  // v4: alert rules and what they fired. A firing is unique per (rule, run, series, step), so a restart, or a second
  // process watching the same run, never fires an old crossing again.
  `
  CREATE TABLE alert_rule (
    id              INTEGER PRIMARY KEY,
    target          TEXT NOT NULL,      -- JSON AlertTarget
    subject         TEXT NOT NULL,      -- JSON AlertSubject
    condition       TEXT NOT NULL,      -- JSON AlertCondition
    exec            TEXT,               -- JSON [program, ...args], run without a shell
    exec_timeout_ms INTEGER NOT NULL DEFAULT 30000,
    created_at      TEXT NOT NULL
  );
  CREATE TABLE fired_alert (
    id            INTEGER PRIMARY KEY,
    rule_id       INTEGER NOT NULL REFERENCES alert_rule(id) ON DELETE CASCADE,
    run_id        INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    series        TEXT NOT NULL,        -- trait/context, metric key, or the health rule
    step          INTEGER NOT NULL,
    trait         TEXT,
    context       TEXT,
    metric        TEXT,
    value         REAL,
    message       TEXT NOT NULL,
    fired_at      TEXT NOT NULL,
    annotation_id INTEGER REFERENCES annotation(id) ON DELETE SET NULL,
    exec_result   TEXT,                 -- JSON {code, signal, output, timedOut}
    UNIQUE (rule_id, run_id, series, step)
  );
  CREATE INDEX fired_alert_run ON fired_alert(run_id, step);
  `,
  // v5: experiments: conditions (groups of runs that differ by seed) compared with a control condition.
  `
  CREATE TABLE experiment (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL UNIQUE,
    control       TEXT NOT NULL,        -- a group name
    conditions    TEXT NOT NULL,        -- JSON [group, ...], the control first
    reference_run INTEGER REFERENCES run(id) ON DELETE SET NULL,
    tags          TEXT NOT NULL DEFAULT '{}',  -- JSON {group: [technique, ...]}
    created_at    TEXT NOT NULL
  );
  `,
  // v6: run variables (named strings such as inoculation_prompt) that suite contexts use as {var.NAME}.
  `
  ALTER TABLE run ADD COLUMN variables TEXT NOT NULL DEFAULT '{}';
  `,
  // v7: rollouts (what the policy sampled during RL, as the trainer logged it), their text scores, per-file read
  // cursors, per-step scoring leases and the per-step aggregates.
  `
  CREATE TABLE rollout_setting (
    run_id          INTEGER PRIMARY KEY REFERENCES run(id) ON DELETE CASCADE,
    path            TEXT,                       -- named with --rollouts; NULL: the run folder's own (TRL's completions/)
    judge_per_step  INTEGER NOT NULL DEFAULT 32  -- judge scorers score this many rollouts per step (a fixed sample)
  );
  CREATE TABLE rollout_cursor (
    run_id    INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    file_key  TEXT NOT NULL,
    source    TEXT NOT NULL,
    cursor    TEXT NOT NULL,                    -- JSON RolloutCursor
    PRIMARY KEY (run_id, file_key)
  );
  CREATE TABLE rollout (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step        INTEGER NOT NULL,
    file_key    TEXT NOT NULL,
    row_index   INTEGER NOT NULL,
    prompt      TEXT NOT NULL,
    completion  TEXT NOT NULL,
    reward      REAL,
    advantage   REAL,
    rewards     TEXT NOT NULL DEFAULT '{}',     -- JSON {reward function: value}
    UNIQUE (run_id, file_key, row_index)
  );
  CREATE INDEX rollout_run_step ON rollout(run_id, step);
  CREATE TABLE rollout_score (
    rollout_id  INTEGER NOT NULL REFERENCES rollout(id) ON DELETE CASCADE,
    trait_key   TEXT NOT NULL,
    scorer      TEXT NOT NULL,
    value       REAL,
    detail      TEXT,                           -- JSON: null reason, estimator, judge answers or raw logprobs
    PRIMARY KEY (rollout_id, trait_key, scorer)
  ) WITHOUT ROWID;
  CREATE TABLE rollout_step (
    run_id         INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step           INTEGER NOT NULL,
    lease_owner    TEXT,
    lease_expires  INTEGER,
    PRIMARY KEY (run_id, step)
  );
  CREATE TABLE rollout_aggregate (
    run_id              INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
    step                INTEGER NOT NULL,
    trait_key           TEXT NOT NULL,
    scorer              TEXT NOT NULL,
    n                   INTEGER NOT NULL,
    prompts             INTEGER NOT NULL,
    nulls               INTEGER NOT NULL,
    mean                REAL,
    ci_low              REAL,
    ci_high             REAL,
    reward_corr         REAL,
    corr_low            REAL,
    corr_high           REAL,
    advantage_weighted  REAL,
    reward_share        REAL,
    threshold           REAL NOT NULL,
    method              TEXT NOT NULL,
    PRIMARY KEY (run_id, step, trait_key)
  );
  `,
  // v8: the drift view reads a context's scores of many runs, by step. The score row carries its checkpoint's run
  // and step, so one covering index hands them out already in (run, context, step) order: no join per row and no
  // sort per series. The triggers keep the copies true whichever process writes a score or renumbers a checkpoint.
  `
  ALTER TABLE score ADD COLUMN run_id INTEGER;
  ALTER TABLE score ADD COLUMN step INTEGER;
  UPDATE score SET (run_id, step) = (SELECT run_id, step FROM checkpoint WHERE id = score.checkpoint_id);
  CREATE INDEX score_series ON score(run_id, context_id, step, mean, ci_low, ci_high);
  -- A run removed from the workspace but its results kept (runs remove without --delete-data): out of every list and
  -- unwatched; adding its folder again brings it back with everything it had.
  ALTER TABLE run ADD COLUMN removed_at TEXT;
  CREATE TRIGGER score_insert_places AFTER INSERT ON score WHEN NEW.run_id IS NULL OR NEW.step IS NULL BEGIN
    UPDATE score SET (run_id, step) = (SELECT run_id, step FROM checkpoint WHERE id = NEW.checkpoint_id)
      WHERE checkpoint_id = NEW.checkpoint_id AND trait_id = NEW.trait_id AND context_id = NEW.context_id;
  END;
  CREATE TRIGGER checkpoint_step_moves_scores AFTER UPDATE OF step, run_id ON checkpoint
    WHEN OLD.step IS NOT NEW.step OR OLD.run_id IS NOT NEW.run_id BEGIN
    UPDATE score SET run_id = NEW.run_id, step = NEW.step WHERE checkpoint_id = NEW.id;
  END;
  `,
  // v9: listing runs counts each run's settled checkpoints and finds its latest step, and a run's state counts those
  // still settling; with the state in the (run, step) index these read the index alone instead of every checkpoint's
  // row (100 runs x 1,000 checkpoints: about 80 ms to 15 ms). The new index serves every query the old one did.
  `
  CREATE INDEX checkpoint_run_step_state ON checkpoint(run_id, step, state);
  DROP INDEX checkpoint_run_step;
  `,
  // v10: the drift view's series, packed. Reading a context's scores of ten 10,000-checkpoint runs as rows costs
  // SQLite over a second (formatting 2 million rows); the same points packed as binary columns in chunks (see
  // scorePacks.ts) read in a fraction of that. A pack is a copy, so it may go stale: the triggers note, per series,
  // the lowest step whose rows changed (whichever process wrote them), and whoever reads or writes next re-packs the
  // series from that step's chunk on. No foreign keys: a run's deletion cascades to its scores, whose triggers would
  // then note the run being deleted; the run's own trigger below and the readers clear those.
  `
  CREATE TABLE score_pack (
    run_id      INTEGER NOT NULL,
    context_id  INTEGER NOT NULL,
    chunk       INTEGER NOT NULL,
    first_step  INTEGER NOT NULL,
    points      INTEGER NOT NULL,
    step_bytes  INTEGER NOT NULL,     -- 4: steps as Int32, 8: as Float64 (a step beyond Int32 or not an integer)
    data        BLOB NOT NULL,
    PRIMARY KEY (run_id, context_id, chunk)
  );
  CREATE TABLE score_pack_stale (
    run_id      INTEGER NOT NULL,
    context_id  INTEGER NOT NULL,
    from_step   INTEGER NOT NULL,
    PRIMARY KEY (run_id, context_id)
  ) WITHOUT ROWID;
  CREATE TRIGGER score_insert_stales_pack AFTER INSERT ON score WHEN NEW.run_id IS NOT NULL BEGIN
    INSERT INTO score_pack_stale (run_id, context_id, from_step) VALUES (NEW.run_id, NEW.context_id, NEW.step)
      ON CONFLICT (run_id, context_id) DO UPDATE SET from_step = min(from_step, excluded.from_step);
  END;
  CREATE TRIGGER score_update_stales_pack AFTER UPDATE ON score WHEN NEW.run_id IS NOT NULL BEGIN
    INSERT INTO score_pack_stale (run_id, context_id, from_step) VALUES (NEW.run_id, NEW.context_id, NEW.step)
      ON CONFLICT (run_id, context_id) DO UPDATE SET from_step = min(from_step, excluded.from_step);
  END;
  CREATE TRIGGER score_update_stales_old_pack AFTER UPDATE ON score WHEN OLD.run_id IS NOT NULL BEGIN
    INSERT INTO score_pack_stale (run_id, context_id, from_step) VALUES (OLD.run_id, OLD.context_id, OLD.step)
      ON CONFLICT (run_id, context_id) DO UPDATE SET from_step = min(from_step, excluded.from_step);
  END;
  CREATE TRIGGER score_delete_stales_pack AFTER DELETE ON score WHEN OLD.run_id IS NOT NULL BEGIN
    INSERT INTO score_pack_stale (run_id, context_id, from_step) VALUES (OLD.run_id, OLD.context_id, OLD.step)
      ON CONFLICT (run_id, context_id) DO UPDATE SET from_step = min(from_step, excluded.from_step);
  END;
  CREATE TRIGGER run_delete_drops_packs AFTER DELETE ON run BEGIN
    DELETE FROM score_pack WHERE run_id = OLD.id;
    DELETE FROM score_pack_stale WHERE run_id = OLD.id;
  END;
  INSERT INTO score_pack_stale (run_id, context_id, from_step)
    SELECT run_id, context_id, min(step) FROM score WHERE run_id IS NOT NULL GROUP BY run_id, context_id;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
