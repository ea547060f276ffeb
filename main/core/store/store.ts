// Named operations over the workspace database. Nothing outside this folder writes SQL.
import type { Statement } from "better-sqlite3";
import type {
  CheckpointInfo,
  CheckpointKind,
  CheckpointState,
  MetricPoint,
  RunFormat,
  RunProblem,
  RunStatus,
  RunSummary,
} from "../../../shared/domain.js";
import type { Annotation } from "../../../shared/api.js";
import type { CoreEvent, CoreEventListener } from "../../../shared/events.js";
import { openDatabase, type Db, type OpenOptions } from "./database.js";

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
}

export interface SourceCursor {
  path: string;
  reader: string;
  offset: number;
  size: number;
  mtimeMs: number;
  state: Record<string, unknown>;
}

export interface MetricRow {
  key: string;
  step: number;
  value: number | null;
  wallTime: number | null; // seconds since epoch
}

const now = () => new Date().toISOString();

interface AnnotationRow {
  id: number;
  run_id: number;
  step: number;
  step_to: number | null;
  text: string;
  tags: string;
  color: string | null;
  created_at: string;
  edited_at: string;
}

const toAnnotation = (r: AnnotationRow): Annotation => ({
  id: r.id,
  runId: r.run_id,
  step: r.step,
  to: r.step_to,
  text: r.text,
  tags: JSON.parse(r.tags) as string[],
  color: r.color,
  createdAt: r.created_at,
  editedAt: r.edited_at,
});

/** Rows per multi-row metric INSERT (4 parameters each, well under SQLite's limit). */
const METRIC_BATCH = 128;

function metricInsertSql(rows: number): string {
  return `INSERT INTO metric (series_id, step, value, wall_time) VALUES ${Array(rows).fill("(?, ?, ?, ?)").join(", ")}
          ON CONFLICT (series_id, step) DO UPDATE SET value = excluded.value, wall_time = excluded.wall_time`;
}

interface RunRow {
  id: number;
  name: string;
  path: string;
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
    (SELECT count(*) FROM checkpoint c WHERE c.run_id = r.id AND c.state <> 'gone') AS checkpoints,
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

export class Store {
  private readonly listeners = new Set<CoreEventListener>();
  private readonly stmt: Record<string, Statement>;

  constructor(readonly db: Db) {
    this.stmt = {
      runById: db.prepare(`${RUN_SELECT} WHERE r.id = ?`),
      runByPath: db.prepare(`${RUN_SELECT} WHERE r.path = ?`),
      runByName: db.prepare(`${RUN_SELECT} WHERE r.name = ?`),
      checkpointsOfRun: db.prepare(`SELECT * FROM checkpoint WHERE run_id = ? ORDER BY step, path`),
      checkpointByPath: db.prepare(`SELECT * FROM checkpoint WHERE run_id = ? AND path = ?`),
      insertMetric: db.prepare(metricInsertSql(1)),
      insertMetricBatch: db.prepare(metricInsertSql(METRIC_BATCH)),
      seriesId: db.prepare(`SELECT id FROM metric_series WHERE run_id = ? AND key = ?`),
      insertSeries: db.prepare(`INSERT INTO metric_series (run_id, key, source) VALUES (?, ?, ?)`),
    };
  }

  static open(path: string, options?: OpenOptions): Store {
    return new Store(openDatabase(path, options));
  }

  close(): void {
    this.db.close();
  }

  onEvent(listener: CoreEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: CoreEvent): void {
    for (const l of this.listeners) l(event);
  }

  // ---- runs ----

  /** The same folder is the same run: registering it again returns the existing run, updating only what was given. */
  registerRun(input: RegisterRunInput): RunRecord {
    const existing = this.stmt.runByPath!.get(input.path) as RunRow | undefined;
    if (existing) {
      const updates: string[] = [];
      const values: unknown[] = [];
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
      if (input.name !== undefined && input.name !== existing.name) {
        this.assertNameFree(input.name);
        updates.push("name = ?");
        values.push(input.name);
      }
      if (updates.length > 0) {
        this.db.prepare(`UPDATE run SET ${updates.join(", ")} WHERE id = ?`).run(...values, existing.id);
        this.emit({ type: "run-changed", runId: existing.id });
      }
      return this.getRun(existing.id)!;
    }
    const name = input.name ?? this.freeName(baseName(input.path));
    if (input.name !== undefined) this.assertNameFree(input.name);
    const info = this.db
      .prepare(
        `INSERT INTO run (name, path, format_setting, group_name, seed, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      .run(name, input.path, input.formatSetting ?? "auto", input.group ?? null, input.seed ?? null, now());
    const id = Number(info.lastInsertRowid);
    this.emit({ type: "run-changed", runId: id });
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

  /** Finds a run by numeric id or by name. */
  findRun(idOrName: string): RunRecord | undefined {
    const byName = this.stmt.runByName!.get(idOrName) as RunRow | undefined;
    if (byName) return toRun(byName);
    return /^\d+$/.test(idOrName) ? this.getRun(Number(idOrName)) : undefined;
  }

  listRuns(): RunRecord[] {
    return (this.db.prepare(`${RUN_SELECT} ORDER BY r.id`).all() as RunRow[]).map(toRun);
  }

  setRunFormat(runId: number, format: RunFormat): void {
    this.db.prepare(`UPDATE run SET format = ? WHERE id = ?`).run(format, runId);
    this.emit({ type: "run-changed", runId });
  }

  setRunStatus(runId: number, status: RunStatus, message: string | null = null): void {
    const res = this.db
      .prepare(`UPDATE run SET status = ?, status_message = ? WHERE id = ? AND (status <> ? OR status_message IS NOT ?)`)
      .run(status, message, runId, status, message);
    if (res.changes > 0) this.emit({ type: "run-changed", runId });
  }

  /** The run's probing settings (suites, backend, judge, policy), as the core wrote them. */
  getProbeConfig(runId: number): Record<string, unknown> {
    const row = this.db.prepare(`SELECT probe_config FROM run WHERE id = ?`).get(runId) as { probe_config: string } | undefined;
    return row ? (JSON.parse(row.probe_config) as Record<string, unknown>) : {};
  }

  setProbeConfig(runId: number, config: Record<string, unknown>): void {
    this.db.prepare(`UPDATE run SET probe_config = ? WHERE id = ?`).run(JSON.stringify(config), runId);
    this.emit({ type: "run-changed", runId });
  }

  // ---- annotations ----

  listAnnotations(runId: number): Annotation[] {
    return (this.db.prepare(`SELECT * FROM annotation WHERE run_id = ? ORDER BY step, id`).all(runId) as AnnotationRow[]).map(toAnnotation);
  }

  getAnnotation(id: number): Annotation | undefined {
    const row = this.db.prepare(`SELECT * FROM annotation WHERE id = ?`).get(id) as AnnotationRow | undefined;
    return row && toAnnotation(row);
  }

  createAnnotation(a: { runId: number; step: number; to?: number | null; text: string; tags?: string[]; color?: string | null }): Annotation {
    if (!this.getRun(a.runId)) throw new Error(`no run with id ${a.runId}`);
    const to = a.to ?? null;
    if (to !== null && to < a.step) throw new Error(`an annotation's range must end at or after its start (step ${a.step}, to ${to})`);
    const t = now();
    const id = Number(
      this.db
        .prepare(`INSERT INTO annotation (run_id, step, step_to, text, tags, color, created_at, edited_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(a.runId, a.step, to, a.text, JSON.stringify(a.tags ?? []), a.color ?? null, t, t).lastInsertRowid,
    );
    this.emit({ type: "annotation-changed", runId: a.runId, annotationId: id });
    return this.getAnnotation(id)!;
  }

  updateAnnotation(id: number, patch: { step?: number; to?: number | null; text?: string; tags?: string[]; color?: string | null }): Annotation {
    const prev = this.getAnnotation(id);
    if (!prev) throw new Error(`no annotation with id ${id}`);
    const next = { ...prev, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } as Annotation;
    if (next.to !== null && next.to < next.step) throw new Error(`an annotation's range must end at or after its start`);
    this.db
      .prepare(`UPDATE annotation SET step = ?, step_to = ?, text = ?, tags = ?, color = ?, edited_at = ? WHERE id = ?`)
      .run(next.step, next.to, next.text, JSON.stringify(next.tags), next.color, now(), id);
    this.emit({ type: "annotation-changed", runId: prev.runId, annotationId: id });
    return this.getAnnotation(id)!;
  }

  deleteAnnotation(id: number): boolean {
    const prev = this.getAnnotation(id);
    if (!prev) return false;
    this.db.prepare(`DELETE FROM annotation WHERE id = ?`).run(id);
    this.emit({ type: "annotation-changed", runId: prev.runId, annotationId: id });
    return true;
  }

  setRunHidden(runId: number, hidden: boolean): void {
    this.db.prepare(`UPDATE run SET hidden = ? WHERE id = ?`).run(hidden ? 1 : 0, runId);
    this.emit({ type: "run-changed", runId });
  }



  // ---- backends ----

  /** Stores a backend configuration under its name (the API key is never part of it; see apiKeyEnv). */
  saveBackend(config: { name: string; kind: string } & Record<string, unknown>): void {
    const { name, kind, baseUrl, baseUrls, model, maxConcurrency, timeoutMs, apiKeyEnv, ...rest } = config;
    const urls = Array.isArray(baseUrls) ? baseUrls : typeof baseUrl === "string" ? [baseUrl] : [];
    this.db
      .prepare(
        `INSERT INTO backend (name, kind, base_urls, model_template, max_concurrency, timeout_ms, api_key_env, settings) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base_urls = excluded.base_urls, model_template = excluded.model_template,
           max_concurrency = excluded.max_concurrency, timeout_ms = excluded.timeout_ms, api_key_env = excluded.api_key_env, settings = excluded.settings`,
      )
      .run(name, kind, JSON.stringify(urls), (model as string | undefined) ?? null, (maxConcurrency as number | undefined) ?? 16, (timeoutMs as number | undefined) ?? 120_000, (apiKeyEnv as string | undefined) ?? null, JSON.stringify(rest));
  }

  /** A stored backend configuration, in the shape of a backend file. */
  getBackend(name: string): Record<string, unknown> | undefined {
    const r = this.db.prepare(`SELECT * FROM backend WHERE name = ?`).get(name) as
      | { name: string; kind: string; base_urls: string; model_template: string | null; max_concurrency: number; timeout_ms: number; api_key_env: string | null; settings: string }
      | undefined;
    if (!r) return undefined;
    const urls = JSON.parse(r.base_urls) as string[];
    return {
      name: r.name,
      kind: r.kind,
      ...(urls.length === 1 ? { baseUrl: urls[0] } : urls.length > 1 ? { baseUrls: urls } : {}),
      ...(r.model_template !== null ? { model: r.model_template } : {}),
      maxConcurrency: r.max_concurrency,
      timeoutMs: r.timeout_ms,
      ...(r.api_key_env !== null ? { apiKeyEnv: r.api_key_env } : {}),
      ...(JSON.parse(r.settings) as Record<string, unknown>),
    };
  }

  /** The desktop app's encrypted API key for a backend (safeStorage output; never the key itself). */
  setSealedKey(name: string, sealed: Buffer): void {
    const res = this.db.prepare(`UPDATE backend SET api_key_sealed = ? WHERE name = ?`).run(sealed, name);
    if (res.changes === 0) {
      this.db.prepare(`INSERT INTO backend (name, kind, api_key_sealed) VALUES (?, 'openai', ?)`).run(name, sealed);
    }
  }

  sealedKeys(): { name: string; sealed: Buffer }[] {
    return this.db.prepare(`SELECT name, api_key_sealed AS sealed FROM backend WHERE api_key_sealed IS NOT NULL`).all() as { name: string; sealed: Buffer }[];
  }

  listBackends(): string[] {
    return (this.db.prepare(`SELECT name FROM backend ORDER BY name`).all() as { name: string }[]).map((r) => r.name);
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
           completed_at = NULL`,
      )
      .run(runId, c.step, c.path, c.kind, now(), fingerprint, since, waitingFor);
    if (!prev || prev.state !== "incomplete") this.emit({ type: "checkpoint-changed", runId, step: c.step, state: "incomplete" });
  }

  /** A verified-complete checkpoint becomes pending (ready to probe). */
  markComplete(
    runId: number,
    c: { step: number; path: string; kind: CheckpointKind },
    fingerprint: string,
    essentials: string[],
  ): void {
    const t = now();
    this.db
      .prepare(
        `INSERT INTO checkpoint (run_id, step, path, kind, state, detected_at, completed_at, fingerprint, essentials)
         VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET state = 'pending', kind = excluded.kind, step = excluded.step,
           completed_at = excluded.completed_at, fingerprint = excluded.fingerprint, essentials = excluded.essentials,
           waiting_for = NULL, fingerprint_since = NULL`,
      )
      .run(runId, c.step, c.path, c.kind, t, t, fingerprint, JSON.stringify(essentials));
    this.emit({ type: "checkpoint-changed", runId, step: c.step, state: "pending" });
  }

  /** The folder vanished: keep the row and everything measured on it. */
  markGone(runId: number, path: string): void {
    const prev = this.getCheckpoint(runId, path);
    if (!prev || prev.state === "gone") return;
    this.db.prepare(`UPDATE checkpoint SET state = 'gone' WHERE run_id = ? AND path = ?`).run(runId, path);
    this.emit({ type: "checkpoint-changed", runId, step: prev.step, state: "gone" });
  }

  // ---- metrics ----

  private seriesId(runId: number, key: string, source: string): number {
    const row = this.stmt.seriesId!.get(runId, key) as { id: number } | undefined;
    return row ? row.id : Number(this.stmt.insertSeries!.run(runId, key, source).lastInsertRowid);
  }

  /**
   * Writes a batch in one transaction; a repeated (key, step) takes the newer value. Rows go in as multi-row
   * INSERTs, since per-statement overhead dominates when a long run's log arrives at once.
   */
  addMetrics(runId: number, rows: MetricRow[], source: string): void {
    if (rows.length === 0) return;
    const keys = new Map<string, number>();
    let fromStep = Infinity;
    let toStep = -Infinity;
    this.db.transaction(() => {
      const args: (number | null)[] = [];
      for (const r of rows) {
        let id = keys.get(r.key);
        if (id === undefined) keys.set(r.key, (id = this.seriesId(runId, r.key, source)));
        args.push(id, r.step, r.value, r.wallTime);
        if (args.length === METRIC_BATCH * 4) {
          this.stmt.insertMetricBatch!.run(args);
          args.length = 0;
        }
        if (r.step < fromStep) fromStep = r.step;
        if (r.step > toStep) toStep = r.step;
      }
      for (let i = 0; i < args.length; i += 4) this.stmt.insertMetric!.run(args.slice(i, i + 4));
    })();
    this.emit({ type: "metrics-added", runId, keys: [...keys.keys()].sort(), fromStep, toStep });
  }

  listMetrics(runId: number, key?: string): MetricPoint[] {
    const sql = `SELECT s.key, m.step, m.value, m.wall_time FROM metric_series s JOIN metric m ON m.series_id = s.id
                 WHERE s.run_id = ?${key === undefined ? "" : " AND s.key = ?"} ORDER BY s.key, m.step`;
    const rows = this.db.prepare(sql).all(...(key === undefined ? [runId] : [runId, key])) as {
      key: string;
      step: number;
      value: number | null;
      wall_time: number | null;
    }[];
    return rows.map((r) => ({
      key: r.key,
      step: r.step,
      value: r.value,
      wallTime: r.wall_time === null ? null : new Date(r.wall_time * 1000).toISOString(),
    }));
  }

  metricKeys(runId: number): string[] {
    return (this.db.prepare(`SELECT key FROM metric_series WHERE run_id = ? ORDER BY key`).all(runId) as { key: string }[]).map((r) => r.key);
  }

  // ---- incremental reader cursors ----

  getCursor(runId: number, path: string): SourceCursor | undefined {
    const row = this.db.prepare(`SELECT * FROM source_cursor WHERE run_id = ? AND path = ?`).get(runId, path) as
      | { path: string; reader: string; offset: number; size: number; mtime_ms: number; state: string }
      | undefined;
    return (
      row && {
        path: row.path,
        reader: row.reader,
        offset: row.offset,
        size: row.size,
        mtimeMs: row.mtime_ms,
        state: JSON.parse(row.state) as Record<string, unknown>,
      }
    );
  }

  /** Stores metrics and the cursor that produced them atomically, so a crash never skips or doubles data. */
  advanceSource(runId: number, cursor: SourceCursor, rows: MetricRow[]): void {
    this.db.transaction(() => {
      this.addMetrics(runId, rows, cursor.reader);
      this.db
        .prepare(
          `INSERT INTO source_cursor (run_id, path, reader, offset, size, mtime_ms, state) VALUES (?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id, path) DO UPDATE SET reader = excluded.reader, offset = excluded.offset, size = excluded.size,
             mtime_ms = excluded.mtime_ms, state = excluded.state`,
        )
        .run(runId, cursor.path, cursor.reader, cursor.offset, cursor.size, cursor.mtimeMs, JSON.stringify(cursor.state));
    })();
  }

  // ---- problems ----

  /** Records what went wrong reading a path; returns true when the message is new (worth telling the user). */
  recordProblem(runId: number, path: string, message: string): boolean {
    const prev = this.db.prepare(`SELECT message FROM run_problem WHERE run_id = ? AND path = ?`).get(runId, path) as
      | { message: string }
      | undefined;
    const t = now();
    if (prev && prev.message === message) {
      this.db.prepare(`UPDATE run_problem SET last_seen = ? WHERE run_id = ? AND path = ?`).run(t, runId, path);
      return false;
    }
    this.db
      .prepare(
        `INSERT INTO run_problem (run_id, path, message, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (run_id, path) DO UPDATE SET message = excluded.message, first_seen = excluded.first_seen, last_seen = excluded.last_seen`,
      )
      .run(runId, path, message, t, t);
    this.emit({ type: "problem", runId, path, message });
    return true;
  }

  clearProblem(runId: number, path: string): void {
    this.db.prepare(`DELETE FROM run_problem WHERE run_id = ? AND path = ?`).run(runId, path);
  }

  listProblems(runId: number): RunProblem[] {
    return (
      this.db.prepare(`SELECT * FROM run_problem WHERE run_id = ? ORDER BY path`).all(runId) as {
        run_id: number;
        path: string;
        message: string;
        first_seen: string;
        last_seen: string;
      }[]
    ).map((r) => ({ runId: r.run_id, path: r.path, message: r.message, firstSeen: r.first_seen, lastSeen: r.last_seen }));
  }
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? "run";
}
