// Runs and their checkpoints: registration, status, probe settings, and the scanner's bookkeeping per checkpoint.
import type { Statement } from "better-sqlite3";
import type { CheckpointInfo, CheckpointKind, CheckpointState, RunFormat, RunStatus, RunSummary } from "../../../shared/domain.js";
import type { Publish } from "../events/bus.js";
import type { Db } from "./database.js";
import { parseRunSettings, type RunSettings } from "./runSettings.js";

export interface RunRecord extends RunSummary {
  formatSetting: string;
  hidden: boolean;
  createdAt: string;
}

/** A checkpoint row with the scanner's bookkeeping, which the API does not expose. */
export interface CheckpointRecord extends CheckpointInfo {
  fingerprint: string | null;
  fingerprintSince: number | null;
  essentials: string[];
  waitingFor: string | null;
}

export interface RegisterRunInput {
  path: string;
  name?: string;
  group?: string | null;
  seed?: number | null;
  formatSetting?: string;
  /** Merged over the run's variables (a value of null removes one). */
  variables?: Record<string, string | null>;
  /** Set on a new run only. */
  tags?: string[];
}

const now = () => new Date().toISOString();

interface RunRow {
  id: number;
  name: string;
  path: string;
  removed_at: string | null;
  format: string | null;
  format_setting: string;
  group_name: string | null;
  seed: number | null;
  tags: string;
  color: string | null;
  status: RunStatus;
  status_message: string | null;
  hidden: number;
  created_at: string;
  variables: string;
  checkpoints: number;
  latest_step: number | null;
}

interface CheckpointRow {
  id: number;
  run_id: number;
  step: number;
  path: string;
  kind: CheckpointKind;
  state: CheckpointState;
  detected_at: string;
  completed_at: string | null;
  probed_at: string | null;
  fingerprint: string | null;
  fingerprint_since: number | null;
  essentials: string;
  waiting_for: string | null;
}

const RUN_SELECT = `
  SELECT r.*,
    (SELECT count(*) FROM checkpoint c WHERE c.run_id = r.id AND c.state IN ('pending','probing','done','failed')) AS checkpoints,
    (SELECT max(step) FROM checkpoint c WHERE c.run_id = r.id AND c.state IN ('pending','probing','done','failed')) AS latest_step
  FROM run r`;

function toRun(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    path: row.path,
    format: row.format as RunFormat | null,
    formatSetting: row.format_setting,
    hidden: row.hidden === 1,
    group: row.group_name,
    seed: row.seed,
    tags: JSON.parse(row.tags) as string[],
    color: row.color,
    status: row.status,
    statusMessage: row.status_message,
    checkpoints: row.checkpoints,
    latestStep: row.latest_step,
    variables: JSON.parse(row.variables) as Record<string, string>,
    createdAt: row.created_at,
  };
}

function toCheckpoint(row: CheckpointRow): CheckpointRecord {
  return {
    id: row.id,
    runId: row.run_id,
    step: row.step,
    path: row.path,
    kind: row.kind,
    state: row.state,
    detectedAt: row.detected_at,
    completedAt: row.completed_at,
    probedAt: row.probed_at,
    fingerprint: row.fingerprint,
    fingerprintSince: row.fingerprint_since,
    essentials: JSON.parse(row.essentials) as string[],
    waitingFor: row.waiting_for,
  };
}

export class RunStore {
  private readonly stmt: Record<string, Statement>;

  /** publish: where the repository says what it changed (the core's event bus); the store itself keeps no listeners. */
  constructor(
    private readonly db: Db,
    private readonly publish: Publish,
  ) {
    this.stmt = {
      runById: db.prepare(`${RUN_SELECT} WHERE r.id = ?`),
      listedRunBasics: db.prepare(`SELECT id, group_name AS "group" FROM run WHERE id = ? AND removed_at IS NULL`),
      runByPath: db.prepare(`${RUN_SELECT} WHERE r.path = ?`),
      runByName: db.prepare(`${RUN_SELECT} WHERE r.name = ?`),
      checkpointsOfRun: db.prepare(`SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step, path`),
      checkpointByPath: db.prepare(`SELECT * FROM checkpoint WHERE run_id = ? AND path = ?`),
      // Listing runs asks these of every run.
      settling: db.prepare(`SELECT count(*) AS n FROM checkpoint WHERE run_id = ? AND state = 'incomplete'`),
      recentCompletions: db.prepare(`SELECT completed_at AS t FROM checkpoint WHERE run_id = ? AND state <> 'incomplete' AND completed_at IS NOT NULL ORDER BY step DESC LIMIT 51`),
      probeConfig: db.prepare(`SELECT name, probe_config FROM run WHERE id = ?`),
      upsertComplete: db.prepare(
        `INSERT INTO checkpoint (run_id, step, path, kind, state, detected_at, completed_at, fingerprint, essentials)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET kind = excluded.kind, step = excluded.step,
           completed_at = excluded.completed_at, fingerprint = excluded.fingerprint, essentials = excluded.essentials,
           waiting_for = NULL, fingerprint_since = NULL,
           -- another process watching the same run may have completed (and be probing) it since this one looked
           state = CASE WHEN checkpoint.state IN ('incomplete', 'gone') THEN 'pending' ELSE checkpoint.state END`,
      ),
      clearProblem: db.prepare(`DELETE FROM run_problem WHERE run_id = ? AND path = ?`),
    };
  }

  // ---- runs ----

  /** The same folder is the same run: registering it again returns the existing run, updating only what was given. */
  registerRun(input: RegisterRunInput): RunRecord {
    const existing = this.stmt.runByPath!.get(input.path) as RunRow | undefined;
    if (existing) {
      const updates: string[] = [];
      const values: unknown[] = [];
      // A removed run whose folder is added again comes back, with what it had.
      if (existing.removed_at !== null) updates.push("removed_at = NULL");
      if (input.group !== undefined) {
        updates.push("group_name = ?");
        values.push(input.group);
      }
      if (input.seed !== undefined) {
        updates.push("seed = ?");
        values.push(input.seed);
      }
      if (input.formatSetting !== undefined && input.formatSetting !== existing.format_setting) {
        updates.push("format_setting = ?", "format = NULL");
        values.push(input.formatSetting);
      }
      if (input.variables !== undefined && Object.keys(input.variables).length > 0) {
        const merged: Record<string, string> = { ...(JSON.parse(existing.variables) as Record<string, string>) };
        for (const [k, v] of Object.entries(input.variables)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        updates.push("variables = ?");
        values.push(JSON.stringify(merged));
      }
      if (input.name !== undefined && input.name !== existing.name) {
        this.assertNameFree(input.name);
        updates.push("name = ?");
        values.push(input.name);
      }
      if (updates.length > 0) {
        this.db.prepare(`UPDATE run SET ${updates.join(", ")} WHERE id = ?`).run(...values, existing.id);
        this.publish({ type: "run-changed", runId: existing.id });
      }
      return this.getRun(existing.id)!;
    }
    const name = input.name ?? this.freeName(baseName(input.path));
    if (input.name !== undefined) this.assertNameFree(input.name);
    const info = this.db
      .prepare(
        `INSERT INTO run (name, path, format_setting, group_name, seed, variables, tags, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(name, input.path, input.formatSetting ?? "auto", input.group ?? null, input.seed ?? null, JSON.stringify(Object.fromEntries(Object.entries(input.variables ?? {}).filter(([, v]) => v !== null))), JSON.stringify(input.tags ?? []), now());
    const id = Number(info.lastInsertRowid);
    this.publish({ type: "run-changed", runId: id });
    return this.getRun(id)!;
  }

  private assertNameFree(name: string): void {
    if (this.stmt.runByName!.get(name)) throw new Error(`a run named "${name}" already exists for another folder`);
  }

  private freeName(base: string): string {
    let name = base || "run";
    for (let i = 2; this.stmt.runByName!.get(name); i++) name = `${base}-${i}`;
    return name;
  }

  getRun(id: number): RunRecord | undefined {
    const row = this.stmt.runById!.get(id) as RunRow | undefined;
    return row && toRun(row);
  }

  /** Finds a run of the workspace (not a removed one) by numeric id or by name. */
  findRun(idOrName: string): RunRecord | undefined {
    const byName = this.stmt.runByName!.get(idOrName) as RunRow | undefined;
    if (byName && byName.removed_at === null) return toRun(byName);
    return /^\d+$/.test(idOrName) ? this.getListedRun(Number(idOrName)) : undefined;
  }

  /** The workspace's runs (not those removed with their results kept). */
  listRuns(): RunRecord[] {
    return (this.db.prepare(`${RUN_SELECT} WHERE r.removed_at IS NULL ORDER BY r.id`).all() as RunRow[]).map(toRun);
  }

  /** A run of the workspace: undefined for one removed with its results kept (getRun still finds those). */
  getListedRun(id: number): RunRecord | undefined {
    const row = this.stmt.runById!.get(id) as RunRow | undefined;
    return row && row.removed_at === null ? toRun(row) : undefined;
  }

  /**
   * A run of the workspace, by its id and group only: what validating a call's run ids needs. Without the full
   * record's checkpoint counts, which walk the run's checkpoints (10,000 for a long run) on every call that names it.
   */
  getListedRunBasics(id: number): { id: number; group: string | null } | undefined {
    return this.stmt.listedRunBasics!.get(id) as { id: number; group: string | null } | undefined;
  }

  /** What a run has stored, so a removal can say what will go. */
  storedCounts(runId: number): { checkpoints: number; samples: number; scores: number; metrics: number; rollouts: number; annotations: number } {
    const one = (sql: string) => (this.db.prepare(sql).pluck().get(runId) as number) ?? 0;
    return {
      checkpoints: one(`SELECT count(*) FROM checkpoint WHERE run_id = ?`),
      samples: one(`SELECT count(*) FROM sample WHERE checkpoint_id IN (SELECT id FROM checkpoint WHERE run_id = ?)`),
      scores: one(`SELECT count(*) FROM score WHERE run_id = ?`),
      metrics: one(`SELECT count(*) FROM metric WHERE series_id IN (SELECT id FROM metric_series WHERE run_id = ?)`),
      rollouts: one(`SELECT count(*) FROM rollout WHERE run_id = ?`),
      annotations: one(`SELECT count(*) FROM annotation WHERE run_id = ?`),
    };
  }

  /** Takes a run out of the workspace: with its results deleted (every stored row, by cascade), or kept so that
   * adding its folder again brings it back. The run folder itself is never touched. */
  removeRun(runId: number, deleteData: boolean): void {
    if (deleteData) this.db.prepare(`DELETE FROM run WHERE id = ?`).run(runId);
    else this.db.prepare(`UPDATE run SET removed_at = ? WHERE id = ?`).run(now(), runId);
    this.publish({ type: "run-changed", runId });
  }

  setRunFormat(runId: number, format: RunFormat): void {
    this.db.prepare(`UPDATE run SET format = ? WHERE id = ?`).run(format, runId);
    this.publish({ type: "run-changed", runId });
  }

  setRunStatus(runId: number, status: RunStatus, message: string | null = null): void {
    const res = this.db
      .prepare(`UPDATE run SET status = ?, status_message = ? WHERE id = ? AND (status <> ? OR status_message IS NOT ?)`)
      .run(status, message, runId, status, message);
    if (res.changes > 0) this.publish({ type: "run-changed", runId });
  }

  /** For the run's state: checkpoints seen but not complete, and when the latest 51 complete ones completed (by
   * step, through the (run_id, step) index: a bounded read however long the run). */
  recentActivity(runId: number): { settling: number; completedAtMs: number[] } {
    const settling = (this.stmt.settling!.get(runId) as { n: number }).n;
    const rows = this.stmt.recentCompletions!.all(runId) as { t: string }[];
    return { settling, completedAtMs: rows.map((r) => Date.parse(r.t)).filter(Number.isFinite) };
  }

  /** The run's probing settings (suites, backend, judge, policy), parsed as they leave the store; null when unset.
   * Runs usually share a handful of settings: each distinct text is validated once and a copy handed out. */
  getProbeSettings(runId: number): RunSettings | null {
    const row = this.stmt.probeConfig!.get(runId) as { name: string; probe_config: string } | undefined;
    if (!row) return null;
    let parsed = this.parsedSettings.get(row.probe_config);
    if (parsed === undefined) {
      parsed = parseRunSettings(row.probe_config, `run "${row.name}"`);
      if (this.parsedSettings.size >= 256) this.parsedSettings.clear();
      this.parsedSettings.set(row.probe_config, parsed);
    }
    return parsed === null ? null : structuredClone(parsed);
  }

  /** Valid settings by their stored text (an invalid text throws each time, naming its run). */
  private readonly parsedSettings = new Map<string, RunSettings | null>();

  setProbeSettings(runId: number, settings: RunSettings): void {
    this.db.prepare(`UPDATE run SET probe_config = ? WHERE id = ?`).run(JSON.stringify(settings), runId);
    this.publish({ type: "run-changed", runId });
  }

  /** Changes a run's own fields: name, group (its condition), seed, tags, variables (a value of null removes one). */
  updateRun(runId: number, fields: { name?: string; group?: string | null; seed?: number | null; tags?: string[]; variables?: Record<string, string | null>; formatSetting?: string }): RunRecord {
    const existing = this.getRun(runId);
    if (!existing) throw new Error(`no run with id ${runId}`);
    const updates: string[] = [];
    const values: unknown[] = [];
    if (fields.name !== undefined && fields.name !== existing.name) {
      this.assertNameFree(fields.name);
      updates.push("name = ?");
      values.push(fields.name);
    }
    const set = (column: string, value: unknown) => {
      updates.push(`${column} = ?`);
      values.push(value);
    };
    if (fields.group !== undefined) set("group_name", fields.group);
    if (fields.seed !== undefined) set("seed", fields.seed);
    if (fields.tags !== undefined) set("tags", JSON.stringify([...new Set(fields.tags)]));
    if (fields.formatSetting !== undefined && fields.formatSetting !== existing.formatSetting) {
      set("format_setting", fields.formatSetting);
      updates.push("format = NULL"); // detected again by the next watch
    }
    if (fields.variables !== undefined) {
      const merged: Record<string, string> = { ...existing.variables };
      for (const [k, v] of Object.entries(fields.variables)) {
        if (v === null) delete merged[k];
        else merged[k] = v;
      }
      updates.push("variables = ?");
      values.push(JSON.stringify(merged));
    }
    if (updates.length > 0) {
      this.db.prepare(`UPDATE run SET ${updates.join(", ")} WHERE id = ?`).run(...values, runId);
      this.publish({ type: "run-changed", runId });
    }
    return this.getRun(runId)!;
  }

  setRunHidden(runId: number, hidden: boolean): void {
    this.db.prepare(`UPDATE run SET hidden = ? WHERE id = ?`).run(hidden ? 1 : 0, runId);
    this.publish({ type: "run-changed", runId });
  }

  // ---- checkpoints ----

  listCheckpoints(runId: number): CheckpointRecord[] {
    return (this.stmt.checkpointsOfRun!.all(runId) as CheckpointRow[]).map(toCheckpoint);
  }

  getCheckpoint(runId: number, path: string): CheckpointRecord | undefined {
    const row = this.stmt.checkpointByPath!.get(runId, path) as CheckpointRow | undefined;
    return row && toCheckpoint(row);
  }

  /** Records a checkpoint that is still being written (or reappeared after being gone). */
  saveIncomplete(
    runId: number,
    c: { step: number; path: string; kind: CheckpointKind },
    fingerprint: string,
    since: number,
    waitingFor: string | null,
  ): void {
    const prev = this.getCheckpoint(runId, c.path);
    this.db
      .prepare(
        `INSERT INTO checkpoint (run_id, step, path, kind, state, detected_at, fingerprint, fingerprint_since, waiting_for)
         VALUES (?, ?, ?, ?, 'incomplete', ?, ?, ?, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET state = 'incomplete', kind = excluded.kind, step = excluded.step,
           fingerprint = excluded.fingerprint, fingerprint_since = excluded.fingerprint_since, waiting_for = excluded.waiting_for,
           completed_at = NULL
         WHERE checkpoint.state IN ('incomplete', 'gone')`,
      )
      .run(runId, c.step, c.path, c.kind, now(), fingerprint, since, waitingFor);
    // The guard above: another process watching the same run may have judged it complete since this one looked.
    // Said again when the rule it waits on changes (marker missing, then a file settling...), never on each poll.
    if (!prev || prev.state === "gone" || (prev.state === "incomplete" && prev.waitingFor !== waitingFor)) {
      this.publish({ type: "checkpoint-changed", runId, step: c.step, state: "incomplete", ...(waitingFor ? { reason: waitingFor } : {}) });
    }
  }

  /** A verified-complete checkpoint becomes pending (ready to probe). */
  markComplete(
    runId: number,
    c: { step: number; path: string; kind: CheckpointKind },
    fingerprint: string,
    essentials: string[],
  ): void {
    this.markCompleteMany(runId, [{ checkpoint: c, fingerprint, essentials }]);
  }

  /**
   * Checkpoints found complete in one poll, written in one transaction (a first poll of a long run finds a thousand;
   * a commit each cost more than the rows), each with any problem noted on its path cleared.
   */
  markCompleteMany(runId: number, list: { checkpoint: { step: number; path: string; kind: CheckpointKind }; fingerprint: string; essentials: string[] }[]): void {
    if (list.length === 0) return;
    const t = now();
    const changed: number[] = [];
    this.db.transaction(() => {
      for (const { checkpoint: c, fingerprint, essentials } of list) {
        const prev = this.getCheckpoint(runId, c.path);
        this.stmt.upsertComplete!.run(runId, c.step, c.path, c.kind, t, t, fingerprint, JSON.stringify(essentials));
        this.stmt.clearProblem!.run(runId, c.path);
        if (!prev || prev.state === "incomplete" || prev.state === "gone") changed.push(c.step);
      }
    })();
    for (const step of changed) this.publish({ type: "checkpoint-changed", runId, step, state: "pending" });
  }

  /** The folder vanished: keep the row and everything measured on it. */
  markGone(runId: number, path: string): void {
    const prev = this.getCheckpoint(runId, path);
    if (!prev || prev.state === "gone") return;
    this.db.prepare(`UPDATE checkpoint SET state = 'gone' WHERE run_id = ? AND path = ?`).run(runId, path);
    this.publish({ type: "checkpoint-changed", runId, step: prev.step, state: "gone" });
  }
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? "run";
}
