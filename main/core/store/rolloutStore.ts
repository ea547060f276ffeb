// Rollouts: what the policy sampled during RL as its trainer logged it, each text scorer's value, the read cursors,
// per-step scoring leases and per-step aggregates. Rows are unique per (run, file, row), so a file read twice (after
// a crash between storing rows and their cursor) never stores a rollout twice.
import type { RolloutPoint, RolloutSampleView } from "../../../shared/views.js";
import type { Publish } from "../events/bus.js";
import type { RolloutCursor, RolloutRow } from "../rollouts/types.js";
import type { RolloutStats } from "../rollouts/rolloutStats.js";
import type { Db } from "./database.js";
import type { LeaseHolder } from "./probeStore.js";

export interface RolloutSetting {
  path: string | null;
  judgePerStep: number;
}

export const DEFAULT_ROLLOUT_JUDGE_PER_STEP = 32;

export interface StoredRollout {
  id: number;
  step: number;
  fileKey: string;
  rowIndex: number;
  prompt: string;
  completion: string;
  reward: number | null;
  advantage: number | null;
}

export interface RolloutScoreRow {
  rolloutId: number;
  trait: string;
  scorer: string;
  value: number | null;
  detail: Record<string, unknown> | null;
}

export interface RolloutAggregateRow extends RolloutStats {
  step: number;
  trait: string;
  scorer: string;
  threshold: number;
  method: string;
}


const INSERT_BATCH = 100;

/** A score row under this scorer name marks a rollout as processed for a trait (scored, or outside the judged sample). */
export const SCORED_MARK = "_scored";

export class RolloutStore {
  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {}

  setting(runId: number): RolloutSetting {
    const r = this.db.prepare(`SELECT path, judge_per_step AS judgePerStep FROM rollout_setting WHERE run_id = ?`).get(runId) as RolloutSetting | undefined;
    return r ?? { path: null, judgePerStep: DEFAULT_ROLLOUT_JUDGE_PER_STEP };
  }

  saveSetting(runId: number, s: Partial<RolloutSetting>): RolloutSetting {
    const next = { ...this.setting(runId), ...Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)) } as RolloutSetting;
    this.db.prepare(`INSERT INTO rollout_setting (run_id, path, judge_per_step) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET path = excluded.path, judge_per_step = excluded.judge_per_step`).run(runId, next.path, next.judgePerStep);
    return next;
  }

  cursor(runId: number, fileKey: string): RolloutCursor | null {
    const r = this.db.prepare(`SELECT cursor FROM rollout_cursor WHERE run_id = ? AND file_key = ?`).get(runId, fileKey) as { cursor: string } | undefined;
    return r ? (JSON.parse(r.cursor) as RolloutCursor) : null;
  }

  saveCursor(runId: number, fileKey: string, source: string, cursor: RolloutCursor): void {
    this.db.prepare(`INSERT INTO rollout_cursor (run_id, file_key, source, cursor) VALUES (?, ?, ?, ?) ON CONFLICT (run_id, file_key) DO UPDATE SET cursor = excluded.cursor, source = excluded.source`).run(runId, fileKey, source, JSON.stringify(cursor));
  }

  /** Stores rows and the cursor that is true once they are stored, in one transaction; returns the steps touched. */
  insertRollouts(runId: number, fileKey: string, source: string, rows: { index: number; row: RolloutRow }[], cursor: RolloutCursor): Set<number> {
    const steps = new Set<number>();
    const many = (k: number) => this.db.prepare(`INSERT OR IGNORE INTO rollout (run_id, step, file_key, row_index, prompt, completion, reward, advantage, rewards) VALUES ${Array(k).fill("(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`);
    const full = many(INSERT_BATCH);
    this.db.transaction(() => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const chunk = rows.slice(i, i + INSERT_BATCH);
        const params: unknown[] = [];
        for (const { index, row } of chunk) {
          steps.add(row.step);
          params.push(runId, row.step, fileKey, index, row.prompt, row.completion, row.reward, row.advantage, JSON.stringify(row.rewards));
        }
        (chunk.length === INSERT_BATCH ? full : many(chunk.length)).run(...params);
      }
      this.saveCursor(runId, fileKey, source, cursor);
    }).immediate();
    return steps;
  }

  /** Steps with rollouts not yet processed for a trait, newest first. */
  pendingSteps(runId: number, trait: string): number[] {
    return (
      this.db
        .prepare(
          `SELECT DISTINCT r.step FROM rollout r WHERE r.run_id = ?
           AND NOT EXISTS (SELECT 1 FROM rollout_score s WHERE s.rollout_id = r.id AND s.trait_key = ? AND s.scorer = '${SCORED_MARK}') ORDER BY r.step DESC`,
        )
        .all(runId, trait) as { step: number }[]
    ).map((r) => r.step);
  }

  countStep(runId: number, step: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM rollout WHERE run_id = ? AND step = ?`).get(runId, step) as { n: number }).n;
  }

  /** Steps with rollouts, ascending. */
  steps(runId: number): number[] {
    return (this.db.prepare(`SELECT DISTINCT step FROM rollout WHERE run_id = ? ORDER BY step`).all(runId) as { step: number }[]).map((r) => r.step);
  }

  countRollouts(runId: number): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM rollout WHERE run_id = ?`).get(runId) as { n: number }).n;
  }

  /** Rollouts of a step that have no score for the trait yet, in id order, at most `limit`, after `afterId`. */
  unscored(runId: number, step: number, trait: string, afterId: number, limit: number): StoredRollout[] {
    return this.db
      .prepare(
        `SELECT r.id, r.step, r.file_key AS fileKey, r.row_index AS rowIndex, r.prompt, r.completion, r.reward, r.advantage FROM rollout r
         WHERE r.run_id = ? AND r.step = ? AND r.id > ? AND NOT EXISTS (SELECT 1 FROM rollout_score s WHERE s.rollout_id = r.id AND s.trait_key = ? AND s.scorer = '${SCORED_MARK}')
         ORDER BY r.id LIMIT ?`,
      )
      .all(runId, step, afterId, trait, limit) as StoredRollout[];
  }

  /** The identities (file, row) of a step's rollouts, for choosing the judged sample. */
  identities(runId: number, step: number): { id: number; fileKey: string; rowIndex: number }[] {
    return this.db.prepare(`SELECT id, file_key AS fileKey, row_index AS rowIndex FROM rollout WHERE run_id = ? AND step = ?`).all(runId, step) as { id: number; fileKey: string; rowIndex: number }[];
  }

  insertScores(rows: RolloutScoreRow[]): void {
    const many = (k: number) => this.db.prepare(`INSERT OR IGNORE INTO rollout_score (rollout_id, trait_key, scorer, value, detail) VALUES ${Array(k).fill("(?, ?, ?, ?, ?)").join(", ")}`);
    const full = many(INSERT_BATCH);
    this.db.transaction(() => {
      for (let i = 0; i < rows.length; i += INSERT_BATCH) {
        const chunk = rows.slice(i, i + INSERT_BATCH);
        const params: unknown[] = [];
        for (const r of chunk) params.push(r.rolloutId, r.trait, r.scorer, r.value, r.detail === null ? null : JSON.stringify(r.detail));
        (chunk.length === INSERT_BATCH ? full : many(chunk.length)).run(...params);
      }
    }).immediate();
  }

  /** What the step statistics need: each rollout's prompt group, the scorer's value, reward and advantage. */
  statRows(runId: number, step: number, trait: string, scorer: string): { group: number; score: number | null; reward: number | null; advantage: number | null }[] {
    return this.db
      .prepare(
        `SELECT dense_rank() OVER (ORDER BY r.prompt) AS "group", s.value AS score, r.reward, r.advantage
         FROM rollout r JOIN rollout_score s ON s.rollout_id = r.id AND s.trait_key = ? AND s.scorer = ?
         WHERE r.run_id = ? AND r.step = ?`,
      )
      .all(trait, scorer, runId, step) as { group: number; score: number | null; reward: number | null; advantage: number | null }[];
  }

  saveAggregate(runId: number, a: RolloutAggregateRow): void {
    this.db
      .prepare(
        `INSERT INTO rollout_aggregate (run_id, step, trait_key, scorer, n, prompts, nulls, mean, ci_low, ci_high, reward_corr, corr_low, corr_high, advantage_weighted, reward_share, threshold, method)
         VALUES (@runId, @step, @trait, @scorer, @n, @prompts, @nulls, @mean, @ciLow, @ciHigh, @rewardCorr, @corrLow, @corrHigh, @advantageWeighted, @rewardShare, @threshold, @method)
         ON CONFLICT (run_id, step, trait_key) DO UPDATE SET scorer = excluded.scorer, n = excluded.n, prompts = excluded.prompts, nulls = excluded.nulls, mean = excluded.mean,
           ci_low = excluded.ci_low, ci_high = excluded.ci_high, reward_corr = excluded.reward_corr, corr_low = excluded.corr_low, corr_high = excluded.corr_high,
           advantage_weighted = excluded.advantage_weighted, reward_share = excluded.reward_share, threshold = excluded.threshold, method = excluded.method`,
      )
      .run({ runId, ...a });
    this.publish({ type: "rollouts-updated", runId, step: a.step, trait: a.trait });
  }

  aggregates(runIds: number[], trait?: string): RolloutPoint[] {
    if (runIds.length === 0) return [];
    return this.db
      .prepare(
        `SELECT run_id AS runId, step, trait_key AS trait, scorer, n, prompts, nulls, mean, ci_low AS ciLow, ci_high AS ciHigh, reward_corr AS rewardCorr, corr_low AS corrLow,
                corr_high AS corrHigh, advantage_weighted AS advantageWeighted, reward_share AS rewardShare, threshold, method
         FROM rollout_aggregate WHERE run_id IN (${runIds.map(() => "?").join(",")}) ${trait ? "AND trait_key = ?" : ""} ORDER BY trait_key, run_id, step`,
      )
      .all(...runIds, ...(trait ? [trait] : [])) as RolloutPoint[];
  }

  /** A step's rollouts with every score, for the browser and the CLI; sorted in SQL, at most `limit`. */
  samples(runId: number, step: number, opts: { trait?: string; sort?: "reward" | "advantage" | "score"; limit: number; offset?: number }): RolloutSampleView[] {
    const order =
      opts.sort === "reward" ? "r.reward DESC NULLS LAST, r.id" : opts.sort === "advantage" ? "r.advantage DESC NULLS LAST, r.id" : opts.sort === "score" ? "sort_score DESC NULLS LAST, r.id" : "r.id";
    const main = opts.trait ?? null;
    const rows = this.db
      .prepare(
        `SELECT r.id, r.step, r.prompt, r.completion, r.reward, r.advantage, r.rewards,
                (SELECT s.value FROM rollout_score s JOIN rollout_aggregate a ON a.run_id = r.run_id AND a.step = r.step AND a.trait_key = s.trait_key AND a.scorer = s.scorer
                 WHERE s.rollout_id = r.id AND (@trait IS NULL OR s.trait_key = @trait) LIMIT 1) AS sort_score,
                (SELECT json_group_object(s.scorer, s.value) FROM rollout_score s WHERE s.rollout_id = r.id AND s.scorer != '${SCORED_MARK}' AND (@trait IS NULL OR s.trait_key = @trait)) AS scores
         FROM rollout r WHERE r.run_id = @runId AND r.step = @step ORDER BY ${order} LIMIT @limit OFFSET @offset`,
      )
      .all({ trait: main, runId, step, limit: opts.limit, offset: opts.offset ?? 0 }) as { step: number; prompt: string; completion: string; reward: number | null; advantage: number | null; rewards: string; scores: string | null }[];
    return rows.map((r) => ({ step: r.step, prompt: r.prompt, completion: r.completion, reward: r.reward, advantage: r.advantage, rewards: JSON.parse(r.rewards), scores: r.scores ? JSON.parse(r.scores) : {} }));
  }

  /** Scores of a trait's scorer per step in bins over [lo, hi], for the distribution heatmap. */
  histogram(runId: number, trait: string, scorer: string, lo: number, hi: number, bins: number): { step: number; bin: number; count: number }[] {
    return this.db
      .prepare(
        `SELECT r.step, min(@bins - 1, max(0, CAST((s.value - @lo) * @bins / (@hi - @lo) AS INTEGER))) AS bin, count(*) AS count
         FROM rollout r JOIN rollout_score s ON s.rollout_id = r.id AND s.trait_key = @trait AND s.scorer = @scorer
         WHERE r.run_id = @runId AND s.value IS NOT NULL GROUP BY r.step, bin ORDER BY r.step, bin`,
      )
      .all({ runId, lo, hi, bins, trait, scorer }) as { step: number; bin: number; count: number }[];
  }

  /** Takes the lease on scoring a step (one atomic update), so two processes never score the same rollouts. */
  claimStep(runId: number, step: number, lease: LeaseHolder): boolean {
    const t = Date.now();
    return this.db.transaction(() => {
      this.db.prepare(`INSERT OR IGNORE INTO rollout_step (run_id, step) VALUES (?, ?)`).run(runId, step);
      const held = (this.db.prepare(`SELECT lease_owner AS o FROM rollout_step WHERE run_id = ? AND step = ?`).get(runId, step) as { o: string | null }).o;
      const gone = held !== null && held !== lease.owner && lease.ownerGone(held) ? held : null;
      return (
        this.db
          .prepare(`UPDATE rollout_step SET lease_owner = @owner, lease_expires = @expires WHERE run_id = @runId AND step = @step AND (lease_owner IS NULL OR lease_owner = @owner OR lease_expires < @now OR lease_owner = @gone)`)
          .run({ owner: lease.owner, expires: t + lease.ttlMs, runId, step, now: t, gone }).changes > 0
      );
    }).immediate();
  }

  renewStep(runId: number, step: number, lease: LeaseHolder): void {
    this.db.prepare(`UPDATE rollout_step SET lease_expires = ? WHERE run_id = ? AND step = ? AND lease_owner = ?`).run(Date.now() + lease.ttlMs, runId, step, lease.owner);
  }

  releaseStep(runId: number, step: number, owner: string): void {
    this.db.prepare(`UPDATE rollout_step SET lease_owner = NULL, lease_expires = NULL WHERE run_id = ? AND step = ? AND lease_owner = ?`).run(runId, step, owner);
  }
}
