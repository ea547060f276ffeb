// Named operations for probing: suites and their traits and contexts, jobs, samples and aggregate scores.
import type { Statement } from "better-sqlite3";
import type { CheckpointState } from "../../../shared/domain.js";
import type { SampleView, ScorePoint, ScoreSeries } from "../../../shared/views.js";
import type { JobProgress } from "../../../shared/events.js";
import type { Publish } from "../events/bus.js";
import type { LoadedSuite } from "../probes/suiteLoader.js";
import type { Suite, Trait } from "../probes/suiteSchema.js";
import type { Db } from "./database.js";
import { ScorePacks, type StoredColumns } from "./scorePacks.js";

const now = () => new Date().toISOString();

export interface SavedTrait {
  id: number;
  trait: Trait;
  contexts: { id: number; key: string }[];
}

export interface SavedSuite {
  id: number;
  key: string;
  version: string;
  suite: Suite;
  traits: SavedTrait[];
}

export interface SuiteSummary {
  id: number;
  key: string;
  version: string;
  name: string;
  source: string | null;
  importedAt: string;
  traits: string[];
}

export interface SampleRow {
  checkpointId: number;
  traitId: number;
  contextId: number;
  item: string;
  index: number;
  prompt: string;
  response: string | null;
  score: number | null;
  scores: Record<string, unknown>;
  nullReason: string | null;
  latencyMs: number | null;
  tokens: number | null;
}

export type JobState = JobProgress["state"];

export interface JobRecord {
  id: number;
  checkpointId: number;
  traitId: number;
  contextId: number;
  state: JobState;
  done: number;
  total: number;
  attempts: number;
  lastError: string | null;
}

/** An aggregate score as the scoring service saves it. */
export interface ScoreValues {
  mean: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  nulls: number;
}

/** Who holds a job: an id unique to one process (host, pid and a random part), so leases never collide. */
export interface LeaseHolder {
  owner: string;
  /** How long a lease lasts without a heartbeat. */
  ttlMs: number;
  /** Whether a lease's owner is known to be gone (a dead process on this host): its lease may be taken at once. */
  ownerGone: (owner: string) => boolean;
}

export class ProbeStore {
  private readonly packs: ScorePacks;

  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {
    this.packs = new ScorePacks(db);
  }

  // ---- suites ----

  /** Stores a suite version once (same key and content hash: same rows) and returns its ids. */
  saveSuite(loaded: LoadedSuite, source: string | null): SavedSuite {
    const { suite, version, json } = loaded;
    this.db.transaction(() => {
      const exists = this.db.prepare(`SELECT id FROM suite WHERE suite_key = ? AND version = ?`).get(suite.id, version);
      if (exists) return;
      const suiteId = Number(
        this.db
          .prepare(`INSERT INTO suite (suite_key, version, name, source, content, imported_at) VALUES (?, ?, ?, ?, ?, ?)`)
          .run(suite.id, version, suite.name, source, json, now()).lastInsertRowid,
      );
      for (const t of suite.traits) {
        const traitId = Number(
          this.db
            .prepare(`INSERT INTO trait (suite_id, trait_key, name, description, polarity, role) VALUES (?, ?, ?, ?, ?, ?)`)
            .run(suiteId, t.id, t.name, t.description, t.polarity, t.role).lastInsertRowid,
        );
        for (const c of t.contexts) {
          this.db
            .prepare(`INSERT INTO context (trait_id, context_key, role, system_prompt, user_prefix) VALUES (?, ?, ?, ?, ?)`)
            .run(traitId, c.id, c.role, c.system, c.userPrefix ?? null);
        }
      }
    }).immediate();
    const row = this.db.prepare(`SELECT id FROM suite WHERE suite_key = ? AND version = ?`).get(suite.id, version) as { id: number };
    return this.getSuite(row.id)!;
  }

  getSuite(id: number): SavedSuite | undefined {
    const row = this.db.prepare(`SELECT id, suite_key, version, content FROM suite WHERE id = ?`).get(id) as
      | { id: number; suite_key: string; version: string; content: string }
      | undefined;
    if (!row) return undefined;
    const suite = JSON.parse(row.content) as Suite;
    const traitRows = this.db.prepare(`SELECT id, trait_key FROM trait WHERE suite_id = ?`).all(id) as { id: number; trait_key: string }[];
    const traits = suite.traits.map((t) => {
      const tr = traitRows.find((r) => r.trait_key === t.id)!;
      const contexts = this.db.prepare(`SELECT id, context_key AS key FROM context WHERE trait_id = ? ORDER BY id`).all(tr.id) as { id: number; key: string }[];
      return { id: tr.id, trait: t, contexts };
    });
    return { id: row.id, key: row.suite_key, version: row.version, suite, traits };
  }

  /** The newest stored version of a suite key (or the given version). */
  findSuite(key: string, version?: string): SavedSuite | undefined {
    const row = (
      version
        ? this.db.prepare(`SELECT id FROM suite WHERE suite_key = ? AND version LIKE ? ORDER BY id DESC LIMIT 1`).get(key, `${version}%`)
        : this.db.prepare(`SELECT id FROM suite WHERE suite_key = ? ORDER BY id DESC LIMIT 1`).get(key)
    ) as { id: number } | undefined;
    return row && this.getSuite(row.id);
  }

  listSuites(): SuiteSummary[] {
    const rows = this.db.prepare(`SELECT id, suite_key, version, name, source, imported_at FROM suite ORDER BY suite_key, id`).all() as {
      id: number;
      suite_key: string;
      version: string;
      name: string;
      source: string | null;
      imported_at: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      key: r.suite_key,
      version: r.version,
      name: r.name,
      source: r.source,
      importedAt: r.imported_at,
      traits: (this.db.prepare(`SELECT trait_key FROM trait WHERE suite_id = ? ORDER BY id`).all(r.id) as { trait_key: string }[]).map((t) => t.trait_key),
    }));
  }

  // ---- jobs ----

  ensureJob(checkpointId: number, traitId: number, contextId: number, total: number, priority: number): JobRecord {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO job (checkpoint_id, trait_id, context_id, state, priority, total, created_at, updated_at) VALUES (?, ?, ?, 'queued', ?, ?, ?, ?)
         ON CONFLICT (checkpoint_id, trait_id, context_id) DO UPDATE SET total = excluded.total, priority = excluded.priority`,
      )
      .run(checkpointId, traitId, contextId, priority, total, t, t);
    return this.getJob(checkpointId, traitId, contextId)!;
  }

  getJob(checkpointId: number, traitId: number, contextId: number): JobRecord | undefined {
    const r = this.db.prepare(`SELECT * FROM job WHERE checkpoint_id = ? AND trait_id = ? AND context_id = ?`).get(checkpointId, traitId, contextId) as
      | { id: number; checkpoint_id: number; trait_id: number; context_id: number; state: JobState; done: number; total: number; attempts: number; last_error: string | null }
      | undefined;
    return (
      r && { id: r.id, checkpointId: r.checkpoint_id, traitId: r.trait_id, contextId: r.context_id, state: r.state, done: r.done, total: r.total, attempts: r.attempts, lastError: r.last_error }
    );
  }

  updateJob(jobId: number, patch: { state?: JobState; done?: number; attempts?: number; lastError?: string | null }): void {
    const columns = { state: "state", done: "done", attempts: "attempts", lastError: "last_error" } as const;
    const sets: string[] = ["updated_at = ?"];
    const values: unknown[] = [now()];
    for (const [field, column] of Object.entries(columns)) {
      const v = patch[field as keyof typeof patch];
      if (v === undefined) continue;
      sets.push(`${column} = ?`);
      values.push(v);
    }
    this.db.prepare(`UPDATE job SET ${sets.join(", ")} WHERE id = ?`).run(...values, jobId);
  }

  // ---- leases ----

  /**
   * Claims jobs for one process, each by one atomic UPDATE: a job is taken only when nobody holds it, the claimant
   * already does, or its holder's lease expired (or the holder is a process known to be dead). Returns the ids won.
   */
  claimJobs(jobIds: number[], lease: LeaseHolder): number[] {
    const t = Date.now();
    const holders = this.db.prepare(`SELECT lease_owner FROM job WHERE id = ?`);
    const claim = this.db.prepare(
      `UPDATE job SET lease_owner = @owner, lease_expires = @expires
       WHERE id = @id AND state NOT IN ('paused', 'done')
         AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires < @now OR lease_owner = @gone)`,
    );
    return this.db.transaction(() => {
      const won: number[] = [];
      for (const id of jobIds) {
        const held = (holders.get(id) as { lease_owner: string | null } | undefined)?.lease_owner ?? null;
        const gone = held !== null && held !== lease.owner && lease.ownerGone(held) ? held : null;
        if (claim.run({ owner: lease.owner, expires: t + lease.ttlMs, id, now: t, gone }).changes > 0) won.push(id);
      }
      return won;
    }).immediate();
  }

  /** The heartbeat: extends every lease this owner holds. */
  renewLeases(lease: LeaseHolder): number {
    return this.db.prepare(`UPDATE job SET lease_expires = ? WHERE lease_owner = ?`).run(Date.now() + lease.ttlMs, lease.owner).changes;
  }

  releaseJobs(jobIds: number[], owner: string): void {
    const stmt = this.db.prepare(`UPDATE job SET lease_owner = NULL, lease_expires = NULL WHERE id = ? AND lease_owner = ?`);
    this.db.transaction(() => {
      for (const id of jobIds) stmt.run(id, owner);
    }).immediate();
  }

  /** Whether any job of a checkpoint is held by a live lease of another owner. */
  checkpointBusy(checkpointId: number, lease: LeaseHolder): boolean {
    const rows = this.db
      .prepare(`SELECT lease_owner AS owner FROM job WHERE checkpoint_id = ? AND lease_owner IS NOT NULL AND lease_owner <> ? AND lease_expires >= ?`)
      .all(checkpointId, lease.owner, Date.now()) as { owner: string }[];
    return rows.some((r) => !lease.ownerGone(r.owner));
  }

  /**
   * Recovery after a crash or kill, in one place: work whose lease expired (or whose owner is a dead process) is
   * queued again and its checkpoint made pending; work another live process holds is left alone.
   */
  recoverInterrupted(lease: LeaseHolder): number {
    return this.db.transaction(() => {
      const t = Date.now();
      const stale = (this.db.prepare(`SELECT id, lease_owner AS owner, lease_expires AS expires FROM job WHERE state = 'running' OR lease_owner IS NOT NULL`).all() as {
        id: number;
        owner: string | null;
        expires: number | null;
      }[]).filter((j) => j.owner === null || j.owner === lease.owner || (j.expires ?? 0) < t || lease.ownerGone(j.owner));
      const requeue = this.db.prepare(`UPDATE job SET state = CASE WHEN state = 'running' THEN 'queued' ELSE state END, lease_owner = NULL, lease_expires = NULL WHERE id = ?`);
      for (const j of stale) requeue.run(j.id);
      // A checkpoint left "probing" with no live lease on any of its jobs is pending again.
      this.db
        .prepare(
          `UPDATE checkpoint SET state = 'pending' WHERE state = 'probing'
           AND NOT EXISTS (SELECT 1 FROM job j WHERE j.checkpoint_id = checkpoint.id AND j.lease_owner IS NOT NULL)`,
        )
        .run();
      return stale.length;
    }).immediate();
  }

  /** A checkpoint's state as stored now (another process may have changed it since it was listed). */
  checkpointState(checkpointId: number): CheckpointState | null {
    return ((this.db.prepare(`SELECT state FROM checkpoint WHERE id = ?`).get(checkpointId) as { state: CheckpointState } | undefined)?.state) ?? null;
  }

  setCheckpointState(checkpointId: number, state: CheckpointState): void {
    const row = this.db.prepare(`SELECT run_id, step, state FROM checkpoint WHERE id = ?`).get(checkpointId) as { run_id: number; step: number; state: string } | undefined;
    if (!row || row.state === state) return;
    this.db
      .prepare(`UPDATE checkpoint SET state = ?, probed_at = CASE WHEN ? IN ('done','failed') THEN ? ELSE probed_at END WHERE id = ?`)
      .run(state, state, now(), checkpointId);
    this.publish({ type: "checkpoint-changed", runId: row.run_id, step: row.step, state });
  }

  /**
   * Probed checkpoints are queued again so that what is now missing gets probed: all of them (new traits or
   * contexts in the settings), or only those with contexts skipped for a missing run variable. Samples already
   * stored are never asked for again.
   */
  requeueProbed(runId: number, onlySkipped: boolean): number {
    return this.db
      .prepare(
        `UPDATE checkpoint SET state = 'pending' WHERE run_id = ? AND state IN ('done', 'failed')
         ${onlySkipped ? "AND EXISTS (SELECT 1 FROM job j WHERE j.checkpoint_id = checkpoint.id AND j.state = 'cancelled' AND j.last_error LIKE 'skipped:%')" : ""}`,
      )
      .run(runId).changes;
  }

  /** Jobs with what the queue view shows, newest checkpoint first. */
  listJobs(runId?: number): JobProgress[] {
    const rows = this.db
      .prepare(
        `SELECT j.id, j.state, j.done, j.total, j.last_error, j.created_at, j.updated_at, c.run_id, c.step, t.trait_key, x.context_key
         FROM job j JOIN checkpoint c ON c.id = j.checkpoint_id JOIN trait t ON t.id = j.trait_id JOIN context x ON x.id = j.context_id
         ${runId === undefined ? "" : "WHERE c.run_id = ?"} ORDER BY c.step DESC, t.trait_key, x.context_key`,
      )
      .all(...(runId === undefined ? [] : [runId])) as {
      id: number;
      state: JobState;
      done: number;
      total: number;
      last_error: string | null;
      created_at: string;
      updated_at: string;
      run_id: number;
      step: number;
      trait_key: string;
      context_key: string;
    }[];
    return rows.map((r) => {
      const seconds = (Date.parse(r.updated_at) - Date.parse(r.created_at)) / 1000;
      const rate = r.state === "running" && seconds > 0 && r.done > 0 ? r.done / seconds : null;
      return { jobId: r.id, runId: r.run_id, step: r.step, trait: r.trait_key, context: r.context_key, state: r.state, done: r.done, total: r.total, rate, etaSeconds: rate ? (r.total - r.done) / rate : null, lastError: r.last_error };
    });
  }

  /** A run's probing progress in one aggregate: the sidebar asks for it on every progress event. */
  runProgress(runId: number): { done: number; total: number; running: boolean; failed: number } {
    // Prepared once: listing runs asks this of every run.
    const r = (this.runProgressStmt ??= this.db
      .prepare(
        `SELECT coalesce(sum(j.done), 0) AS done, coalesce(sum(j.total), 0) AS total, coalesce(max(j.state = 'running'), 0) AS running,
           coalesce(sum(j.state = 'failed'), 0) AS failed
         FROM job j JOIN checkpoint c ON c.id = j.checkpoint_id WHERE c.run_id = ?`,
      ))
      .get(runId) as { done: number; total: number; running: number; failed: number };
    return { done: r.done, total: r.total, running: r.running === 1, failed: r.failed };
  }

  /** A run's failed jobs: how many, how many samples they miss, and why (each reason once). */
  failedJobs(runId: number, step?: number): { jobs: number; missingSamples: number; reasons: string[] } {
    const rows = this.db
      .prepare(`SELECT j.total - j.done AS missing, j.last_error AS reason FROM job j JOIN checkpoint c ON c.id = j.checkpoint_id WHERE c.run_id = ? AND j.state = 'failed' ${step === undefined ? "" : "AND c.step = ?"}`)
      .all(...(step === undefined ? [runId] : [runId, step])) as { missing: number; reason: string | null }[];
    return { jobs: rows.length, missingSamples: rows.reduce((a, r) => a + Math.max(0, r.missing), 0), reasons: [...new Set(rows.map((r) => r.reason ?? "unknown"))] };
  }

  /** Pause, resume or retry a job; a retried job's checkpoint is queued again. */
  controlJob(jobId: number, action: "pause" | "resume" | "retry"): JobProgress | null {
    const row = this.db.prepare(`SELECT j.state, j.checkpoint_id FROM job j WHERE j.id = ?`).get(jobId) as { state: JobState; checkpoint_id: number } | undefined;
    if (!row) return null;
    const next: JobState | null =
      action === "pause" ? (row.state === "queued" || row.state === "running" || row.state === "failed" ? "paused" : null) : action === "resume" ? (row.state === "paused" ? "queued" : null) : row.state === "failed" || row.state === "cancelled" ? "queued" : null;
    if (next) {
      this.updateJob(jobId, { state: next, ...(action === "retry" ? { attempts: 0, lastError: null } : {}) });
      if (next === "queued") {
        const c = this.db.prepare(`SELECT state FROM checkpoint WHERE id = ?`).get(row.checkpoint_id) as { state: string };
        if (c.state === "failed" || c.state === "done") this.setCheckpointState(row.checkpoint_id, "pending");
      }
    }
    return this.listJobs().find((j) => j.jobId === jobId) ?? null;
  }

  // ---- samples ----

  /** Keys ("item\0index") of the samples already stored for a job: a resumed job asks only for the rest. */
  sampleKeys(checkpointId: number, traitId: number, contextId: number): Set<string> {
    const rows = this.db
      .prepare(`SELECT item_key, sample_index FROM sample WHERE checkpoint_id = ? AND trait_id = ? AND context_id = ?`)
      .all(checkpointId, traitId, contextId) as { item_key: string; sample_index: number }[];
    return new Set(rows.map((r) => `${r.item_key}\u0000${r.sample_index}`));
  }

  /** Writes samples in one transaction; a sample already stored is left as it is. Returns how many were new. */
  private insertSample: Statement | null = null;

  private runProgressStmt: Statement | undefined;

  insertSamples(rows: SampleRow[]): number {
    if (rows.length === 0) return 0;
    const stmt = (this.insertSample ??= this.db.prepare(
      `INSERT INTO sample (checkpoint_id, trait_id, context_id, item_key, sample_index, prompt, response, score, scores, null_reason, latency_ms, tokens, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ));
    const t = now();
    return this.db.transaction(() => {
      let n = 0;
      for (const r of rows) {
        n += stmt.run(r.checkpointId, r.traitId, r.contextId, r.item, r.index, r.prompt, r.response, r.score, JSON.stringify(r.scores), r.nullReason, r.latencyMs, r.tokens, t).changes;
      }
      return n;
    })();
  }

  /**
   * How a judge scorer's stored values were estimated over some runs' samples of a trait: from first-token logprobs,
   * or by sampling (a server without logprobs), for the export manifest.
   */
  judgeEstimators(runIds: number[], traitKey: string, scorer: string): { logprobs: number; sampled: number } {
    if (runIds.length === 0) return { logprobs: 0, sampled: 0 };
    const path = `$."${scorer.replace(/"/g, '""')}"`;
    const rows = this.db
      .prepare(
        `SELECT json_extract(s.scores, ? || '.estimator') AS e, count(*) AS n FROM sample s
         JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id
         WHERE c.run_id IN (${runIds.map(() => "?").join(",")}) AND t.trait_key = ? AND json_type(s.scores, ?) IS NOT NULL
         GROUP BY e`,
      )
      .all(path, ...runIds, traitKey, path) as { e: string | null; n: number }[];
    return { logprobs: rows.filter((r) => r.e !== "sampled").reduce((a, r) => a + r.n, 0), sampled: rows.find((r) => r.e === "sampled")?.n ?? 0 };
  }

  /**
   * The library versions an activation scorer's stored projections were computed with (the worker reports them with
   * each answer), over some runs' samples of a trait, with how many samples each set of versions scored.
   */
  activationVersions(runIds: number[], traitKey: string, scorer: string): { versions: Record<string, string>; samples: number }[] {
    if (runIds.length === 0) return [];
    const path = `$."${scorer.replace(/"/g, '""')}".activation.versions`;
    const rows = this.db
      .prepare(
        `SELECT json_extract(s.scores, ?) AS v, count(*) AS n FROM sample s
         JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id
         WHERE c.run_id IN (${runIds.map(() => "?").join(",")}) AND t.trait_key = ? AND json_type(s.scores, ?) = 'object'
         GROUP BY v ORDER BY v`,
      )
      .all(path, ...runIds, traitKey, path) as { v: string; n: number }[];
    return rows.map((r) => ({ versions: JSON.parse(r.v) as Record<string, string>, samples: r.n }));
  }

  countSamples(checkpointId: number, traitId: number, contextId: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM sample WHERE checkpoint_id = ? AND trait_id = ? AND context_id = ?`).get(checkpointId, traitId, contextId) as { n: number }).n;
  }

  // ---- scores ----

  /** The per-sample scores a (checkpoint, trait, context) aggregate is computed from. */
  scoreInputs(checkpointId: number, traitId: number, contextId: number): { item: string; score: number | null }[] {
    return this.db
      // In item order, along the unique index (no sort): the aggregate then groups items in one pass.
      .prepare(`SELECT item_key AS item, score FROM sample WHERE checkpoint_id = ? AND trait_id = ? AND context_id = ? ORDER BY item_key, sample_index`)
      .all(checkpointId, traitId, contextId) as { item: string; score: number | null }[];
  }

  /** Saves an aggregate score and says so. */
  saveScore(checkpointId: number, traitId: number, contextId: number, a: ScoreValues): void {
    this.db
      .prepare(
        `INSERT INTO score (checkpoint_id, trait_id, context_id, mean, ci_low, ci_high, n, nulls, updated_at, run_id, step)
         SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, run_id, step FROM checkpoint WHERE id = ?
         ON CONFLICT (checkpoint_id, trait_id, context_id) DO UPDATE SET mean = excluded.mean, ci_low = excluded.ci_low, ci_high = excluded.ci_high,
           n = excluded.n, nulls = excluded.nulls, updated_at = excluded.updated_at`,
      )
      .run(checkpointId, traitId, contextId, a.mean, a.ciLow, a.ciHigh, a.n, a.nulls, now(), checkpointId);
    const where = this.db
      .prepare(`SELECT c.run_id, c.step, t.trait_key, x.context_key FROM checkpoint c, trait t, context x WHERE c.id = ? AND t.id = ? AND x.id = ?`)
      .get(checkpointId, traitId, contextId) as { run_id: number; step: number; trait_key: string; context_key: string };
    this.publish({ type: "scores-updated", runId: where.run_id, step: where.step, trait: where.trait_key, context: where.context_key });
  }

  /**
   * Scores of a run, sorted by trait, context, step. Where a run was probed with several versions of a suite,
   * each (step, trait, context) shows the newest version's score.
   */
  listScores(runId: number, traitKey?: string, contextKey?: string): ScorePoint[] {
    return [...this.iterateScores(runId, traitKey, contextKey)];
  }

  /** listScores one row at a time, for output of any length in bounded memory (nothing else may use the
   * connection until the iteration ends: keep it synchronous). */
  *iterateScores(runId: number, traitKey?: string, contextKey?: string): Generator<ScorePoint> {
    const rows = this.db
      .prepare(
        `SELECT c.step, c.completed_at, t.trait_key AS trait, x.context_key AS context, s.mean, s.ci_low, s.ci_high, s.n, s.nulls, t.suite_id
         FROM score s JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id JOIN context x ON x.id = s.context_id
         WHERE c.run_id = ? ${traitKey ? "AND t.trait_key = ?" : ""} ${contextKey ? "AND x.context_key = ?" : ""}
         ORDER BY t.trait_key, x.context_key, c.step, t.suite_id DESC`,
      )
      .iterate(...[runId, ...(traitKey ? [traitKey] : []), ...(contextKey ? [contextKey] : [])]) as IterableIterator<{
      step: number;
      trait: string;
      context: string;
      mean: number | null;
      ci_low: number | null;
      ci_high: number | null;
      n: number;
      nulls: number;
      completed_at: string | null;
    }>;
    let last: { step: number; trait: string; context: string } | null = null;
    for (const r of rows) {
      if (last && last.step === r.step && last.trait === r.trait && last.context === r.context) continue; // an older suite version
      last = r;
      yield { step: r.step, trait: r.trait, context: r.context, mean: r.mean, ciLow: r.ci_low, ciHigh: r.ci_high, n: r.n, nulls: r.nulls, completedAt: r.completed_at };
    }
  }

  /** Per run, a number that changes whenever any of its scores or checkpoint completion times change (kept by
   * triggers, so writes from any process count). */
  scoreFingerprints(runIds: number[]): Map<number, string> {
    if (runIds.length === 0) return new Map();
    const rows = this.db.prepare(`SELECT id, scores_version AS v FROM run WHERE id IN (${runIds.map(() => "?").join(",")})`).all(...runIds) as { id: number; v: number }[];
    return new Map(rows.map((r) => [r.id, String(r.v)]));
  }

  /**
   * Scores of several runs as one column set per (run, trait, context), sorted by step; the newest suite version
   * wins where a run was probed with several. Values travel as integers in units of 1/SERIES_SCALE (5 decimals,
   * more than a chart can show; SQLite formats and the browser parses integers several times faster than floats)
   * unless `exact` asks for full precision and each score's n, as exports do. Only the named traits and contexts
   * are read (all when none are named).
   */
  scoreSeries(runIds: number[], traitKey?: string | readonly string[], contextKey?: string | readonly string[], withTimes = false, exact = false): ScoreSeries[] {
    if (runIds.length === 0) return [];
    const { filtered, contexts } = this.seriesContexts(traitKey, contextKey);
    if (filtered && contexts.length === 0) return [];
    const byId = new Map(contexts.map((c) => [c.id, c]));
    // The covering index score_series hands rows out in (run, context, step) order, so each series' columns are
    // built by SQLite in C, in that order, with no sort at all (an aggregate's own ORDER BY would sort every column
    // separately). SQL leaves an aggregate's input order unspecified, so the steps are checked below and a series
    // that ever came out of order is sorted there.
    const rows = this.db
      .prepare(
        `SELECT s.run_id AS runId, s.context_id AS ctx,
           json_group_array(s.step) AS steps,
           json_group_array(${exact ? "s.mean" : fixed("s.mean")}) AS mean,
           json_group_array(${exact ? "s.ci_low" : fixed("s.ci_low")}) AS lo,
           json_group_array(${exact ? "s.ci_high" : fixed("s.ci_high")}) AS hi,
           ${exact ? "json_group_array(s.n)" : "NULL"} AS n,
           ${withTimes ? "json_group_array((SELECT unixepoch(c.completed_at, 'subsec') FROM checkpoint c WHERE c.id = s.checkpoint_id))" : "NULL"} AS completed
         FROM score s INDEXED BY score_series
         WHERE s.run_id IN (${runIds.map(() => "?").join(",")}) ${filtered ? `AND s.context_id IN (${contexts.map(() => "?").join(",")})` : ""}
         GROUP BY s.run_id, s.context_id`,
      )
      .all(...runIds, ...(filtered ? contexts.map((c) => c.id) : [])) as { runId: number; ctx: number; steps: string; mean: string; lo: string; hi: string; n: string | null; completed: string | null }[];
    const versions: { suite: number; series: ScoreSeries }[] = [];
    for (const r of rows) {
      const c = byId.get(r.ctx);
      if (!c) continue; // a context saved after the first query (another process): the next read shows it
      const series = inStepOrder({
        runId: r.runId,
        trait: c.trait,
        context: c.context,
        steps: JSON.parse(r.steps) as number[],
        mean: JSON.parse(r.mean) as (number | null)[],
        ciLow: JSON.parse(r.lo) as (number | null)[],
        ciHigh: JSON.parse(r.hi) as (number | null)[],
        ...(r.n !== null ? { n: JSON.parse(r.n) as number[] } : {}),
        ...(exact ? {} : { scale: SERIES_SCALE }),
        ...(r.completed !== null ? { completed: JSON.parse(r.completed) as (number | null)[] } : {}),
      });
      versions.push({ suite: c.suite, series });
    }
    return newestVersions(versions, mergeSeries);
  }

  /** The contexts named (by id; a context belongs to one trait of one suite version), all when none are named. */
  private seriesContexts(traitKey?: string | readonly string[], contextKey?: string | readonly string[]): { filtered: boolean; contexts: { id: number; context: string; trait: string; suite: number }[] } {
    const list = (k: string | readonly string[] | undefined) => (k === undefined ? [] : typeof k === "string" ? [k] : [...k]);
    const traitKeys = list(traitKey);
    const contextKeys = list(contextKey);
    const contexts = this.db
      .prepare(
        `SELECT x.id, x.context_key AS context, t.trait_key AS trait, t.suite_id AS suite FROM context x JOIN trait t ON t.id = x.trait_id
         WHERE 1 ${traitKeys.length ? `AND t.trait_key IN (${traitKeys.map(() => "?").join(",")})` : ""} ${contextKeys.length ? `AND x.context_key IN (${contextKeys.map(() => "?").join(",")})` : ""}`,
      )
      .all(...traitKeys, ...contextKeys) as { id: number; context: string; trait: string; suite: number }[];
    return { filtered: traitKeys.length > 0 || contextKeys.length > 0, contexts };
  }

  /**
   * The drift view's series: scores of several runs as typed columns per (run, trait, context), steps ascending,
   * values as Float32 with NaN for a missing one, read from the packed copies (scorePacks.ts); the newest suite
   * version wins per step, as in scoreSeries. With `withTimes`, each point also carries its checkpoint's completion
   * time (read from the rows, which hold the checkpoint).
   */
  seriesColumns(runIds: number[], traitKey?: string | readonly string[], contextKey?: string | readonly string[], withTimes = false): RunColumns[] {
    if (withTimes) return this.scoreSeries(runIds, traitKey, contextKey, true).map(columnsOfSeries);
    if (runIds.length === 0) return [];
    const { filtered, contexts } = this.seriesContexts(traitKey, contextKey);
    if (filtered && contexts.length === 0) return [];
    const stored = this.packs.read(runIds, filtered ? contexts.map((c) => c.id) : undefined);
    const byId = new Map(contexts.map((c) => [c.id, c]));
    const versions: { suite: number; series: RunColumns }[] = [];
    for (const [where, cols] of stored) {
      const [runId, ctx] = where.split(":").map(Number) as [number, number];
      const c = byId.get(ctx);
      if (!c) continue; // a context saved after the first query (another process): the next read shows it
      versions.push({ suite: c.suite, series: { runId, trait: c.trait, context: c.context, ...cols } });
    }
    return newestVersions(versions, mergeColumns);
  }

  /** Brings a run's packed series up to date (after a checkpoint's scores are saved, so the next view reads packs). */
  packScores(runId: number): void {
    this.packs.refresh([runId]);
  }

  /** The samples behind a checkpoint's scores, with every scorer's value and judge detail. */
  listSamples(runId: number, step: number, traitKey?: string): SampleView[] {
    return (
      this.db
        .prepare(
          `SELECT t.trait_key AS trait, x.context_key AS context, s.item_key AS item, s.sample_index AS sample, s.prompt, s.response, s.score, s.null_reason, s.scores
           FROM sample s JOIN checkpoint c ON c.id = s.checkpoint_id JOIN trait t ON t.id = s.trait_id JOIN context x ON x.id = s.context_id
           WHERE c.run_id = ? AND c.step = ? ${traitKey ? "AND t.trait_key = ?" : ""}
           ORDER BY t.trait_key, x.context_key, s.item_key, s.sample_index`,
        )
        .all(...[runId, step, ...(traitKey ? [traitKey] : [])]) as (Omit<SampleView, "nullReason" | "detail"> & { null_reason: string | null; scores: string })[]
    ).map((r) => ({ trait: r.trait, context: r.context, item: r.item, sample: r.sample, prompt: r.prompt, response: r.response, score: r.score, nullReason: r.null_reason, detail: JSON.parse(r.scores) as Record<string, unknown> }));
  }
}

/** Chart series carry values as integers of this many parts per unit (see scoreSeries). */
export const SERIES_SCALE = 100_000;

const fixed = (col: string) => `CAST(round(${col} * ${SERIES_SCALE}) AS INTEGER)`;

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * One series per (run, trait, context) from the versions read (a context belongs to one suite version, so a trait
 * probed with several versions comes as several series): older versions first, the newer one winning per step
 * (`merge`); sorted by run, trait and context.
 */
function newestVersions<S extends { runId: number; trait: string; context: string }>(versions: readonly { suite: number; series: S }[], merge: (older: S, newer: S) => S): S[] {
  const bySeries = new Map<string, { suite: number; series: S }[]>();
  for (const v of versions) {
    const key = `${v.series.runId}\u0000${v.series.trait}\u0000${v.series.context}`;
    const list = bySeries.get(key);
    if (list) list.push(v);
    else bySeries.set(key, [v]);
  }
  const out: S[] = [];
  for (const list of bySeries.values()) {
    list.sort((a, b) => a.suite - b.suite);
    out.push(list.slice(1).reduce((older, v) => merge(older, v.series), list[0]!.series));
  }
  return out.sort((a, b) => a.runId - b.runId || cmp(a.trait, b.trait) || cmp(a.context, b.context));
}

/** The series with its columns in step order: as it came when its steps increase (they do, from the index). */
function inStepOrder(s: ScoreSeries): ScoreSeries {
  let sorted = true;
  for (let i = 1; i < s.steps.length && sorted; i++) sorted = s.steps[i - 1]! < s.steps[i]!;
  if (sorted) return s;
  const order = s.steps.map((_, i) => i).sort((a, b) => s.steps[a]! - s.steps[b]!);
  const pick = <T,>(col: T[] | undefined) => (col ? order.map((i) => col[i]!) : undefined);
  return { ...s, steps: pick(s.steps)!, mean: pick(s.mean)!, ciLow: pick(s.ciLow)!, ciHigh: pick(s.ciHigh)!, ...(s.n ? { n: pick(s.n)! } : {}), ...(s.completed ? { completed: pick(s.completed)! } : {}) };
}

/** Two versions of one series: every step of both, the newer version's value where both have one. */
function mergeSeries(older: ScoreSeries, newer: ScoreSeries): ScoreSeries {
  const at = new Map<number, number>();
  newer.steps.forEach((st, i) => at.set(st, i));
  const steps = [...new Set([...older.steps, ...newer.steps])].sort((a, b) => a - b);
  const pick = <T,>(col: (s: ScoreSeries) => T[] | undefined, st: number): T | null => {
    const i = at.get(st);
    if (i !== undefined) return col(newer)?.[i] ?? null;
    const j = older.steps.indexOf(st);
    return col(older)?.[j] ?? null;
  };
  return {
    ...newer,
    steps,
    mean: steps.map((st) => pick((s) => s.mean, st)),
    ciLow: steps.map((st) => pick((s) => s.ciLow, st)),
    ciHigh: steps.map((st) => pick((s) => s.ciHigh, st)),
    ...(newer.completed ? { completed: steps.map((st) => pick((s) => s.completed, st)) } : {}),
    ...(newer.n ? { n: steps.map((st) => pick((s) => s.n, st) ?? 0) } : {}),
  };
}

/** One run's series of one trait and context as the drift view reads it (see seriesColumns). */
export interface RunColumns extends StoredColumns {
  runId: number;
  trait: string;
  context: string;
  /** Seconds since the epoch when each checkpoint finished writing (only when asked for); NaN when unknown. */
  completed?: Float64Array;
}

function float32(col: readonly (number | null)[], scale: number): Float32Array {
  const out = new Float32Array(col.length);
  for (let i = 0; i < col.length; i++) out[i] = col[i] === null ? NaN : col[i]! / scale;
  return out;
}

/** A series read as rows (scoreSeries), as columns. */
function columnsOfSeries(s: ScoreSeries): RunColumns {
  const scale = s.scale ?? 1;
  return {
    runId: s.runId,
    trait: s.trait,
    context: s.context,
    steps: Float64Array.from(s.steps),
    mean: float32(s.mean, scale),
    ciLow: float32(s.ciLow, scale),
    ciHigh: float32(s.ciHigh, scale),
    ...(s.completed ? { completed: Float64Array.from(s.completed, (v) => v ?? NaN) } : {}),
  };
}

/** Two versions of one series as columns: every step of both, the newer version's point where both have one. */
function mergeColumns(older: RunColumns, newer: RunColumns): RunColumns {
  const steps = [...new Set([...older.steps, ...newer.steps])].sort((a, b) => a - b);
  const at = (s: RunColumns) => new Map(Array.from(s.steps, (st, i) => [st, i]));
  const inNewer = at(newer);
  const inOlder = at(older);
  const out: RunColumns = { ...newer, steps: Float64Array.from(steps), mean: new Float32Array(steps.length), ciLow: new Float32Array(steps.length), ciHigh: new Float32Array(steps.length) };
  steps.forEach((st, k) => {
    const i = inNewer.get(st);
    const [from, j] = i !== undefined ? [newer, i] : [older, inOlder.get(st)!];
    out.mean[k] = from.mean[j]!;
    out.ciLow[k] = from.ciLow[j]!;
    out.ciHigh[k] = from.ciHigh[j]!;
  });
  return out;
}
